// Original file: chat.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChatMessage as _rpc_ChatMessage, ChatMessage__Output as _rpc_ChatMessage__Output } from '../rpc/ChatMessage';
import type { ChatRoom as _rpc_ChatRoom, ChatRoom__Output as _rpc_ChatRoom__Output } from '../rpc/ChatRoom';
import type { CreateChatRoomRequest as _rpc_CreateChatRoomRequest, CreateChatRoomRequest__Output as _rpc_CreateChatRoomRequest__Output } from '../rpc/CreateChatRoomRequest';
import type { DeleteChatRoomRequest as _rpc_DeleteChatRoomRequest, DeleteChatRoomRequest__Output as _rpc_DeleteChatRoomRequest__Output } from '../rpc/DeleteChatRoomRequest';
import type { ListChatRoomsRequest as _rpc_ListChatRoomsRequest, ListChatRoomsRequest__Output as _rpc_ListChatRoomsRequest__Output } from '../rpc/ListChatRoomsRequest';
import type { ListChatRoomsResponse as _rpc_ListChatRoomsResponse, ListChatRoomsResponse__Output as _rpc_ListChatRoomsResponse__Output } from '../rpc/ListChatRoomsResponse';
import type { Message as _rpc_Message, Message__Output as _rpc_Message__Output } from '../rpc/Message';

export interface ChatServiceClient extends grpc.Client {
  Chat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_ChatMessage, _rpc_Message__Output>;
  Chat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_ChatMessage, _rpc_Message__Output>;
  chat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_ChatMessage, _rpc_Message__Output>;
  chat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_ChatMessage, _rpc_Message__Output>;
  
  CreateChatRoom(argument: _rpc_CreateChatRoomRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  CreateChatRoom(argument: _rpc_CreateChatRoomRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  CreateChatRoom(argument: _rpc_CreateChatRoomRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  CreateChatRoom(argument: _rpc_CreateChatRoomRequest, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  createChatRoom(argument: _rpc_CreateChatRoomRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  createChatRoom(argument: _rpc_CreateChatRoomRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  createChatRoom(argument: _rpc_CreateChatRoomRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  createChatRoom(argument: _rpc_CreateChatRoomRequest, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  
  DeleteChatRoom(argument: _rpc_DeleteChatRoomRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  DeleteChatRoom(argument: _rpc_DeleteChatRoomRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  DeleteChatRoom(argument: _rpc_DeleteChatRoomRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  DeleteChatRoom(argument: _rpc_DeleteChatRoomRequest, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  deleteChatRoom(argument: _rpc_DeleteChatRoomRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  deleteChatRoom(argument: _rpc_DeleteChatRoomRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  deleteChatRoom(argument: _rpc_DeleteChatRoomRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  deleteChatRoom(argument: _rpc_DeleteChatRoomRequest, callback: grpc.requestCallback<_rpc_ChatRoom__Output>): grpc.ClientUnaryCall;
  
  ListChatRooms(argument: _rpc_ListChatRoomsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  ListChatRooms(argument: _rpc_ListChatRoomsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  ListChatRooms(argument: _rpc_ListChatRoomsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  ListChatRooms(argument: _rpc_ListChatRoomsRequest, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  listChatRooms(argument: _rpc_ListChatRoomsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  listChatRooms(argument: _rpc_ListChatRoomsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  listChatRooms(argument: _rpc_ListChatRoomsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  listChatRooms(argument: _rpc_ListChatRoomsRequest, callback: grpc.requestCallback<_rpc_ListChatRoomsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ChatServiceHandlers extends grpc.UntypedServiceImplementation {
  Chat: grpc.handleBidiStreamingCall<_rpc_ChatMessage__Output, _rpc_Message>;
  
  CreateChatRoom: grpc.handleUnaryCall<_rpc_CreateChatRoomRequest__Output, _rpc_ChatRoom>;
  
  DeleteChatRoom: grpc.handleUnaryCall<_rpc_DeleteChatRoomRequest__Output, _rpc_ChatRoom>;
  
  ListChatRooms: grpc.handleUnaryCall<_rpc_ListChatRoomsRequest__Output, _rpc_ListChatRoomsResponse>;
  
}

export interface ChatServiceDefinition extends grpc.ServiceDefinition {
  Chat: MethodDefinition<_rpc_ChatMessage, _rpc_Message, _rpc_ChatMessage__Output, _rpc_Message__Output>
  CreateChatRoom: MethodDefinition<_rpc_CreateChatRoomRequest, _rpc_ChatRoom, _rpc_CreateChatRoomRequest__Output, _rpc_ChatRoom__Output>
  DeleteChatRoom: MethodDefinition<_rpc_DeleteChatRoomRequest, _rpc_ChatRoom, _rpc_DeleteChatRoomRequest__Output, _rpc_ChatRoom__Output>
  ListChatRooms: MethodDefinition<_rpc_ListChatRoomsRequest, _rpc_ListChatRoomsResponse, _rpc_ListChatRoomsRequest__Output, _rpc_ListChatRoomsResponse__Output>
}
