// Original file: messenger.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../google/protobuf/Timestamp';

export interface ReadRequest {
  'after'?: (_google_protobuf_Timestamp | null);
}

export interface ReadRequest__Output {
  'after': (_google_protobuf_Timestamp__Output | null);
}
