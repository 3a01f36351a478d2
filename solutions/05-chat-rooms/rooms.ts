// rooms.ts: the chat rooms a server keeps: who is in each, and what was said lately.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { setting } from './limits';
import type { ChatMessage__Output } from './generated/rpc/ChatMessage';
import type { Message } from './generated/rpc/Message';

// One member's Chat call: a bidirectional stream. We read ChatMessages from it
// and write Messages to it, each side at its own pace.
export type Member = grpc.ServerDuplexStream<ChatMessage__Output, Message>;

export const SERVER_NAME = 'chat server'; // who the server's own messages come from
const HISTORY_LENGTH = 10; // what a newcomer gets to read first
const MAX_QUEUED = 1000; // messages waiting for one slow member before we cut it off
// Quotas, so that nobody can use up the rooms: each room counts against the address
// that created it, and a room nobody is in is deleted after a while.
export const ROOMS_PER_CREATOR = setting('CHAT_ROOMS_PER_CREATOR', 10);
const EMPTY_ROOM_MS = setting('CHAT_EMPTY_ROOM_MS', 10 * 60_000);

export class Room {
  private readonly members = new Map<string, Member>(); // by name: a name is taken once per room
  private readonly history: Message[] = [];

  constructor(
    readonly id: string,
    readonly isPrivate: boolean,
    readonly creator: string, // the address that created it
    private readonly onEmpty: (empty: boolean) => void, // told when it empties or fills
  ) {}

  has(name: string, member?: Member): boolean {
    const found = this.members.get(name);
    return member === undefined ? found !== undefined : found === member;
  }

  // A newcomer reads the recent history first, then everyone (the newcomer too)
  // hears that they joined.
  join(name: string, member: Member): void {
    for (const message of this.history) deliver(member, message);
    this.members.set(name, member);
    if (this.members.size === 1) this.onEmpty(false);
    this.send({ name, message: 'Has joined the chat' });
  }

  // Only the member that joined under `name` can leave under it; leaving twice is harmless.
  leave(name: string, member: Member): void {
    if (!this.has(name, member)) return;
    this.members.delete(name);
    this.send({ name, message: 'Has left the chat' });
    if (this.members.size === 0) this.onEmpty(true);
  }

  // What a member says goes to everyone else and into the history.
  say(message: Message, sender: Member): void {
    this.history.push(message);
    if (this.history.length > HISTORY_LENGTH) this.history.shift();
    this.send(message, sender);
  }

  // The room is being deleted: a last word to everyone, then end each call.
  // end() closes our half of the stream and sends status OK.
  close(): void {
    const members = [...this.members.values()];
    this.members.clear();
    for (const member of members) {
      deliver(member, { name: SERVER_NAME, message: 'chat room is closing' });
      member.end();
    }
  }

  // End every member's call with an error status (the server is going away).
  cutOffAll(code: grpc.status, details: string): void {
    const members = [...this.members.values()];
    this.members.clear();
    for (const member of members) cutOff(member, code, details);
  }

  private send(message: Message, except?: Member): void {
    // A copy: delivering may cut a member off, which changes the map.
    for (const [name, member] of [...this.members]) {
      if (member !== except && this.has(name, member)) deliver(member, message);
    }
  }
}

// End one call with a gRPC status; the client sees it as an error. This is how a
// streaming handler fails: there is no callback, so we emit 'error' on the call.
export function cutOff(member: Member, code: grpc.status, details: string): void {
  member.emit('error', { code, details });
}

function deliver(member: Member, message: Message): void {
  // write() queues the message and returns false once the client is not keeping up
  // (backpressure). A slow client catches up later; one that stopped reading would
  // make its queue, and our memory, grow for ever. So the queue has a cap.
  if (member.writableLength >= MAX_QUEUED) {
    console.log(`A member stopped reading; cut off after ${MAX_QUEUED} queued messages`);
    cutOff(member, grpc.status.RESOURCE_EXHAUSTED, 'you are not reading; too many messages queued');
  } else {
    member.write(message);
  }
}

// Every room, by id.
export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private readonly created = new Map<string, number>(); // rooms per creator
  private readonly expiry = new Map<Room, NodeJS.Timeout>(); // for each empty room

  get size(): number {
    return this.rooms.size;
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  // A random id: 10 bytes as 20 hex digits, too many to guess a private room's id.
  createdBy(creator: string): number {
    return this.created.get(creator) ?? 0;
  }

  create(isPrivate: boolean, creator: string): Room {
    let id;
    do id = randomBytes(10).toString('hex');
    while (this.rooms.has(id));
    const room: Room = new Room(id, isPrivate, creator, (empty) => this.emptied(room, empty));
    this.rooms.set(id, room);
    this.created.set(creator, this.createdBy(creator) + 1);
    this.emptied(room, true); // a new room is empty until someone joins
    return room;
  }

  delete(id: string): Room | undefined {
    const room = this.rooms.get(id);
    if (!room) return undefined;
    this.rooms.delete(id);
    this.emptied(room, false);
    const left = this.createdBy(room.creator) - 1;
    if (left > 0) this.created.set(room.creator, left);
    else this.created.delete(room.creator);
    room.close();
    return room;
  }

  // An empty room is deleted after EMPTY_ROOM_MS unless someone joins first.
  private emptied(room: Room, empty: boolean): void {
    clearTimeout(this.expiry.get(room));
    this.expiry.delete(room);
    if (!empty || !this.rooms.has(room.id)) return;
    const timer = setTimeout(() => {
      console.log(`Room ${room.id} deleted: empty for ${EMPTY_ROOM_MS / 1000} s`);
      this.delete(room.id);
    }, EMPTY_ROOM_MS);
    timer.unref();
    this.expiry.set(room, timer);
  }

  listed(): Room[] {
    return [...this.rooms.values()].filter((room) => !room.isPrivate);
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }
}
