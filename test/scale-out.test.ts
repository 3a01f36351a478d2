// Exercise 07: one chat served by several replicas that share a real redis-server.
// Broadcasts reach everyone once and in one order, names are unique across replicas
// and leased, direct messages cross replicas, clients move when their replica stops
// or dies, and a replica without Redis says so (health, UNAVAILABLE) and recovers.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { Test } from 'tap';
import { chat, CONNECTED } from './lib/chat';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { freePorts, runScript, startServer, type Proc } from '../lib/processes';
import { haveRedis, RedisServer } from '../lib/redis';
import { forStages, ROOT } from './lib/stages';

const LEASE_MS = 2000; // small, so that a crashed replica's names free quickly here
const STAGE_03 = path.join(ROOT, 'solutions/03-status-code');

// Poll `probe` until it returns true (the event we wait for); fail after `ms`.
async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const texts = (items: Fields[]) => items.map((item) => String(item.msg));

function scaleOut(t: Test, dir: string) {
  const base = chat(t, dir);
  const replicas: Array<{ server: Proc; port: number; address: string }> = [];
  return {
    ...base,
    // `count` replicas of one chat, all on the same Redis.
    async replicas(redis: RedisServer, count: number) {
      const started = await Promise.all(
        Array.from({ length: count }, () => startServer(dir, ['--redis', redis.url], { CHAT_NAME_LEASE_MS: String(LEASE_MS) })),
      );
      for (const replica of started) t.teardown(() => replica.server.stop()); // SIGTERM: coverage is written
      replicas.push(...started);
      return started;
    },
    // A listener of its own connection on `address`, once the server has taken it.
    async listener(address: string, name?: string): Promise<{ client: RawClient; messages: Collector }> {
      const client = base.raw(address);
      if (name) t.match(await client.unary('AddUser', { username: name }), { code: 'ADDED' });
      const messages = new Collector(client.serverStream('Listen', {}));
      await messages.started;
      return { client, messages };
    },
    health(address: string) {
      const client = new RawClient(healthProtoPath, 'grpc.health.v1.Health', address);
      t.teardown(() => client.close());
      return async () => String((await client.unary('Check', { service: 'chat.Chat' })).status);
    },
  };
}

forStages('solutions/07-scale-out', 'solutions/07-scale-out', (t, dir) => {
  if (!haveRedis(t, 'scale-out.test.ts (exercise 07 with real Redis)')) return;
  t.test('30 listeners on 3 replicas get every broadcast once, in one order', async (t) => {
    const chat = scaleOut(t, dir);
    const redis = await RedisServer.start(t);
    const replicas = await chat.replicas(redis, 3);
    const listeners = await Promise.all(
      Array.from({ length: 30 }, (_, i) => chat.listener(replicas[i % 3].address)),
    );
    // One sender per replica, all sending at once: the replicas must agree on one order.
    const senders = await Promise.all(replicas.map((replica, i) => chat.listener(replica.address, `sender${i}`)));
    await Promise.all(
      senders.map(async ({ client }, i) => {
        for (let n = 0; n < 10; n++) await client.unary('SendMessage', { msg: `s${i}-${n}` });
      }),
    );
    // A last message: whatever arrives before it is all there is, so a duplicate would show.
    await senders[0].client.unary('SendMessage', { msg: 'end' });
    const all = await Promise.all([...listeners, ...senders].map(({ messages }) => messages.waitForCount(31)));
    const first = texts(all[0]);
    t.equal(first.at(-1), 'end');
    t.equal(new Set(first.slice(0, 30)).size, 30, 'all 30 messages, each once');
    t.ok(
      all.every((items) => texts(items).join() === first.join()),
      'every listener on every replica saw the same messages in the same order',
    );
    for (let i = 0; i < 3; i++) {
      const own = first.filter((text) => text.startsWith(`s${i}-`));
      t.same(own, Array.from({ length: 10 }, (_, n) => `s${i}-${n}`), `sender${i}'s messages in the order sent`);
    }
  });

  t.test('50 clients claiming one name at once on 3 replicas: exactly one ADDED', async (t) => {
    const chat = scaleOut(t, dir);
    const redis = await RedisServer.start(t);
    const replicas = await chat.replicas(redis, 3);
    const clients = Array.from({ length: 50 }, (_, i) => chat.raw(replicas[i % 3].address));
    const answers = await Promise.all(clients.map((client) => client.unary('AddUser', { username: 'zoe' })));
    t.equal(answers.filter((answer) => answer.code === 'ADDED').length, 1, 'one ADDED');
    t.equal(answers.filter((answer) => answer.code === 'TAKEN').length, 49, '49 TAKEN');
  });

  t.test('direct messages cross replicas; an unknown user is NOT_FOUND', async (t) => {
    const chat = scaleOut(t, dir);
    const redis = await RedisServer.start(t);
    const [one, two] = await chat.replicas(redis, 2);
    const alice = await chat.listener(one.address, 'alice');
    const bob = await chat.listener(two.address, 'bob');
    t.match(await alice.client.unary('SendMessage', { msg: '@bob psst' }), { msg: 'Sent direct message to bob' });
    const unknown = await statusOf(alice.client.unary('SendMessage', { msg: '@zed hi' }));
    t.equal(unknown.code, grpc.status.NOT_FOUND);
    t.match(unknown.details, 'no user named zed');
    await bob.client.unary('SendMessage', { msg: 'for everyone' });
    t.same(texts(await bob.messages.waitForCount(2)), ['@bob psst', 'for everyone']);
    t.same(texts(await alice.messages.waitForCount(1)), ['for everyone'], 'alice did not get the direct message');
    t.match(bob.messages.items[0], { user: { username: 'alice' } }, 'it says who sent it');
    // The name is tied to alice's connection: bob's replica does not let others post as her.
    const impostor = await statusOf(chat.raw(two.address).unary('SendMessage', { msg: 'hi', user: { username: 'alice' } }));
    t.equal(impostor.code, grpc.status.FAILED_PRECONDITION);
  });

  t.test("03's client works against 07 replicas unchanged", async (t) => {
    const chat = scaleOut(t, dir);
    const old = scaleOut(t, STAGE_03);
    const redis = await RedisServer.start(t);
    const [one, two] = await chat.replicas(redis, 2);
    const alice = await old.joinAs(one.address, 'alice');
    const bob = await old.joinAs(two.address, 'bob');
    const taken = old.client(two.address, 'second alice');
    await taken.waitFor('Pick a username');
    taken.send('alice');
    await taken.waitFor('Username taken, please choose another.');
    alice.send('hello from replica one');
    await bob.waitFor('alice: hello from replica one');
    bob.send('@alice across');
    await alice.waitFor('bob (direct): across');
  });

  t.test('names are leased: held while listening, free once their replica died', async (t) => {
    const chat = scaleOut(t, dir);
    const redis = await RedisServer.start(t);
    const [one, two] = await chat.replicas(redis, 2);
    await chat.listener(one.address, 'alice');
    await chat.raw(one.address).unary('AddUser', { username: 'idle' }); // never listens
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    const other = chat.raw(two.address);
    t.match(await other.unary('AddUser', { username: 'alice' }), { code: 'TAKEN' }, 'renewed past its lease');
    await until('the idle name is free', async () => (await other.unary('AddUser', { username: 'idle' })).code === 'ADDED');
    await one.server.stop('SIGKILL');
    const again = chat.raw(two.address);
    await until('alice is free', async () => (await again.unary('AddUser', { username: 'alice' })).code === 'ADDED');
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    t.test(`${signal} of a replica: its clients move to the others, the rest lose nothing`, async (t) => {
      const chat = scaleOut(t, dir);
      const redis = await RedisServer.start(t);
      const replicas = await chat.replicas(redis, 3);
      const all = replicas.map((replica) => replica.address).join(',');
      const clients = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((name) => chat.joinAs(all, name)));
      // Which replica each client listens on: its connected line names it.
      const portOf = async (client: Proc) => Number(/through \S+:(\d+)\)/.exec(await client.waitFor(CONNECTED))?.[1]);
      const ports = await Promise.all(clients.map(portOf));
      const count = (port: number) => ports.filter((p) => p === port).length;
      const victim = [...replicas].sort((a, b) => count(b.port) - count(a.port))[0];
      const survivors = replicas.filter((replica) => replica !== victim);
      const moving = clients.filter((_, i) => ports[i] === victim.port);
      t.ok(moving.length > 0, `${moving.length} of 5 clients on the replica that goes`);
      const watchers = await Promise.all(survivors.map((replica) => chat.listener(replica.address)));
      const sender = await chat.listener(survivors[0].address, 'sender');
      // A steady stream of messages from a surviving replica, across the failure.
      const sent: string[] = [];
      const sending = (async () => {
        for (let n = 0; n < 20; n++) {
          sent.push(`tick ${n}`);
          await sender.client.unary('SendMessage', { msg: `tick ${n}` });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const from = moving.map((client) => client.lines.length);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopped = victim.server.stop(signal);
      moving[0].send('typed during the failover'); // the retry policy delivers it once
      await stopped;
      await Promise.all(moving.map((client, i) => client.waitFor(/Reconnected to the chat through/, { from: from[i] })));
      await sending;
      moving[0].send('after the move');
      for (const { messages } of [...watchers, sender]) {
        await until('the message after the move arrived', async () => texts(messages.items).includes('after the move'));
        const got = texts(messages.items);
        t.same(got.filter((text) => text.startsWith('tick')), sent, 'every tick, once, in order');
        t.equal(got.filter((text) => text === 'typed during the failover').length, 1, 'the failover message, once');
      }
      for (const client of moving) {
        t.equal(client.count(/Reconnected/), 1, 'one line about the move');
        t.notOk(client.output.includes('Lost the chat server'), 'it did not give up');
      }
      await Promise.all(clients.map((client) => client.waitFor(/after the move/)));
    });
  }

  t.test('without Redis a replica is NOT_SERVING and refuses with UNAVAILABLE; it recovers', async (t) => {
    const chat = scaleOut(t, dir);
    const redis = await RedisServer.start(t);
    const [one, two] = await chat.replicas(redis, 2);
    const health = chat.health(one.address);
    t.equal(await health(), 'SERVING');
    const alice = await chat.listener(one.address, 'alice');
    const bob = await chat.listener(two.address, 'bob');
    await redis.stop();
    await until('NOT_SERVING', async () => (await health()) === 'NOT_SERVING');
    const refused = await statusOf(alice.client.unary('SendMessage', { msg: 'lost?' }));
    t.equal(refused.code, grpc.status.UNAVAILABLE);
    t.match(refused.details, /cannot reach its Redis/);
    t.equal((await statusOf(chat.raw(two.address).unary('AddUser', { username: 'carol' }))).code, grpc.status.UNAVAILABLE);
    await one.server.waitFor(/Lost Redis/);
    await redis.restart(); // empty: this Redis saves nothing
    await until('SERVING again', async () => (await health()) === 'SERVING');
    // The replicas put the names of their open streams back, and the streams carry on.
    await until('alice can post again', async () => (await statusOf(alice.client.unary('SendMessage', { msg: 'back' }))).code === grpc.status.OK);
    t.same(texts(await bob.messages.waitForCount(1)), ['back'], 'nothing was posted while Redis was away');
    t.same(texts(await alice.messages.waitForCount(1)), ['back']);
  });

  t.test('without --redis it runs alone, in memory, like 03', async (t) => {
    const chat = scaleOut(t, dir);
    const { server, address } = await chat.server();
    t.match(server.output, /Server listening on 0\.0\.0\.0:\d+$/m);
    const health = chat.health(address);
    t.equal(await health(), 'SERVING');
    const alice = await chat.joinAs(address, 'alice');
    const bob = await scaleOut(t, STAGE_03).joinAs(address, 'bob');
    alice.send('hi bob');
    await bob.waitFor('alice: hi bob');
    bob.send('@alice hi');
    await alice.waitFor('bob (direct): hi');
    const raw = chat.raw(address);
    t.match(await raw.unary('AddUser', { username: 'alice' }), { code: 'TAKEN' });
    t.match(await raw.unary('AddUser', { username: 'carol' }), { code: 'ADDED' });
    t.equal((await statusOf(raw.unary('AddUser', { username: 'dave' }))).code, grpc.status.FAILED_PRECONDITION);
  });

  t.test('a replica started before its Redis serves once Redis is up; flags and sessions', async (t) => {
    const chat = scaleOut(t, dir);
    const [port] = await freePorts(1);
    const redis = new RedisServer(port);
    t.teardown(() => redis.stop());
    const [replica] = await chat.replicas(redis, 1);
    t.match(replica.server.output, /Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ yet/);
    const health = chat.health(replica.address);
    t.equal(await health(), 'NOT_SERVING');
    await redis.restart();
    await until('SERVING', async () => (await health()) === 'SERVING');
    // A client that sends its own session (as the 07 client does) may claim its name again.
    const metadata = new grpc.Metadata();
    metadata.set('chat-session', 'a-session-of-the-test-0001');
    const raw = chat.raw(replica.address);
    t.match(await raw.unary('AddUser', { username: 'alice' }, metadata), { code: 'ADDED' });
    t.match(await chat.raw(replica.address).unary('AddUser', { username: 'alice' }, metadata), { code: 'ADDED' }, 'again, from another connection');
    const other = await statusOf(raw.unary('AddUser', { username: 'bob' }, metadata));
    t.equal(other.code, grpc.status.FAILED_PRECONDITION);
    t.match(other.details, 'you are already alice');
    t.equal((await statusOf(raw.unary('AddUser', { username: 'no spaces' }))).code, grpc.status.INVALID_ARGUMENT);
    t.equal((await statusOf(raw.unary('SendMessage', { msg: ' ' }))).code, grpc.status.OK, 'a blank message is dropped, as in 03');
    // Flags: a bad one is refused with the usage line; nothing listens on these ports.
    const bad = await runScript(t, dir, 'server.ts', ['--redis', 'localhost:6379']);
    t.equal(bad.code, 2);
    t.match(bad.output, /Invalid --redis localhost:6379\nUsage:/);
    const help = await runScript(t, dir, 'client.ts', ['--help']);
    t.equal(help.code, 0);
    t.match(help.output, /--host host:port\[,host:port/);
    t.equal((await runScript(t, dir, 'client.ts', ['--host', 'a:1,'])).code, 2);
    t.equal((await runScript(t, dir, 'client.ts', ['--nope'])).code, 2);
    const [free1, free2] = await freePorts(2);
    const nobody = await runScript(t, dir, 'client.ts', ['--host', `localhost:${free1},127.0.0.1:${free2}`]);
    t.equal(nobody.code, 1);
    t.match(nobody.output, /Cannot reach the chat server at localhost:\d+,127\.0\.0\.1:\d+ — is it running\?/);
  });
});
