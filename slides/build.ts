// build.ts: `npm run slides` builds the deck into slides/dist/index.html;
// `npm run slides -- --serve [--port N]` serves it and reloads the page on every edit.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DeckError, renderDeck } from './render';
import { serve } from './serve';

const USAGE = `Usage: npm run slides [-- --serve [--port N]] [--deck FILE] [--out FILE]
  (no flags)    build slides/dist/index.html, a page that opens offline
  --serve       serve the deck at http://127.0.0.1:8000/ and reload it on every edit
  --port N      the port for --serve (0 picks a free one)
  --deck FILE   another deck than slides/deck.md (a copy, with its stages beside it)
  --out FILE    write the page there instead of slides/dist/index.html`;

// npm runs scripts from the root; paths on the command line are the user's.
const cwd = process.env.INIT_CWD ?? process.cwd();

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `${message}\n${USAGE}` : message);
  process.exit(code);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        serve: { type: 'boolean' },
        port: { type: 'string' },
        deck: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.port !== undefined && !values.serve) fail('--port only goes with --serve');
  if (values.out !== undefined && values.serve) fail('--out does not go with --serve: the served page is not written');
  const port = values.port ?? '8000';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) fail(`Invalid --port ${port}: a number from 0 to 65535`);
  return {
    serve: values.serve ?? false,
    port: Number(port),
    deck: values.deck ? path.resolve(cwd, values.deck) : path.join(__dirname, 'deck.md'),
    out: values.out ? path.resolve(cwd, values.out) : path.join(__dirname, 'dist', 'index.html'),
  };
}

function build(deckFile: string, out: string): void {
  let deck;
  try {
    deck = renderDeck(deckFile);
  } catch (error) {
    if (error instanceof DeckError) fail(`Slides not built: ${error.message}`, 1);
    throw error;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, deck.html);
  const files = new Set(deck.codeBlocks.map((block) => block.file)).size;
  console.log(
    `Built ${path.relative(cwd, out) || out}: ${deck.slides} slides, ${deck.codeBlocks.length} code blocks ` +
      `from ${files} stage files, ${deck.diagrams.length} diagrams (${Math.round(deck.html.length / 1024)} KB)`,
  );
}

const opts = options();
if (opts.serve) serve(opts.deck, opts.port);
else build(opts.deck, opts.out);
