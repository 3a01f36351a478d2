// Run one suite against the stages it checks. The stages themselves, and which
// suites check which, are in the registry (lib/stages.ts).
import path from 'node:path';
import t, { type Test } from 'tap';
import { registry, ROOT, STAGES } from '../../lib/stages';

export { ROOT };
export type StageName = (typeof STAGES)[number]['folder'];

type Body = (t: Test, dir: string) => Promise<void> | void;

// A stage suite is a test file whose tests all sit in forStages blocks: `npm run
// check` runs those files against an attendee's folder, so tests of the workshop's
// own tools belong in files without forStages (e.g. bench-tool.test.ts).
//
// Run `body` as a subtest for each stage from `from` to `to` (both included, in the
// registry's order): a suite keeps checking its behaviour in the later stages that
// keep it. test/stages.test.ts holds every file's ranges to the registry's `suites`.
// `npm run check` sets CHAT_STAGE_DIR (the folder to test) and CHAT_CHECK_STAGE
// (the stage it should now match): then a block runs once, against that folder,
// if that stage is in its range.
export function forStages(from: StageName, to: StageName, body: Body): void {
  const range = registry.range(from, to);
  const folder = process.env.CHAT_STAGE_DIR;
  const target = process.env.CHAT_CHECK_STAGE;
  if (folder && target && !range.some((stage) => stage === registry.find(target))) return;
  const dirs = folder ? [path.resolve(folder)] : range.map((stage) => registry.dir(stage));
  for (const dir of dirs) {
    t.test(path.relative(ROOT, dir) || dir, async (t) => body(t, dir));
  }
}
