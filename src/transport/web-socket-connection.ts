import { NotConnectedError } from "../rpc/errors.js";
import { type Connection, type ConnectionReceiver, ReceiverSlot } from "./connection.js";

/** The part of a WHATWG WebSocket (browser, Deno, Node 22+, `ws`'s EventTarget API) that is used. */
export interface WhatwgWebSocket {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

const OPEN = 1;
const decoder = new TextDecoder();

function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data as ArrayBuffer);
  return String(data);
}

/** A Connection over a WHATWG WebSocket. */
export class WebSocketConnection implements Connection {
  readonly socket: WhatwgWebSocket;
  #slot = new ReceiverSlot();

  constructor(socket: WhatwgWebSocket) {
    this.socket = socket;
    socket.addEventListener("message", (event) => this.#slot.message(textOf(event.data)));
    socket.addEventListener("close", (event) => this.#slot.close(event.code, event.reason));
    if (socket.readyState > OPEN) this.#slot.close(1006, "closed before use");
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  send(text: string): void {
    if (this.socket.readyState !== OPEN) throw new NotConnectedError();
    this.socket.send(text);
  }

  close(code = 1000, reason = ""): void {
    this.socket.close(code, reason);
  }

  listen(receiver: ConnectionReceiver): void {
    this.#slot.set(receiver);
  }
}
