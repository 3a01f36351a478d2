// solutions/06-http-bridge: a one-room messenger whose client is an HTTP service.
// The first group runs the scenarios of the course's own HTTP test suite.
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { Bridge, Proxy, ready, RFC3339_NANOS, startBridge, STREAM_OPEN } from './lib/http-bridge';
import { freePorts, Proc, startClient, startServer } from '../lib/processes';
import { forStages } from './lib/stages';
import type { Test } from 'tap';

forStages('solutions/06-http-bridge', 'solutions/06-http-bridge', (t, dir) => {
  // Helpers take the (sub)test whose teardown stops what they start.
  async function setup(t: Test, env?: NodeJS.ProcessEnv) {
    const started = await startServer(dir, [], env);
    t.teardown(() => started.server.stop());
    return started;
  }
  function rawClient(t: Test, address: string): RawClient {
    const client = new RawClient(path.join(dir, 'messenger.proto'), 'messenger.Messenger', address);
    t.teardown(() => client.close());
    return client;
  }
  async function oneClient(t: Test, args: string[] = []) {
    const { address } = await setup(t);
    return startBridge(t, dir, address, { args });
  }
  const texts = (messages: Array<{ text: string }>) => messages.map((message) => message.text);

  // The course's suite runs its scenarios one after another against one server and
  // two long-running clients; so do these. Each starts from empty buffers.
  t.test('the course scenarios, on one server and two clients', async (t) => {
    const { address } = await setup(t);
    const [one, two] = await Promise.all([
      startBridge(t, dir, address, { name: 'client1' }),
      startBridge(t, dir, address, { name: 'client2' }),
    ]);
    let round = 0;
    // Flush away whatever earlier scenarios left: everything up to a fresh marker.
    async function clear(): Promise<void> {
      round += 1;
      await one.send('test', `clear ${round}`);
      await Promise.all([one.collectUntil(`clear ${round}`), two.collectUntil(`clear ${round}`)]);
    }
    t.test('one client sends a message and reads it back with the sendTime it was given', async (t) => {
      await clear();
      const reply = await one.request('POST', '/sendMessage', { author: 'Ivan Ivanov', text: 'Hey guys' });
      t.equal(reply.status, 200);
      const { sendTime, error } = reply.body as { sendTime: string; error: null };
      t.match(sendTime, RFC3339_NANOS, 'RFC 3339, UTC, nine fractional digits');
      t.equal(error, null);
      // The sender's own message is in its buffer as soon as the send has answered.
      t.same(await one.flush(), [{ author: 'Ivan Ivanov', text: 'Hey guys', sendTime }]);
      t.same(await one.flush(), [], 'the flush emptied the buffer');
    });

    t.test('one client sends several messages and reads them in order', async (t) => {
      await clear();
      const sent = [];
      for (const text of ['one', 'two', 'three', 'four', 'five']) {
        sent.push({ author: 'Petr', text, sendTime: await one.send('Petr', text) });
      }
      t.same(await one.flush(), sent);
      const times = sent.map((message) => message.sendTime);
      t.same(times, [...times].sort(), 'sendTimes increase');
      t.equal(new Set(times).size, times.length, 'sendTimes are distinct');
    });

    t.test('two clients interleave four sends and both read all four, each once, in order', async (t) => {
      await clear();
      const sent = [];
      for (const [client, author, text] of [
        [one, 'Ivan', 'hi Petr'],
        [two, 'Petr', 'hi Ivan'],
        [one, 'Ivan', 'how are you?'],
        [two, 'Petr', 'fine'],
      ] as const) {
        sent.push({ author, text, sendTime: await client.send(author, text) });
      }
      t.equal(new Set(sent.map((message) => message.sendTime)).size, 4, 'four distinct sendTimes');
      for (const client of [one, two]) t.same(await client.collect(4), sent, `${client.proc.name}: all four, in order`);
      // Exactly once: after a later marker (one stream, in order), nothing else turned up.
      await one.send('Ivan', 'marker');
      for (const client of [one, two]) {
        t.same(texts(await client.collectUntil('marker')), ['marker'], `${client.proc.name}: no duplicates`);
      }
    });

    t.test('concurrent sends get unique, increasing times and every reader the same order', async (t) => {
      await clear();
      const sends = [];
      for (let i = 0; i < 20; i += 1) sends.push(one.send('one', `1-${i}`), two.send('two', `2-${i}`));
      const times = await Promise.all(sends);
      t.equal(new Set(times).size, 40, '40 distinct sendTimes');
      const [gotOne, gotTwo] = await Promise.all([one.collect(40), two.collect(40)]);
      t.same(gotOne, gotTwo, 'both clients read the same sequence');
      const order = gotOne.map((message) => message.sendTime);
      t.same(order, [...times].sort(), 'in sendTime order, with the times the sends returned');
      t.ok(order.every((time, i) => i === 0 || time > order[i - 1]), 'strictly increasing');
    });
  });

  t.test('the HTTP API refuses what it cannot take, and carries on', async (t) => {
    const client = await oneClient(t);
    t.test('bad requests get 400 with a reason, and nothing is sent', async (t) => {
      await client.flush();
      const cases: Array<[string | object, RegExp]> = [
        ['', /not valid JSON/],
        ['{"author": "Ivan", "text": ', /not valid JSON/],
        ['[1, 2]', /must be a JSON object/],
        ['null', /must be a JSON object/],
        [{ text: 'no author' }, /"author" must be a string/],
        [{ author: 'Ivan', text: 5 }, /"text" must be a string/],
        [{ author: 'Ivan', text: '   ' }, /text is empty/],
        [{ author: '', text: 'hi' }, /author is empty/],
        [{ author: 'x'.repeat(129), text: 'hi' }, /author is longer than 128 bytes/],
        [{ author: 'Ivan', text: 'é'.repeat(2049) }, /text is longer than 4096 bytes/],
      ];
      for (const [body, reason] of cases) {
        const reply = await client.request('POST', '/sendMessage', body);
        t.equal(reply.status, 400, JSON.stringify(body).slice(0, 40));
        t.match(reply.body, { sendTime: null, error: reason });
      }
      const longest = 'x'.repeat(4096);
      await client.send('Ivan', longest);
      t.same(texts(await client.collectUntil(longest)), [longest], 'only the valid message went through');
    });

    t.test('any GET answers 200; unknown paths 404; wrong methods 405', async (t) => {
      await client.flush();
      const sendTime = await client.send('Ivan', 'kept');
      for (const path of ['/', '/health', '/getAndFlushMessages']) {
        const reply = await client.request('GET', path);
        t.equal(reply.status, 200, `GET ${path}`);
        t.match(reply.body, { endpoints: ['POST /sendMessage', 'POST /getAndFlushMessages'] });
      }
      t.equal((await client.request('HEAD', '/anything')).status, 200, 'HEAD');
      t.same(await client.flush(), [{ author: 'Ivan', text: 'kept', sendTime }], 'a GET does not flush');
      const missing = await client.request('POST', '/sendMesage', { author: 'Ivan', text: 'typo' });
      t.equal(missing.status, 404);
      t.match(missing.body, { error: /no such endpoint: POST \/sendMesage/ });
      t.equal((await client.request('DELETE', '/nothing')).status, 404);
      const wrong = await client.request('PUT', '/sendMessage', { author: 'Ivan', text: 'put' });
      t.equal(wrong.status, 405);
      t.match(wrong.body, { error: /takes POST/ });
      const query = await client.request('POST', '/sendMessage?debug=1', { author: 'Ivan', text: 'query' });
      t.equal(query.status, 200, 'a query string is ignored');
    });

    t.test('bodies over 64 KiB get 413, and the client carries on', async (t) => {
      await client.flush();
      const huge = JSON.stringify({ author: 'Ivan', text: 'x'.repeat(70 * 1024) });
      for (const path of ['/sendMessage', '/getAndFlushMessages']) {
        const reply = await client.request('POST', path, huge);
        t.equal(reply.status, 413, path);
        t.match(reply.body, { error: /larger than 65536 bytes/ });
      }
      await client.send('Ivan', 'small');
      t.same(texts(await client.flush()), ['small']);
    });

    t.test('a caller that hangs up in the middle of a request does not disturb the client', async (t) => {
      await client.flush();
      const socket = net.connect(Number(new URL(client.url).port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('POST /sendMessage HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n{"author": ');
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.destroy();
      await closed;
      await client.send('Ivan', 'still fine');
      t.same(texts(await client.flush()), ['still fine']);
      t.notMatch(client.proc.output, /Error|at .*\.(ts|js):\d+/, 'no error or stack trace');
    });
  });

  t.test('with no server yet: HTTP serves, sends get 503, the stream opens once the server starts', async (t) => {
    const [port] = await freePorts(1);
    const client = await startBridge(t, dir, `localhost:${port}`, { connected: false });
    await client.proc.waitFor(`Cannot open the read stream at localhost:${port}`);
    t.match(client.proc.output, /reconnecting in \d+\.\d s/);
    const reply = await client.request('POST', '/sendMessage', { author: 'Ivan', text: 'anyone?' });
    t.equal(reply.status, 503);
    t.match(reply.body, { sendTime: null, error: new RegExp(`messenger server at localhost:${port}`) });
    t.same(await client.flush(), []);
    t.equal((await client.request('GET', '/')).status, 200);
    const server = new Proc('server (late)', dir, 'server.ts', ['--port', String(port)]);
    t.teardown(() => server.stop());
    await client.proc.waitFor(STREAM_OPEN);
    const sendTime = await client.send('Ivan', 'there you are');
    t.same(await client.flush(), [{ author: 'Ivan', text: 'there you are', sendTime }]);
  });

  t.test('the server restarts in the middle: the client reconnects and later messages arrive', async (t) => {
    const { server, port, address } = await setup(t);
    const client = await startBridge(t, dir, address);
    const before = await client.send('Ivan', 'before');
    t.same(texts(await client.flush()), ['before']);
    const from = client.proc.lines.length;
    t.same(await server.stop(), { code: 0, signal: null });
    await client.proc.waitFor(/Lost the read stream .*server shutting down.*reconnecting in/, { from });
    const down = await client.request('POST', '/sendMessage', { author: 'Ivan', text: 'while down' });
    t.equal(down.status, 503);
    t.match(down.body, { sendTime: null, error: /messenger server at/ });

    const again = new Proc('server (restarted)', dir, 'server.ts', ['--port', String(port)]);
    t.teardown(() => again.stop());
    await again.waitFor('Server listening on');
    await client.proc.waitFor(STREAM_OPEN, { from });
    const after = await client.send('Ivan', 'after');
    t.ok(after > before, 'send times keep growing across the restart');
    t.same(await client.flush(), [{ author: 'Ivan', text: 'after', sendTime: after }]);
  });

  t.test('a broken connection resumes where it stopped: nothing lost, nothing twice', async (t) => {
    const { server, port, address } = await setup(t);
    const proxy = await Proxy.start(t, port);
    const client = await startBridge(t, dir, `localhost:${proxy.port}`);
    const raw = rawClient(t, address);
    const first = await client.send('Ivan', 'one');
    t.same(texts(await client.flush()), ['one']);
    const from = client.proc.lines.length;
    proxy.cut();
    await client.proc.waitFor('Lost the read stream', { from });
    // The server is still up: others keep talking while this client is cut off.
    await raw.unary('SendMessage', { author: 'Petr', text: 'two' });
    await raw.unary('SendMessage', { author: 'Petr', text: 'three' });
    proxy.restore();
    await client.proc.waitFor(`${STREAM_OPEN} localhost:${proxy.port} (resuming after ${first})`, { from });
    await server.waitFor('resumed with 2 missed messages');
    await client.send('Ivan', 'four');
    t.same(texts(await client.collectUntil('four')), ['two', 'three', 'four']);
  });

  t.test('the buffer keeps the newest messages when full, and says how many it dropped', async (t) => {
    const client = await oneClient(t, ['--buffer', '3']);
    for (const text of ['m1', 'm2', 'm3', 'm4', 'm5']) await client.send('Ivan', text);
    await client.proc.waitFor('Buffer full (3 messages): dropping the oldest');
    t.same(texts(await client.flush()), ['m3', 'm4', 'm5']);
    await client.proc.waitFor('2 messages were dropped');
    await client.send('Ivan', 'm6');
    t.same(texts(await client.flush()), ['m6'], 'the count starts again after a flush');
  });

  t.test('standard input: "author: text" sends; the end of a pipe does not stop the client', async (t) => {
    const { address } = await setup(t);
    const client = await startBridge(t, dir, address);
    client.proc.send('Ivan: typed in the terminal');
    const sent = await client.proc.waitFor(/^Sent at /);
    t.same(await client.flush(), [
      { author: 'Ivan', text: 'typed in the terminal', sendTime: sent.slice('Sent at '.length) },
    ]);
    client.proc.send('no colon here');
    await client.proc.waitFor('type "author: text"');
    client.proc.send('Ivan:    ');
    await client.proc.waitFor('Not sent: text is empty');
    client.proc.endInput();
    await client.proc.waitFor('Standard input closed; still serving HTTP');
    t.equal((await client.request('GET', '/')).status, 200);
    t.ok(client.proc.alive);
  });

  t.test('control characters are printed as text, and returned intact over HTTP', async (t) => {
    const client = await oneClient(t);
    const author = 'evil\u001b[2J';
    const text = 'line1\nline2\u202e';
    const sendTime = await client.send(author, text);
    t.same(await client.flush(), [{ author, text, sendTime }]);
    await client.proc.waitFor('evil\\x1b[2J: line1\\x0aline2\\u202e');
    t.notOk(client.proc.output.includes('\u001b'), 'no raw escape reached the output');
  });

  t.test('gRPC: SendMessage returns a Timestamp; ReadMessages replays after one, then goes live', async (t) => {
    const { address } = await setup(t);
    const raw = rawClient(t, address);
    const sent: Fields[] = [];
    for (const text of ['a', 'b', 'c']) sent.push(await raw.unary('SendMessage', { author: 'raw', text }));
    const first = sent[0].send_time as { seconds: string; nanos: number };
    t.match(first, { seconds: /^\d+$/, nanos: Number });
    t.ok(first.nanos >= 0 && first.nanos < 1e9, 'nanos in range');
    t.ok(Math.abs(Number(first.seconds) - Date.now() / 1000) < 60, 'seconds are the current Unix time');
    const replay = new Collector(raw.serverStream('ReadMessages', { after: first }));
    const live = new Collector(raw.serverStream('ReadMessages', {}));
    await Promise.all([replay.started, live.started]);
    const d = await raw.unary('SendMessage', { author: 'raw', text: 'd' });
    t.same(await replay.waitForCount(3), [
      { author: 'raw', text: 'b', send_time: sent[1].send_time },
      { author: 'raw', text: 'c', send_time: sent[2].send_time },
      { author: 'raw', text: 'd', send_time: d.send_time },
    ]);
    t.same(texts((await live.waitForCount(1)) as Array<{ text: string }>), ['d'], 'no after: only new messages');
    const empty = await statusOf(raw.unary('SendMessage', { author: 'raw', text: '' }));
    t.equal(empty.code, grpc.status.INVALID_ARGUMENT);
  });

  t.test('the environment configures server and client; a flag wins over it', async (t) => {
    // Started together: the client keeps trying until the server is up.
    const [serverPort, httpPort] = await freePorts(2);
    const server = new Proc('server (env)', dir, 'server.ts', [], { MESSENGER_SERVER_PORT: String(serverPort) });
    const proc = startClient(dir, [], 'client (env)', {
      MESSENGER_SERVER_ADDR: `localhost:${serverPort}`,
      MESSENGER_HTTP_PORT: String(httpPort),
    });
    // A flag wins: this server ignores its invalid variable.
    const flagged = setup(t, { MESSENGER_SERVER_PORT: 'not a port' });
    for (const started of [server, proc]) t.teardown(() => started.stop());
    await server.waitFor(`Server listening on 0.0.0.0:${serverPort}`);
    const client: Bridge = await ready(proc);
    t.equal(client.url, `http://127.0.0.1:${httpPort}`);
    await client.send('Ivan', 'configured by environment');
    t.same(texts(await client.flush()), ['configured by environment']);
    t.ok((await flagged).port > 0, 'started with --port 0 despite MESSENGER_SERVER_PORT');
  });

  t.test('bad flags or variables print the usage and exit 2; --help exits 0', async (t) => {
    const runs: Array<[string, string[], NodeJS.ProcessEnv, number, RegExp]> = [
      ['server.ts', ['--port', 'abc'], {}, 2, /Invalid --port abc/],
      ['server.ts', ['--port', '70000'], {}, 2, /Invalid --port 70000/],
      ['server.ts', [], { MESSENGER_SERVER_PORT: 'abc' }, 2, /Invalid MESSENGER_SERVER_PORT=abc/],
      ['client.ts', ['--serve', 'x'], {}, 2, /Unknown option '--serve'/],
      ['client.ts', ['--buffer', '0'], {}, 2, /Invalid --buffer 0/],
      ['client.ts', [], { MESSENGER_SERVER_ADDR: 'nohost' }, 2, /Invalid MESSENGER_SERVER_ADDR=nohost/],
      ['client.ts', ['--help'], {}, 0, /--server/],
    ];
    const procs = runs.map(([script, args, env]) => new Proc(script, dir, script, args, env));
    for (const proc of procs) t.teardown(() => proc.stop());
    const exits = await Promise.all(procs.map((proc) => proc.exited));
    runs.forEach(([script, args, env, code, message], i) => {
      t.equal(exits[i].code, code, `${script} ${args.join(' ')} ${JSON.stringify(env)}`);
      t.match(procs[i].output, message);
      t.match(procs[i].output, /Usage: npx ts-node/);
    });
  });

  t.test('a port already in use gets a clear message and exit 1', async (t) => {
    const { port, address } = await setup(t);
    const first = await startBridge(t, dir, address);
    const httpPort = new URL(first.url).port;
    const second = new Proc('second server', dir, 'server.ts', ['--port', String(port)]);
    const clash = startClient(dir, ['--port', httpPort, '--server', address], 'second client');
    for (const proc of [second, clash]) t.teardown(() => proc.stop());
    for (const proc of [second, clash]) {
      t.equal((await proc.exited).code, 1, proc.name);
      t.notMatch(proc.output, /at .*\.(ts|js):\d+/, 'no stack trace');
    }
    t.match(second.output, `Port ${port} is already in use`);
    t.match(clash.output, `Port ${httpPort} is already in use`);
  });

  t.test('Ctrl+C (SIGINT) stops the server and the client with exit 0', async (t) => {
    const { server, address } = await setup(t);
    const client = await startBridge(t, dir, address);
    server.child.kill('SIGINT');
    t.same(await server.exited, { code: 0, signal: null });
    await client.proc.waitFor('server shutting down');
    client.proc.child.kill('SIGINT');
    t.same(await client.proc.exited, { code: 0, signal: null });
    t.match(client.proc.output, /Shutting down/);
  });
});
