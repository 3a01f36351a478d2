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
try {
  Module._load(file, null, true);
} catch (error) {
  // A file esbuild cannot parse: its message says "Transform failed with 1 error:"
  // and gives the reason on the next line. Say it on one line, as node would.
  const first = error && Array.isArray(error.errors) ? error.errors[0] : undefined;
  if (!first) throw error;
  const at = first.location;
  const where = at ? `${path.relative(process.cwd(), at.file)}:${at.line}:${at.column + 1}: ` : "";
  throw new SyntaxError(`${where}${first.text}`);
}
