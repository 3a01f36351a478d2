// Original file: chat.proto

import type { JoinChat as _rpc_JoinChat, JoinChat__Output as _rpc_JoinChat__Output } from '../rpc/JoinChat';
import type { Message as _rpc_Message, Message__Output as _rpc_Message__Output } from '../rpc/Message';

export interface ChatMessage {
  'join'?: (_rpc_JoinChat | null);
  'message'?: (_rpc_Message | null);
}

export interface ChatMessage__Output {
  'join': (_rpc_JoinChat__Output | null);
  'message': (_rpc_Message__Output | null);
}
