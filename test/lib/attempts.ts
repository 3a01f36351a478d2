// Attendee-style attempts at the tasks (test/fixtures/attempts): each is stored as
// the files that differ from 01-chat (Task 1), and a patch per later task on top
// of that, and put together in a folder when a test needs it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from '../../scripts/gen';
import { ROOT } from './stages';

export const ATTEMPTS = path.join(ROOT, 'test', 'fixtures', 'attempts');
// The patches of each attempt, in the order of the tasks.
export const LEVELS = ['01-add-user', '02-direct-message', '03-status-code'] as const;
export type Level = (typeof LEVELS)[number];

// A folder outside the repository (so nothing lands in git and coverage does not
// count it) that a stage folder can run from: it finds the workshop's packages and
// tsconfig.json in its parent, as a folder inside the repository does.
export function workspace(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-attempt-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// 01-chat with the attempt's files, its patches up to `level` applied, and its
// types generated, in <parent>/<name>: the folder an attendee would have.
export function assemble(parent: string, attempt: string, level: Level, name = `${attempt}-${level}`): string {
  const dir = path.resolve(parent, name);
  const source = path.join(ATTEMPTS, attempt);
  fs.cpSync(path.join(ROOT, '01-chat'), dir, { recursive: true });
  for (const file of fs.readdirSync(source).filter((f) => !f.endsWith('.patch'))) {
    fs.copyFileSync(path.join(source, file), path.join(dir, file));
  }
  for (const patch of LEVELS.slice(1, LEVELS.indexOf(level) + 1)) {
    // As a plain patch tool: not inside a repository this folder may sit in.
    execFileSync('git', ['apply', path.join(source, `${patch}.patch`)], {
      cwd: dir,
      env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(dir) },
    });
  }
  fs.rmSync(path.join(dir, 'generated'), { recursive: true, force: true });
  generate(dir, 'generated');
  return dir;
}
