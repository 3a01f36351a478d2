// server.ts: the chat-room server. Start it with `npx ts-node server.ts [--port N]`.
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { fail, parseFlags, readFlagFile, usageError } from './cli';
import { LOADER_OPTIONS, loadChatProto } from './common';
import { addressOf, allowSend, listen, serverOptions } from './limits';
import { lookalikeProblem, normalizeName } from './names';
import type { ChatMessage__Output } from './generated/rpc/ChatMessage';
import type { ChatServiceHandlers } from './generated/rpc/ChatService';
import type { JoinChat__Output } from './generated/rpc/JoinChat';
import { cutOff, Rooms, ROOMS_PER_CREATOR, SERVER_NAME, type Member, type Room } from './rooms';

const USAGE =
  'Usage: npx ts-node server.ts [--port N] [--cert FILE --key FILE]' +
  '  (default port 8080; 0 picks a free one; --cert and --key serve TLS)';
const MAX_MESSAGE_BYTES = 4096; // the longest chat message we pass on
const MAX_NAME_BYTES = 64;
const MAX_ROOM_ID_LENGTH = 64; // ours have 20 characters; this only bounds what we echo back
const MAX_ROOMS = 1000;
const MAX_REQUEST_BYTES = 64 * 1024; // grpc-js refuses bigger messages before reading them
const SERVICE_NAME = 'rpc.ChatService'; // the name health checks and reflection know it by

const flags = parseFlags(
  () =>
    parseArgs({
      options: {
        port: { type: 'string', default: '8080' },
        cert: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  USAGE,
);
const port = Number(flags.port);
if (!/^\d{1,5}$/.test(flags.port) || port > 65535) usageError(`Invalid --port ${flags.port}`, USAGE);
if ((flags.cert === undefined) !== (flags.key === undefined)) usageError('--cert and --key go together', USAGE);

const { definition, proto } = loadChatProto();
const rooms = new Rooms();

// Check a join request: the room and name to seat the caller at, or the error
// status to end its call with.
type Admission = { room: Room; name: string } | { code: grpc.status; details: string };
function admit(join: JoinChat__Output | null): Admission {
  const invalid = (details: string) => ({ code: grpc.status.INVALID_ARGUMENT, details });
  if (join === null) return invalid('the first message on a Chat stream must be a join (room_id and name)');
  const name = normalizeName(join.name); // one form for every way of writing it (names.ts)
  if (name === '') return invalid('name is empty');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return invalid(`name is longer than ${MAX_NAME_BYTES} bytes`);
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return invalid('name contains control characters');
  if (name.toLowerCase() === SERVER_NAME) return invalid(`the name "${SERVER_NAME}" is the server's`);
  const lookalike = lookalikeProblem(name); // invisible characters, mixed scripts
  if (lookalike) return invalid(lookalike);
  if (join.room_id.length > MAX_ROOM_ID_LENGTH) return invalid(`room_id is longer than ${MAX_ROOM_ID_LENGTH} characters`);
  const room = rooms.get(join.room_id);
  if (!room) return { code: grpc.status.NOT_FOUND, details: `room ${join.room_id} does not exist` };
  if (room.has(name)) return { code: grpc.status.ALREADY_EXISTS, details: `name ${name} is taken in room ${room.id}` };
  return { room, name };
}

const handlers: ChatServiceHandlers = {
  CreateChatRoom(call, callback) {
    if (rooms.size >= MAX_ROOMS) {
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: `there are already ${MAX_ROOMS} rooms` });
      return;
    }
    const creator = addressOf(call.getPeer());
    if (rooms.createdBy(creator) >= ROOMS_PER_CREATOR) {
      const details = `you have created ${ROOMS_PER_CREATOR} rooms; delete one, or wait until an empty one expires`;
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details });
      return;
    }
    const room = rooms.create(call.request.private, creator);
    console.log(`Room ${room.id} created${room.isPrivate ? ' (private)' : ''}`);
    callback(null, { room_id: room.id });
  },

  ListChatRooms(_call, callback) {
    callback(null, { chat_rooms: rooms.listed().map((room) => ({ room_id: room.id })) });
  },

  DeleteChatRoom(call, callback) {
    const id = call.request.room_id;
    if (id.length > MAX_ROOM_ID_LENGTH) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `room_id is longer than ${MAX_ROOM_ID_LENGTH} characters` });
    } else if (rooms.delete(id)) {
      console.log(`Room ${id} deleted`);
      callback(null, { room_id: id });
    } else {
      callback({ code: grpc.status.NOT_FOUND, details: `room ${id} does not exist` });
    }
  },

  // Bidirectional streaming: `call` is both a readable stream of the client's
  // ChatMessages and a writable stream of our Messages. The call lasts as long as
  // the member stays; its first message says where and under which name.
  Chat(call: Member) {
    let seat: { room: Room; name: string } | undefined; // set once joined
    let refused = false;

    const leave = () => {
      if (!seat) return;
      seat.room.leave(seat.name, call);
      console.log(`${seat.name} left room ${seat.room.id}`);
      seat = undefined;
    };

    call.on('data', (request: ChatMessage__Output) => {
      if (refused) return;
      if (!seat) {
        const admission = admit(request.join);
        if ('code' in admission) {
          refused = true;
          cutOff(call, admission.code, admission.details);
          return;
        }
        seat = admission;
        // Response headers now: they tell the client it is in, before any message.
        call.sendMetadata(new grpc.Metadata());
        seat.room.join(seat.name, call);
        console.log(`${seat.name} joined room ${seat.room.id}`);
        return;
      }
      // No longer in the room (it was deleted, or we were cut off): nothing to do.
      if (!seat.room.has(seat.name, call)) return;
      const text = request.message?.message ?? '';
      if (text.trim() === '') return;
      if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
        // One bad message need not end a long-lived call: answer in the stream.
        call.write({ name: SERVER_NAME, message: `message not sent: longer than ${MAX_MESSAGE_BYTES} bytes` });
        return;
      }
      // One sender must not flood everyone (limits.ts): too fast, and it is cut off.
      const tooFast = allowSend(call.getPeer());
      if (tooFast) {
        cutOff(call, tooFast.code, tooFast.details);
        return;
      }
      // The name is the one this call joined with, whatever the client put in it.
      seat.room.say({ name: seat.name, message: text }, call);
    });

    // The client closed its half of the stream (it has nothing more to say): we
    // close ours, which ends the call with status OK.
    call.on('end', () => {
      leave();
      if (!call.writableEnded) call.end();
    });
    // The client went away (cancelled, or its connection dropped).
    call.on('cancelled', leave);
    // We ended the call with an error status (see cutOff).
    call.on('error', leave);
  },
};

// serverOptions(): idle connections closed, keepalive pings, a connection age (limits.ts).
const server = new grpc.Server({ ...serverOptions(), 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
server.addService(proto.rpc.ChatService.service, handlers);

// The standard health service, grpc.health.v1.Health: load balancers, Kubernetes
// probes and `grpc-health-probe` ask it whether we serve. '' is the server as a whole.
const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
health.addToServer(server);

// Server reflection: clients can ask the server which services it has and fetch
// their descriptions, so tools (grpcurl, grpcui, Postman, describe.ts) need no
// .proto file. It describes what we hand it: the chat service and the health service.
const healthDefinition = protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS);
new ReflectionService({ ...definition, ...healthDefinition }).addToServer(server);

// Ctrl+C (SIGINT) or SIGTERM: say we no longer serve, end every call, then stop.
function shutDown(): void {
  console.log('Shutting down');
  health.setStatus('', 'NOT_SERVING');
  health.setStatus(SERVICE_NAME, 'NOT_SERVING');
  for (const room of rooms.all()) room.cutOffAll(grpc.status.UNAVAILABLE, 'server shutting down');
  server.tryShutdown(() => process.exit(0));
  // A client that stopped reading cannot take its last message; don't wait for it.
  setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 1500).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);

// With --cert and --key we serve TLS: the certificate proves to clients that this
// is the server they meant, and the connection is encrypted. Otherwise plaintext.
function credentials(): grpc.ServerCredentials {
  if (flags.cert === undefined || flags.key === undefined) return grpc.ServerCredentials.createInsecure();
  const keyPair = { cert_chain: readFlagFile('--cert', flags.cert), private_key: readFlagFile('--key', flags.key) };
  console.log(`Serving TLS with the certificate ${flags.cert}`);
  return grpc.ServerCredentials.createSsl(null, [keyPair], false);
}

// listen() is server.bindAsync() plus a cap on connections per address and in total.
listen(server, '0.0.0.0', port, credentials(), (error, boundPort) => {
  if (error?.message.includes('EADDRINUSE')) {
    fail(`Port ${port} is already in use — is another server running? Use --port to pick another.`);
  }
  if (error) {
    const hint = flags.cert === undefined ? '' : ' (are --cert and --key a PEM certificate and its key?)';
    fail(`Cannot listen on port ${port}: ${error.message}${hint}`);
  }
  console.log(`Server listening on 0.0.0.0:${boundPort}`);
});
