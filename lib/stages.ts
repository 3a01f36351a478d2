// The stage registry: the one list of the workshop's stages, read by every tool
// (the tests' forStages, npm run check/diff/gen, the bench). Each entry says where
// the stage lives, what its task is, which test suites check it and what it can do.
// Adding a stage (say solutions/07-…) is one entry here plus its folder: see the
// README's maintainer notes.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

// What a stage can do, as the tools need to know it (instead of guessing from the
// folder's name or grepping its .proto).
export interface Features {
  users?: boolean; // AddUser: a client picks a username before it chats
  releasesNames?: boolean; // a name is free again once its user leaves
  directMessages?: boolean; // `@name text` reaches only that user
  statusEnum?: boolean; // AddUser answers with a Code enum
  fanOut?: boolean; // SendMessage + Listen: the bench and the fan-out suite can drive it
}

// How a stage family reads its command line (see the README's maintainer notes).
export type Flags =
  | 'workshop' // --port / --host host:port, -h is help
  | 'lets-chat' // mirrors the lets-chat reference: -h HOST, -p password, -n name
  | 'chatter' // Chatter's flags: --host, --tls, --ca, rooms
  | 'messenger'; // the messenger task: --host, --http

// What `npm run check` says about a stage's task: where its text is, the step of
// the text each check belongs to (by the start of the check's name), and what to
// do once the stage passes.
export interface Task {
  title: string;
  steps?: Record<string, string>;
  next?: string;
}

export interface Stage {
  folder: string; // relative to the repository root, with '/'
  name: string; // what people type: the folder without "solutions/"
  title: string; // the task, in a few words
  suites: string[]; // the test files (test/<suite>.test.ts) whose forStages blocks check it
  flags: Flags;
  features: Features;
  task?: Task; // for npm run check's hints
}

// Suites by what `npm run check` does with them. A suite a stage lists checks its
// task, unless it is named here:
// - the machinery the starter already has (scale, robustness, interop with the
//   original exercises' programs): checked only with `npm run check -- … --all`;
// - the reference solutions' own choices, which the task texts leave open: never
//   run against an attendee's folder.
export const MACHINERY_SUITES = ['robustness', 'bench', 'interop'];
export const SOLUTION_SUITES = ['solutions'];

const README = '01-chat/README.md';

const workshopFanOut = { fanOut: true };

export const STAGES: readonly Stage[] = [
  {
    folder: '01-chat', name: '01-chat', title: 'the starter: one room, SendMessage and Listen',
    suites: ['chat', 'robustness', 'bench', 'interop', 'solutions'], flags: 'workshop', features: workshopFanOut,
    task: { title: `the starter (${README}, "Run it")`, next: `Task 1 in ${README}; then: npm run check -- 01-add-user` },
  },
  {
    folder: 'solutions/01-add-user', name: '01-add-user', title: 'Task 1: AddUser and unique usernames',
    suites: ['add-user', 'robustness', 'bench', 'interop', 'solutions'], flags: 'workshop', features: { ...workshopFanOut, users: true },
    task: {
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
  },
  {
    folder: 'solutions/02-direct-message', name: '02-direct-message', title: 'stretch: @username direct messages',
    suites: ['add-user', 'direct-message', 'robustness', 'bench', 'interop', 'solutions'], flags: 'workshop',
    features: { ...workshopFanOut, users: true, releasesNames: true, directMessages: true },
    task: {
      title: 'Stretch',
      steps: {
        'a direct message reaches its target': 'Stretch',
        'a direct message to nobody': 'Stretch',
        'the sender is the name added': 'Stretch',
      },
      next: `the further task ("Further: a status-code enum" in ${README}); then: npm run check -- 03-status-code`,
    },
  },
  {
    folder: 'solutions/03-status-code', name: '03-status-code', title: 'further: a Code enum for AddUser',
    suites: ['add-user', 'direct-message', 'status-code', 'robustness', 'bench', 'interop', 'solutions'], flags: 'workshop',
    features: { ...workshopFanOut, users: true, releasesNames: true, directMessages: true, statusEnum: true },
    task: {
      title: 'Further',
      steps: { 'AddUser answers with an enum code': 'Further', 'the client decides by the code': 'Further' },
      next: 'the additional exercises (additional-exercises/README.md)',
    },
  },
  {
    folder: 'solutions/04-auth-token', name: '04-auth-token', title: 'exercise: login, session tokens, events',
    suites: ['auth-token', 'interop'], flags: 'lets-chat', features: {},
  },
  {
    folder: 'solutions/05-chat-rooms', name: '05-chat-rooms', title: 'exercise: rooms, health, reflection, TLS',
    suites: ['chat-rooms', 'interop'], flags: 'chatter', features: {},
  },
  {
    folder: 'solutions/06-http-bridge', name: '06-http-bridge', title: 'exercise: a client that is an HTTP service',
    suites: ['http-bridge', 'interop'], flags: 'messenger', features: {},
  },
  {
    folder: 'solutions/07-scale-out', name: '07-scale-out', title: 'exercise: replicas sharing Redis, balancing, failover',
    suites: ['scale-out'], flags: 'workshop',
    features: { ...workshopFanOut, users: true, releasesNames: true, directMessages: true, statusEnum: true },
  },
];

// The registry as the tools see it, for one list of stages in one checkout. The
// tools use `registry` (this repository); a test builds one with an extra stage.
export class Registry {
  constructor(readonly stages: readonly Stage[], readonly root: string = ROOT) {}

  // Absolute folder of a stage.
  dir(stage: Stage): string {
    return path.join(this.root, ...stage.folder.split('/'));
  }

  // The stages whose folder is in this checkout, in order.
  present(): Stage[] {
    return this.stages.filter((stage) => fs.existsSync(this.dir(stage)));
  }

  // "01-add-user", "solutions/01-add-user/", ".\solutions\01-add-user" → the stage.
  find(name: string): Stage | undefined {
    const wanted = name.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    return this.present().find((stage) => stage.folder === wanted || stage.name === wanted);
  }

  // The stage whose folder is `dir` (absolute), if any.
  ofDir(dir: string): Stage | undefined {
    return this.stages.find((stage) => path.resolve(this.dir(stage)) === path.resolve(dir));
  }

  // Stages from `from` to `to`, both included, in order.
  range(from: string, to: string): Stage[] {
    const index = (folder: string) => {
      const i = this.stages.findIndex((stage) => stage.folder === folder);
      if (i < 0) throw new Error(`${folder} is not a stage in lib/stages.ts`);
      return i;
    };
    return this.stages.slice(index(from), index(to) + 1);
  }

  // The stages a suite (test/<suite>.test.ts) checks.
  checkedBy(suite: string): Stage[] {
    return this.stages.filter((stage) => stage.suites.includes(suite));
  }

  // Every suite any stage lists, earliest stage first: the order of the checklist.
  suites(): string[] {
    return [...new Set(this.stages.flatMap((stage) => stage.suites))];
  }

  // The suites `npm run check` runs against a folder: those that check a task, and
  // with `all` the machinery's too; never the solutions' own.
  checkSuites(all = false): string[] {
    return this.suites().filter((suite) => !SOLUTION_SUITES.includes(suite) && (all || !MACHINERY_SUITES.includes(suite)));
  }

  // The step of a task a check belongs to ("Task 1, step 4"), for the checker's
  // hints. A behaviour check keeps its task in later stages (Task 1's checks run for
  // 02 too), so every task is searched, and a check no task lists gets the checked
  // stage's title; a contract check belongs to the stage checked. Undefined for a
  // stage without a task.
  stepOf(name: string, check: string, behaviour = true): string | undefined {
    const task = this.find(name)?.task;
    if (!task) return undefined;
    const matching = (stage?: Stage) =>
      Object.entries(stage?.task?.steps ?? {}).find(([start]) => check.startsWith(start))?.[1];
    if (!behaviour) return matching(this.find(name));
    for (const stage of this.stages) {
      const step = matching(stage);
      if (step) return step;
    }
    return task.title;
  }
}

export const registry = new Registry(STAGES);

// The features `dir` should have. Under `npm run check` (CHAT_STAGE_DIR and
// CHAT_CHECK_STAGE set) the folder is checked against a stage: it should have that
// stage's features, whatever folder it is (01-chat checked against 01-add-user).
export function featuresOf(dir: string): Features {
  return stageOf(dir).features;
}

// The stage `dir` should behave as: its own, or under `npm run check` the one it is
// checked against.
export function stageOf(dir: string): Stage {
  const { CHAT_STAGE_DIR: folder, CHAT_CHECK_STAGE: target } = process.env;
  const checked = folder && target && path.resolve(folder) === path.resolve(dir);
  const stage = checked ? registry.find(target) : registry.ofDir(dir);
  if (!stage) throw new Error(`${dir} is not a stage of lib/stages.ts`);
  return stage;
}
