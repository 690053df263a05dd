#!/usr/bin/env node
// Skeleton: the controller's server (HTTP API, task queue on CouchDB, embedded store) is issue #3.
import { Command } from 'commander';

const program = new Command('controller').description('Graphium controller: HTTP API, web UI and task queue');

program
  .command('serve')
  .description('serve the HTTP API and task queue (not built yet)')
  .action(() => {
    console.error('controller serve is not built yet: the server arrives with issue #3 (see README "Status").');
    process.exitCode = 2;
  });

program.parse();
