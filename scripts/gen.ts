// `npm run gen`: regenerate the TypeScript types of every stage from its .proto files.
// `npm run gen -- --check`: change nothing; fail if a committed generated file is stale.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registry } from '../lib/stages';

const ROOT = path.resolve(__dirname, '..');
const GEN_TYPES = require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');

// The same options as the loader calls in each stage's code (see its README).
export const GEN_FLAGS = ['--grpcLib=@grpc/grpc-js', '--keepCase', '--longs=String', '--enums=String', '--defaults', '--oneofs'];

// Every stage of the registry (lib/stages.ts) in this checkout that has a .proto file.
export function stageDirs(stages = registry): string[] {
  return stages.present().map((stage) => stages.dir(stage)).filter((dir) => protoFiles(dir).length > 0);
}

export function protoFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith('.proto')).sort() : [];
}

// Generate the types of one stage into outDir. Throws with the generator's message.
export function generate(dir: string, outDir: string): void {
  execFileSync(process.execPath, [GEN_TYPES, ...GEN_FLAGS, `--outDir=${outDir}`, ...protoFiles(dir)], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => fs.statSync(path.join(dir, file)).isFile())
    .sort();
}

// Files under <dir>/generated that differ from what the generator makes now
// (missing, extra or changed), relative to <dir>.
export function staleFiles(dir: string): string[] {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-gen-'));
  try {
    generate(dir, fresh);
    const committed = path.join(dir, 'generated');
    const names = new Set([...listFiles(fresh), ...listFiles(committed)]);
    return [...names]
      .filter((name) => {
        const a = path.join(fresh, name);
        const b = path.join(committed, name);
        return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b));
      })
      .map((name) => path.join('generated', name));
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const dir of stageDirs()) {
    const stage = path.relative(ROOT, dir);
    if (check) {
      const files = staleFiles(dir);
      stale += files.length;
      for (const file of files) console.error(`stale: ${stage}/${file}`);
    } else {
      fs.rmSync(path.join(dir, 'generated'), { recursive: true, force: true });
      generate(dir, 'generated');
      console.log(`generated ${stage}/generated from ${protoFiles(dir).join(', ')}`);
    }
  }
  if (stale > 0) {
    console.error('Generated types are out of date with the .proto files. Run `npm run gen` and commit the result.');
    process.exit(1);
  }
  if (check) console.log('Generated types match the .proto files.');
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    console.error(`Type generation failed: ${stderr || (error as Error).message}`);
    process.exit(1);
  }
}
