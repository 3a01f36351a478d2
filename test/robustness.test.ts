// Bad input, faults and terminal safety, in 01-chat and every solution after it.
import { randomInt } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { chat } from './lib/chat';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { rssBytes } from '../bench/system';
import { NO_LIMITS, patience, Proc, type Exit } from '../lib/processes';
import { forStages } from './lib/stages';
import { featuresOf } from '../lib/stages';

const MAX_BYTES = 4096;

// Sign a raw client in where the stage has users; returns what SendMessage needs.
async function enter(raw: RawClient, username: string): Promise<Fields> {
  if (raw.has('AddUser')) await raw.unary('AddUser', { username });
  return { user: { username } };
}

// The count in the newest server log line like "(3 listening)" or "(0 users)".
function lastCount(server: Proc, what: 'listening' | 'users'): number | undefined {
  const pattern = new RegExp(`\\((\\d+) ${what}\\)`);
  const line = server.lines.filter((l) => pattern.test(l)).pop();
  return line === undefined ? undefined : Number(pattern.exec(line)?.[1]);
}

// Random text of every awkward kind: bytes, control characters, escapes, unicode, size.
function randomText(): string {
  const pick = randomInt(7);
  const length = randomInt(1, 64);
  const chars = (from: number, to: number) =>
    Array.from({ length }, () => String.fromCodePoint(randomInt(from, to))).join('');
  if (pick === 0) return Buffer.from(Array.from({ length }, () => randomInt(256))).toString('utf8');
  if (pick === 1) return chars(0, 0x20) + chars(0x7f, 0xa0);
  if (pick === 2) return `\u001b[2J\u001b[31m${chars(0x20, 0x7f)}\r`;
  if (pick === 3) return chars(0x4e00, 0x9fff) + chars(0x1f600, 0x1f64f) + '\u202e\u0301';
  if (pick === 4) return 'x'.repeat(randomInt(MAX_BYTES - 8, MAX_BYTES + 8));
  if (pick === 5) return ` \t ${randomInt(2) ? '' : '\u00a0'}`;
  return `@${chars(0x21, 0x7f)} ${chars(0x20, 0x7f)}`;
}

// The server's resident memory (bench/system reads it from /proc).
const serverRss = (server: Proc) => rssBytes(server.child.pid ?? 0) ?? Number.NaN;

const valid = (msg: string) => msg.trim() !== '' && Buffer.byteLength(msg) <= MAX_BYTES;

forStages('01-chat', 'solutions/03-status-code', (t, dir) => {
  t.test('bad messages get INVALID_ARGUMENT naming the problem, and the server goes on', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const raw = c.raw(address);
    const as = await enter(raw, 'tester');
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      [' \t ', /empty/],
      ['x'.repeat(MAX_BYTES + 1), /longer than 4096 bytes/],
      ['é'.repeat(MAX_BYTES / 2 + 1), /longer than 4096 bytes/], // 4098 bytes in UTF-8
    ];
    for (const [msg, why] of cases) {
      const status = await statusOf(raw.unary('SendMessage', { msg, ...as }));
      t.equal(status.code, grpc.status.INVALID_ARGUMENT, `${msg.length} characters`);
      t.match(status.details, why);
    }
    t.equal((await statusOf(raw.unary('SendMessage', { msg: 'x'.repeat(MAX_BYTES), ...as }))).code, grpc.status.OK);
  });

  t.test('a 100 MB request is refused without being buffered', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    const raw = c.raw(address);
    const before = serverRss(server);
    const status = await statusOf(raw.unary('SendMessage', { msg: 'x'.repeat(100 * 1024 * 1024) }));
    t.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
    t.ok(serverRss(server) - before < 50 * 1024 * 1024, 'server memory did not take the request in');
    t.equal((await statusOf(raw.unary('SendMessage', { msg: 'still fine', ...(await enter(raw, 'x')) }))).code, grpc.status.OK);
  });

  t.test('the client refuses nothing silently: it says why the server refused', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const client = await c.member(address, 'amy');
    client.send('   '); // never sent: blank lines are skipped
    client.send('y'.repeat(MAX_BYTES + 1));
    t.match(await client.waitFor('Message not sent'), /longer than 4096 bytes/);
    client.send('after');
    await client.waitFor(/after$/);
    t.equal(client.count(/Message not sent/), 1, 'the blank line was not sent');
  });

  t.test('escape sequences from one client reach another as visible text', async (t) => {
    const c = chat(t, dir);
    const { address } = await c.server();
    const sender = await c.member(address, 'eve');
    const reader = await c.member(address, 'ray');
    sender.send('\u001b[2J\u001b[31mred alert\u0007 \u202eevil');
    const line = await reader.waitFor('red alert');
    t.match(line, '\\x1b[2J\\x1b[31mred alert\\x07 \\u202eevil');
    t.notMatch(reader.output, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/, 'no raw control characters printed');
  });

  t.test('fuzz: 1,000 random messages and names get OK or a clean error', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server(NO_LIMITS); // 500 messages at full speed
    const raw = c.raw(address);
    const as = await enter(raw, 'fuzzer');
    const own = new Collector(raw.serverStream('Listen', {}));
    await own.started;
    const accepted: string[] = [];
    for (let i = 0; i < 500; i++) {
      const msg = randomText();
      const { code, details } = await statusOf(raw.unary('SendMessage', { msg, ...as }));
      const ok =
        code === grpc.status.OK ? valid(msg)
        : code === grpc.status.INVALID_ARGUMENT ? !valid(msg)
        : code === grpc.status.NOT_FOUND && msg.startsWith('@');
      if (!ok) t.fail(`message ${JSON.stringify(msg.slice(0, 40))}: ${grpc.status[code]} ${details}`);
      if (code === grpc.status.OK) accepted.push(msg);
    }
    if (raw.has('AddUser')) {
      const namer = c.raw(address);
      const clean = new Set([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION]);
      for (let i = 0; i < 500; i++) {
        const username = randomText();
        const { code, details } = await statusOf(namer.unary('AddUser', { username }));
        if (!clean.has(code)) t.fail(`name ${JSON.stringify(username.slice(0, 40))}: ${grpc.status[code]} ${details}`);
      }
    }
    // Consistent afterwards: every accepted message reached our listener once, in order.
    const got = await own.waitForCount(accepted.length);
    t.same(got.map((m) => m.msg), accepted);
    t.ok(accepted.length > 100, `${accepted.length} of 500 messages were valid`);
    t.ok(server.alive);
    const late = await c.member(address, 'late');
    late.send('the server still works');
    t.ok(await late.waitFor('the server still works'));
  });

  t.test('soak: 200 clients join and leave while messages flow; nothing is left behind', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server(NO_LIMITS); // 200 connections from one address
    const speaker = c.raw(address);
    const as = await enter(speaker, 'speaker');
    const speakerListen = new Collector(speaker.serverStream('Listen', {})); // a member, as the real client is
    await speakerListen.started;
    const baseline = serverRss(server);
    const until = Date.now() + 10_000;
    let joins = 0;
    let visiting = true;
    const talk = (async () => {
      for (let i = 0; visiting; i++) {
        await speaker.unary('SendMessage', { msg: `tick ${i}`, ...as });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const visitors = Array.from({ length: 200 }, async (_, v) => {
      for (let round = 0; Date.now() < until; round++) {
        const visitor = new RawClient(`${dir}/chat.proto`, 'chat.Chat', address);
        await enter(visitor, `v${v}r${round}`);
        const listen = new Collector(visitor.serverStream('Listen', {}));
        await listen.started;
        joins++;
        await listen.waitForCount(1).catch(() => undefined); // hear something, or give up
        listen.stream.cancel(); // leave without a word
        visitor.close();
      }
    });
    await Promise.all(visitors);
    visiting = false;
    await talk;
    speakerListen.stream.cancel();
    speaker.close();
    t.ok(joins >= 200, `${joins} joins`);
    // The server's own account: no stream left, and (from 02 on) no name left.
    await server.waitFor('(0 listening)', { from: server.lines.length - 1, ms: patience(1.5) }).catch(() => undefined);
    t.equal(lastCount(server, 'listening'), 0, 'no Listen stream left');
    if (featuresOf(dir).releasesNames) {
      await server.waitFor('(0 users)', { ms: patience(1.5) }).catch(() => undefined);
      t.equal(lastCount(server, 'users'), 0, 'no username left');
    }
    const growth = serverRss(server) - baseline;
    t.ok(growth < 64 * 1024 * 1024, `server memory grew ${(growth / 1048576).toFixed(1)} MB`);
  });

  t.test('SIGTERM ends every stream with UNAVAILABLE "server shutting down" and exit 0', async (t) => {
    const c = chat(t, dir);
    const { server, address } = await c.server();
    const raw = c.raw(address);
    await enter(raw, 'watcher');
    const listen = new Collector(raw.serverStream('Listen', {}));
    await listen.started;
    const client = await c.member(address, 'zoe');
    server.child.kill('SIGTERM');
    t.same(await listen.ended, { code: grpc.status.UNAVAILABLE, details: 'server shutting down' });
    t.same(await server.exited, { code: 0, signal: null } satisfies Exit);
    t.equal((await client.exited).code, 1);
    t.match(client.output, /Lost the chat server .*server shutting down/);
  });

  t.test('bad flags print the usage line and exit 2', async (t) => {
    const runs: Array<[string, string[]]> = [
      ['server.ts', ['--port', 'abc']],
      ['server.ts', ['--bogus']],
      ['client.ts', ['--hots', 'x']],
      ['client.ts', ['--host', 'no-port']],
    ];
    const procs = runs.map(([script, args]) => new Proc(`${script} ${args.join(' ')}`, dir, script, args));
    for (const proc of procs) {
      t.teardown(() => proc.stop());
      t.equal((await proc.exited).code, 2, proc.name);
      t.match(proc.output, /Usage: npx ts-node/);
      t.notMatch(proc.output, /\n\s+at /, 'no stack trace');
    }
  });

  t.test('a port already in use gets a clear message and exit 1', async (t) => {
    const c = chat(t, dir);
    const { port } = await c.server();
    const second = new Proc('second server', dir, 'server.ts', ['--port', String(port)]);
    t.teardown(() => second.stop());
    t.equal((await second.exited).code, 1);
    t.match(second.output, `Port ${port} is already in use — is another server running? Use --port to pick another.`);
  });
});
