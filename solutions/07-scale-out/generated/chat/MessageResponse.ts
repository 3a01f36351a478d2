// Original file: chat.proto


// Original file: chat.proto

export const _chat_MessageResponse_Code = {
  NONE: 'NONE',
  ADDED: 'ADDED',
  TAKEN: 'TAKEN',
} as const;

export type _chat_MessageResponse_Code =
  | 'NONE'
  | 0
  | 'ADDED'
  | 1
  | 'TAKEN'
  | 2

export type _chat_MessageResponse_Code__Output = typeof _chat_MessageResponse_Code[keyof typeof _chat_MessageResponse_Code]

export interface MessageResponse {
  'msg'?: (string);
  'code'?: (_chat_MessageResponse_Code);
}

export interface MessageResponse__Output {
  'msg': (string);
  'code': (_chat_MessageResponse_Code__Output);
}
