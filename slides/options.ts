// options.ts: the command line of `npm run slides`.
import path from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run slides [-- --serve [--port N]] [--deck FILE] [--out FILE]
  (no flags)    build slides/dist/index.html, a page that opens offline
  --serve       serve the deck at http://127.0.0.1:8000/ and reload it on every edit
  --port N      the port for --serve (0 picks a free one)
  --deck FILE   another deck than slides/deck.md (a copy, with its stages beside it)
  --out FILE    write the page there instead of slides/dist/index.html`;

// A command line that makes no sense: the message says why, and the usage follows.
export class UsageError extends Error {}

export interface Options {
  help: boolean;
  serve: boolean;
  port: number;
  deck: string;
  out: string;
}

// `cwd` is where the user typed the command (npm runs scripts from the root).
export function parseOptions(args: string[], cwd: string): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        serve: { type: 'boolean' },
        port: { type: 'string' },
        deck: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.port !== undefined && !values.serve) throw new UsageError('--port only goes with --serve');
  if (values.out !== undefined && values.serve) {
    throw new UsageError('--out does not go with --serve: the served page is not written');
  }
  const port = values.port ?? '8000';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError(`Invalid --port ${port}: a number from 0 to 65535`);
  return {
    help: values.help ?? false,
    serve: values.serve ?? false,
    port: Number(port),
    deck: values.deck ? path.resolve(cwd, values.deck) : path.join(__dirname, 'deck.md'),
    out: values.out ? path.resolve(cwd, values.out) : path.join(__dirname, 'dist', 'index.html'),
  };
}
