import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { ChatMessage as _messenger_ChatMessage, ChatMessage__Output as _messenger_ChatMessage__Output } from './messenger/ChatMessage';
import type { MessengerClient as _messenger_MessengerClient, MessengerDefinition as _messenger_MessengerDefinition } from './messenger/Messenger';
import type { ReadRequest as _messenger_ReadRequest, ReadRequest__Output as _messenger_ReadRequest__Output } from './messenger/ReadRequest';
import type { SendRequest as _messenger_SendRequest, SendRequest__Output as _messenger_SendRequest__Output } from './messenger/SendRequest';
import type { SendResponse as _messenger_SendResponse, SendResponse__Output as _messenger_SendResponse__Output } from './messenger/SendResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  messenger: {
    ChatMessage: MessageTypeDefinition<_messenger_ChatMessage, _messenger_ChatMessage__Output>
    Messenger: SubtypeConstructor<typeof grpc.Client, _messenger_MessengerClient> & { service: _messenger_MessengerDefinition }
    ReadRequest: MessageTypeDefinition<_messenger_ReadRequest, _messenger_ReadRequest__Output>
    SendRequest: MessageTypeDefinition<_messenger_SendRequest, _messenger_SendRequest__Output>
    SendResponse: MessageTypeDefinition<_messenger_SendResponse, _messenger_SendResponse__Output>
  }
}

