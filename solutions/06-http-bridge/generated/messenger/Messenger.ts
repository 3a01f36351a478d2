// Original file: messenger.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChatMessage as _messenger_ChatMessage, ChatMessage__Output as _messenger_ChatMessage__Output } from '../messenger/ChatMessage';
import type { ReadRequest as _messenger_ReadRequest, ReadRequest__Output as _messenger_ReadRequest__Output } from '../messenger/ReadRequest';
import type { SendRequest as _messenger_SendRequest, SendRequest__Output as _messenger_SendRequest__Output } from '../messenger/SendRequest';
import type { SendResponse as _messenger_SendResponse, SendResponse__Output as _messenger_SendResponse__Output } from '../messenger/SendResponse';

export interface MessengerClient extends grpc.Client {
  ReadMessages(argument: _messenger_ReadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_messenger_ChatMessage__Output>;
  ReadMessages(argument: _messenger_ReadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_messenger_ChatMessage__Output>;
  readMessages(argument: _messenger_ReadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_messenger_ChatMessage__Output>;
  readMessages(argument: _messenger_ReadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_messenger_ChatMessage__Output>;
  
  SendMessage(argument: _messenger_SendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  SendMessage(argument: _messenger_SendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  SendMessage(argument: _messenger_SendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  SendMessage(argument: _messenger_SendRequest, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _messenger_SendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _messenger_SendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _messenger_SendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  sendMessage(argument: _messenger_SendRequest, callback: grpc.requestCallback<_messenger_SendResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface MessengerHandlers extends grpc.UntypedServiceImplementation {
  ReadMessages: grpc.handleServerStreamingCall<_messenger_ReadRequest__Output, _messenger_ChatMessage>;
  
  SendMessage: grpc.handleUnaryCall<_messenger_SendRequest__Output, _messenger_SendResponse>;
  
}

export interface MessengerDefinition extends grpc.ServiceDefinition {
  ReadMessages: MethodDefinition<_messenger_ReadRequest, _messenger_ChatMessage, _messenger_ReadRequest__Output, _messenger_ChatMessage__Output>
  SendMessage: MethodDefinition<_messenger_SendRequest, _messenger_SendResponse, _messenger_SendRequest__Output, _messenger_SendResponse__Output>
}
