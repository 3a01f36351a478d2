import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChatClient as _chat_ChatClient, ChatDefinition as _chat_ChatDefinition } from './chat/Chat';
import type { ListenRequest as _chat_ListenRequest, ListenRequest__Output as _chat_ListenRequest__Output } from './chat/ListenRequest';
import type { Message as _chat_Message, Message__Output as _chat_Message__Output } from './chat/Message';
import type { MessageResponse as _chat_MessageResponse, MessageResponse__Output as _chat_MessageResponse__Output } from './chat/MessageResponse';
import type { User as _chat_User, User__Output as _chat_User__Output } from './chat/User';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  chat: {
    Chat: SubtypeConstructor<typeof grpc.Client, _chat_ChatClient> & { service: _chat_ChatDefinition }
    ListenRequest: MessageTypeDefinition<_chat_ListenRequest, _chat_ListenRequest__Output>
    Message: MessageTypeDefinition<_chat_Message, _chat_Message__Output>
    MessageResponse: MessageTypeDefinition<_chat_MessageResponse, _chat_MessageResponse__Output>
    User: MessageTypeDefinition<_chat_User, _chat_User__Output>
  }
}

