// Original file: chat.proto


export interface ListenRequest {
}

export interface ListenRequest__Output {
}
