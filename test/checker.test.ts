// The checker itself, on attendee-style work: attempts at each task written from
// 01-chat/README.md with their own choices (test/fixtures/attempts: one asks for the
// name with prompts, one with node:readline; their own name rules, wordings, enum
// names) pass their stage's checks, and for every check a broken variant fails it
// with a hint that names the task step. The runs are independent, so they run a
// few at a time.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { LEVELS, assemble, workspace, type Level } from './lib/attempts';
import { Proc, runScript } from '../lib/processes';
import { ROOT } from './lib/stages';

t.setTimeout(10 * 60_000);

const CHECK = path.join(ROOT, 'scripts', 'check.ts');
const PARALLEL = 3; // check runs at once: they mostly wait for processes

const space = workspace();
t.teardown(() => space.remove());

// At most PARALLEL of these at a time.
let running = 0;
const queue: Array<() => void> = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

// `npm run check` on a folder. A broken folder is expected to miss lines, so it
// waits for them for less time than the 20 s an attendee gets.
function check(t: Test, args: string[], env: NodeJS.ProcessEnv = {}) {
  return slot(() => runScript(t, ROOT, CHECK, args, { INIT_CWD: ROOT, ...env }));
}

// The ✓/✗ lines of a check's output, with the hint lines under each.
function checklist(output: string): Map<string, { ok: boolean; hints: string[] }> {
  const items = new Map<string, { ok: boolean; hints: string[] }>();
  let last: { ok: boolean; hints: string[] } | undefined;
  for (const line of output.split('\n')) {
    const item = /^ {2}([✓✗]) (.*)$/.exec(line);
    if (item) items.set(item[2], (last = { ok: item[1] === '✓', hints: [] }));
    else if (last && /^ {6}\S/.test(line)) last.hints.push(line.trim());
    else last = undefined;
  }
  return items;
}

const attempts = ['prompts', 'readline'];

// Every run is queued at once, so that the slots stay busy from the first test to
// the last; each test then waits for its own runs.
const attemptRuns = attempts.flatMap((attempt) =>
  LEVELS.map((level) => ({ attempt, level, run: check(t, [level, assemble(space.dir, attempt, level)]) })),
);

t.test('attempts at each task, with prompts and with readline, pass their checks', async (t) => {
  for (const { attempt, level, run } of attemptRuns) {
    const { code, output } = await run;
    t.equal(code, 0, `${attempt} ${level}: exit 0`, { output });
    const items = checklist(output);
    t.ok(items.size >= 9 && [...items.values()].every((item) => item.ok), `${attempt} ${level}: every check ✓`);
    t.match(output, `does what ${level} asks.`);
    t.match(output, /^Next: /m, 'says what comes next');
  }
});

interface Broken {
  level: Level;
  attempt: string;
  check: string; // the check it fails, run alone with --only
  file: string;
  from: string; // the text of the attempt it changes…
  to: string; // …into this
  hint: RegExp; // the hint under the failed check
}

// One broken variant per check, each a small slip an attendee might make.
const BROKEN: Broken[] = [
  {
    level: '01-add-user', attempt: 'prompts', check: 'messages show who sent them', file: 'client.ts',
    from: 'console.log(`${message.user?.username}: ${message.msg}`)', to: 'console.log(message.msg)',
    hint: /^Task 1, step 4: alice did not print "alice: hi, I am alice"; its output: .*hi, I am alice$/,
  },
  {
    level: '01-add-user', attempt: 'readline', check: 'AddUser answers a taken name with the "taken" text', file: 'server.ts',
    from: "{ msg: 'Username taken, please choose another.' }", to: "{ msg: 'That name is in use.' }",
    hint: /^Task 1, step 3: the same name again is taken: expected "?Username taken, please choose another\."?, got "?That name is in use\."?$/,
  },
  {
    // Asks again without saying why: what it printed last is the question itself,
    // drawn by prompts without a newline.
    level: '01-add-user', attempt: 'prompts', check: 'a taken name makes the client ask again', file: 'client.ts',
    from: '      console.log(response.msg);\n', to: '',
    hint: /^Task 1, step 4: client did not print "Username taken, please choose another\."; its output: .*\? Pick a username ›\s*$/,
  },
  {
    level: '01-add-user', attempt: 'readline', check: 'bad names get INVALID_ARGUMENT with a reason', file: 'server.ts',
    from: "if (name === '') return refuse(callback, 'Please type a name.');", to: '',
    hint: /^Task 1, step 3: an empty name: INVALID_ARGUMENT: expected 3 \(INVALID_ARGUMENT\), got 0 \(OK\)$/,
  },
  {
    level: '01-add-user', attempt: 'prompts', check: 'the client shows why a name is refused and asks again', file: 'client.ts',
    from: 'console.log(`Sorry, that name does not work: ${(error as grpc.ServiceError).details}`);', to: "console.log('Sorry, that name does not work.');",
    hint: /^Task 1, step 4: client did not print "usernames have 2 to 20 characters"; its output: .*Sorry, that name does not work\./,
  },
  {
    level: '02-direct-message', attempt: 'readline', check: 'a direct message reaches its target and nobody else', file: 'server.ts',
    from: 'for (const listener of theirs) listener.write(message);', to: 'for (const listener of listeners) listener.write(message);',
    hint: /^Stretch: carol did not get it: expected 0, got 1$/,
  },
  {
    level: '02-direct-message', attempt: 'readline', check: 'a direct message to nobody is delivered to nobody', file: 'server.ts',
    from: 'if (theirs.length === 0) return callback(', to: 'if (theirs.length === 0) for (const listener of listeners) listener.write(message);\n      else if (theirs.length < 0) return callback(',
    hint: /^Stretch: erin did not get it: expected 0, got 1$/,
  },
  {
    level: '02-direct-message', attempt: 'prompts', check: 'the sender is the name added from its connection', file: 'server.ts',
    from: 'const sender = names.get(call.getPeer());', to: 'const sender = call.request.user?.username;',
    hint: /^Stretch: frank did not print "mallory: I am frank, trust me"; its output: .*frank: I am frank, trust me/,
  },
  {
    level: '03-status-code', attempt: 'prompts', check: 'AddUser answers with an enum code', file: 'server.ts',
    from: ", result: 'OK' }", to: ' }',
    hint: /^Further: a new name: result is not the zero value$/,
  },
  {
    level: '03-status-code', attempt: 'readline', check: 'the client decides by the code, not by the text', file: 'client.ts',
    from: "if (response.status === 'ADDED')", to: "if (response.msg !== 'Username taken, please choose another.')",
    hint: /^Further: client did not print \/Pick a username\/; its output: .*Type a message/,
  },
];

const brokenRuns = BROKEN.map((broken, i) => {
  const dir = assemble(space.dir, broken.attempt, broken.level, `broken-${i}`);
  const target = path.join(dir, broken.file);
  const before = fs.readFileSync(target, 'utf8');
  if (!before.includes(broken.from)) throw new Error(`broken-${i}: ${broken.file} has no ${JSON.stringify(broken.from)}`);
  fs.writeFileSync(target, before.replace(broken.from, broken.to));
  return check(t, [broken.level, dir, '--only', broken.check], { CHAT_WAIT_MS: '8000' }).then((result) => ({ broken, ...result }));
});

t.test('for each check, a broken attempt fails it with a hint that names the step', async (t) => {
  for (const { broken, code, output } of await Promise.all(brokenRuns)) {
    t.equal(code, 1, `${broken.check}: exit 1`);
    const failed = [...checklist(output)].filter(([, item]) => !item.ok);
    t.equal(failed.length, 1, `${broken.check}: one check fails`, { output });
    t.ok(failed[0]?.[0].startsWith(broken.check), `${broken.check}: the right one`);
    t.match(failed[0]?.[1].hints[0], broken.hint, `${broken.check}: its hint`);
    t.match(output, /1 of \d+ checks failed \(--only: 1 of the \d+ behaviour checks ran\)\./, 'says what ran');
    t.notMatch(output, /Resolution note|No address added|^\s*at .*:\d+:\d+\)?$/m, 'no grpc-js log, no stack');
  }
});

t.test('--watch runs the check again when a file is saved, and Ctrl+C stops it', async (t) => {
  const dir = assemble(space.dir, 'readline', '01-add-user', 'watched');
  const only = 'AddUser answers a taken name';
  const watcher = new Proc('watch', ROOT, CHECK, ['01-add-user', dir, '--only', only, '--watch'], { INIT_CWD: ROOT });
  t.teardown(() => watcher.stop());
  await watcher.waitFor(/^5\/5 ✓$/, { ms: 60_000 });
  await watcher.waitFor(/save a file to check again/);
  const from = watcher.lines.length;
  const server = path.join(dir, 'server.ts');
  fs.writeFileSync(server, fs.readFileSync(server, 'utf8').replace("'Username taken, please choose another.'", "'Taken.'"));
  await watcher.waitFor(/^Checking .* against 01-add-user$/, { from, ms: 30_000 });
  t.ok(await watcher.waitFor(/^4\/5 ✓$/, { from, ms: 60_000 }), 'the saved change is checked');
  t.match(await watcher.waitFor(/^First to fix: /, { from }), `First to fix: ${only}`);
  await watcher.waitFor(/save a file to check again/, { from });
  watcher.child.kill('SIGINT');
  t.same(await watcher.exited, { code: 0, signal: null });
  t.match(watcher.output, 'Stopped watching.');
});
