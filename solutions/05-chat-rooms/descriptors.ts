// descriptors.ts: the descriptors the reflection service hands out, made the way
// protoc makes them. proto-loader (through protobufjs) describes each .proto file as
// a FileDescriptorProto, but not quite as protoc would: a map field's entry type is
// not named `<Field>Entry`, type names are relative, and fields have no json_name.
// protobufjs reads that back; protoc, grpcurl and the Go and Java runtimes refuse it.
// So before the server offers them, we set those three things as protoc does.
import type * as protoLoader from '@grpc/proto-loader';
import * as descriptor from 'protobufjs/ext/descriptor';

// The parts of google.protobuf.FileDescriptorProto we touch (protobufjs names the
// fields in lowerCamelCase: type_name is typeName).
interface FieldDescriptor {
  name: string;
  typeName?: string;
  jsonName?: string;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  enumType: Array<{ name: string }>;
  options?: { mapEntry?: boolean } | null;
}
interface FileDescriptor {
  name: string;
  package?: string;
  messageType: MessageDescriptor[];
  enumType: Array<{ name: string }>;
}

// The JSON name protoc gives a field: underscores dropped, the letter after each
// one capitalised (room_id -> roomId).
export function jsonName(field: string): string {
  return field.replace(/_+(.?)/g, (_match, next: string) => next.toUpperCase());
}

// The name protoc gives the entry type of a map field: statuses -> StatusesEntry.
export function mapEntryName(field: string): string {
  const camel = jsonName(field);
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

// Every type the file declares, by full name (".pkg.Outer.Inner").
function declared(file: FileDescriptor): Set<string> {
  const names = new Set<string>();
  const prefix = file.package ? `.${file.package}` : '';
  const walk = (scope: string, messages: MessageDescriptor[], enums: Array<{ name: string }>) => {
    for (const type of enums) names.add(`${scope}.${type.name}`);
    for (const message of messages) {
      names.add(`${scope}.${message.name}`);
      walk(`${scope}.${message.name}`, message.nestedType, message.enumType);
    }
  };
  walk(prefix, file.messageType, file.enumType);
  return names;
}

// A relative type name as protoc resolves it: in the innermost scope that has it.
function resolve(name: string, scope: string, known: Set<string>): string {
  if (name.startsWith('.')) return name;
  for (let at = scope; ; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
    if (known.has(`${at}.${name}`)) return `${at}.${name}`;
    if (at === '') return `.${name}`; // not in this file: leave it absolute from the root
  }
}

function fixMessage(message: MessageDescriptor, scope: string, known: Set<string>): void {
  const own = `${scope}.${message.name}`;
  for (const field of message.field) {
    field.jsonName = jsonName(field.name);
    if (field.typeName) field.typeName = resolve(field.typeName, own, known);
  }
  // Map fields: rename the entry type (and the field's reference to it).
  for (const entry of message.nestedType) {
    if (!entry.options?.mapEntry) continue;
    const field = message.field.find((candidate) => candidate.typeName === `${own}.${entry.name}`);
    if (!field) continue;
    entry.name = mapEntryName(field.name);
    field.typeName = `${own}.${entry.name}`;
  }
  for (const nested of message.nestedType) fixMessage(nested, own, known);
}

function protocStyle(bytes: Buffer): Buffer {
  const file = descriptor.FileDescriptorProto.decode(bytes);
  const view = file as unknown as FileDescriptor;
  const known = declared(view);
  const scope = view.package ? `.${view.package}` : '';
  for (const message of view.messageType) fixMessage(message, scope, known);
  return Buffer.from(descriptor.FileDescriptorProto.encode(file).finish());
}

// A message or enum type (a service has methods instead of a format).
function isType(item: protoLoader.AnyDefinition): item is protoLoader.MessageTypeDefinition<object, object> | protoLoader.EnumTypeDefinition {
  return typeof item.format === 'string';
}

// The same package definition, each message and enum type carrying protoc-style
// descriptors of its file: those are what the reflection service reads.
export function withProtocDescriptors(definition: protoLoader.PackageDefinition): protoLoader.PackageDefinition {
  const fixed = new Map<Buffer, Buffer>(); // each file once, however many types share it
  const fix = (bytes: Buffer): Buffer => {
    const done = fixed.get(bytes) ?? protocStyle(bytes);
    fixed.set(bytes, done);
    return done;
  };
  const result: protoLoader.PackageDefinition = {};
  for (const [name, item] of Object.entries(definition)) {
    result[name] = isType(item) ? { ...item, fileDescriptorProtos: item.fileDescriptorProtos.map(fix) } : item;
  }
  return result;
}
