import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChatMessage as _rpc_ChatMessage, ChatMessage__Output as _rpc_ChatMessage__Output } from './rpc/ChatMessage';
import type { ChatRoom as _rpc_ChatRoom, ChatRoom__Output as _rpc_ChatRoom__Output } from './rpc/ChatRoom';
import type { ChatServiceClient as _rpc_ChatServiceClient, ChatServiceDefinition as _rpc_ChatServiceDefinition } from './rpc/ChatService';
import type { CreateChatRoomRequest as _rpc_CreateChatRoomRequest, CreateChatRoomRequest__Output as _rpc_CreateChatRoomRequest__Output } from './rpc/CreateChatRoomRequest';
import type { DeleteChatRoomRequest as _rpc_DeleteChatRoomRequest, DeleteChatRoomRequest__Output as _rpc_DeleteChatRoomRequest__Output } from './rpc/DeleteChatRoomRequest';
import type { JoinChat as _rpc_JoinChat, JoinChat__Output as _rpc_JoinChat__Output } from './rpc/JoinChat';
import type { ListChatRoomsRequest as _rpc_ListChatRoomsRequest, ListChatRoomsRequest__Output as _rpc_ListChatRoomsRequest__Output } from './rpc/ListChatRoomsRequest';
import type { ListChatRoomsResponse as _rpc_ListChatRoomsResponse, ListChatRoomsResponse__Output as _rpc_ListChatRoomsResponse__Output } from './rpc/ListChatRoomsResponse';
import type { Message as _rpc_Message, Message__Output as _rpc_Message__Output } from './rpc/Message';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc: {
    ChatMessage: MessageTypeDefinition<_rpc_ChatMessage, _rpc_ChatMessage__Output>
    ChatRoom: MessageTypeDefinition<_rpc_ChatRoom, _rpc_ChatRoom__Output>
    ChatService: SubtypeConstructor<typeof grpc.Client, _rpc_ChatServiceClient> & { service: _rpc_ChatServiceDefinition }
    CreateChatRoomRequest: MessageTypeDefinition<_rpc_CreateChatRoomRequest, _rpc_CreateChatRoomRequest__Output>
    DeleteChatRoomRequest: MessageTypeDefinition<_rpc_DeleteChatRoomRequest, _rpc_DeleteChatRoomRequest__Output>
    JoinChat: MessageTypeDefinition<_rpc_JoinChat, _rpc_JoinChat__Output>
    ListChatRoomsRequest: MessageTypeDefinition<_rpc_ListChatRoomsRequest, _rpc_ListChatRoomsRequest__Output>
    ListChatRoomsResponse: MessageTypeDefinition<_rpc_ListChatRoomsResponse, _rpc_ListChatRoomsResponse__Output>
    Message: MessageTypeDefinition<_rpc_Message, _rpc_Message__Output>
  }
}

