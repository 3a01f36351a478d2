// The child process of `npm run check`: loads the stage suites given as arguments
// into this one process, so they share one start-up and one TAP stream on stdout.
// scripts/check.ts sets CHAT_STAGE_DIR and CHAT_CHECK_STAGE, so every forStages
// block in them either runs once against the attendee's folder or not at all.
import t from 'tap';

// A check that never ends (a client that ignores the end of its input, a server
// that never answers) fails on its own after this long, and the next one runs.
// The suites bound each of their own waits to 20 s; this is only the last resort.
const CHECK_TIMEOUT_MS = Number(process.env.CHAT_CHECK_TIMEOUT_MS) || 120_000;

t.beforeEach((test) => {
  // The root's children are the per-folder blocks of forStages; below them are
  // the checks themselves.
  if (test.parent !== undefined && test.parent !== t) test.setTimeout(CHECK_TIMEOUT_MS);
});

// Stopped from outside (Ctrl+C, or the checker going away): exit through 'exit', so
// that lib/processes.ts kills every server and client the suites started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

for (const file of process.argv.slice(2)) require(file);
