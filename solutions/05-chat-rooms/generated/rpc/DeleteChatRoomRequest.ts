// Original file: chat.proto


export interface DeleteChatRoomRequest {
  'room_id'?: (string);
}

export interface DeleteChatRoomRequest__Output {
  'room_id': (string);
}
