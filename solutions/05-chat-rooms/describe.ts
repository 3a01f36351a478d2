// describe.ts: call a gRPC server's methods knowing nothing of them in advance: no
// .proto file, no generated code. Everything comes from the server's reflection
// service, as with grpcurl or Postman.
//
//   npx ts-node describe.ts --host localhost:8080        lists services and methods
//   npx ts-node describe.ts --rpc rpc.ChatService.CreateChatRoom --data '{"private": true}'
//
// The steps: (1) fetch descriptors (the compiled form of .proto files) through
// reflection; (2) find the method descriptor; (3) build the request message from
// its type and the JSON; (4) call the method and decode the answer the same way.
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor';
import { channelCredentials, fail, HOST_PATTERN, parseFlags, printable, statusName, usageError } from './cli';
import { LOADER_OPTIONS } from './common';

// Importing protobufjs/ext/descriptor adds Root.fromDescriptor to protobufjs at run
// time; its type declarations leave it out, so we declare it here.
declare module 'protobufjs' {
  namespace Root {
    function fromDescriptor(fileDescriptorSet: Message | Uint8Array): Root;
  }
}

const USAGE =
  "Usage: npx ts-node describe.ts [--host host:port] [--rpc package.Service.Method [--data '{JSON}']] [--tls [--ca FILE]]" +
  '  (default localhost:8080; without --rpc it lists what the server offers)';
const DEADLINE_MS = 10_000;

const flags = parseFlags(
  () =>
    parseArgs({
      options: {
        host: { type: 'string', default: 'localhost:8080' },
        rpc: { type: 'string' },
        data: { type: 'string' },
        tls: { type: 'boolean', default: false },
        ca: { type: 'string' },
        insecure: { type: 'boolean' }, // plaintext is the default anyway
        help: { type: 'boolean', short: 'h' },
      },
    }),
  USAGE,
);
const host = flags.host;
if (!HOST_PATTERN.test(host)) usageError(`Invalid --host ${host}`, USAGE);
if (flags.data !== undefined && flags.rpc === undefined) usageError('--data goes with --rpc', USAGE);
const target = flags.rpc === undefined ? undefined : splitRpc(flags.rpc);
const data = parseData(flags.data ?? '{}');

// "rpc.ChatService.CreateChatRoom" or, as grpcurl writes it, "rpc.ChatService/CreateChatRoom".
type Target = { service: string; method: string };
function splitRpc(rpc: string): Target {
  const match = /^([A-Za-z_][\w.]*)[./]([A-Za-z_]\w*)$/.exec(rpc);
  if (!match) return usageError(`--rpc ${rpc} is not of the form package.Service.Method`, USAGE);
  return { service: match[1], method: match[2] };
}

// The request as JSON: checked now, before we contact anyone.
function parseData(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return fail(`--data is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('--data must be a JSON object, such as {"private": true}');
  }
  return value as Record<string, unknown>;
}

// ---- Step 1: descriptors through server reflection ----------------------------

// Reflection is itself a gRPC service, grpc.reflection.v1.ServerReflection, with one
// bidirectional method: we write questions, the server writes one answer to each.
// This is the part of its contract we use (the whole of it is reflection.proto in
// gRPC's grpc-proto repository): the tool's own transport, not knowledge of the
// server we are describing. Field numbers are what travel, so they are the real
// ones; a decoder skips the fields we leave out. Older servers offer the same
// service as grpc.reflection.v1alpha, with the same messages.
const REFLECTION_PROTO = `
  syntax = "proto3";
  package grpc.reflection.v1;
  service ServerReflection {
    rpc ServerReflectionInfo(stream ServerReflectionRequest) returns (stream ServerReflectionResponse);
  }
  message ServerReflectionRequest {
    oneof message_request {
      string file_containing_symbol = 4;
      string list_services = 7;
    }
  }
  message ServerReflectionResponse {
    oneof message_response {
      FileDescriptorResponse file_descriptor_response = 4;
      ListServiceResponse list_services_response = 6;
      ErrorResponse error_response = 7;
    }
  }
  message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
  message ListServiceResponse { repeated ServiceResponse service = 1; }
  message ServiceResponse { string name = 1; }
  message ErrorResponse { int32 error_code = 1; string error_message = 2; }
`;

// The same messages as TypeScript types, as the loader options decode them.
interface ReflectionRequest {
  file_containing_symbol?: string;
  list_services?: string;
}
interface ReflectionResponse {
  file_descriptor_response?: { file_descriptor_proto: Buffer[] } | null;
  list_services_response?: { service: Array<{ name: string }> } | null;
  error_response?: { error_code: number; error_message: string } | null;
}
type ReflectionMethod = Pick<
  protoLoader.MethodDefinition<ReflectionRequest, unknown, unknown, ReflectionResponse>,
  'path' | 'requestSerialize' | 'responseDeserialize'
>;

function reflectionMethod(version: 'v1' | 'v1alpha'): ReflectionMethod {
  // protobufjs parses the text; proto-loader makes a method definition of it, as
  // it does from a .proto file.
  const { root } = protobuf.parse(REFLECTION_PROTO, { keepCase: true });
  const definition = protoLoader.fromJSON(root.toJSON(), LOADER_OPTIONS);
  const service = definition['grpc.reflection.v1.ServerReflection'] as protoLoader.ServiceDefinition;
  const method = service.ServerReflectionInfo as protoLoader.MethodDefinition<ReflectionRequest, ReflectionResponse>;
  // v1alpha: the same messages under another name, so only the path changes.
  return { ...method, path: method.path.replace('.v1.', `.${version}.`) };
}

class Reflection {
  private readonly stream: grpc.ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
  private readonly waiting: Array<{
    resolve: (response: ReflectionResponse) => void;
    reject: (status: grpc.StatusObject) => void;
  }> = [];
  private readonly files = new Map<string, protobuf.Message>(); // every file descriptor received, by name

  constructor(client: grpc.Client, method: ReflectionMethod) {
    // A generic client call: the path, how to encode the request and decode the response.
    const { path, requestSerialize, responseDeserialize } = method;
    this.stream = client.makeBidiStreamRequest(path, requestSerialize, responseDeserialize, new grpc.Metadata(), {
      deadline: Date.now() + DEADLINE_MS,
    });
    // Answers come in the order of the questions.
    this.stream.on('data', (response: ReflectionResponse) => this.waiting.shift()?.resolve(response));
    this.stream.on('error', () => {}); // the 'status' event below reports it
    this.stream.on('status', (status: grpc.StatusObject) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(status);
    });
  }

  private async ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    const response = await new Promise<ReflectionResponse>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.stream.write(request);
    });
    if (response.error_response) {
      const { error_code, error_message } = response.error_response;
      return fail(`The server's reflection service answered ${statusName(error_code)}: ${printable(error_message)}`);
    }
    return response;
  }

  async listServices(): Promise<string[]> {
    const response = await this.ask({ list_services: '*' });
    return (response.list_services_response?.service ?? []).map((service) => service.name);
  }

  // The file that defines `symbol`, and the files it imports. The server may leave
  // out files it sent earlier on this stream, so we keep them all.
  async fetchFileContaining(symbol: string): Promise<void> {
    const response = await this.ask({ file_containing_symbol: symbol });
    for (const bytes of response.file_descriptor_response?.file_descriptor_proto ?? []) {
      // Each one is a serialized google.protobuf.FileDescriptorProto: decode it with
      // that type, which protobufjs/ext/descriptor provides.
      const file = descriptor.FileDescriptorProto.decode(bytes) as protobuf.Message & { name: string };
      this.files.set(file.name, file);
    }
  }

  // All the descriptors received so far, as a protobufjs Root: the same kind of
  // object protobufjs builds when it parses .proto files.
  root(): protobuf.Root {
    const root = protobuf.Root.fromDescriptor(descriptor.FileDescriptorSet.create({ file: [...this.files.values()] }));
    restoreMaps(root);
    root.resolveAll();
    return root;
  }

  end(): void {
    this.stream.end();
  }
}

// On the wire, and so in a descriptor, a map field is a repeated "entry" message
// with a key (field 1) and a value (field 2), nested in the map's message and
// marked map_entry (protoc names it <Field>Entry). protobufjs reads such a
// descriptor back as that list of entries; we turn each into a real map field, so
// that requests and answers are JSON objects ({"key": value}), as grpcurl shows them.
function restoreMaps(namespace: protobuf.NamespaceBase): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      for (const field of nested.fieldsArray) {
        const entry = field.repeated ? field.resolve().resolvedType : null;
        if (!(entry instanceof protobuf.Type) || entry.parent !== nested || entry.getOption('map_entry') !== true) continue;
        const [key, value] = [entry.fieldsById[1], entry.fieldsById[2]];
        if (!key || !value) continue;
        nested.remove(field);
        nested.add(new protobuf.MapField(field.name, field.id, key.type, value.type));
      }
    }
    if (nested instanceof protobuf.Namespace) restoreMaps(nested);
  }
}

// Older servers often offer only the v1alpha version of reflection: try v1 first.
async function connect(client: grpc.Client): Promise<{ reflection: Reflection; services: string[] }> {
  for (const version of ['v1', 'v1alpha'] as const) {
    const reflection = new Reflection(client, reflectionMethod(version));
    try {
      return { reflection, services: await reflection.listServices() };
    } catch (error) {
      const { code, details } = error as grpc.StatusObject;
      if (code !== grpc.status.UNIMPLEMENTED) {
        fail(
          code === grpc.status.UNAVAILABLE
            ? `Cannot reach ${host} — is the server running? (${printable(details)})`
            : `Reflection failed: ${statusName(code)}: ${printable(details)}`,
        );
      }
    }
  }
  return fail(`The server at ${host} does not offer gRPC server reflection, so describe.ts cannot learn its methods.`);
}

// ---- Listing: services, methods and what their requests contain ------------------

function typeName(type: protobuf.Type | null, fallback: string): string {
  return (type?.fullName ?? fallback).replace(/^\./, '');
}

function signature(method: protobuf.Method): string {
  const stream = (streaming: boolean | undefined) => (streaming ? 'stream ' : '');
  const request = stream(method.requestStream) + typeName(method.resolvedRequestType, method.requestType);
  const response = stream(method.responseStream) + typeName(method.resolvedResponseType, method.responseType);
  return `rpc ${method.name}(${request}) returns (${response})`;
}

// A field's type as a .proto file writes it: "string", "rpc.ChatRoom" (descriptors
// name message types in full, with a leading dot), "map<string, rpc.ChatRoom>".
function fieldType(field: protobuf.Field): string {
  const type = field.type.replace(/^\./, '');
  if (field instanceof protobuf.MapField) return `map<${field.keyType}, ${type}>`;
  return `${field.repeated ? 'repeated ' : ''}${type}`;
}

function fieldsOf(type: protobuf.Type): string {
  const fields = type.fieldsArray.map((field) => `${field.name}: ${fieldType(field)}`);
  return `${typeName(type, type.name)} ${fields.length > 0 ? `{ ${fields.join(', ')} }` : '{}'}`;
}

async function list(reflection: Reflection, services: string[]): Promise<void> {
  for (const service of services) await reflection.fetchFileContaining(service);
  const root = reflection.root();
  for (const name of services) {
    console.log(name);
    for (const method of root.lookupService(name).methodsArray) {
      console.log(`  ${signature(method)}`);
      if (!method.requestStream && !method.responseStream && method.resolvedRequestType) {
        console.log(`      ${fieldsOf(method.resolvedRequestType)}`);
      }
    }
  }
  console.log(`Call a unary method: npx ts-node describe.ts --host ${host} --rpc <service>.<method> --data '<JSON>'`);
}

// ---- Steps 2 to 4: find the method, build the request, call ---------------------

async function call(client: grpc.Client, reflection: Reflection, services: string[], rpc: Target): Promise<void> {
  if (!services.includes(rpc.service)) {
    fail(`The server has no service ${rpc.service}. It has: ${services.map(printable).join(', ')}`);
  }
  await reflection.fetchFileContaining(rpc.service);
  const service = reflection.root().lookupService(rpc.service);
  const method = Object.hasOwn(service.methods, rpc.method) ? service.methods[rpc.method] : undefined;
  if (!method) fail(`${rpc.service} has no method ${rpc.method}. It has: ${Object.keys(service.methods).join(', ')}`);
  if (method.requestStream || method.responseStream) {
    fail(`${rpc.service}.${rpc.method} is a streaming method (${signature(method)}); describe.ts calls unary ones only.`);
  }
  const requestType = method.resolvedRequestType;
  const responseType = method.resolvedResponseType;
  if (!requestType || !responseType) return fail(`The descriptors of ${rpc.service} are incomplete`);

  // Step 3: the JSON must fit the request type: known fields, right kinds of values.
  const unknown = Object.keys(data).filter((key) => !Object.hasOwn(requestType.fields, key));
  if (unknown.length > 0) {
    fail(`--data: ${typeName(requestType, '')} has no field ${unknown.join(', ')}. Its fields: ${fieldsOf(requestType)}`);
  }
  const problem = requestType.verify(data);
  if (problem) fail(`--data does not fit ${fieldsOf(requestType)}: ${problem}`);
  const request = requestType.fromObject(data);

  // Step 4: a unary call on a generic client, with the encoding the descriptors give.
  const response = await new Promise<protobuf.Message>((resolve) => {
    client.makeUnaryRequest(
      `/${rpc.service}/${rpc.method}`, // the method's path, as on the wire
      (message: protobuf.Message) => Buffer.from(requestType.encode(message).finish()),
      (bytes: Buffer) => responseType.decode(bytes),
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + DEADLINE_MS },
      (error, reply) => {
        if (error) fail(`${rpc.service}.${rpc.method} failed: ${statusName(error.code)}: ${printable(error.details)}`);
        resolve(reply as protobuf.Message); // no error: grpc-js hands us the decoded response
      },
    );
  });
  const json = responseType.toObject(response, { longs: String, enums: String, bytes: String, defaults: true });
  console.log(JSON.stringify(json, null, 2));
}

async function main(): Promise<void> {
  const client = new grpc.Client(host, channelCredentials(flags.tls, flags.ca));
  const { reflection, services } = await connect(client);
  if (target === undefined) await list(reflection, services);
  else await call(client, reflection, services, target);
  reflection.end();
  client.close();
}

void main().catch((error: Error) => fail(`describe.ts: ${error.message}`));
