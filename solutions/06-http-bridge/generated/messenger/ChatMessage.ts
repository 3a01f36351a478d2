// Original file: messenger.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../google/protobuf/Timestamp';

export interface ChatMessage {
  'author'?: (string);
  'text'?: (string);
  'send_time'?: (_google_protobuf_Timestamp | null);
}

export interface ChatMessage__Output {
  'author': (string);
  'text': (string);
  'send_time': (_google_protobuf_Timestamp__Output | null);
}
