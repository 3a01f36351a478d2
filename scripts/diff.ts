// `npm run diff -- <from> <to> [--all] [--stat]`: what a task changes, as git shows
// it, e.g. `npm run diff -- 01-chat 01-add-user`. The generated/ folders are left
// out unless --all: they follow from the .proto change, which the diff shows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, findStage, stageNames } from './lib/stages';

const USAGE = 'Usage: npm run diff -- <from> <to> [--all] [--stat]   (e.g. npm run diff -- 01-chat 01-add-user)';

function usageError(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { all: { type: 'boolean' }, stat: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(`${USAGE}\nStages: ${stageNames()}`);
    return 0;
  }
  if (positionals.length !== 2) return usageError(`Give two stages to compare (stages: ${stageNames()}).`);
  const [from, to] = positionals.map(findStage);
  const unknown = positionals.filter((name) => !findStage(name));
  if (!from || !to) return usageError(`Unknown stage ${unknown.map((name) => `"${name}"`).join(' and ')}. Stages: ${stageNames()}`);

  // git diff --no-index takes no pathspecs to leave generated/ out, so compare
  // copies without it, laid out like the repository so the paths read the same.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-diff-'));
  try {
    for (const stage of new Set([from, to])) {
      const source = path.join(ROOT, stage);
      const skip = path.join(source, 'generated');
      fs.cpSync(source, path.join(copy, stage), { recursive: true, filter: (file) => values.all || file !== skip });
    }
    // The order to read a task in: the contract, then the code that implements it.
    const order = path.join(copy, 'order');
    fs.writeFileSync(order, ['*.proto', '*server.ts', '*client.ts', '*.ts', '*'].join('\n'));
    const colour = process.stdout.isTTY && !process.env.NO_COLOR ? 'always' : 'never';
    const options = [`--color=${colour}`, `-O${order}`, ...(values.stat ? ['--stat'] : [])];
    const git = spawnSync('git', ['diff', '--no-index', ...options, '--', from, to], {
      cwd: copy,
      stdio: 'inherit',
    });
    if (git.error) {
      console.error(`npm run diff needs git, which did not run: ${git.error.message}`);
      return 1;
    }
    // git diff exits 1 when there are differences, which is what we asked for.
    if (git.status === 0) console.log(`No differences between ${from} and ${to}${values.all ? '' : ' (generated/ left out)'}.`);
    return git.status === 0 || git.status === 1 ? 0 : 1;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

process.exitCode = main();
