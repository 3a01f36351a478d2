// Original file: chat.proto


export interface MessageResponse {
  'msg'?: (string);
}

export interface MessageResponse__Output {
  'msg': (string);
}
