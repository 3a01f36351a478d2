// The further task leaves the names to the attendee: an enum in the AddUser
// response, called whatever they like. These helpers find it in a folder's own
// chat.proto, and serve that contract with answers of our choosing, to see what
// the folder's client decides from.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Test } from 'tap';
import type { Fields, RawClient } from './grpc';

const OPTIONS = { keepCase: true, longs: String, enums: Number, defaults: true, oneofs: true };

interface FieldDescriptor {
  name: string;
  type: string;
}

function chatService(dir: string): protoLoader.ServiceDefinition {
  const definition = protoLoader.loadSync(path.join(dir, 'chat.proto'), OPTIONS);
  const service = definition['chat.Chat'];
  if (service === undefined || 'format' in service) throw new Error('chat.proto defines no service chat.Chat');
  return service;
}

// The enum fields of the message AddUser answers with.
export function enumFields(dir: string): string[] {
  const method = chatService(dir).AddUser;
  if (method === undefined) throw new Error('the service has no method AddUser');
  const { field } = method.responseType.type as { field: FieldDescriptor[] };
  return field.filter((f) => f.type === 'TYPE_ENUM').map((f) => f.name);
}

// Add a user and read the code of the answer (the number on the wire).
export async function addUserCode(raw: RawClient, dir: string, username: string): Promise<{ field: string; value: number }> {
  const [field] = enumFields(dir);
  if (field === undefined) throw new Error('the AddUser response in chat.proto has no enum field');
  const response = await raw.unary('AddUser', { username });
  return { field, value: Number(response[field]) };
}

// A server of the folder's contract that answers AddUser calls with `answers` in
// turn (the last one from then on), and lets anybody listen and send.
export async function fakeServer(t: Test, dir: string, answers: Fields[]): Promise<{ address: string }> {
  const server = new grpc.Server();
  const listeners = new Set<grpc.ServerWritableStream<Fields, Fields>>();
  let calls = 0;
  server.addService(chatService(dir), {
    AddUser(_call: grpc.ServerUnaryCall<Fields, Fields>, callback: grpc.sendUnaryData<Fields>) {
      callback(null, answers[Math.min(calls++, answers.length - 1)]);
    },
    Listen(call: grpc.ServerWritableStream<Fields, Fields>) {
      listeners.add(call);
      call.sendMetadata(new grpc.Metadata());
      call.on('cancelled', () => listeners.delete(call));
    },
    SendMessage(call: grpc.ServerUnaryCall<Fields, Fields>, callback: grpc.sendUnaryData<Fields>) {
      for (const listener of listeners) listener.write(call.request);
      callback(null, { msg: 'Sent message' });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  t.teardown(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}` };
}
