/** OCPP-J message type numbers (OCPP-J 1.6 section 4.1.3; 2.1 part 4 adds 5 and 6). */
export const MessageType = {
  Call: 2,
  CallResult: 3,
  CallError: 4,
  /** 2.1: the answer to a CALLRESULT that could not be processed. */
  CallResultError: 5,
  /** 2.1: an unconfirmed message, answered by nothing. */
  Send: 6,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
