// `npm run check -- <stage> [folder]`: does the work in a folder (01-chat unless
// told otherwise) do what a stage asks? It checks the contract first (the .proto,
// its generated types, a server that starts), then runs the stage's black-box
// suites from test/ against the folder and prints one line per expected behaviour,
// with a one-line hint under each that failed.
import * as protoLoader from '@grpc/proto-loader';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Proc } from '../lib/processes';
import { GEN_FLAGS, protoFiles, staleFiles } from './gen';
import { hintFor, relevantOutput, shorten } from './lib/hints';
import { registry } from '../lib/stages';
import { ROOT, findStage, shortName, shown, stageNames, userCwd } from './lib/stages';
import { CHECK_TIMEOUT_MS, runSuites } from './lib/suites';
import { watch } from './lib/watch';

const USAGE = 'Usage: npm run check -- <stage> [folder] [--all] [--only <text>]... [--watch]';
const SERVER_WAIT_MS = 20_000; // as long as the suites give a server to start
const LISTENING = /Server listening on \S+:\d+/;
// The options every stage passes to the loader (see 01-chat/common.ts).
const LOAD_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

const useColour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);
const green = paint(32);
const red = paint(31);
const dim = paint(2);

// The checklist as it is printed: one line per check, hints indented below.
class Checklist {
  passed = 0;
  failed = 0;
  firstFailure: { name: string; hint?: string } | undefined;
  behaviour = false; // past the contract: every check belongs to a step of the task
  private showing = false; // a "… name" line is on screen, to be replaced

  constructor(private readonly stage: string) {}

  running(name: string): void {
    if (!process.stdout.isTTY) return;
    const width = (process.stdout.columns || 80) - 1;
    process.stdout.write(dim(`  … ${name}`.slice(0, width)));
    this.showing = true;
  }

  // A check's line, and under a failed one its hints, the first naming the step
  // of the task the check belongs to ("Task 1, step 4: …").
  add(name: string, ok: boolean, hints: string[] = []): boolean {
    if (this.showing) process.stdout.write('\r\x1b[2K');
    this.showing = false;
    if (ok) this.passed++;
    else this.failed++;
    const step = registry.stepOf(this.stage, name, this.behaviour);
    if (!ok && step && hints.length > 0) hints = [`${step}: ${hints[0]}`, ...hints.slice(1)];
    if (!ok) this.firstFailure ??= { name, hint: hints[0] };
    console.log(`  ${ok ? green('✓') : red('✗')} ${name}`);
    for (const hint of hints) console.log(`      ${dim(hint)}`);
    return ok;
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

// The RPCs a folder's .proto files declare, as "chat.Chat/AddUser". Throws the
// parser's message if a file does not parse.
function rpcsOf(dir: string): string[] {
  const definition = protoLoader.loadSync(protoFiles(dir).map((file) => path.join(dir, file)), {
    ...LOAD_OPTIONS,
    includeDirs: [dir],
  });
  return Object.entries(definition).flatMap(([service, methods]) =>
    'format' in methods ? [] : Object.keys(methods).map((method) => `${service}/${method}`),
  );
}

function regenerateCommand(dir: string): string {
  const folder = shown(dir);
  const command = `npx proto-loader-gen-types ${GEN_FLAGS.join(' ')} --outDir=generated ${protoFiles(dir).join(' ')}`;
  return folder === '.' ? command : `cd ${/\s/.test(folder) ? JSON.stringify(folder) : folder} && ${command}`;
}

// The contract, before any behaviour: false when nothing else can be checked.
async function checkContract(list: Checklist, dir: string, stage: string): Promise<boolean> {
  const missing = ['server.ts', 'client.ts'].filter((file) => !fs.existsSync(path.join(dir, file)));
  if (protoFiles(dir).length === 0) missing.unshift('a .proto file');
  if (missing.length > 0) return list.add('the folder has a .proto file, server.ts and client.ts', false, [`missing: ${missing.join(', ')}`]);

  try {
    require.resolve('@grpc/grpc-js', { paths: [dir] });
  } catch {
    return list.add('the folder can load the workshop packages', false, [
      `no node_modules with @grpc/grpc-js above ${shown(dir)}: work inside the workshop repository (${shown(ROOT)})`,
    ]);
  }

  const protos = protoFiles(dir).join(', ');
  let rpcs: string[];
  try {
    rpcs = rpcsOf(dir);
    list.add(`${protos} parses`, true);
  } catch (error) {
    const message = (error as Error).message.split(`${dir}${path.sep}`).join('');
    return list.add(`${protos} parses`, false, [shorten(message)]);
  }

  const reference = path.join(ROOT, stage);
  if (path.resolve(reference) !== path.resolve(dir)) {
    const expected = rpcsOf(reference);
    const absent = expected.filter((rpc) => !rpcs.includes(rpc));
    const names = expected.map((rpc) => rpc.split('/')[1]).join(', ');
    list.add(`${protos} declares the RPCs of ${shortName(stage)}: ${names}`, absent.length === 0, [
      ...(absent.length > 0 ? [`missing: ${absent.map((rpc) => `rpc ${rpc.split('/')[1]} in service ${rpc.split('/')[0]}`).join(', ')}`] : []),
    ]);
  }

  try {
    const stale = staleFiles(dir);
    list.add(`generated/ matches ${protos}`, stale.length === 0, stale.length === 0 ? [] : [
      shorten(`differs from what ${protos} generates: ${stale.join(', ')}`),
      `regenerate: ${regenerateCommand(dir)}`,
    ]);
  } catch (error) {
    const { stderr, message } = error as { stderr?: Buffer; message: string };
    list.add(`generated/ matches ${protos}`, false, [`the generator failed: ${relevantOutput(stderr?.toString() || message)}`]);
  }

  const server = new Proc('server', dir, 'server.ts', ['--port', '0']);
  const name = 'the server starts and prints "Server listening on <host>:<port>"';
  try {
    await server.waitFor(LISTENING, { ms: SERVER_WAIT_MS });
    return list.add(name, true);
  } catch {
    const printed = relevantOutput(server.output);
    return list.add(name, false, [
      server.alive
        ? shorten(`no such line within ${SERVER_WAIT_MS / 1000} s; ${printed ? `it printed: ${printed}` : 'it printed nothing'}`)
        : shorten(`it exited (${server.child.signalCode ?? `code ${server.child.exitCode}`}) first${printed ? `: ${printed}` : ''}`),
    ]);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        only: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        watch: { type: 'boolean', short: 'w' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(`${USAGE}\nStages: ${stageNames()}. The folder defaults to 01-chat.`);
    return 0;
  }
  if (positionals.length === 0 || positionals.length > 2) fail(`${USAGE}\nStages: ${stageNames()}`);
  const stage = findStage(positionals[0]);
  if (!stage) fail(`Unknown stage "${positionals[0]}". Stages you can check: ${stageNames()}`);
  const dir = positionals[1] ? path.resolve(userCwd(), positionals[1]) : path.join(ROOT, '01-chat');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`No folder ${shown(dir)} to check.`);

  if (values.watch) {
    // The same check, run again in a child process whenever the folder changes.
    const args = process.argv.slice(2).filter((arg) => arg !== '--watch' && arg !== '-w');
    return watch(dir, args);
  }

  const name = shortName(stage);
  console.log(`Checking ${shown(dir)} against ${name}${values.all ? ' (--all: with the scale and robustness checks)' : ''}\n`);
  const list = new Checklist(name);
  if (!(await checkContract(list, dir, stage))) {
    console.log(`\nThe other checks need this to work: fix it, then run the check again.`);
    summary(list.passed, list.passed + list.failed, list.firstFailure);
    return 1;
  }

  console.log(dim(`\n  What ${name} should do:`));
  list.behaviour = true;
  const { checks, skipped, problems } = await runSuites(dir, stage, {
    only: values.only,
    all: values.all,
    onStart: (check) => list.running(check),
    onCheck: (check) => list.add(check.name, check.ok, check.ok ? [] : [hintFor(check, CHECK_TIMEOUT_MS)]),
  });
  list.behaviour = false; // a problem of the run is no step of the task
  for (const problem of problems) list.add('the checks run to the end', false, [shorten(problem)]);
  if (checks.length === 0 && problems.length === 0) {
    console.log(values.only ? '  No check matches --only.' : `  No behaviour checks exist for ${name} yet.`);
    return 2;
  }

  const total = list.passed + list.failed;
  const folder = positionals[1] ? ` ${positionals[1]}` : '';
  // --only: say what ran, and never that the stage is done.
  const ran = skipped > 0 ? ` (--only: ${checks.length} of the ${checks.length + skipped} behaviour checks ran)` : '';
  summary(list.passed, total, list.firstFailure);
  if (list.failed === 0 && skipped > 0) {
    console.log(green(`\nThe ${total} checks that ran passed${ran}.`));
    console.log(`Check the whole stage: npm run check -- ${name}${folder}${values.all ? ' --all' : ''}`);
    return 0;
  }
  if (list.failed === 0) {
    console.log(green(`\nAll ${total} checks passed: ${shown(dir)} does what ${name} asks.`));
    const next = registry.find(name)?.task?.next;
    if (next) console.log(`Next: ${next}`);
    if (!positionals[1] && name !== '01-chat') console.log(`Compare with the solution: npm run diff -- 01-chat ${name}`);
    if (!values.all) console.log(dim(`Also for instructors and the curious: npm run check -- ${name}${folder} --all (scale and robustness, a few minutes)`));
    return 0;
  }
  console.log(red(`\n${list.failed} of ${total} checks failed${ran}.`));
  const firstFailed = checks.find((check) => !check.ok);
  if (firstFailed) {
    console.log(`Run one check again: npm run check -- ${name}${folder} --only ${JSON.stringify(firstFailed.name)}`);
  }
  return 1;
}

// How a run under --watch ends: the score ("7/9 ✓") and the first check to fix.
function summary(passed: number, total: number, first: Checklist['firstFailure']): void {
  if (!process.env.CHAT_CHECK_WATCHED) return;
  console.log(`\n${passed}/${total} ✓`);
  if (first) console.log(`First to fix: ${first.name}${first.hint ? `\n  ${first.hint}` : ''}`);
}

// Ctrl+C or a kill: leave through 'exit', where the server and the suites we
// started are stopped.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`The checker itself failed: ${error.message}`);
    process.exit(2);
  },
);
