// Original file: chat.proto


export interface Message {
  'name'?: (string);
  'message'?: (string);
}

export interface Message__Output {
  'name': (string);
  'message': (string);
}
