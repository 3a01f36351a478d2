// Original file: chat.proto


export interface LogoutRequest {
  'token'?: (string);
}

export interface LogoutRequest__Output {
  'token': (string);
}
