// Original file: chat.proto


export interface StreamRequest {
  'message'?: (string);
}

export interface StreamRequest__Output {
  'message': (string);
}
