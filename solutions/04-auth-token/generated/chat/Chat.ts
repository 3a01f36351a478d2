// Original file: chat.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { LoginRequest as _chat_LoginRequest, LoginRequest__Output as _chat_LoginRequest__Output } from '../chat/LoginRequest';
import type { LoginResponse as _chat_LoginResponse, LoginResponse__Output as _chat_LoginResponse__Output } from '../chat/LoginResponse';
import type { LogoutRequest as _chat_LogoutRequest, LogoutRequest__Output as _chat_LogoutRequest__Output } from '../chat/LogoutRequest';
import type { LogoutResponse as _chat_LogoutResponse, LogoutResponse__Output as _chat_LogoutResponse__Output } from '../chat/LogoutResponse';
import type { StreamRequest as _chat_StreamRequest, StreamRequest__Output as _chat_StreamRequest__Output } from '../chat/StreamRequest';
import type { StreamResponse as _chat_StreamResponse, StreamResponse__Output as _chat_StreamResponse__Output } from '../chat/StreamResponse';

export interface ChatClient extends grpc.Client {
  Login(argument: _chat_LoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  Login(argument: _chat_LoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  Login(argument: _chat_LoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  Login(argument: _chat_LoginRequest, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _chat_LoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _chat_LoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _chat_LoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _chat_LoginRequest, callback: grpc.requestCallback<_chat_LoginResponse__Output>): grpc.ClientUnaryCall;
  
  Logout(argument: _chat_LogoutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  Logout(argument: _chat_LogoutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  Logout(argument: _chat_LogoutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  Logout(argument: _chat_LogoutRequest, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  logout(argument: _chat_LogoutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  logout(argument: _chat_LogoutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  logout(argument: _chat_LogoutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  logout(argument: _chat_LogoutRequest, callback: grpc.requestCallback<_chat_LogoutResponse__Output>): grpc.ClientUnaryCall;
  
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_StreamRequest, _chat_StreamResponse__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_StreamRequest, _chat_StreamResponse__Output>;
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_StreamRequest, _chat_StreamResponse__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_StreamRequest, _chat_StreamResponse__Output>;
  
}

export interface ChatHandlers extends grpc.UntypedServiceImplementation {
  Login: grpc.handleUnaryCall<_chat_LoginRequest__Output, _chat_LoginResponse>;
  
  Logout: grpc.handleUnaryCall<_chat_LogoutRequest__Output, _chat_LogoutResponse>;
  
  Stream: grpc.handleBidiStreamingCall<_chat_StreamRequest__Output, _chat_StreamResponse>;
  
}

export interface ChatDefinition extends grpc.ServiceDefinition {
  Login: MethodDefinition<_chat_LoginRequest, _chat_LoginResponse, _chat_LoginRequest__Output, _chat_LoginResponse__Output>
  Logout: MethodDefinition<_chat_LogoutRequest, _chat_LogoutResponse, _chat_LogoutRequest__Output, _chat_LogoutResponse__Output>
  Stream: MethodDefinition<_chat_StreamRequest, _chat_StreamResponse, _chat_StreamRequest__Output, _chat_StreamResponse__Output>
}
