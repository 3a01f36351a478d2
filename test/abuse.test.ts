// One bad actor against the room's server (issue 16): each attack at small scale,
// with real server processes and raw connections, and what the server holds.
// The limits are made small through the environment variables limits.ts reads.
// Not a stage suite (no forStages): `npm run check` does not hold an attendee's
// folder to these rules.
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t, { type Test } from 'tap';
import { chat } from './lib/chat';
import { Collector, RawClient, statusOf, type Fields } from './lib/grpc';
import { startServer } from '../lib/processes';
import { ROOT } from './lib/stages';

const stage = (name: string) => path.join(ROOT, name);

async function server(t: Test, dir: string, env: NodeJS.ProcessEnv) {
  const started = await startServer(dir, [], env);
  t.teardown(() => started.server.stop());
  return started;
}

interface Reply {
  code: number;
  details: string;
  pushbackMs?: string;
  messages: Fields[];
}

// A gRPC caller over one HTTP/2 connection that we open ourselves, so we choose
// its source address and port (grpc-js clients cannot). Frames are gRPC's own: a
// 5-byte prefix (compressed flag, length) before each protobuf message.
class H2Caller {
  readonly socket: net.Socket;
  readonly session: http2.ClientHttp2Session;
  private readonly methods: protoLoader.PackageDefinition;

  constructor(
    dir: string, port: number, local: { localAddress?: string; localPort?: number } = {}, private service = 'chat.Chat',
  ) {
    this.methods = protoLoader.loadSync(path.join(dir, 'chat.proto'), { keepCase: true, defaults: true, enums: String });
    this.socket = net.connect({ host: '127.0.0.1', port, ...local });
    this.socket.on('error', () => {});
    this.session = http2.connect(`http://127.0.0.1:${port}`, { createConnection: () => this.socket });
    this.session.on('error', () => {});
  }

  private method(name: string): protoLoader.MethodDefinition<Fields, Fields> {
    return (this.methods[this.service] as protoLoader.ServiceDefinition)[name] as protoLoader.MethodDefinition<Fields, Fields>;
  }

  // A call; resolves with its status once it ends. onMessage sees each reply as it comes.
  call(name: string, request: Fields, onMessage: (message: Fields) => void = () => {}): Promise<Reply> {
    const m = this.method(name);
    const body = m.requestSerialize(request);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(body.length, 1);
    const stream = this.session.request({
      ':method': 'POST', ':path': m.path, 'content-type': 'application/grpc', te: 'trailers',
    });
    stream.end(Buffer.concat([prefix, body]));
    const reply: Reply = { code: -1, details: '', messages: [] };
    let pending = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const length = pending.readUInt32BE(1);
        const message = m.responseDeserialize(pending.subarray(5, 5 + length));
        pending = pending.subarray(5 + length);
        reply.messages.push(message);
        onMessage(message);
      }
    });
    const status = (headers: http2.IncomingHttpHeaders) => {
      if (headers['grpc-status'] === undefined) return;
      reply.code = Number(headers['grpc-status']);
      reply.details = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      const pushback = headers['grpc-retry-pushback-ms'];
      if (pushback !== undefined) reply.pushbackMs = String(pushback);
    };
    stream.on('response', status); // a "trailers-only" reply carries its status here
    stream.on('trailers', status);
    return new Promise((resolve) => {
      stream.on('close', () => resolve(reply));
      stream.on('error', () => {});
    });
  }

  // Tear the connection down with a TCP reset, as a crashed or unplugged client does.
  reset(): void {
    this.socket.resetAndDestroy();
  }
}

// A raw TCP connection; resolves with whether the server spoke HTTP/2 to it (it
// was admitted) and, through `closed`, when the server closed it.
function rawConnection(port: number, preface: string) {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.on('connect', () => socket.write(preface));
  const admitted = new Promise<boolean>((resolve) => {
    socket.once('data', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, admitted, closed };
}

t.test('idle-connection flood: capped per address, idle ones closed, honest clients still get in', async (t) => {
  const dir = stage('01-chat');
  const { server: proc, port, address } = await server(t, dir, {
    CHAT_MAX_CONNECTIONS_PER_ADDRESS: '5', CHAT_MAX_CONNECTIONS: '8', CHAT_IDLE_MS: '1000',
  });
  // 20 connections that never make a call; half stop in the middle of HTTP/2's preface.
  const flood = Array.from({ length: 20 }, (_, i) => rawConnection(port, i % 2 ? 'PRI * HTTP/2.0\r\n' : ''));
  t.teardown(() => flood.forEach((c) => c.socket.destroy()));
  const admitted = (await Promise.all(flood.map((c) => c.admitted))).filter(Boolean).length;
  t.equal(admitted, 5, 'five admitted from one address, the other 15 closed at once');
  await proc.waitFor('Refusing connections');
  t.equal(proc.count(/Refusing connections/), 1, 'the refusals are logged once, not once each');
  await Promise.all(flood.map((c) => c.closed));
  t.pass('the admitted idle connections were closed after the idle time');
  // The cap counts open connections: with the flood gone, a real client gets in.
  const c = chat(t, dir);
  const client = await c.connect(address);
  client.send('still here');
  await client.waitFor('>>> still here');
  t.ok(client.alive, 'a client joins and chats after the flood');
});

t.test('a connection past its maximum age gets GOAWAY; open Listen streams carry on', async (t) => {
  const dir = stage('01-chat');
  const { port, address } = await server(t, dir, { CHAT_MAX_CONNECTION_AGE_MS: '1000' });
  const client = await chat(t, dir).connect(address);
  // A listener over a connection of our own, so that we see the server's GOAWAY.
  const own = new H2Caller(dir, port);
  t.teardown(() => own.session.destroy());
  const heard: Fields[] = [];
  const goaway = new Promise<void>((resolve) => own.session.once('goaway', () => resolve()));
  void own.call('Listen', {}, (message) => heard.push(message));
  await goaway;
  // The stream is still open on the old connection; client.ts sends over a new
  // one if its own connection got its GOAWAY too.
  client.send('after the goaway');
  await client.waitFor('>>> after the goaway');
  while (heard.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  t.same(heard.map((m) => m.msg), ['after the goaway'], 'the listener on the aged connection still receives');
  t.ok(client.alive, 'client.ts still connected and reading');
});

t.test('the total cap counts every address', async (t) => {
  const { port } = await server(t, stage('01-chat'), {
    CHAT_MAX_CONNECTIONS_PER_ADDRESS: '3', CHAT_MAX_CONNECTIONS: '4',
  });
  const from = (localAddress: string) =>
    Array.from({ length: 3 }, () => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress });
      socket.on('error', () => {});
      t.teardown(() => socket.destroy());
      return new Promise<boolean>((resolve) => {
        socket.once('data', () => resolve(true));
        socket.once('close', () => resolve(false));
        socket.on('connect', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
      });
    });
  const first = (await Promise.all(from('127.0.0.1'))).filter(Boolean).length;
  const second = (await Promise.all(from('127.0.0.2'))).filter(Boolean).length;
  t.same([first, second], [3, 1], '3 from the first address, then only 1 more in total');
});

for (const name of ['01-chat', 'solutions/03-status-code']) {
  t.test(`${name}: a flooding sender is slowed; a reading client.ts receives everything`, async (t) => {
    const dir = stage(name);
    const { port, address } = await server(t, dir, { CHAT_SEND_RATE: '20', CHAT_SEND_BURST: '50' });
    const c = chat(t, dir);
    const reader = await c.member(address, 'reader');
    // The attacker is another machine (127.0.0.2), sending as fast as it can.
    const attacker = new H2Caller(dir, port, { localAddress: '127.0.0.2' });
    t.teardown(() => attacker.session.destroy());
    const user = name === '01-chat' ? {} : { user: { username: 'flood' } };
    if (name !== '01-chat') t.equal((await attacker.call('AddUser', { username: 'flood' })).code, 0, 'attacker added');
    const replies: Reply[] = [];
    for (let sent = 0; sent < 400; sent += 20) {
      replies.push(...(await Promise.all(
        Array.from({ length: 20 }, (_, i) => attacker.call('SendMessage', { msg: `flood ${sent + i}`, ...user })),
      )));
    }
    const accepted = replies.filter((r) => r.code === grpc.status.OK).length;
    const slowed = replies.filter((r) => r.code === grpc.status.RESOURCE_EXHAUSTED);
    t.ok(accepted >= 50 && accepted < 200, `${accepted} of 400 accepted: the burst, then the steady rate`);
    t.equal(accepted + slowed.length, 400, 'the rest got RESOURCE_EXHAUSTED');
    t.match(slowed[0]?.details, /sending too fast.*try again in \d+ ms/, 'with a retry hint in the text');
    t.match(slowed[0]?.pushbackMs, /^\d+$/, 'and in grpc-retry-pushback-ms');
    // The honest user, on its own address, is not slowed, and the reader got it all.
    reader.send('reader is done');
    await reader.waitFor(/reader is done/);
    t.equal(reader.count(/flood \d+/), accepted, 'the reader printed every accepted message');
    t.ok(reader.alive, 'and was never cut off');
  });
}

t.test('names: AddUser without Listen lapses, the number of names is capped', async (t) => {
  const dir = stage('solutions/03-status-code');
  const { server: proc, address } = await server(t, dir, { CHAT_NAME_LEASE_MS: '1500', CHAT_MAX_USERS: '4' });
  const c = chat(t, dir);
  const honest = await c.joinAs(address, 'honest'); // listens, so keeps the name
  const squatters = ['s1', 's2', 's3'].map(() => c.raw(address));
  for (const [i, raw] of squatters.entries()) await raw.unary('AddUser', { username: `squat${i}` });
  const full = await statusOf(c.raw(address).unary('AddUser', { username: 'one-too-many' }));
  t.equal(full.code, grpc.status.RESOURCE_EXHAUSTED, 'a fifth name: RESOURCE_EXHAUSTED');
  t.match(full.details, /full \(4 users\)/);
  for (let i = 0; i < 3; i++) await proc.waitFor(`User squat${i} never listened`);
  const squat0 = await c.raw(address).unary('AddUser', { username: 'squat0' });
  t.equal(squat0.code, 'ADDED', 'a squatted name is free once its lease lapsed');
  const stillTaken = await c.raw(address).unary('AddUser', { username: 'honest' });
  t.equal(stillTaken.code, 'TAKEN', 'a name whose owner listens stays taken');
  t.ok(honest.alive);
});

t.test('names: a reused source address and port inherits nothing', async (t) => {
  const dir = stage('solutions/03-status-code');
  const { server: proc, port, address } = await server(t, dir, {});
  const c = chat(t, dir);
  const friend = await c.joinAs(address, 'friend');
  const [localPort] = await new Promise<number[]>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve([free]));
    });
  });
  for (const [round, listens] of [true, false].entries()) {
    // dave joins from 127.0.0.1:localPort (listening or not), then his connection dies.
    const dave = new H2Caller(dir, port, { localPort });
    t.equal((await dave.call('AddUser', { username: 'dave' })).code, 0);
    if (listens) void dave.call('Listen', {});
    dave.reset();
    // Someone else connects from the very same address and port.
    const mallory = new H2Caller(dir, port, { localPort });
    t.teardown(() => mallory.session.destroy());
    const post = await mallory.call('SendMessage', { msg: 'I am dave', user: { username: 'dave' } });
    t.equal(post.code, grpc.status.FAILED_PRECONDITION, `${listens ? 'listening' : 'silent'} dave: no posting as dave`);
    const dms: Fields[] = [];
    void mallory.call('Listen', {}, (m) => dms.push(m));
    friend.send(`@dave secret ${listens}`);
    await friend.waitFor(/Message not sent: no user named dave/);
    t.same(dms, [], 'and no direct messages for dave');
    mallory.reset(); // a reset, so the port is free again at once (no TIME_WAIT)
    while (proc.count(/Released user dave/) < round + 1) await proc.waitFor(/Released user dave/, { from: proc.lines.length });
  }
});

t.test('lookalike names are refused or are the same name', async (t) => {
  for (const name of ['solutions/01-add-user', 'solutions/03-status-code']) {
    const dir = stage(name);
    const { address } = await server(t, dir, {});
    const raw = chat(t, dir).raw(address);
    await raw.unary('AddUser', { username: 'alice' });
    const invisible = ['alice\u200b', 'alice\u2060', 'alice\u3164', 'alice\u115f', 'alice\u1160', 'alice\uffa0',
      'alice\ufe0f', 'alice\u{e0061}', '\u00adalice'];
    const cases: Array<[string, RegExp]> = [
      ...invisible.map((n): [string, RegExp] => [n, /invisible/]),
      ['\u0430lice', /mixes Latin and Cyrillic/], // Cyrillic а
      ['alic\u03b5', /mixes Latin and Greek/], // Greek ε
      ['chat\u00a0server', /one word/], // a no-break space is a space
    ];
    for (const [username, why] of cases) {
      const status = await statusOf(chat(t, dir).raw(address).unary('AddUser', { username }));
      t.equal(status.code, grpc.status.INVALID_ARGUMENT, `${name}: ${JSON.stringify(username)} refused`);
      t.match(status.details, why);
    }
    // Other spellings of the same letters are the same name: taken.
    await chat(t, dir).raw(address).unary('AddUser', { username: 'zo\u00e9' }); // é as one character (NFC)
    for (const username of ['\uff41\uff4c\uff49\uff43\uff45', 'zoe\u0301']) { // fullwidth; e + combining accent
      const reply = await chat(t, dir).raw(address).unary('AddUser', { username });
      t.match(String(reply.msg), /taken/, `${name}: ${JSON.stringify(username)} is taken`);
    }
  }
});

t.test('04: a login flood is slowed per address; the real user still gets in', async (t) => {
  const dir = stage('solutions/04-auth-token');
  const { port, address } = await startServer(dir, ['-p', 'right'], { CHAT_NAME_LEASE_MS: '60000' })
    .then((started) => (t.teardown(() => started.server.stop()), started));
  const guesser = new RawClient(path.join(dir, 'chat.proto'), 'chat.Chat', address);
  t.teardown(() => guesser.close());
  const guesses = await Promise.all(
    Array.from({ length: 40 }, (_, i) => statusOf(guesser.unary('Login', { password: `guess${i}`, name: 'x' }))),
  );
  const checked = guesses.filter((s) => s.code === grpc.status.UNAUTHENTICATED).length;
  const refused = guesses.filter((s) => s.code === grpc.status.RESOURCE_EXHAUSTED);
  t.ok(checked < 15, `only ${checked} of 40 guesses were checked at all`);
  t.equal(checked + refused.length, 40, 'the others: RESOURCE_EXHAUSTED');
  t.match(refused[0]?.details, /too many login attempts from your address; try again in \d+ s/);
  // The real user on another machine is not slowed by someone else's guessing.
  const user = new H2Caller(dir, port, { localAddress: '127.0.0.2' });
  t.teardown(() => user.session.destroy());
  const login = await user.call('Login', { password: 'right', name: 'real' });
  t.equal(login.code, grpc.status.OK, 'the right password from another address logs in');
  t.match(String(login.messages[0]?.token), /^[0-9a-f]{32}$/);
});

t.test('04: sessions without a stream expire and are capped; lookalike names refused', async (t) => {
  const dir = stage('solutions/04-auth-token');
  const { server: proc, address } = await startServer(dir, ['-p', 'right'], {
    CHAT_NAME_LEASE_MS: '1500', CHAT_MAX_USERS: '3',
  }).then((started) => (t.teardown(() => started.server.stop()), started));
  const raw = new RawClient(path.join(dir, 'chat.proto'), 'chat.Chat', address);
  t.teardown(() => raw.close());
  for (const name of ['a', 'b', 'c']) await raw.unary('Login', { password: 'right', name });
  const full = await statusOf(raw.unary('Login', { password: 'right', name: 'd' }));
  t.same(full, { code: grpc.status.RESOURCE_EXHAUSTED, details: 'the chat is full (3 sessions)' });
  for (const name of ['a', 'b', 'c']) await proc.waitFor(`(${name}) has logged out (no stream opened)`);
  t.equal((await statusOf(raw.unary('Login', { password: 'right', name: 'd' }))).code, grpc.status.OK, 'room again');
  for (const [name, why] of [['alice\u200b', /invisible|control characters/], ['\u0430lice', /mixes Latin and Cyrillic/]] as const) {
    const status = await statusOf(raw.unary('Login', { password: 'right', name }));
    t.equal(status.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(name));
    t.match(status.details, why);
  }
});

t.test('05: rooms count against their creator; empty rooms expire; the server\'s name is not for taking', async (t) => {
  const dir = stage('solutions/05-chat-rooms');
  const { server: proc, port, address } = await startServer(dir, [], {
    CHAT_ROOMS_PER_CREATOR: '3', CHAT_EMPTY_ROOM_MS: '1500',
  }).then((started) => (t.teardown(() => started.server.stop()), started));
  const raw = new RawClient(path.join(dir, 'chat.proto'), 'rpc.ChatService', address);
  t.teardown(() => raw.close());
  const rooms: string[] = [];
  for (let i = 0; i < 3; i++) rooms.push(String((await raw.unary('CreateChatRoom', { private: true })).room_id));
  const over = await statusOf(raw.unary('CreateChatRoom', { private: true }));
  t.equal(over.code, grpc.status.RESOURCE_EXHAUSTED, 'a fourth room from the same address is refused');
  t.match(over.details, /you have created 3 rooms/);
  // Somebody else (another machine) can still create rooms.
  const other = new H2Caller(dir, port, { localAddress: '127.0.0.2' }, 'rpc.ChatService');
  t.teardown(() => other.session.destroy());
  t.equal((await other.call('CreateChatRoom', { private: false })).code, grpc.status.OK, 'another address creates one');
  // A member keeps a room alive; the empty ones expire and give the creator its quota back.
  const stream = raw.bidiStream('Chat');
  const member = new Collector(stream);
  stream.write({ join: { room_id: rooms[0], name: 'keeper' } });
  await member.started;
  for (const id of rooms.slice(1)) await proc.waitFor(`Room ${id} deleted: empty`);
  t.equal(proc.count(new RegExp(`Room ${rooms[0]} deleted`)), 0, 'the occupied room stays');
  t.equal((await statusOf(raw.unary('CreateChatRoom', { private: true }))).code, grpc.status.OK, 'quota given back');
  for (const [name, why] of [['chat\u00a0server', /is the server's/], ['\u0441hat', /mixes Latin and Cyrillic/],
    ['bob\u2060', /invisible|control characters/], ['bob\u3164', /invisible/]] as const) {
    const joiner = raw.bidiStream('Chat');
    const refused = new Collector(joiner);
    joiner.write({ join: { room_id: rooms[0], name } });
    const status = await refused.ended;
    t.equal(status.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(name));
    t.match(status.details, why);
  }
  stream.end();
});
