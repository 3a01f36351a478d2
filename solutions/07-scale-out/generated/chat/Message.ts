// Original file: chat.proto

import type { User as _chat_User, User__Output as _chat_User__Output } from '../chat/User';

export interface Message {
  'msg'?: (string);
  'user'?: (_chat_User | null);
}

export interface Message__Output {
  'msg': (string);
  'user': (_chat_User__Output | null);
}
