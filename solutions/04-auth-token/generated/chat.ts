import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChatClient as _chat_ChatClient, ChatDefinition as _chat_ChatDefinition } from './chat/Chat';
import type { LoginRequest as _chat_LoginRequest, LoginRequest__Output as _chat_LoginRequest__Output } from './chat/LoginRequest';
import type { LoginResponse as _chat_LoginResponse, LoginResponse__Output as _chat_LoginResponse__Output } from './chat/LoginResponse';
import type { LogoutRequest as _chat_LogoutRequest, LogoutRequest__Output as _chat_LogoutRequest__Output } from './chat/LogoutRequest';
import type { LogoutResponse as _chat_LogoutResponse, LogoutResponse__Output as _chat_LogoutResponse__Output } from './chat/LogoutResponse';
import type { StreamRequest as _chat_StreamRequest, StreamRequest__Output as _chat_StreamRequest__Output } from './chat/StreamRequest';
import type { StreamResponse as _chat_StreamResponse, StreamResponse__Output as _chat_StreamResponse__Output } from './chat/StreamResponse';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  chat: {
    Chat: SubtypeConstructor<typeof grpc.Client, _chat_ChatClient> & { service: _chat_ChatDefinition }
    LoginRequest: MessageTypeDefinition<_chat_LoginRequest, _chat_LoginRequest__Output>
    LoginResponse: MessageTypeDefinition<_chat_LoginResponse, _chat_LoginResponse__Output>
    LogoutRequest: MessageTypeDefinition<_chat_LogoutRequest, _chat_LogoutRequest__Output>
    LogoutResponse: MessageTypeDefinition<_chat_LogoutResponse, _chat_LogoutResponse__Output>
    StreamRequest: MessageTypeDefinition<_chat_StreamRequest, _chat_StreamRequest__Output>
    StreamResponse: MessageTypeDefinition<_chat_StreamResponse, _chat_StreamResponse__Output>
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

