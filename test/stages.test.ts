// The stage registry (lib/stages.ts) is the one list of stages: it matches the
// folders in the repository and the ranges of the suites, and a new stage is one
// entry there plus its folder, which every tool then sees.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { featuresOf, Registry, registry, ROOT, STAGES, type Stage } from '../lib/stages';
import { stageDirs } from '../scripts/gen';
import { findStage, shortName, stageNames, stages } from '../scripts/lib/stages';

t.test('every stage folder is in the registry, and every entry is a stage folder', async (t) => {
  const solutions = fs.readdirSync(path.join(ROOT, 'solutions')).map((name) => `solutions/${name}`);
  t.same(stages(), ['01-chat', ...solutions.sort()], 'the registry lists 01-chat and each solution, in order');
  for (const stage of STAGES) {
    const files = fs.readdirSync(registry.dir(stage));
    t.ok(['server.ts', 'client.ts', 'README.md'].every((file) => files.includes(file)), `${stage.folder} is a stage folder`);
    t.equal(stage.name, stage.folder.replace(/^solutions\//, ''), `${stage.folder} is named after its folder`);
  }
  t.same(stageDirs(), STAGES.map((stage) => registry.dir(stage)), 'npm run gen regenerates every stage');
});

t.test("each suite's forStages ranges cover exactly the stages that list it", async (t) => {
  const testDir = path.join(ROOT, 'test');
  const seen = new Set<string>();
  for (const file of fs.readdirSync(testDir).filter((name) => name.endsWith('.test.ts'))) {
    const suite = file.replace(/\.test\.ts$/, '');
    const source = fs.readFileSync(path.join(testDir, file), 'utf8');
    const ranges = [...source.matchAll(/^forStages\(\s*'([^']+)',\s*'([^']+)'/gm)];
    if (ranges.length === 0) continue;
    seen.add(suite);
    const covered = new Set(ranges.flatMap(([, from, to]) => registry.range(from, to).map((stage) => stage.folder)));
    const listed = registry.checkedBy(suite).map((stage) => stage.folder);
    t.same([...covered].sort(), listed.sort(), `${file}: the stages its blocks run on are the ones listing "${suite}"`);
  }
  t.same([...seen].sort(), registry.suites().sort(), 'every suite a stage lists is a test file with forStages blocks');
});

t.test('the registry answers by name, folder and features', async (t) => {
  t.equal(findStage('01-add-user'), 'solutions/01-add-user');
  t.equal(findStage('./solutions/02-direct-message/'), 'solutions/02-direct-message');
  t.equal(findStage('solutions\\03-status-code'), 'solutions/03-status-code');
  t.equal(findStage('07-nothing'), undefined, 'an unknown name is no stage');
  t.equal(shortName('solutions/04-auth-token'), '04-auth-token');
  t.match(stageNames(), /^01-chat, 01-add-user, .*07-scale-out$/);
  t.throws(() => registry.range('01-chat', 'solutions/99-none'), /not a stage/);
  t.equal(featuresOf(path.join(ROOT, '01-chat')).users, undefined, '01-chat has no usernames');
  t.equal(featuresOf(path.join(ROOT, 'solutions/02-direct-message')).releasesNames, true);
  t.throws(() => featuresOf(os.tmpdir()), /not a stage/, 'a folder outside the registry has no features');
  // Under npm run check, a folder has the features of the stage it is checked against.
  t.teardown(() => {
    delete process.env.CHAT_STAGE_DIR;
    delete process.env.CHAT_CHECK_STAGE;
  });
  Object.assign(process.env, { CHAT_STAGE_DIR: path.join(ROOT, '01-chat'), CHAT_CHECK_STAGE: '01-add-user' });
  t.equal(featuresOf(path.join(ROOT, '01-chat')).users, true, '01-chat checked against 01-add-user needs users');
});

t.test('a new stage is one registry entry plus its folder', async (t) => {
  // A checkout with the stages of this one and a 07 next to them.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-stages-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'solutions'));
  for (const stage of STAGES) fs.symlinkSync(registry.dir(stage), path.join(root, stage.folder), 'dir');
  const extra: Stage = {
    folder: 'solutions/07-extra', name: '07-extra', title: 'a stage added for this test',
    suites: ['bench', 'extra'], flags: 'workshop', features: { fanOut: true, users: true },
    task: { title: 'Exercise 08', steps: { 'the extra check': 'Exercise 08, step 2' } },
  };
  fs.cpSync(path.join(ROOT, 'solutions/03-status-code'), path.join(root, extra.folder), { recursive: true });
  const withExtra = new Registry([...STAGES, extra], root);

  t.equal(withExtra.present().at(-1), extra, 'it is the last stage');
  t.equal(withExtra.find('07-extra'), extra, 'npm run check / diff find it by name');
  t.equal(withExtra.find('solutions/07-extra/'), extra, 'and by folder');
  t.same(withExtra.range('solutions/07-scale-out', 'solutions/07-extra'), [STAGES.at(-1), extra], 'forStages ranges reach it');
  t.ok(withExtra.checkedBy('bench').includes(extra), 'the suites it lists check it');
  t.ok(withExtra.checkSuites().includes('extra'), 'npm run check runs its own suite as a task check');
  t.notOk(withExtra.checkSuites().includes('bench'), 'and the machinery suites only with --all');
  t.ok(withExtra.checkSuites(true).includes('bench'));
  t.equal(withExtra.stepOf('07-extra', 'the extra check works'), 'Exercise 08, step 2', 'its hints name its steps');
  t.equal(withExtra.stepOf('07-extra', 'some other check'), 'Exercise 08', 'or its title');
  t.equal(withExtra.ofDir(path.join(root, extra.folder)), extra, 'its folder is known');
  t.same(stageDirs(withExtra).at(-1), path.join(root, extra.folder), 'npm run gen regenerates it');
  // Without the entry, the folder is not a stage: the registry is the only list.
  const without = new Registry(STAGES, root);
  t.equal(without.find('07-extra'), undefined, 'a folder alone is not a stage');
});
