/**
 * The embedded store's worker thread: serves the store (embedded.ts) and tells the main thread where. On
 * `close` it closes the server and the LevelDB files, says so, and lets the thread end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveEmbeddedStore, type WorkerReply } from './embedded.js';

const port = parentPort;
if (port === null) throw new Error('embeddedWorker.js runs as a worker thread only');
const reply = (message: WorkerReply) => port.postMessage(message);

try {
  const store = await serveEmbeddedStore({ dataDir: (workerData as { dataDir: string }).dataDir });
  port.on('message', (message: unknown) => {
    if (message !== 'close') return;
    void store.close().finally(() => {
      reply({ kind: 'closed' });
      port.close();
    });
  });
  reply({ kind: 'ready', url: store.url, token: store.token });
} catch (error) {
  reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}
