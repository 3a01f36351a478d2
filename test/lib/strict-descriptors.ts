// A strict reading of file descriptors (serialized google.protobuf.FileDescriptorProto),
// as protoc, grpcurl and the Go and Java protobuf runtimes read them. protobufjs
// accepts nearly anything; @bufbuild/protobuf builds a real registry (every type
// reference must resolve) and the checks below add the rules protoc applies to the
// files it writes.
import { createFileRegistry, create, fromBinary, type Registry } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type DescriptorProto,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';

// protoc's JSON name of a field: underscores dropped, the next letter capitalised.
export const protocJsonName = (name: string) => name.replace(/_+(.?)/g, (_m, next: string) => next.toUpperCase());
// protoc's name for the entry type of a map field: statuses -> StatusesEntry.
export const protocMapEntryName = (field: string) => {
  const camel = protocJsonName(field);
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
};

const MAX_FIELD_NUMBER = 536_870_911;
const MAP_KEY_TYPES = new Set([Type.INT32, Type.INT64, Type.UINT32, Type.UINT64, Type.SINT32, Type.SINT64,
  Type.FIXED32, Type.FIXED64, Type.SFIXED32, Type.SFIXED64, Type.BOOL, Type.STRING]);

// The name a serialized file descriptor gives its file.
export const fileName = (bytes: Uint8Array) => fromBinary(FileDescriptorProtoSchema, bytes).name;

export interface StrictResult {
  problems: string[];
  registry?: Registry;
}

// Every rule broken by the files (empty if none), and the registry they make.
export function readStrictly(serialized: Uint8Array[]): StrictResult {
  const files = serialized.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
  const problems: string[] = [];
  const byName = new Map(files.map((file) => [file.name, file]));

  // Which file declares each fully-qualified type name (".pkg.Outer.Inner").
  const declaredIn = new Map<string, FileDescriptorProto>();
  const messages = new Map<string, DescriptorProto>();
  for (const file of files) {
    const walk = (scope: string, types: DescriptorProto[], enums: Array<{ name: string }>) => {
      for (const type of enums) declaredIn.set(`${scope}.${type.name}`, file);
      for (const type of types) {
        declaredIn.set(`${scope}.${type.name}`, file);
        messages.set(`${scope}.${type.name}`, type);
        walk(`${scope}.${type.name}`, type.nestedType, type.enumType);
      }
    };
    walk(file.package ? `.${file.package}` : '', file.messageType, file.enumType);
  }

  // A type reference: absolute, and declared in the file itself or one it imports.
  // Returns the full name (a relative one resolved as protoc would, to go on checking).
  const reference = (file: FileDescriptorProto, where: string, written: string, scope: string): string => {
    let name = written;
    if (!written.startsWith('.')) {
      problems.push(`${where}: type name "${written}" is not fully qualified`);
      for (let at = scope; !declaredIn.has(name); at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
        name = `${at}.${written}`;
        if (at === '') break;
      }
    }
    const home = declaredIn.get(name);
    if (!home) problems.push(`${where}: type ${name} is not declared in any file`);
    else if (home !== file && !file.dependency.includes(home.name)) {
      problems.push(`${where}: type ${name} comes from ${home.name}, which ${file.name} does not import`);
    }
    return name;
  };

  const checkMessage = (file: FileDescriptorProto, fullName: string, message: DescriptorProto) => {
    const numbers = new Set<number>();
    const names = new Set<string>();
    const mapEntries = new Set<string>(); // nested types that a map field uses
    for (const field of message.field) {
      const where = `${fullName}.${field.name}`;
      if (names.has(field.name)) problems.push(`${where}: field name used twice`);
      if (numbers.has(field.number)) problems.push(`${where}: field number ${field.number} used twice`);
      names.add(field.name);
      numbers.add(field.number);
      if (field.number < 1 || field.number > MAX_FIELD_NUMBER) problems.push(`${where}: field number out of range`);
      if (field.number >= 19_000 && field.number <= 19_999) problems.push(`${where}: field number reserved by protobuf`);
      if (message.reservedRange.some((range) => field.number >= range.start && field.number < range.end)) {
        problems.push(`${where}: field number ${field.number} is reserved`);
      }
      if (message.reservedName.includes(field.name)) problems.push(`${where}: field name is reserved`);
      if (field.jsonName !== protocJsonName(field.name)) {
        problems.push(`${where}: json_name is "${field.jsonName}", protoc sets "${protocJsonName(field.name)}"`);
      }
      if (file.syntax === 'proto3' && field.label === Label.REQUIRED) problems.push(`${where}: required in proto3`);
      const typeName = field.type === Type.MESSAGE || field.type === Type.ENUM
        ? reference(file, where, field.typeName, fullName) : '';
      const entry = messages.get(typeName);
      if (field.type === Type.MESSAGE && entry?.options?.mapEntry) {
        mapEntries.add(typeName);
        const expected = `${fullName}.${protocMapEntryName(field.name)}`;
        if (typeName !== expected) problems.push(`${where}: map entry type is ${typeName}, protoc names it ${expected}`);
        if (field.label !== Label.REPEATED) problems.push(`${where}: a map field must be repeated`);
        const [key, value] = entry.field;
        if (entry.field.length !== 2 || key.name !== 'key' || key.number !== 1 || value.name !== 'value' || value.number !== 2) {
          problems.push(`${where}: a map entry has exactly the fields key = 1 and value = 2`);
        } else if (!MAP_KEY_TYPES.has(key.type)) {
          problems.push(`${where}: a map key must be an integer, bool or string`);
        }
      }
    }
    for (const nested of message.nestedType) {
      const nestedName = `${fullName}.${nested.name}`;
      if (nested.options?.mapEntry && !mapEntries.has(nestedName)) {
        problems.push(`${nestedName}: map_entry set on a type no map field of ${fullName} uses`);
      }
      checkMessage(file, nestedName, nested);
    }
  };

  for (const file of files) {
    for (const dependency of file.dependency) {
      if (!byName.has(dependency)) problems.push(`${file.name}: imports ${dependency}, which the server did not send`);
    }
    const scope = file.package ? `.${file.package}` : '';
    for (const message of file.messageType) checkMessage(file, `${scope}.${message.name}`, message);
    for (const service of file.service) {
      for (const method of service.method) {
        const where = `${scope}.${service.name}.${method.name}`;
        for (const type of [method.inputType, method.outputType]) {
          reference(file, where, type, scope);
          if (declaredIn.has(type) && !messages.has(type)) problems.push(`${where}: ${type} is not a message`);
        }
      }
    }
  }

  try {
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: files }));
    return { problems, registry };
  } catch (error) {
    problems.push(`@bufbuild/protobuf refuses the files: ${(error as Error).message}`);
    return { problems };
  }
}
