// rooms.ts: the chat rooms a server keeps: who is in each, and what was said lately.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { ChatMessage__Output } from './generated/rpc/ChatMessage';
import type { Message } from './generated/rpc/Message';

// One member's Chat call: a bidirectional stream. We read ChatMessages from it
// and write Messages to it, each side at its own pace.
export type Member = grpc.ServerDuplexStream<ChatMessage__Output, Message>;

export const SERVER_NAME = 'chat server'; // who the server's own messages come from
const HISTORY_LENGTH = 10; // what a newcomer gets to read first
const MAX_QUEUED = 1000; // messages waiting for one slow member before we cut it off

export class Room {
  private readonly members = new Map<string, Member>(); // by name: a name is taken once per room
  private readonly history: Message[] = [];

  constructor(
    readonly id: string,
    readonly isPrivate: boolean,
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
    this.send({ name, message: 'Has joined the chat' });
  }

  // Only the member that joined under `name` can leave under it; leaving twice is harmless.
  leave(name: string, member: Member): void {
    if (!this.has(name, member)) return;
    this.members.delete(name);
    this.send({ name, message: 'Has left the chat' });
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

  get size(): number {
    return this.rooms.size;
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  // A random id: 10 bytes as 20 hex digits, too many to guess a private room's id.
  create(isPrivate: boolean): Room {
    let id;
    do id = randomBytes(10).toString('hex');
    while (this.rooms.has(id));
    const room = new Room(id, isPrivate);
    this.rooms.set(id, room);
    return room;
  }

  delete(id: string): Room | undefined {
    const room = this.rooms.get(id);
    this.rooms.delete(id);
    room?.close();
    return room;
  }

  listed(): Room[] {
    return [...this.rooms.values()].filter((room) => !room.isPrivate);
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }
}
