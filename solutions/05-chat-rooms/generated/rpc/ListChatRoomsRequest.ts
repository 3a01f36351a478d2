// Original file: chat.proto


export interface ListChatRoomsRequest {
}

export interface ListChatRoomsRequest__Output {
}
