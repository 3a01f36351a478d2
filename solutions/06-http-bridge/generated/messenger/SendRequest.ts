// Original file: messenger.proto


export interface SendRequest {
  'author'?: (string);
  'text'?: (string);
}

export interface SendRequest__Output {
  'author': (string);
  'text': (string);
}
