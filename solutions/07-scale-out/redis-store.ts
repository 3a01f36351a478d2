// redis-store.ts: the chat's state in Redis, shared by every replica.
//
//   chat:posts            a Redis Stream: every message, in one order, each with an id
//   chat:name:<name>      the session that holds the name (expires: the lease)
//   chat:session:<s>      the name a session holds (same lease)
//   chat:listening:<name> set while the name's Listen stream is open (same lease)
//   chat:sent:<id>        a message id already posted (so a retried call posts once)
//
// Each replica reads the stream from where it last read (XREAD), so it sees every
// message once and in the stream's order, and after losing Redis for a while it
// picks up where it stopped.
import { Redis } from 'ioredis';
import type { ChatStore, Post } from './store';

const POSTS = 'chat:posts';
const KEEP_POSTS = 10_000; // the stream keeps about this many; a replica away longer misses the rest
const SENT_MS = 60_000; // how long a message id is remembered

// A Lua script runs in Redis as one step: nobody's command comes in between. This one
// takes a free name, or renews it for the session that already has it.
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
if ARGV[4] == '1' then redis.call('SET', KEYS[3], '1', 'PX', ARGV[2]) end
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 0`;

const PUBLISH_ONCE = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'from', ARGV[3], 'msg', ARGV[4], 'to', ARGV[5])`;

const keys = (name: string, session: string) => [`chat:name:${name}`, `chat:session:${session}`, `chat:listening:${name}`];

export class RedisStore implements ChatStore {
  private readonly redis: Redis; // commands
  private readonly reader: Redis; // XREAD BLOCK holds a connection of its own
  private deliver: (post: Post) => void = () => {};
  private closed = false;
  private last?: string; // the id of the last stream entry handed on

  // onState is told when Redis becomes reachable (true) or unreachable (false).
  constructor(url: string, readonly leaseMs: number, private readonly onState: (ready: boolean, why: string) => void) {
    const options = {
      enableOfflineQueue: false, // while Redis is away, fail at once instead of queueing
      maxRetriesPerRequest: 0,
      retryStrategy: () => 250, // reconnect every 250 ms, for ever
    };
    this.redis = new Redis(url, options);
    this.reader = new Redis(url, { ...options, autoResendUnfulfilledCommands: false });
    this.redis.on('ready', () => {
      if (this.last !== undefined) return this.onState(true, 'connected');
      // The first time: read from after the newest entry, then serve. So every
      // message posted from now on reaches this replica's listeners.
      this.redis.xrevrange(POSTS, '+', '-', 'COUNT', 1).then(([newest]) => {
        this.last = newest?.[0] ?? '0-0';
        this.onState(true, 'connected');
      }, () => this.redis.disconnect(true)); // try it all again
    });
    this.redis.on('error', (error: Error) => this.onState(false, error.message));
    this.redis.on('close', () => this.onState(false, 'connection closed'));
  }

  get ready(): boolean {
    return this.redis.status === 'ready' && this.last !== undefined;
  }

  // Resolves once Redis answered, or after `ms` if it does not.
  async connected(ms: number): Promise<void> {
    for (const until = Date.now() + ms; !this.ready && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  onPost(deliver: (post: Post) => void): void {
    this.deliver = deliver;
    void this.read();
  }

  // The replica's one reader: wait for new stream entries, hand each on, repeat.
  private async read(): Promise<void> {
    while (!this.closed) {
      try {
        if (this.last === undefined) throw new Error('not connected yet');
        const batches = await this.reader.xread('COUNT', 1000, 'BLOCK', 5000, 'STREAMS', POSTS, this.last);
        for (const [, entries] of batches ?? []) {
          for (const [id, fields] of entries) {
            this.last = id;
            this.deliver(toPost(fields));
          }
        }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250)); // Redis is away: try again soon
      }
    }
  }

  async claim(name: string, session: string, listening: boolean): Promise<boolean> {
    const args = [session, this.leaseMs, name, listening ? '1' : '0'];
    return (await this.redis.eval(CLAIM, 3, ...keys(name, session), ...args)) === 1;
  }

  async nameOf(session: string): Promise<string | undefined> {
    return (await this.redis.get(`chat:session:${session}`)) ?? undefined;
  }

  async isListening(name: string): Promise<boolean> {
    return (await this.redis.exists(`chat:listening:${name}`)) === 1;
  }

  async release(name: string, session: string): Promise<void> {
    await this.redis.eval(RELEASE, 3, ...keys(name, session), session);
  }

  async publish(post: Post, id?: string): Promise<void> {
    const fields = [post.from, post.msg, post.to];
    if (id === undefined) {
      await this.redis.xadd(POSTS, 'MAXLEN', '~', KEEP_POSTS, '*', 'from', fields[0], 'msg', fields[1], 'to', fields[2]);
    } else {
      await this.redis.eval(PUBLISH_ONCE, 2, `chat:sent:${id}`, POSTS, SENT_MS, KEEP_POSTS, ...fields);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    await this.redis.quit().catch(() => {});
  }
}

// A stream entry's fields come as a flat list: name, value, name, value...
function toPost(fields: string[]): Post {
  const post: Post = { from: '', msg: '', to: '' };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name === 'from' || name === 'msg' || name === 'to') post[name] = fields[i + 1];
  }
  return post;
}
