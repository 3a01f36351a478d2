// Original file: chat.proto

import type { ChatRoom as _rpc_ChatRoom, ChatRoom__Output as _rpc_ChatRoom__Output } from '../rpc/ChatRoom';

export interface ListChatRoomsResponse {
  'chat_rooms'?: (_rpc_ChatRoom)[];
}

export interface ListChatRoomsResponse__Output {
  'chat_rooms': (_rpc_ChatRoom__Output)[];
}
