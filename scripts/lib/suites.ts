// Run the stage suites of test/ against one folder, in a child process, and read
// their results as they come (scripts/lib/run-suites.ts is that child).
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT } from './stages';
import { registry } from '../../lib/stages';
import { relevantOutput } from './hints';
import { readResults, type Result } from './results';
import { RUN_TS } from '../../lib/processes';

const RUNNER = path.join(__dirname, 'run-suites.ts');
export const CHECK_TIMEOUT_MS = Number(process.env.CHAT_CHECK_TIMEOUT_MS) || 120_000;

// The stage suites `npm run check` runs (lib/stages.ts says which), earliest stage
// first, so the checklist reads in the order of the tasks. Without `all`, those that
// check a task; with it, the machinery's too (scale, robustness).
export function stageSuites(all = false): string[] {
  return registry.checkSuites(all).map((suite) => path.join(ROOT, 'test', `${suite}.test.ts`));
}

export interface SuiteRun {
  checks: Result[]; // one per behaviour, in the order they ran
  skipped: number; // checks of the stage that --only left out
  problems: string[]; // anything that kept the suites themselves from running
}

export interface RunOptions {
  only?: string[]; // run only the checks whose name contains one of these (any case)
  all?: boolean; // the machinery's suites too
  onStart?(name: string): void;
  onCheck?(check: Result): void;
}

// Environment of the child: where to point the suites, and none of the TAP_*
// settings of an outer tap run (this may itself run under tap, in test/tools.test.ts).
function childEnv(dir: string, stage: string, only: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^TAP(_|$)/.test(key) || /^TAP_(TSCONFIG|TYPECHECK)$/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    CHAT_STAGE_DIR: dir,
    CHAT_CHECK_STAGE: stage,
    CHAT_CHECK_TIMEOUT_MS: String(CHECK_TIMEOUT_MS),
    TAP_TIMEOUT: '0', // no limit on the whole run: each check has its own
  });
  if (only.length > 0) {
    // tap's grep takes one pattern per level: any folder, then the checks. The
    // checks it leaves out are reported as skipped, and left off the checklist.
    const escaped = only.map((text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    env.TAP_GREP = `/./\n/${escaped.join('|')}/i`;
  }
  return env;
}

export function runSuites(dir: string, stage: string, options: RunOptions = {}): Promise<SuiteRun> {
  const child = spawn(process.execPath, [...RUN_TS, RUNNER, ...stageSuites(options.all)], {
    cwd: ROOT,
    env: childEnv(dir, stage, options.only ?? []),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => child.kill();
  process.on('exit', stop); // never leave the suites running behind us
  const checks: Result[] = [];
  let skipped = 0;
  const reading = readResults({
    started: (name, depth) => {
      if (depth === 1) options.onStart?.(name);
    },
    finished: (result) => {
      if (result.depth !== 1) return;
      if (result.skip) skipped++;
      else {
        checks.push(result);
        options.onCheck?.(result);
      }
    },
  });
  const stderr: string[] = [];
  child.stdout.pipe(reading.parser);
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const parsed = new Promise<void>((resolve) => reading.parser.on('complete', () => resolve()));
  return new Promise((resolve) => {
    child.on('close', async (code, signal) => {
      process.off('exit', stop);
      await parsed;
      const problems: string[] = [];
      // A failure at the top level with no checks under it: a suite did not load.
      for (const result of reading.results) {
        if (!result.ok && result.children.length === 0) problems.push(relevantOutput(result.name));
      }
      const bailedOut = reading.bailedOut();
      if (bailedOut !== undefined) problems.push(`the run stopped early: ${bailedOut}`);
      if (signal || (code !== 0 && code !== 1) || (code === 1 && checks.every((c) => c.ok) && problems.length === 0)) {
        problems.push(`the test run ended with ${signal ?? `exit code ${code}`}: ${relevantOutput(stderr.join('\n')) || 'no message'}`);
      }
      resolve({ checks, skipped, problems });
    });
  });
}
