// Original file: chat.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../google/protobuf/Timestamp';

export interface _chat_StreamResponse_Login {
  'name'?: (string);
}

export interface _chat_StreamResponse_Login__Output {
  'name': (string);
}

export interface _chat_StreamResponse_Logout {
  'name'?: (string);
}

export interface _chat_StreamResponse_Logout__Output {
  'name': (string);
}

export interface _chat_StreamResponse_Message {
  'name'?: (string);
  'message'?: (string);
}

export interface _chat_StreamResponse_Message__Output {
  'name': (string);
  'message': (string);
}

export interface _chat_StreamResponse_Shutdown {
}

export interface _chat_StreamResponse_Shutdown__Output {
}

export interface StreamResponse {
  'timestamp'?: (_google_protobuf_Timestamp | null);
  'client_login'?: (_chat_StreamResponse_Login | null);
  'client_logout'?: (_chat_StreamResponse_Logout | null);
  'client_message'?: (_chat_StreamResponse_Message | null);
  'server_shutdown'?: (_chat_StreamResponse_Shutdown | null);
  'event'?: "client_login"|"client_logout"|"client_message"|"server_shutdown";
}

export interface StreamResponse__Output {
  'timestamp': (_google_protobuf_Timestamp__Output | null);
  'client_login'?: (_chat_StreamResponse_Login__Output | null);
  'client_logout'?: (_chat_StreamResponse_Logout__Output | null);
  'client_message'?: (_chat_StreamResponse_Message__Output | null);
  'server_shutdown'?: (_chat_StreamResponse_Shutdown__Output | null);
  'event'?: "client_login"|"client_logout"|"client_message"|"server_shutdown";
}
