// Original file: chat.proto


export interface CreateChatRoomRequest {
  'private'?: (boolean);
}

export interface CreateChatRoomRequest__Output {
  'private': (boolean);
}
