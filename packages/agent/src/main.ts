#!/usr/bin/env node
// Skeleton: the agent's queue loop and Docker executors are issue #4.
import { Command } from 'commander';

const program = new Command('agent')
  .description('Graphium agent: pulls its host task queue and runs it on the local Docker engine')
  .option('--host-id <id>', 'this host id')
  .action(() => {
    console.error('agent is not built yet: it arrives with issue #4 (see README "Status").');
    process.exitCode = 2;
  });

program.parse();
