#!/usr/bin/env node
/**
 * Entry point of the `agent` binary. Before anything else loads, V8's young generation is capped: by default
 * it reserves 32 MiB for short-lived objects, sized for allocation-heavy servers, while an agent that mostly
 * waits on long-polls allocates little. Capped, the idle agent stays well under its 80 MiB budget at the
 * cost of more frequent (cheap) scavenges. The CLI itself is in cli.ts.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--max-semi-space-size=1');
setFlagsFromString('--semi-space-growth-factor=1');

await import('./cli.js');
