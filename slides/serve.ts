// serve.ts: the deck on a local port while you edit it. The page is rebuilt when the
// deck, its theme, viewer or diagrams, or a stage file it shows code from changes;
// open pages hear the new build's id over server-sent events (/events) and reload.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DeckError, escapeHtml, renderDeck } from './render';

// The page knows which build it is; the events say which is current: on connecting
// (also after a restart of this server) and on every change.
const reloadScript = (build: string) =>
  `<script>new EventSource('/events').onmessage = (event) => { if (event.data !== '${build}') location.reload(); };</script>`;
const BUILD = '@@build@@';
const SETTLE_MS = 100; // editors write a file in several steps: wait for the last

export function serve(deckFile: string, port: number): void {
  let page = '';
  let build = '';
  let watched = new Map<string, fs.FSWatcher>(); // by folder
  let inputs = new Set<string>();
  const clients = new Set<http.ServerResponse>();

  function rebuild(): void {
    let next: string;
    try {
      const deck = renderDeck(deckFile, { reloadScript: reloadScript(BUILD) });
      next = deck.html;
      inputs = new Set(deck.inputs);
      console.log(`Built ${deck.slides} slides`);
    } catch (error) {
      if (!(error instanceof DeckError)) throw error;
      console.error(`Slides not built: ${error.message}`);
      next = `<!DOCTYPE html><meta charset="utf-8"><title>Slides not built</title><pre>${escapeHtml(error.message)}</pre>${reloadScript(BUILD)}`;
      // Keep watching what the last good build read, and the deck.
      inputs.add(deckFile);
    }
    watch();
    const id = createHash('sha256').update(next).digest('hex').slice(0, 16);
    if (id === build) return;
    build = id;
    const at = next.lastIndexOf(BUILD);
    page = next.slice(0, at) + id + next.slice(at + BUILD.length);
    for (const client of clients) client.write(`data: ${build}\n\n`);
  }

  // One watcher per folder (a watched file that an editor replaces is lost).
  let timer: NodeJS.Timeout | undefined;
  function watch(): void {
    const folders = new Set([...inputs].map((file) => path.dirname(file)));
    const next = new Map<string, fs.FSWatcher>();
    for (const folder of folders) {
      const existing = watched.get(folder);
      if (existing) {
        next.set(folder, existing);
        continue;
      }
      try {
        next.set(folder, fs.watch(folder, (_event, name) => {
          if (name !== null && !inputs.has(path.join(folder, name.toString()))) return;
          clearTimeout(timer);
          timer = setTimeout(rebuild, SETTLE_MS);
        }));
      } catch {
        // A folder that does not exist (yet): the deck names a missing file; the
        // error page says which, and the deck's own folder is still watched.
      }
    }
    for (const [folder, watcher] of watched) if (!next.has(folder)) watcher.close();
    watched = next;
  }

  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/' || url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
    } else if (url === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(`retry: 1000\ndata: ${build}\n\n`);
      clients.add(response);
      request.on('close', () => clients.delete(response));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found: the deck is at /\n');
    }
  });

  rebuild();
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `Port ${port} is already in use: pick another with --port N (0 picks a free one).`
        : `Cannot serve on port ${port}: ${error.message}`,
    );
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address() as { port: number };
    console.log(`Slides at http://127.0.0.1:${bound}/ (they reload when you edit the deck or the code it shows; Ctrl+C stops)`);
  });

  function stop(): void {
    console.log('Stopped serving the slides.');
    clearTimeout(timer);
    for (const watcher of watched.values()) watcher.close();
    for (const client of clients) client.end();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  }
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
