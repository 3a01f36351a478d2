// Stage names as people type them ("01-add-user", "solutions/01-add-user/") → the
// stage folders of this checkout, in the order of the registry (lib/stages.ts).
import path from 'node:path';
import { registry, ROOT } from '../../lib/stages';

export { ROOT };

// "01-chat", "solutions/01-add-user", …: the registry's stages whose folder exists.
export function stages(): string[] {
  return registry.present().map((stage) => stage.folder);
}

export function shortName(stage: string): string {
  return registry.find(stage)?.name ?? stage.replace(/^solutions\//, '');
}

export function findStage(name: string): string | undefined {
  return registry.find(name)?.folder;
}

export function stageNames(): string {
  return registry.present().map((stage) => stage.name).join(', ');
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
