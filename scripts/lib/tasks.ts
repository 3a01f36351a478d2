// ─── What the checker knows about each stage's task ─────────────────────────────
// Everything `npm run check` knows about the tasks themselves is in this file, to
// be folded into the stage registry: which suites check a task and which check the
// starter's machinery (only with --all), the task step each check belongs to, and
// what to do once a stage passes. The checks themselves are in test/*.test.ts.

// Stage suites (test files with forStages blocks) by what they check. A suite not
// listed here checks the machinery (scale, robustness): it runs only with --all.
export const TASK_SUITES = [
  'chat.test.ts', // 01-chat: what the starter does (its README's "Run it")
  'add-user.test.ts', // Task 1
  'direct-message.test.ts', // the stretch task
  'status-code.test.ts', // the further task
  'auth-token.test.ts', // exercise 04
  'chat-rooms.test.ts', // exercise 05
  'http-bridge.test.ts', // exercise 06
  'scale-out.test.ts', // exercise 07
];
// Tests of the reference solutions' own choices, which the task texts leave open:
// never run against an attendee's folder.
export const NEVER_CHECKED = ['solutions.test.ts'];

interface Task {
  title: string; // where its text is
  steps: Record<string, string>; // check name (or its start) → the step it belongs to
  next?: string; // what to do once it passes
}

const README = '01-chat/README.md';

// By stage short name. A check without a step is labelled with the task's title.
export const TASKS: Record<string, Task> = {
  '01-chat': { title: `the starter (${README}, "Run it")`, steps: {}, next: 'Task 1 in 01-chat/README.md; then: npm run check -- 01-add-user' },
  '01-add-user': {
    title: 'Task 1',
    steps: {
      'chat.proto declares the RPCs': 'Task 1, step 1',
      'generated/ matches': 'Task 1, step 2',
      'messages show who sent them': 'Task 1, step 4',
      'AddUser answers a taken name': 'Task 1, step 3',
      'a taken name makes the client ask again': 'Task 1, step 4',
      'bad names get INVALID_ARGUMENT': 'Task 1, step 3',
      'the client shows why a name is refused': 'Task 1, step 4',
    },
    next: `the stretch task ("Stretch: direct messages" in ${README}); then: npm run check -- 02-direct-message`,
  },
  '02-direct-message': {
    title: 'Stretch',
    steps: {
      'a direct message reaches its target': 'Stretch',
      'a direct message to nobody': 'Stretch',
      'the sender is the name added': 'Stretch',
    },
    next: `the further task ("Further: a status-code enum" in ${README}); then: npm run check -- 03-status-code`,
  },
  '03-status-code': {
    title: 'Further',
    steps: {
      'AddUser answers with an enum code': 'Further',
      'the client decides by the code': 'Further',
    },
    next: 'the additional exercises (additional-exercises/README.md)',
  },
};

// The step a check belongs to ("Task 1, step 4"). A behaviour check (`behaviour`)
// keeps its task in later stages (Task 1's checks run for 02 too), so every task
// is searched, and a check no task lists gets the stage's title; a contract check
// belongs to the stage checked. Undefined for a stage this file does not know.
export function stepOf(stage: string, check: string, behaviour = true): string | undefined {
  const task = TASKS[stage];
  if (!task) return undefined;
  const matching = (steps: Record<string, string>) => Object.entries(steps).find(([start]) => check.startsWith(start))?.[1];
  if (!behaviour) return matching(task.steps);
  for (const other of Object.values(TASKS)) {
    const step = matching(other.steps);
    if (step) return step;
  }
  return task.title;
}
