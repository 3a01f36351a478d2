// store.ts: the chat's shared state, behind one interface. MemoryStore keeps it in
// this process (one server, like 03); RedisStore (redis-store.ts) keeps it in Redis,
// so that several servers (replicas) serve one chat.

// A chat message on its way to the listeners: to '' is for everyone, otherwise it
// is a direct message for that user.
export interface Post {
  from: string;
  msg: string;
  to: string;
}

// A session is a client's secret: the 07 client makes one up and sends it with every
// call; for other clients the server makes one per connection. A name belongs to a
// session, and whatever replica a call reaches, the session says who is calling.
export interface ChatStore {
  // Every post, in the one order all replicas agree on, each exactly once.
  onPost(deliver: (post: Post) => void): void;
  // Can we serve? False while Redis is unreachable.
  readonly ready: boolean;
  // How long a name outlives its last renewal (claim) while nobody listens under it.
  readonly leaseMs: number;
  // Take `name` for `session`, or renew it if the session has it already. False: taken.
  claim(name: string, session: string, listening: boolean): Promise<boolean>;
  nameOf(session: string): Promise<string | undefined>;
  // Is someone listening under this name (on any replica)?
  isListening(name: string): Promise<boolean>;
  release(name: string, session: string): Promise<void>;
  // Send a post to every replica. `id` makes a retried call count once.
  publish(post: Post, id?: string): Promise<void>;
  close(): Promise<void>;
}

interface Holder {
  session: string;
  listening: boolean;
  lapse?: NodeJS.Timeout; // frees the name if its Listen stream never comes
}

// One process: maps, and posts delivered at once. A name lasts until released,
// or for leaseMs if its owner never listens.
export class MemoryStore implements ChatStore {
  readonly ready = true;
  private deliver: (post: Post) => void = () => {};
  private readonly holders = new Map<string, Holder>(); // by name
  private readonly names = new Map<string, string>(); // by session

  constructor(readonly leaseMs: number) {}

  onPost(deliver: (post: Post) => void): void {
    this.deliver = deliver;
  }

  async claim(name: string, session: string, listening: boolean): Promise<boolean> {
    const holder = this.holders.get(name);
    if (holder && holder.session !== session) return false;
    const next: Holder = { session, listening: listening || holder?.listening === true };
    clearTimeout(holder?.lapse);
    if (!next.listening) next.lapse = setTimeout(() => void this.release(name, session), this.leaseMs);
    this.holders.set(name, next);
    this.names.set(session, name);
    return true;
  }

  async nameOf(session: string): Promise<string | undefined> {
    return this.names.get(session);
  }

  async isListening(name: string): Promise<boolean> {
    return this.holders.get(name)?.listening === true;
  }

  async release(name: string, session: string): Promise<void> {
    const holder = this.holders.get(name);
    if (holder?.session !== session) return;
    clearTimeout(holder.lapse);
    this.holders.delete(name);
    this.names.delete(session);
  }

  async publish(post: Post): Promise<void> {
    this.deliver(post);
  }

  async close(): Promise<void> {}
}
