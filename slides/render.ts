// render.ts: slides/deck.md → one self-contained HTML page.
//
// The deck never contains stage code. A line `<!-- code: 01-chat/server.ts#listen -->`
// stands for the region of that stage file between `// #region slides:listen` and
// `// #endregion`, read when the deck is built; `![text](diagrams/x.svg)` on a line of
// its own puts that SVG file into the page. Marp (@marp-team/marp-core) turns the
// Markdown into slides; the page carries its CSS, the viewer script and the diagrams
// inline, so it opens from a file, offline.
import fs from 'node:fs';
import path from 'node:path';
import { Marp } from '@marp-team/marp-core';

const CODE_LINE = /^<!--\s*code:\s*(\S+?)#([\w-]+)\s*-->$/;
const DIAGRAM_LINE = /^!\[([^\]]*)\]\((diagrams\/[\w.-]+\.svg)\)$/;
const REGION_START = /^\s*\/\/\s*#region\s+slides:([\w-]+)\s*$/;
const REGION_END = /^\s*\/\/\s*#endregion\b/;

// A problem in the deck or a file it takes code from: the message names where.
export class DeckError extends Error {}

export interface Deck {
  html: string; // the whole page
  slides: number;
  codeBlocks: Array<{ slide: number; file: string; region: string }>;
  diagrams: string[]; // paths relative to the deck's folder
  inputs: string[]; // every file read, absolute: what --serve watches
}

// The lines of `text` between `// #region slides:<name>` and its `// #endregion`,
// without marker lines of regions nested in it, and without the indentation they
// all share. Throws a DeckError-ready message (without the "where") otherwise.
export function extractRegion(text: string, name: string): string {
  const lines = text.split(/\r?\n/);
  const found = lines.flatMap((line, index) => (REGION_START.exec(line)?.[1] === name ? [index] : []));
  if (found.length === 0) {
    const names = lines.flatMap((line) => REGION_START.exec(line)?.[1] ?? []);
    throw new Error(`has no region "slides:${name}" (${names.length ? `its regions: ${names.join(', ')}` : 'it has no slides regions'})`);
  }
  if (found.length > 1) throw new Error(`has the region "slides:${name}" ${found.length} times`);
  const body: string[] = [];
  let depth = 1;
  for (const line of lines.slice(found[0] + 1)) {
    if (REGION_START.test(line)) depth++;
    else if (REGION_END.test(line)) depth--;
    else {
      body.push(line);
      continue;
    }
    if (depth === 0) break;
  }
  if (depth > 0) throw new Error(`never closes the region "slides:${name}" (no "// #endregion" after it)`);
  if (!body.some((line) => line.trim())) throw new Error(`has an empty region "slides:${name}"`);
  const indent = Math.min(...body.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return body.map((line) => line.slice(indent).trimEnd()).join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const KEYWORDS: Record<string, string[]> = {
  ts: ('as async await break case catch const continue else export false for function if import in ' +
    'interface let new null of return switch throw true try type typeof undefined void while').split(' '),
  proto: 'enum message package returns rpc service stream syntax bool bytes int32 int64 string'.split(' '),
};

// Just enough highlighting for a projector: comments (they carry the explanations),
// strings and keywords.
export function highlight(code: string, lang: string): string {
  const words = KEYWORDS[lang] ?? [];
  const token = new RegExp(
    String.raw`(\/\/.*$)|('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|` + '`(?:\\\\.|[^`\\\\])*`)' +
      (words.length ? String.raw`|\b(${words.join('|')})\b` : ''),
    'gm',
  );
  let out = '';
  let last = 0;
  for (const match of code.matchAll(token)) {
    const kind = match[1] !== undefined ? 'comment' : match[2] !== undefined ? 'string' : 'keyword';
    out += escapeHtml(code.slice(last, match.index)) + `<span class="tok-${kind}">${escapeHtml(match[0])}</span>`;
    last = match.index + match[0].length;
  }
  return out + escapeHtml(code.slice(last));
}

function codeBlock(file: string, region: string, code: string): string {
  const lang = path.extname(file) === '.proto' ? 'proto' : 'ts';
  return (
    `<figure class="code"><figcaption>${escapeHtml(file)}</figcaption>` +
    `<pre is="marp-pre" data-auto-scaling="downscale-only"><code class="language-${lang}" data-source="${escapeHtml(`${file}#${region}`)}">` +
    `${highlight(code, lang)}</code></pre></figure>`
  );
}

// An SVG file as it goes into the page: without an XML prologue or comments.
function inlineSvg(text: string): string {
  const svg = text.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
  if (!/^<svg[\s>]/.test(svg) || !svg.endsWith('</svg>')) throw new Error('is not an <svg> element');
  return svg;
}

// deckFile is slides/deck.md or a copy of it; the stage paths in it are relative to
// the folder above the deck's (the repository root), diagrams to the deck's folder.
export function renderDeck(deckFile: string, { reloadScript = '' } = {}): Deck {
  const deckDir = path.dirname(deckFile);
  const root = path.dirname(deckDir);
  const where = path.relative(root, deckFile);
  const read = (file: string) => {
    deck.inputs.push(file);
    return fs.readFileSync(file, 'utf8');
  };
  // The deck's own files beside it: the theme and the viewer.
  const asset = (name: string) => {
    try {
      return read(path.join(deckDir, name));
    } catch {
      throw new DeckError(`Cannot read ${path.join(path.relative(root, deckDir), name)}, which the deck needs`);
    }
  };
  const deck: Deck = { html: '', slides: 0, codeBlocks: [], diagrams: [], inputs: [] };
  let source: string;
  try {
    source = read(deckFile);
  } catch {
    throw new DeckError(`Cannot read the deck ${deckFile}`);
  }

  // Replace directives by placeholders that Markdown leaves alone, and remember
  // which slide each is on, for messages that say where.
  const inserts: string[] = [];
  const insertedBy: string[] = []; // the line and where it is, for each insert
  const out: string[] = [];
  let slide = 1;
  let title = '';
  let fence = '';
  let frontMatter = false;
  source.split(/\r?\n/).forEach((line, index) => {
    if (index === 0 && line === '---') frontMatter = true;
    else if (frontMatter) frontMatter = line !== '---';
    else if (fence) fence = line.startsWith(fence) ? '' : fence;
    else if (/^(```|~~~)/.test(line)) fence = line.slice(0, 3);
    else if (line === '---') {
      slide++;
      title = '';
    } else if (!title && /^#{1,3} /.test(line)) title = line.replace(/^#+ /, '');
    const code = !fence && CODE_LINE.exec(line);
    const diagram = !fence && DIAGRAM_LINE.exec(line);
    if (!code && !diagram) {
      out.push(line);
      return;
    }
    const here = `${where}, slide ${slide}${title ? ` ("${title}")` : ''}`;
    try {
      if (code) {
        const [, file, region] = code;
        let text: string;
        try {
          text = read(path.join(root, file));
        } catch {
          throw new Error(`${file}: no such file`);
        }
        try {
          inserts.push(codeBlock(file, region, extractRegion(text, region)));
        } catch (error) {
          throw new Error(`${file} ${(error as Error).message}`);
        }
        deck.codeBlocks.push({ slide, file, region });
      } else if (diagram) {
        const [, alt, file] = diagram;
        let text: string;
        try {
          text = read(path.join(deckDir, file));
        } catch {
          throw new Error(`${file}: no such diagram`);
        }
        try {
          inserts.push(`<figure class="diagram" role="img" aria-label="${escapeHtml(alt)}">${inlineSvg(text)}</figure>`);
        } catch (error) {
          throw new Error(`${file} ${(error as Error).message}`);
        }
        deck.diagrams.push(file);
      }
    } catch (error) {
      throw new DeckError(`${here}: ${(error as Error).message}`);
    }
    insertedBy.push(`${here}: "${line}"`);
    out.push('', `<div data-slides-insert="${inserts.length - 1}"></div>`, '');
  });

  const marp = new Marp({ html: true, math: false, emoji: { shortcode: false, unicode: false }, script: { source: 'inline' } });
  marp.themeSet.add(asset('theme.css'));
  const { html, css } = marp.render(out.join('\n'));
  let body = html;
  inserts.forEach((insert, index) => {
    const placeholder = `<div data-slides-insert="${index}"></div>`;
    if (!body.includes(placeholder)) throw new DeckError(`${insertedBy[index]} is on no slide: is it inside an HTML comment?`);
    body = body.replace(placeholder, () => insert);
  });
  deck.slides = (body.match(/<section\b/g) ?? []).length;

  const heading = /^# (.+)$/m.exec(source)?.[1] ?? 'Slides';
  deck.html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${css}</style>`,
    `<style>${asset('viewer.css')}</style>`,
    '</head>',
    '<body>',
    body,
    `<script>${asset('viewer.js')}</script>`,
    reloadScript,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return deck;
}
