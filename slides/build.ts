// build.ts: `npm run slides` builds the deck into slides/dist/index.html;
// `npm run slides -- --serve [--port N]` serves it and reloads the page on every edit.
import fs from 'node:fs';
import path from 'node:path';
import { parseOptions, USAGE, UsageError } from './options';
import { DeckError, renderDeck } from './render';
import { serve } from './serve';

const cwd = process.env.INIT_CWD ?? process.cwd();

function build(deckFile: string, out: string): void {
  const deck = renderDeck(deckFile);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, deck.html);
  const files = new Set(deck.codeBlocks.map((block) => block.file)).size;
  console.log(
    `Built ${path.relative(cwd, out) || out}: ${deck.slides} slides, ${deck.codeBlocks.length} code blocks ` +
      `from ${files} stage files, ${deck.diagrams.length} diagrams (${Math.round(deck.html.length / 1024)} KB)`,
  );
}

try {
  const options = parseOptions(process.argv.slice(2), cwd);
  if (options.help) console.log(USAGE);
  else if (options.serve) serve(options.deck, options.port);
  else build(options.deck, options.out);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof DeckError) {
    console.error(`Slides not built: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
