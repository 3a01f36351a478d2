// Original file: chat.proto


export interface LogoutResponse {
}

export interface LogoutResponse__Output {
}
