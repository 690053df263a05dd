// Minimal declarations for the untyped CommonJS packages behind the embedded store.
declare module 'pouchdb-node' {
  interface PouchStatic {
    defaults(options: { prefix?: string; adapter?: string }): PouchStatic;
  }
  const PouchDB: PouchStatic;
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface ExpressPouchdbOptions {
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    overrideMode?: { include?: string[]; exclude?: string[] };
    logPath?: string;
    configPath?: string;
  }
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  export default function expressPouchdb(pouch: unknown, options?: ExpressPouchdbOptions): Handler;
}
