// `npm run reset [-- --yes]`: put 01-chat back the way the last commit has it, to
// start a task again. It asks first (--yes skips the question), touches nothing
// outside 01-chat, and needs the workshop to be a git checkout. It works on the
// workshop in the current directory, which npm makes the repository root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import prompts from 'prompts';

const ROOT = process.cwd();
const FOLDER = '01-chat';
const USAGE = 'Usage: npm run reset [-- --yes]';

function git(...args: string[]): string {
  return execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Is ROOT itself the top of a git checkout (not merely a folder inside some other one)?
function isCheckout(): boolean {
  try {
    return fs.realpathSync(git('rev-parse', '--show-toplevel').trim()) === fs.realpathSync(ROOT);
  } catch {
    return false;
  }
}

// One line of `git status --porcelain` ("XY path") in words.
function describe(line: string): string {
  const code = line.slice(0, 2);
  const what = code === '??' || code.includes('A') ? 'new' : code.includes('D') ? 'deleted' : 'changed';
  return `${what.padEnd(8)} ${line.slice(3)}`;
}

async function confirmed(yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    console.error('Not resetting: nobody can answer the question here. Run `npm run reset -- --yes` to reset without asking.');
    return false;
  }
  const { reset } = await prompts({ type: 'confirm', name: 'reset', message: `Throw away these changes in ${FOLDER}?`, initial: false });
  if (reset !== true) console.log('Nothing changed.'); // no, or Ctrl+C (then reset is undefined)
  return reset === true;
}

async function main(): Promise<number> {
  let yes: boolean | undefined;
  try {
    ({ yes } = parseArgs({ options: { yes: { type: 'boolean', short: 'y' } } }).values);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!isCheckout()) {
    console.error(
      `Not resetting: ${ROOT} is not the top of a git checkout, so there is no committed ${FOLDER} to go back to.\n` +
        'Run `npm run reset` in a git clone of the workshop, or copy 01-chat again from a fresh download.',
    );
    return 1;
  }
  if (git('ls-files', '--', FOLDER).trim() === '') {
    console.error(`Not resetting: git has no committed ${FOLDER} in ${ROOT}.`);
    return 1;
  }
  // What would be lost: changed, deleted and new files (staged or not), but not
  // ignored ones such as logs.
  const changes = git('status', '--porcelain', '--untracked-files=all', '--', FOLDER).split('\n').filter((line) => line);
  if (changes.length === 0) {
    console.log(`${FOLDER} is already as committed: nothing to reset.`);
    return 0;
  }
  console.log(`Your changes in ${FOLDER}:`);
  for (const change of changes) console.log(`  ${describe(change)}`);
  if (!(await confirmed(yes))) return 1;
  git('reset', '--quiet', '--', FOLDER); // unstage, so staged new files become untracked
  git('checkout', '--', FOLDER); // changed and deleted files come back from the commit
  git('clean', '-d', '--force', '--quiet', '--', FOLDER); // untracked files and folders go
  console.log(`${FOLDER} is back to its committed state.`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    console.error(`Reset failed: ${stderr || error.message}`);
    process.exitCode = 1;
  },
);
