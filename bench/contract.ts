// contract.ts: what the bench needs from a stage's chat.proto. The bench drives any
// stage, so it reads the service from the .proto at run time instead of using one
// stage's generated types: the same load process then talks to the stage's server
// and to the baseline server built from that same file.
import fs from 'node:fs';
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';

export const SERVICE = 'chat.Chat';

export interface Contract {
  protoPath: string;
  service: protoLoader.ServiceDefinition;
  // Stages from 01-add-user on only accept SendMessage from a client that added a user.
  needsUser: boolean;
}

// Load `<stageDir>/chat.proto` and check that it has the two RPCs a fan-out needs.
// Throws an Error whose message is fit to show to a user.
export function loadContract(stageDir: string): Contract {
  const protoPath = path.join(stageDir, 'chat.proto');
  if (!fs.existsSync(protoPath)) throw new Error(`${stageDir} has no chat.proto`);
  const definition = protoLoader.loadSync(protoPath, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = definition[SERVICE];
  // A package definition holds services and message types; message types have 'format'.
  if (service === undefined || 'format' in service) throw new Error(`${protoPath} defines no service ${SERVICE}`);
  const send = service.SendMessage;
  const listen = service.Listen;
  if (!send || send.requestStream || send.responseStream || !listen || listen.requestStream || !listen.responseStream) {
    throw new Error(`${SERVICE} in ${protoPath} needs a unary SendMessage and a server-streaming Listen`);
  }
  return { protoPath, service, needsUser: service.AddUser !== undefined };
}
