// Original file: chat.proto


export interface User {
  'username'?: (string);
}

export interface User__Output {
  'username': (string);
}
