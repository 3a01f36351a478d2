// Original file: chat.proto


export interface Message {
  'msg'?: (string);
}

export interface Message__Output {
  'msg': (string);
}
