// The process layer (lib/processes.ts, lib/run-ts.js): how the suites, npm run check
// and the bench start a TypeScript file, and how long they wait for it.
import t from 'tap';
import { patience, runScript } from '../lib/processes';

t.test('a .ts file runs as the main module, with the arguments it was given', async (t) => {
  const dir = t.testdir({
    'main.ts': [
      "const typed: string[] = process.argv.slice(2);",
      "console.log(JSON.stringify({ args: typed, main: require.main === module }));",
    ].join('\n'),
  });
  const { code, output } = await runScript(t, dir, 'main.ts', ['--port', '0', 'x']);
  t.equal(code, 0);
  t.same(JSON.parse(output), { args: ['--port', '0', 'x'], main: true });
});

t.test('a file that does not parse ends with one SyntaxError line naming the place', async (t) => {
  const dir = t.testdir({ 'server.ts': "import './broken';\n", 'broken.ts': 'const x: number = ;\n' });
  const { code, output } = await runScript(t, dir, 'server.ts', []);
  t.equal(code, 1);
  t.match(output, /^SyntaxError: broken\.ts:1:19: Unexpected ";"$/m);
  t.notMatch(output, /Transform failed/);
});

t.test('waits allow at least 20 s, and CHAT_WAIT_MS fixes them', async (t) => {
  t.ok(patience() >= 20_000);
  t.equal(patience(2), 2 * patience());
  process.env.CHAT_WAIT_MS = '1234';
  t.teardown(() => delete process.env.CHAT_WAIT_MS);
  t.equal(patience(), 1234);
});
