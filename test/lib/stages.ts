// The workshop's stages in order, and a way to run one suite against several of them.
import path from 'node:path';
import t, { type Test } from 'tap';

export const ROOT = path.resolve(__dirname, '..', '..');

export const STAGES = [
  '01-chat',
  'solutions/01-add-user',
  'solutions/02-direct-message',
  'solutions/03-status-code',
  'solutions/04-auth-token',
  'solutions/05-chat-rooms',
  'solutions/06-http-bridge',
  'solutions/07-scale-out',
] as const;
export type StageName = (typeof STAGES)[number];

type Body = (t: Test, dir: string) => Promise<void> | void;

// A stage suite is a test file whose tests all sit in forStages blocks: `npm run
// check` runs those files against an attendee's folder, so tests of the workshop's
// own tools belong in files without forStages (e.g. bench-tool.test.ts).
//
// Run `body` as a subtest for each stage from `from` to `to` (both included): a
// suite keeps checking its behaviour in the later stages that keep it.
// `npm run check` sets CHAT_STAGE_DIR (the folder to test) and CHAT_CHECK_STAGE
// (the stage it should now match): then a block runs once, against that folder,
// if that stage is in its range.
export function forStages(from: StageName, to: StageName, body: Body): void {
  const range = STAGES.slice(STAGES.indexOf(from), STAGES.indexOf(to) + 1);
  const folder = process.env.CHAT_STAGE_DIR;
  const target = process.env.CHAT_CHECK_STAGE;
  if (folder && target && !range.some((stage) => stage === target)) return;
  const dirs = folder ? [path.resolve(folder)] : range.map((stage) => path.join(ROOT, stage));
  for (const dir of dirs) {
    t.test(path.relative(ROOT, dir) || dir, async (t) => body(t, dir));
  }
}
