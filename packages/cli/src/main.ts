#!/usr/bin/env node
/** `graphium`: the command line for operators and scripts (work in progress). */
console.error('graphium: not built yet');
process.exit(1);
