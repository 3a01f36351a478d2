// `node lib/run-ts.js file.ts args…`: run a TypeScript file as the main module,
// transpiled by esbuild-register (see RUN_TS in processes.ts). Node runs the main
// file through its ES module loader whenever a loader hook is registered (tap's
// coverage registers one), and that loader does not know .ts: so this small
// CommonJS file is the entry, and it loads the .ts file as the main module itself.
'use strict';
const path = require('node:path');
const Module = require('node:module');

require('esbuild-register');
const file = path.resolve(process.argv[2]);
process.argv.splice(1, 1); // the script sees the argv it would see if started directly
Module._load(file, null, true);
