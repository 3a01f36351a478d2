// The workshop tools: `npm run check` (the attendee's self-check), `npm run diff`
// and `npm run reset` (the instructor's). Black box, like the stage suites: each
// test runs the real script as a process and reads what it prints.
//
// Broken attendee folders are copies of a stage in a temporary workspace, outside
// the repository (so nothing lands in git, and coverage does not count them),
// with symlinks to the repository's node_modules and tsconfig.json, which a stage
// folder finds in its parent inside the repository.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { condenseError, fromDiff, hintFor, relevantOutput } from '../scripts/lib/hints';
import { readResults, type Result } from '../scripts/lib/results';
import { runScript } from '../lib/processes';
import { ROOT } from './lib/stages';

// A full check runs a whole suite, and some wait out the suites' 20 s timeouts on
// purpose: this file needs far longer than the default limit per test file.
t.setTimeout(20 * 60_000);

const CHECK_LINE = /^ {2}([✓✗]) (.*)$/;
const STACK_FRAME = /^\s*at .*:\d+:\d+\)?$/m;

// INIT_CWD is where npm was started; the scripts show paths relative to it.
const run = (t: Test, script: string, args: string[], cwd = ROOT) => runScript(t, cwd, script, args, { INIT_CWD: ROOT });

const check = (t: Test, args: string[]) => run(t, 'scripts/check.ts', args);

// The checklist of a check's output: each ✓/✗ line with the hint lines under it.
function checklist(output: string): Map<string, { ok: boolean; hints: string[] }> {
  const items = new Map<string, { ok: boolean; hints: string[] }>();
  let last: { ok: boolean; hints: string[] } | undefined;
  for (const line of output.split('\n')) {
    const item = CHECK_LINE.exec(line);
    if (item) {
      last = { ok: item[1] === '✓', hints: [] };
      items.set(item[2], last);
    } else if (last && /^ {6}\S/.test(line)) {
      last.hints.push(line.trim());
    } else {
      last = undefined;
    }
  }
  return items;
}

function workspace(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-tools-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A copy of a stage folder, changed by `edit` (file → new content from old).
function brokenCopy(t: Test, stage: string, edits: Record<string, (text: string) => string> = {}): string {
  const dir = path.join(workspace(t), path.basename(stage));
  fs.cpSync(path.join(ROOT, stage), dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const target = path.join(dir, file);
    const before = fs.readFileSync(target, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`the edit of ${stage}/${file} changed nothing`);
    fs.writeFileSync(target, after);
  }
  return dir;
}

// What every check output must be, passing or failing: a checklist, not TAP.
function assertClean(t: Test, output: string): void {
  t.notMatch(output, STACK_FRAME, 'no stack trace');
  t.notMatch(output, /^\s*(not )?ok \d+ /m, 'no raw TAP');
  t.notMatch(output, /TAP version/, 'no raw TAP');
}

t.test('check: usage errors exit 2 with a clear line', async (t) => {
  const noStage = await check(t, []);
  t.equal(noStage.code, 2);
  t.match(noStage.output, /Usage: npm run check -- <stage> \[folder\]/);
  t.match(noStage.output, 'Stages: 01-chat, 01-add-user, 02-direct-message, 03-status-code');

  const unknown = await check(t, ['04-nope']);
  t.equal(unknown.code, 2);
  t.match(unknown.output, 'Unknown stage "04-nope". Stages you can check: 01-chat, 01-add-user, 02-direct-message');

  const noFolder = await check(t, ['01-add-user', 'no/such/folder']);
  t.equal(noFolder.code, 2);
  t.match(noFolder.output, 'No folder no/such/folder to check.');

  const badFlag = await check(t, ['01-add-user', '--colour']);
  t.equal(badFlag.code, 2);
  t.match(badFlag.output, /Unknown option '--colour'[\s\S]*Usage: npm run check/);
  for (const { output } of [noStage, unknown, noFolder, badFlag]) assertClean(t, output);
});

t.test('check: a folder without its files or packages is one failed item', async (t) => {
  const noServer = brokenCopy(t, 'solutions/01-add-user');
  fs.rmSync(path.join(noServer, 'server.ts'));
  const first = await check(t, ['01-add-user', noServer]);
  t.equal(first.code, 1);
  t.same([...checklist(first.output)], [['the folder has a .proto file, server.ts and client.ts', { ok: false, hints: ['missing: server.ts'] }]]);

  // A folder with no node_modules above it: the stage code could not even start.
  const lonely = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-tools-alone-'));
  t.teardown(() => fs.rmSync(lonely, { recursive: true, force: true }));
  fs.cpSync(path.join(ROOT, 'solutions/01-add-user'), lonely, { recursive: true });
  const second = await check(t, ['01-add-user', lonely]);
  t.equal(second.code, 1);
  const [name, item] = [...checklist(second.output)][0];
  t.equal(name, 'the folder can load the workshop packages');
  t.match(item.hints[0], `no node_modules with @grpc/grpc-js above ${lonely}: work inside the workshop repository`);
});

t.test('check: solutions/01-add-user passes every check of its stage', async (t) => {
  const { code, output } = await check(t, ['01-add-user', 'solutions/01-add-user']);
  t.equal(code, 0, output);
  const items = checklist(output);
  t.ok([...items.values()].every((item) => item.ok), 'no ✗');
  for (const name of [
    'chat.proto parses',
    'generated/ matches chat.proto',
    'the server starts and prints "Server listening on <host>:<port>"',
    'messages show who sent them',
    'bad names get INVALID_ARGUMENT with a reason',
  ]) {
    t.ok(items.get(name)?.ok, name);
  }
  t.notOk(items.has('a message comes back to its sender'), '01-chat checks are not part of 01-add-user');
  t.notOk(items.has('escape sequences from one client reach another as visible text'), 'robustness checks run only with --all');
  t.notOk(items.has('a name stays taken after its owner leaves'), 'the solutions\' own choices are never checked');
  t.match(output, 'Next: the stretch task');
  t.match(output, `All ${items.size} checks passed: solutions/01-add-user does what 01-add-user asks.`);
  assertClean(t, output);
});

// The suites prove in their own files that every solution passes them; here a few
// checks per stage show that the checker picks the right blocks for 02 and 03.
t.test('check: solutions 02 and 03 pass the checks of their own stage', async (t) => {
  const enumCheck = 'the client decides by the code, not by the text';
  const cases: Array<[string, string[]]> = [
    ['02-direct-message', ['a direct message reaches its target and nobody else', 'messages show who sent them']],
    ['03-status-code', [enumCheck, 'the sender is the name added from its connection']],
  ];
  for (const [stage, names] of cases) {
    const only = [...names, enumCheck].flatMap((name) => ['--only', name]);
    const { code, output } = await check(t, [stage, `solutions/${stage}`, ...only]);
    t.equal(code, 0, output);
    const items = checklist(output);
    for (const name of names) t.ok([...items].some(([check, item]) => check.startsWith(name) && item.ok), `${stage}: ${name}`);
    if (stage === '02-direct-message') t.notOk(items.has(enumCheck), `${stage}: the 03 check is left out`);
    t.match(output, /The \d+ checks that ran passed \(--only: \d of the \d+ behaviour checks ran\)\./, 'never claims the stage');
    t.notMatch(output, /All \d+ checks passed/);
  }
});

t.test('check: the default folder is 01-chat, checked here against its own stage', async (t) => {
  const { code, output } = await check(t, ['01-chat', '--only', 'a message comes back to its sender']);
  t.equal(code, 0, output);
  t.match(output, /^Checking 01-chat against 01-chat$/m);
  t.same([...checklist(output).keys()].slice(-1), ['a message comes back to its sender']);
  t.notOk(checklist(output).has('chat.proto declares the RPCs of 01-chat: SendMessage, Listen'), 'no RPC check against itself');
});

t.test('check: the machinery\'s checks run only with --all', async (t) => {
  const only = ['--only', 'escape sequences from one client'];
  const without = await check(t, ['01-chat', ...only]);
  t.equal(without.code, 2);
  t.match(without.output, 'No check matches --only.');
  const withAll = await check(t, ['01-chat', '--all', ...only]);
  t.equal(withAll.code, 0, withAll.output);
  t.ok(checklist(withAll.output).get('escape sequences from one client reach another as visible text')?.ok);
  t.match(withAll.output, '(--all: with the scale and robustness checks)');
});

const ADD_USER_CHECKS = [
  'messages show who sent them',
  'AddUser answers a taken name with the "taken" text',
  'a taken name makes the client ask again',
  'bad names get INVALID_ARGUMENT with a reason',
  'the client shows why a name is refused and asks again',
];

t.test('check: the untouched starter fails the 01-add-user checks, each with a hint', async (t) => {
  const dir = brokenCopy(t, '01-chat');
  const { code, output } = await check(t, ['01-add-user', dir]);
  t.equal(code, 1, output);
  const items = checklist(output);
  t.ok(items.get('chat.proto parses')?.ok);
  t.ok(items.get('the server starts and prints "Server listening on <host>:<port>"')?.ok);
  t.same(items.get('chat.proto declares the RPCs of 01-add-user: SendMessage, Listen, AddUser'), {
    ok: false,
    hints: ['Task 1, step 1: missing: rpc AddUser in service chat.Chat'],
  });
  // Every check of the task fails, each with one hint that names the step.
  const failing = [...items].slice(4).filter(([, item]) => !item.ok);
  t.same([...items.keys()].slice(4), ADD_USER_CHECKS, 'the task\'s checks, and only those');
  for (const [name, item] of failing) t.equal(item.hints.length, 1, `${name} has one hint line`);
  t.match(items.get('messages show who sent them')?.hints[0], /^Task 1, step 4: alice did not print \/Pick a username\/; its output: Connected to the chat server/);
  t.same(items.get('bad names get INVALID_ARGUMENT with a reason')?.hints, ['Task 1, step 3: the service has no method AddUser']);
  t.match(output, new RegExp(`\\n${failing.length + 1} of ${items.size} checks failed\\.`));
  t.match(output, 'Run one check again: npm run check -- 01-add-user');
  assertClean(t, output);
});

t.test('check: a syntax error in the proto is one failed item and nothing runs after it', async (t) => {
  const dir = brokenCopy(t, '01-chat', { 'chat.proto': (text) => text.replace('message Message {', 'message Message {{') });
  const { code, output } = await check(t, ['01-add-user', dir]);
  t.equal(code, 1);
  const items = checklist(output);
  t.same([...items.keys()], ['chat.proto parses']);
  t.match(items.get('chat.proto parses')?.hints[0], /^illegal token '\{' \(chat\.proto, line \d+\)$/);
  t.match(output, 'fix it, then run the check again');
  assertClean(t, output);
});

t.test('check: a server that never prints "Server listening" is one failed item', async (t) => {
  const dir = brokenCopy(t, 'solutions/01-add-user', { 'server.ts': (text) => text.replace('Server listening on', 'Ready on') });
  const { code, output } = await check(t, ['01-add-user', dir]);
  t.equal(code, 1);
  const server = checklist(output).get('the server starts and prints "Server listening on <host>:<port>"');
  t.equal(server?.ok, false);
  t.match(server?.hints[0], /^no such line within 20 s; it printed: Ready on 0\.0\.0\.0:\d+$/);
  t.notMatch(output, 'What 01-add-user should do', 'the behaviour checks do not run');
  assertClean(t, output);
});

t.test('check: a proto without AddUser fails its checks, stale types included', async (t) => {
  const dir = brokenCopy(t, 'solutions/01-add-user', { 'chat.proto': (text) => text.replace(/^\s*rpc AddUser.*$/m, '') });
  const only = ['--only', 'AddUser answers a taken name', '--only', 'messages show who sent them'];
  const { code, output } = await check(t, ['01-add-user', dir, ...only]);
  t.equal(code, 1);
  const items = checklist(output);
  t.same(items.get('chat.proto declares the RPCs of 01-add-user: SendMessage, Listen, AddUser')?.hints, [
    'Task 1, step 1: missing: rpc AddUser in service chat.Chat',
  ]);
  t.equal(items.get('generated/ matches chat.proto')?.ok, false);
  t.same(items.get('AddUser answers a taken name with the "taken" text')?.hints, ['Task 1, step 3: the service has no method AddUser']);
  t.equal(items.get('messages show who sent them')?.ok, false, 'the real client cannot join');
  assertClean(t, output);
});

t.test('check: stale generated types fail with the command that regenerates them', async (t) => {
  const dir = brokenCopy(t, 'solutions/01-add-user', { 'generated/chat/User.ts': (text) => `${text}// edited by hand\n` });
  const { code, output } = await check(t, ['01-add-user', dir, '--only', 'bad names']);
  t.equal(code, 1, 'stale types alone fail the check');
  const items = checklist(output);
  t.same(items.get('generated/ matches chat.proto'), {
    ok: false,
    hints: [
      'Task 1, step 2: differs from what chat.proto generates: generated/chat/User.ts',
      `regenerate: cd ${dir} && npx proto-loader-gen-types --grpcLib=@grpc/grpc-js --keepCase --longs=String --enums=String --defaults --oneofs --outDir=generated chat.proto`,
    ],
  });
  t.ok(items.get('bad names get INVALID_ARGUMENT with a reason')?.ok);
  t.match(output, '1 of 5 checks failed (--only: 1 of the 5 behaviour checks ran).');
});

t.test('check: a client that crashes fails with its error, not its stack', async (t) => {
  const dir = brokenCopy(t, 'solutions/01-add-user', {
    'client.ts': (text) => text.replace(/^(const client = .*)$/m, '$1\n(undefined as unknown as { go(): void }).go();'),
  });
  const { code, output } = await check(t, ['01-add-user', dir, '--only', 'the client shows why']);
  t.equal(code, 1);
  t.same(checklist(output).get('the client shows why a name is refused and asks again')?.hints, [
    "Task 1, step 4: client exited before printing /Pick a username/; its output: TypeError: Cannot read properties of undefined (reading 'go')",
  ]);
  assertClean(t, output);
});

t.test('check: --only with no match says so', async (t) => {
  const { code, output } = await check(t, ['01-add-user', 'solutions/01-add-user', '--only', 'no check has this name']);
  t.equal(code, 2);
  t.match(output, 'No check matches --only.');
});

// check reuses the staleness test of `npm run gen -- --check`, which passes here.
t.test('gen --check: the committed types of every stage match their protos', async (t) => {
  const { code, output } = await run(t, 'scripts/gen.ts', ['--check']);
  t.equal(code, 0, output);
  t.match(output, 'Generated types match the .proto files.');
});

t.test('diff: shows what a task changes, without generated/ unless --all', async (t) => {
  const plain = await run(t, 'scripts/diff.ts', ['01-chat', '01-add-user']);
  t.equal(plain.code, 0);
  const files = [...plain.output.matchAll(/^diff --git a\/(\S+) b\/(\S+)$/gm)].map((m) => m[2]);
  t.same(files, ['chat.proto', 'server.ts', 'client.ts', 'names.ts', 'README.md'].map((file) => `solutions/01-add-user/${file}`), 'the contract first');
  t.match(plain.output, /^\+\s*rpc AddUser\(User\) returns \(MessageResponse\);$/m);
  t.notMatch(plain.output, /\x1b\[/, 'no colour when piped');

  const all = await run(t, 'scripts/diff.ts', ['02-direct-message', 'solutions/03-status-code/', '--all', '--stat']);
  t.equal(all.code, 0);
  t.match(all.output, /generated\/chat\/\S+\.ts/);
  t.match(all.output, /\d+ files changed/);

  const same = await run(t, 'scripts/diff.ts', ['03-status-code', '03-status-code']);
  t.equal(same.code, 0);
  t.match(same.output, 'No differences between solutions/03-status-code and solutions/03-status-code');

  const unknown = await run(t, 'scripts/diff.ts', ['01-chat', '09-nope']);
  t.equal(unknown.code, 2);
  t.match(unknown.output, /Unknown stage "09-nope"\. Stages: 01-chat, 01-add-user/);

  const badFlag = await run(t, 'scripts/diff.ts', ['01-chat', '01-add-user', '--colour']);
  t.equal(badFlag.code, 2);
  t.match(badFlag.output, /Unknown option '--colour'[\s\S]*Usage: npm run diff -- <from> <to>/);
});

// reset works on the workshop in its current directory (npm runs it from the
// repository root): here, a clone of this repository in a temporary folder.
const RESET = path.join(ROOT, 'scripts', 'reset.ts');

function clone(t: Test): string {
  const dir = path.join(workspace(t), 'clone');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir]);
  return dir;
}

t.test('reset: asks first, then restores 01-chat and nothing else', async (t) => {
  const dir = clone(t);
  const chat = path.join(dir, '01-chat');
  fs.appendFileSync(path.join(chat, 'server.ts'), '// my change\n');
  fs.rmSync(path.join(chat, 'common.ts'));
  fs.mkdirSync(path.join(chat, 'notes'));
  fs.writeFileSync(path.join(chat, 'notes', 'todo.txt'), 'untracked\n');
  fs.writeFileSync(path.join(chat, 'staged.ts'), 'export {};\n');
  execFileSync('git', ['-C', dir, 'add', '01-chat/staged.ts']);
  fs.appendFileSync(path.join(dir, 'README.md'), 'outside 01-chat\n');
  const status = () => execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=all', '--', '01-chat', 'README.md'], { encoding: 'utf8' });
  const before = status();

  const refused = await run(t, RESET, [], dir);
  t.equal(refused.code, 1);
  t.match(refused.output, /deleted {2}01-chat\/common\.ts/);
  t.match(refused.output, 'Not resetting: nobody can answer the question here. Run `npm run reset -- --yes`');
  t.equal(status(), before, 'nothing changed without an answer');

  const reset = await run(t, RESET, ['--yes'], dir);
  t.equal(reset.code, 0, reset.output);
  t.match(reset.output, '01-chat is back to its committed state.');
  t.equal(status(), ' M README.md\n', 'only the change outside 01-chat is left');
  t.notOk(fs.existsSync(path.join(chat, 'notes')), 'untracked folders are gone');

  const again = await run(t, RESET, ['-y'], dir);
  t.equal(again.code, 0);
  t.match(again.output, '01-chat is already as committed: nothing to reset.');
});

t.test('reset: refuses outside a git checkout, and on bad flags', async (t) => {
  const dir = workspace(t);
  fs.cpSync(path.join(ROOT, '01-chat'), path.join(dir, '01-chat'), { recursive: true });
  fs.appendFileSync(path.join(dir, '01-chat', 'server.ts'), '// my change\n');
  const outside = await run(t, RESET, ['--yes'], dir);
  t.equal(outside.code, 1);
  t.match(outside.output, /^Not resetting: .* is not the top of a git checkout/m);
  t.match(fs.readFileSync(path.join(dir, '01-chat', 'server.ts'), 'utf8'), /my change\n$/, 'nothing touched');

  // A folder inside a checkout is not the workshop's top either.
  const inside = await run(t, RESET, ['--yes'], path.join(clone(t), '01-chat'));
  t.equal(inside.code, 1);
  t.match(inside.output, /^Not resetting: .*01-chat is not the top of a git checkout/m);

  const badFlag = await run(t, RESET, ['--force']);
  t.equal(badFlag.code, 2);
  t.match(badFlag.output, /Unknown option '--force'[\s\S]*Usage: npm run reset \[-- --yes\]/);
});

// The pieces that turn TAP into the checklist, on inputs a real run rarely gives.
t.test('the TAP results and the hints', async (t) => {
  const lines = [
    'TAP version 14',
    '# Subtest: 01-chat',
    '    # Subtest: a check that timed out',
    '        not ok 1 - timeout!',
    '          ---',
    '          expired: a check that timed out',
    '          ...',
    '        1..1',
    '    not ok 1 - a check that timed out # time=5ms',
    '    ok 2 - left out by --only # SKIP filter: /x/',
    '    # Subtest: a \\# in a name',
    '        not ok 1 - should be equal',
    '          ---',
    '          found: 1',
    '          wanted: 2',
    '          ...',
    '        1..1',
    '    not ok 3 - a \\# in a name',
    '    1..3',
    'not ok 1 - 01-chat',
    'Bail out! gave up',
  ];
  const started: string[] = [];
  const finished: Result[] = [];
  const reading = readResults({ started: (name) => started.push(name), finished: (result) => finished.push(result) });
  reading.parser.end(`${lines.join('\n')}\n`);
  t.equal(reading.bailedOut(), 'gave up');
  t.same(started, ['01-chat', 'a check that timed out', 'a # in a name']);
  const checks = finished.filter((result) => result.depth === 1);
  t.same(checks.map((check) => [check.name, check.ok, check.skip]), [
    ['a check that timed out', false, undefined],
    ['left out by --only', true, 'filter: /x/'],
    ['a # in a name', false, undefined],
  ]);
  t.same(reading.results.map((result) => [result.name, result.children.length]), [['01-chat', 3]]);
  t.equal(hintFor(checks[0], 120_000), 'no result after 120 s: something is still waiting (a process that never exits or never answers?)');
  t.equal(hintFor(checks[2], 120_000), 'expected 2, got 1');
  t.same(checks[2].children[0].diag, { found: 1, wanted: 2 });

  t.same(fromDiff('--- expected\n+++ actual\n@@ -1 +1 @@\n Object {\n-  "msg": "b",\n+  "msg": "a",\n }'), { expected: '"msg": "b"', actual: '"msg": "a"' });
  const match: Result = { ok: false, name: 'should match pattern', depth: 2, diag: { diff: '-/add a user/\n+""' }, children: [] };
  t.equal(hintFor({ ok: false, name: 'x', depth: 1, diag: {}, children: [match] }, 1), 'expected to match /add a user/, got ""');
  const grpcError: Result = { ok: false, name: 'unhandled error', depth: 2, diag: { code: '14', details: 'No connection established' }, children: [] };
  t.equal(hintFor({ ok: false, name: 'x', depth: 1, diag: {}, children: [grpcError] }, 1), 'the call failed with UNAVAILABLE: No connection established');
  const unresolved: Result = { ...grpcError, diag: { code: 14, details: 'Name resolution failed for target dns:nowhere:1: Resolution note: DNS lookup failed' } };
  t.equal(hintFor({ ok: false, name: 'x', depth: 1, diag: {}, children: [unresolved] }, 1), 'the call failed with UNAVAILABLE: Name resolution failed for target dns:nowhere:1', 'no resolver internals');
  const unfinished: Result = { ok: false, name: 'test unfinished', depth: 2, diag: {}, children: [] };
  t.match(hintFor({ ok: false, name: 'x', depth: 1, diag: {}, children: [unfinished] }, 1), /^did not finish/);

  t.equal(condenseError('bob: timed out waiting for Type a message; output so far:\n'), 'bob did not print "Type a message"; it printed nothing');
  t.equal(relevantOutput('/x/server.ts:3\nTSError: ⨯ Unable to compile TypeScript:\nserver.ts(3,7): error TS1005: \';\' expected.\n    at createTSError (/x/index.ts:859:12)'), "server.ts(3,7): error TS1005: ';' expected.");
  t.equal(relevantOutput(`${'x'.repeat(130)}`), `…${'x'.repeat(120)}`);
});
