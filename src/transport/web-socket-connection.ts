import { SocketConnection } from "./socket-connection.js";

/** The part of a WHATWG WebSocket (browser, Deno, Node 22+, `ws`'s EventTarget API) that is used. */
export interface WhatwgWebSocket {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

const decoder = new TextDecoder();

function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data as ArrayBuffer);
  return String(data);
}

/** A Connection over a WHATWG WebSocket. */
export class WebSocketConnection extends SocketConnection<WhatwgWebSocket> {
  constructor(socket: WhatwgWebSocket) {
    super(socket);
    socket.addEventListener("message", (event) => this.deliver(textOf(event.data)));
    socket.addEventListener("close", (event) => this.deliverClose(event.code, event.reason));
    this.checkClosed();
  }

  // The WHATWG API lets a client close only with 1000 or 3000-4999 and throws on anything else
  // (1002, 1011, ... are the server's or the browser's to send), so other codes close normally.
  override close(code = 1000, reason = ""): void {
    super.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
  }
}
