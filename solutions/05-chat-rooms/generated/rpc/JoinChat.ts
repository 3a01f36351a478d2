// Original file: chat.proto


export interface JoinChat {
  'room_id'?: (string);
  'name'?: (string);
}

export interface JoinChat__Output {
  'room_id': (string);
  'name': (string);
}
