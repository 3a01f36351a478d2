// common.ts: load chat.proto, for server.ts and client.ts.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/chat';

// grpc-js logs some failures itself before it hands them to our code, which says
// what went wrong in its own words (a port in use: "E No address added out of
// total 1 resolved"). Its log is for debugging: GRPC_VERBOSITY=DEBUG shows it.
if (process.env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);

// The loader options. They match the flags the types in ./generated were made with
// (see README.md), so those types describe exactly the objects we get at run time.
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true, // field names as written in the .proto (room_id, not roomId)
  longs: String,
  enums: String,
  defaults: true, // a missing string arrives as '', a missing message as null
  oneofs: true,
};

// The package definition is what proto-loader read from the file: message and
// service descriptions. grpc-js turns it into the client class and the service
// definition; the server also hands it to the reflection service.
export function loadChatProto(): { definition: protoLoader.PackageDefinition; proto: ProtoGrpcType } {
  const definition = protoLoader.loadSync(path.join(__dirname, 'chat.proto'), LOADER_OPTIONS);
  return { definition, proto: grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType };
}
