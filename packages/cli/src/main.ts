#!/usr/bin/env node
/** `graphium`: the command line for operators and scripts. Everything but process wiring is in program.ts. */
import { processIo } from './output/io.js';
import { run } from './program.js';

const code = await run(process.argv.slice(2), { io: processIo(), env: process.env });
process.exitCode = code;
