// The instructor's deck (slides/) and run sheet. Black box where it counts: the real
// `npm run slides` script builds the page and serves it, as processes; the deck's
// code blocks are compared with the stage files they come from; the run sheet's
// commands are checked against package.json and the stage folders.
//
// Edits happen in a copy made of the files git tracks (what a fresh clone has), in
// a temporary folder, so the repository is never touched.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { GEN_FLAGS } from '../scripts/gen';
import { findStage } from '../scripts/lib/stages';
import { parseOptions, UsageError } from '../slides/options';
import { DeckError, extractRegion, highlight, renderDeck } from '../slides/render';
import { Proc, runScript } from '../lib/processes';
import { ROOT } from './lib/stages';

const BUILD = path.join(ROOT, 'slides', 'build.ts');
const DECK = path.join(ROOT, 'slides', 'deck.md');
const RUN_SHEET = path.join(ROOT, 'slides', 'RUN-SHEET.md');
const CODE_LINE = /^<!--\s*code:\s*(\S+?)#([\w-]+)\s*-->$/gm;
const STACK_FRAME = /^\s*at .*:\d+:\d+\)?$/m;

const slides = (t: Test, args: string[]) => runScript(t, ROOT, BUILD, args, { INIT_CWD: ROOT });

function tmpDir(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slides-test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// The deck and the stage folders as a fresh clone has them: only files git tracks.
function cleanCopy(t: Test): string {
  const dir = tmpDir(t);
  const files = execFileSync('git', ['ls-files', '-z', '--', 'slides', '01-chat', 'solutions'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  return dir;
}

// Saved the way many editors save: a new file renamed over the old one, so that
// nothing ever reads it half written.
function edit(file: string, change: (text: string) => string): void {
  const before = fs.readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  fs.writeFileSync(`${file}.saving`, after);
  fs.renameSync(`${file}.saving`, file);
}

// The code blocks of a built page: where each came from, and its text.
function codeBlocks(html: string): Array<{ source: string; text: string }> {
  const blocks = [...html.matchAll(/<code class="language-\w+" data-source="([^"]+)">([\s\S]*?)<\/code>/g)];
  return blocks.map(([, source, body]) => ({
    source,
    text: body
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  }));
}

// A region read the simple way: the lines between its two marker lines, each
// without its indentation (so the comparison does not trust the build's dedent).
function regionLines(file: string, region: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region slides:${region}`);
  if (start < 0) return [];
  const body: string[] = [];
  let depth = 1;
  for (const line of lines.slice(start + 1)) {
    if (line.trim().startsWith('// #region')) depth++;
    else if (line.trim().startsWith('// #endregion')) depth--;
    else body.push(line.trim());
    if (depth === 0) break;
  }
  return body;
}

t.test('npm run slides builds a page that opens offline, with every code block read from its stage', async (t) => {
  const out = path.join(tmpDir(t), 'deck.html');
  const { code, output } = await slides(t, ['--out', out]);
  t.equal(code, 0, output);
  t.match(output, /^Built .*deck\.html: \d+ slides, \d+ code blocks from \d+ stage files, 2 diagrams/m);
  const html = fs.readFileSync(out, 'utf8');

  // Offline: nothing is fetched from elsewhere.
  t.notMatch(html, /<(script|img|iframe|source|video|audio)\b[^>]*\ssrc\s*=\s*["']?(https?:)?\/\//i, 'no external src');
  t.notMatch(html, /<link\b/i, 'no <link> (stylesheets are inline)');
  t.notMatch(html, /url\(\s*["']?(https?:)?\/\//i, 'no external url() in CSS');
  t.notMatch(html, /@import/, 'no CSS @import left');
  t.match(html, /<script>[\s\S]*querySelectorAll\('div\.marpit > svg\[data-marpit-svg\]'\)/, 'the viewer is inline');

  // Every directive became a block, in order, with the stage's lines.
  const deck = fs.readFileSync(DECK, 'utf8');
  const wanted = [...deck.matchAll(CODE_LINE)].map(([, file, region]) => ({ file, region }));
  const blocks = codeBlocks(html);
  t.ok(wanted.length >= 12, `the deck shows code (${wanted.length} blocks)`);
  t.same(blocks.map((block) => block.source), wanted.map(({ file, region }) => `${file}#${region}`));
  for (const [index, { file, region }] of wanted.entries()) {
    const expected = regionLines(path.join(ROOT, file), region);
    t.ok(expected.length > 0, `${file} has the region slides:${region}`);
    t.same(blocks[index].text.split('\n').map((line) => line.trim()), expected, `${file}#${region} matches the stage`);
  }

  // Code is never pasted into the deck: the only fenced blocks are shell commands.
  const fences = [...deck.matchAll(/^```(\S*)/gm)].map(([, lang]) => lang).filter((_, i) => i % 2 === 0);
  t.same([...new Set(fences)], ['sh'], 'fenced blocks in the deck are sh only');

  // The diagrams are inline SVG, from text files in slides/diagrams.
  const diagrams = [...deck.matchAll(/^!\[[^\]]*\]\((diagrams\/[\w.-]+\.svg)\)$/gm)].map(([, file]) => file);
  t.same(diagrams, ['diagrams/fan-out.svg', 'diagrams/direct-message.svg']);
  t.equal((html.match(/<figure class="diagram"[^>]*><svg /g) ?? []).length, 2);
  t.match(html, /callers\.get\(call\.getPeer\(\)\)/, 'the direct-message diagram is in the page');

  // What the deck must cover, by its slide titles.
  for (const title of [
    /gRPC, REST or WebSockets/, /field numbers/, /Types from the proto/, /01-chat: one room, two RPCs/,
    /Task 1/, /Stretch/, /Further/, /Status codes/, /Deadlines/,
    /Exercise 04/, /Exercise 05/, /Exercise 06/, /Exercise 07: scale-out/, /Where to go next/,
  ]) {
    t.match(deck, new RegExp(`^## .*${title.source}`, 'm'), `a slide on ${title.source}`);
  }
  // Commands on slides exist too, and the generator's flags are the ones the stages use.
  const generate = [...deck.matchAll(/^npx proto-loader-gen-types .*$/gm)].map(([line]) => line);
  t.same(generate, [`npx proto-loader-gen-types ${GEN_FLAGS.join(' ')} --outDir=generated chat.proto`]);
  for (const [, script, stage] of deck.matchAll(/npm run ([\w:-]+)(?: -- ([\w-]+))?/g)) {
    t.ok(script in scripts(), `npm run ${script} exists`);
    if (stage && !stage.startsWith('-')) t.ok(findStage(stage), `stage ${stage} exists`);
  }
});

t.test('from a fresh clone: a slide follows its stage, and a missing region stops the build by name', async (t) => {
  const copy = cleanCopy(t);
  const deck = path.join(copy, 'slides', 'deck.md');
  const server = path.join(copy, '01-chat', 'server.ts');
  const restore = (file: string) => fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
  const failure = (pattern: RegExp) => {
    let error: unknown;
    try {
      renderDeck(deck);
    } catch (caught) {
      error = caught;
    }
    t.ok(error instanceof DeckError, `the build stops: ${pattern.source}`);
    t.match((error as Error | undefined)?.message, pattern);
  };

  t.ok(renderDeck(deck).codeBlocks.length > 0, 'committed files are enough');

  edit(server, (text) => text.replace('    listeners.add(call);\n', '    listeners.add(call); // on the slide now\n'));
  const listen = codeBlocks(renderDeck(deck).html).find((block) => block.source === '01-chat/server.ts#listen');
  t.match(listen?.text, /listeners\.add\(call\); \/\/ on the slide now/, 'the edited line is on the slide');

  // The command line: exit code, the message, nothing written.
  edit(server, (text) => text.replace('// #region slides:listen', '// #region slides:listening'));
  const out = path.join(copy, 'out.html');
  const result = await slides(t, ['--deck', deck, '--out', out]);
  t.equal(result.code, 1);
  t.match(result.output, /^Slides not built: slides\/deck\.md, slide \d+ \("01-chat: the server"\): 01-chat\/server\.ts has no region "slides:listen" \(its regions: send-message, listening\)$/m);
  t.notMatch(result.output, STACK_FRAME);
  t.notOk(fs.existsSync(out), 'nothing written');

  edit(server, (text) => text.replace('// #region slides:listening', '// #region slides:listen'));
  fs.rmSync(path.join(copy, 'slides', 'diagrams', 'fan-out.svg'));
  failure(/slide \d+ \("01-chat: one room, two RPCs"\): diagrams\/fan-out\.svg: no such diagram/);

  fs.writeFileSync(path.join(copy, 'slides', 'diagrams', 'fan-out.svg'), '<p>not a drawing</p>');
  failure(/diagrams\/fan-out\.svg is not an <svg> element/);

  restore('slides/diagrams/fan-out.svg');
  fs.rmSync(path.join(copy, '01-chat', 'client.ts'));
  failure(/slide \d+ \("01-chat: the client's stream"\): 01-chat\/client\.ts: no such file/);

  restore('01-chat/client.ts');
  edit(deck, (text) => text.replace('## Try it', '## Try it\n\n<!--\n<!-- code: 01-chat/client.ts#send -->\n-->'));
  failure(/^slides\/deck\.md, slide \d+ \("Try it"\): "<!-- code: 01-chat\/client\.ts#send -->" is on no slide: is it inside an HTML comment\?$/);

  restore('slides/deck.md');
  fs.rmSync(path.join(copy, 'slides', 'theme.css'));
  failure(/^Cannot read slides\/theme\.css, which the deck needs$/);

  t.throws(() => renderDeck(path.join(copy, 'slides', 'nothing.md')), /^Cannot read the deck .*nothing\.md$/);
});

t.test('regions are found by their markers', async (t) => {
  const file = [
    'a();',
    '  // #region slides:outer',
    '  b();',
    '  // #region slides:inner',
    '    c(); // x',
    '  // #endregion',
    '  // #endregion',
    '// #region slides:open',
    'd();',
    '// #region slides:empty',
    '// #endregion',
  ].join('\n');
  t.equal(extractRegion(file, 'outer'), 'b();\n  c(); // x', 'nested markers left out, indentation removed');
  t.equal(extractRegion(file, 'inner'), 'c(); // x');
  t.throws(() => extractRegion(file, 'nope'), /has no region "slides:nope" \(its regions: outer, inner, open, empty\)/);
  t.throws(() => extractRegion('x();', 'nope'), /it has no slides regions/);
  t.throws(() => extractRegion(file, 'open'), /never closes the region "slides:open"/);
  t.throws(() => extractRegion(file, 'empty'), /has an empty region "slides:empty"/);
  t.throws(() => extractRegion(`${file}\n// #region slides:inner\nx\n// #endregion`, 'inner'), /"slides:inner" 2 times/);
  t.equal(
    highlight(`if (a < 'b') return; // done`, 'ts'),
    `<span class="tok-keyword">if</span> (a &lt; <span class="tok-string">'b'</span>) <span class="tok-keyword">return</span>; <span class="tok-comment">// done</span>`,
  );
  t.equal(highlight('x', 'txt'), 'x');
});

t.test('bad flags get a clear message', async (t) => {
  const parse = (args: string[]) => parseOptions(args, '/somewhere');
  t.throws(() => parse(['--bogus']), /^Unknown option '--bogus'/);
  t.throws(() => parse(['stray']), /^Unexpected argument 'stray'/);
  t.throws(() => parse(['--port', '9000']), /^--port only goes with --serve$/);
  t.throws(() => parse(['--serve', '--port', '99999']), /^Invalid --port 99999: a number from 0 to 65535$/);
  t.throws(() => parse(['--serve', '--port', 'x']), /^Invalid --port x/);
  t.throws(() => parse(['--serve', '--out', 'x.html']), /^--out does not go with --serve/);
  t.match(parse(['--serve', '--port', '0']), { serve: true, port: 0, deck: DECK });
  t.match(parse(['--deck', 'd.md', '--out', 'o.html']), { serve: false, port: 8000, deck: '/somewhere/d.md', out: '/somewhere/o.html' });
  t.match(parse(['-h']), { help: true });

  t.ok(new UsageError('x') instanceof Error);

  // As a person sees it: the reason, then the usage; exit code 2. --help: exit 0.
  const [bad, help] = await Promise.all([slides(t, ['--serve', '--port', '99999']), slides(t, ['--help'])]);
  t.equal(bad.code, 2);
  t.match(bad.output, /^Invalid --port 99999: a number from 0 to 65535\nUsage: npm run slides/m);
  t.notMatch(bad.output, STACK_FRAME);
  t.equal(help.code, 0);
  t.match(help.output, /^Usage: npm run slides/);
});

// The server-sent events of a served deck, as a page's EventSource sees them: the id
// of the current build when connecting, and each new one.
function watchBuilds(t: Test, port: number) {
  let received = '';
  let wake: () => void = () => {};
  const request = http.get(`http://127.0.0.1:${port}/events`, (response) => {
    response.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      wake();
    });
  });
  request.on('error', () => {});
  t.teardown(() => request.destroy());
  const ids = () => [...received.matchAll(/^data: (\w+)$/gm)].map(([, id]) => id);
  let current = '';
  // Resolve with the first id (or, once there is one, the next new id).
  const next = (what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no new build after ${what}; received: ${received}`)), 20_000);
      const check = () => {
        const id = ids().at(-1);
        if (id !== undefined && id !== current) {
          current = id;
          clearTimeout(timer);
          resolve(id);
        } else wake = check;
      };
      check();
    });
  return { next };
}

async function get(port: number, url = '/'): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${url}`);
  return { status: response.status, body: await response.text() };
}

t.test('npm run slides -- --serve serves the deck and reloads it on every edit', async (t) => {
  const copy = cleanCopy(t);
  const deck = path.join(copy, 'slides', 'deck.md');
  const proc = new Proc('slides --serve', ROOT, BUILD, ['--serve', '--port', '0', '--deck', deck], { INIT_CWD: ROOT });
  t.teardown(() => proc.stop());
  const line = await proc.waitFor(/^Slides at http:\/\/127\.0\.0\.1:\d+\/ /);
  const port = Number(/:(\d+)\//.exec(line)?.[1]);

  let page = await get(port);
  t.equal(page.status, 200);
  t.match(page.body, /<section\b/);
  t.match(page.body, /new EventSource\('\/events'\)/, 'the served page listens for new builds');
  t.equal((await get(port, '/nothing')).status, 404);

  const builds = watchBuilds(t, port);
  const first = await builds.next('connecting');
  t.match(page.body, `if (event.data !== '${first}') location.reload();`, 'the page knows its build');

  // A stage file the deck shows code from.
  const server = path.join(copy, '01-chat', 'server.ts');
  edit(server, (text) => text.replace('    listeners.add(call);\n', '    listeners.add(call); // edited while serving\n'));
  await builds.next('editing 01-chat/server.ts');
  t.match((await get(port)).body, /edited while serving/);

  // The deck itself.
  edit(deck, (text) => text.replace('## Deadlines', '## Deadlines, edited'));
  await builds.next('editing the deck');
  t.match((await get(port)).body, /Deadlines, edited/);

  // A diagram.
  edit(path.join(copy, 'slides', 'diagrams', 'direct-message.svg'), (text) => text.replace('(nothing)', '(nothing at all)'));
  await builds.next('editing a diagram');
  t.match((await get(port)).body, /\(nothing at all\)/);

  // A broken region: the page says what is wrong, and the server keeps going.
  edit(server, (text) => text.replace('// #region slides:listen', '// #region slides:gone'));
  await builds.next('breaking a region');
  page = await get(port);
  t.match(page.body, /Slides not built/);
  t.match(page.body, /01-chat\/server\.ts has no region &quot;slides:listen&quot;/);
  await proc.waitFor(/^Slides not built: .*01-chat\/server\.ts has no region "slides:listen"/);
  edit(server, (text) => text.replace('// #region slides:gone', '// #region slides:listen'));
  await builds.next('mending the region');
  t.match((await get(port)).body, /edited while serving/);

  // The port is taken now: a second server says so.
  const second = await runScript(t, ROOT, BUILD, ['--serve', '--port', String(port), '--deck', deck], { INIT_CWD: ROOT });
  t.equal(second.code, 1);
  t.match(second.output, new RegExp(`Port ${port} is already in use`));

  // Ctrl+C stops it cleanly.
  const exit = await proc.stop('SIGINT');
  t.equal(exit.code, 0);
  t.match(proc.output, /Stopped serving the slides\./);
  t.notMatch(proc.output, STACK_FRAME);
});

function scripts(): Record<string, string> {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

t.test("the run sheet's commands exist, its stages exist, and its problems are the checker's", async (t) => {
  const sheet = fs.readFileSync(RUN_SHEET, 'utf8');
  t.match(sheet, /^## A 2-hour session/m);
  t.match(sheet, /^## A 3-hour session/m);
  t.match(sheet, /^## When the room is ahead/m);
  t.match(sheet, /^## When the room is behind/m);

  const commands = [...sheet.matchAll(/npm run ([\w:-]+)((?: [^\s`|]+)*)/g)];
  t.ok(commands.length >= 10, `${commands.length} commands`);
  for (const [command, script, rest] of commands) {
    t.ok(script in scripts(), `${command}: npm run ${script} is in package.json`);
    // check takes a stage (then maybe a folder); diff takes two stages.
    const args = rest.trim().split(' ').filter((arg) => arg && arg !== '--');
    const stages = script === 'check' ? args.slice(0, 1) : script === 'diff' ? args.slice(0, 2) : [];
    for (const stage of stages) t.ok(findStage(stage), `${command}: the stage ${stage} exists`);
  }
  // Every stage it names, in a command or not, exists.
  for (const [stage] of sheet.matchAll(/\b0\d-[a-z][a-z-]*[a-z]/g)) t.ok(findStage(stage), `the stage ${stage} exists`);
  // Every check a step ends with is a stage of the workshop.
  for (const stage of ['01-add-user', '02-direct-message', '03-status-code']) {
    t.match(sheet, new RegExp(`npm run check -- ${stage}`), `a step ends with npm run check -- ${stage}`);
  }

  // The common problems quote what the checker prints.
  const checker = ['scripts/check.ts', 'scripts/lib/hints.ts']
    .map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8'))
    .join('\n');
  const quoted = [...sheet.matchAll(/The checker says:\s+`([^`]+)`/g)].map(([, text]) => text);
  t.equal(quoted.length, 3, 'three common problems');
  for (const text of quoted) {
    const fixed = text
      .split(/<[^>]+>/)
      .map((part) => part.replace(/^[^\w]+|[^\w]+$/g, ''))
      .filter(Boolean);
    t.ok(fixed.some((part) => part.length >= 8), `${text} quotes more than placeholders`);
    for (const part of fixed) t.ok(checker.includes(part), `"${part}" is in the checker's source`);
  }

  // Slides it names (in curly quotes) are slides of the deck.
  const titles = new Set([...fs.readFileSync(DECK, 'utf8').matchAll(/^## (.+)$/gm)].map(([, title]) => title));
  const named = [...sheet.matchAll(/“([^”]+)”/g)].map(([, title]) => title.replace(/\s+/g, ' '));
  t.ok(named.length >= 10, `${named.length} slides named`);
  for (const title of named.filter((title) => !title.includes('One server for the whole room') && !title.startsWith('✗'))) {
    t.ok(titles.has(title), `the slide “${title}” is in the deck`);
  }

  // The diffs it tells the instructor to show run.
  const diffs = commands.filter(([, script]) => script === 'diff').map(([, , rest]) => rest.replace(/^ --/, '').trim().split(' '));
  t.ok(diffs.length >= 3, 'the walkthroughs are diffs');
  await Promise.all(
    [...new Map(diffs.map((a) => [a.join(' '), a])).values()].map(async (args) => {
      const { code, output } = await runScript(t, ROOT, path.join(ROOT, 'scripts', 'diff.ts'), args, { INIT_CWD: ROOT });
      t.equal(code, 0, `npm run diff -- ${args.join(' ')}`);
      t.match(output, /^diff --git /m);
    }),
  );
});
