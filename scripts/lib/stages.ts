// Stage names as people type them ("01-add-user", "solutions/01-add-user/") → the
// stage folders of this checkout: 01-chat, then each solution in order, as
// scripts/gen.ts finds them (so a new solution folder is a new stage, with no list
// to update here). They are named like the stages of test/lib/stages.ts.
import path from 'node:path';
import { stageDirs } from '../gen';

export const ROOT = path.resolve(__dirname, '..', '..');

// "01-chat", "solutions/01-add-user", …
export function stages(): string[] {
  return stageDirs().map((dir) => path.relative(ROOT, dir).split(path.sep).join('/'));
}

export function shortName(stage: string): string {
  return stage.replace(/^solutions\//, '');
}

export function findStage(name: string): string | undefined {
  const wanted = name.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  return stages().find((stage) => stage === wanted || shortName(stage) === wanted);
}

export function stageNames(): string {
  return stages().map(shortName).join(', ');
}

// Where the person at the terminal is: npm runs scripts from the repository root
// and keeps the directory it was started from in INIT_CWD.
export function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

// A path as that person would type it.
export function shown(target: string): string {
  const relative = path.relative(userCwd(), target) || '.';
  const outside = path.relative(ROOT, target).startsWith('..');
  return outside && relative.startsWith('..') ? target : relative;
}
