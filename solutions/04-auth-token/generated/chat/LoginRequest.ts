// Original file: chat.proto


export interface LoginRequest {
  'password'?: (string);
  'name'?: (string);
}

export interface LoginRequest__Output {
  'password': (string);
  'name': (string);
}
