// Original file: chat.proto


export interface LoginResponse {
  'token'?: (string);
}

export interface LoginResponse__Output {
  'token': (string);
}
