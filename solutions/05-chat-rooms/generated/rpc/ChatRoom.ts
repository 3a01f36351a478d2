// Original file: chat.proto


export interface ChatRoom {
  'room_id'?: (string);
}

export interface ChatRoom__Output {
  'room_id': (string);
}
