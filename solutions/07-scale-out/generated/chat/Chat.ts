// Original file: chat.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListenRequest as _chat_ListenRequest, ListenRequest__Output as _chat_ListenRequest__Output } from '../chat/ListenRequest';
import type { Message as _chat_Message, Message__Output as _chat_Message__Output } from '../chat/Message';
import type { MessageResponse as _chat_MessageResponse, MessageResponse__Output as _chat_MessageResponse__Output } from '../chat/MessageResponse';
import type { User as _chat_User, User__Output as _chat_User__Output } from '../chat/User';

export interface ChatClient extends grpc.Client {
  AddUser(argument: _chat_User, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  AddUser(argument: _chat_User, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  AddUser(argument: _chat_User, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  AddUser(argument: _chat_User, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _chat_User, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _chat_User, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _chat_User, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _chat_User, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  
  Listen(argument: _chat_ListenRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_chat_Message__Output>;
  Listen(argument: _chat_ListenRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_chat_Message__Output>;
  listen(argument: _chat_ListenRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_chat_Message__Output>;
  listen(argument: _chat_ListenRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_chat_Message__Output>;
  
  SendMessage(argument: _chat_Message, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  SendMessage(argument: _chat_Message, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  SendMessage(argument: _chat_Message, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  SendMessage(argument: _chat_Message, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _chat_Message, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _chat_Message, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _chat_Message, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _chat_Message, callback: grpc.requestCallback<_chat_MessageResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ChatHandlers extends grpc.UntypedServiceImplementation {
  AddUser: grpc.handleUnaryCall<_chat_User__Output, _chat_MessageResponse>;
  
  Listen: grpc.handleServerStreamingCall<_chat_ListenRequest__Output, _chat_Message>;
  
  SendMessage: grpc.handleUnaryCall<_chat_Message__Output, _chat_MessageResponse>;
  
}

export interface ChatDefinition extends grpc.ServiceDefinition {
  AddUser: MethodDefinition<_chat_User, _chat_MessageResponse, _chat_User__Output, _chat_MessageResponse__Output>
  Listen: MethodDefinition<_chat_ListenRequest, _chat_Message, _chat_ListenRequest__Output, _chat_Message__Output>
  SendMessage: MethodDefinition<_chat_Message, _chat_MessageResponse, _chat_Message__Output, _chat_MessageResponse__Output>
}
