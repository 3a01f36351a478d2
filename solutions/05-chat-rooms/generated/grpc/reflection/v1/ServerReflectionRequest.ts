// Original file: reflection.proto


export interface ServerReflectionRequest {
  'host'?: (string);
  'file_by_filename'?: (string);
  'file_containing_symbol'?: (string);
  'list_services'?: (string);
  'message_request'?: "file_by_filename"|"file_containing_symbol"|"list_services";
}

export interface ServerReflectionRequest__Output {
  'host': (string);
  'file_by_filename'?: (string);
  'file_containing_symbol'?: (string);
  'list_services'?: (string);
  'message_request'?: "file_by_filename"|"file_containing_symbol"|"list_services";
}
