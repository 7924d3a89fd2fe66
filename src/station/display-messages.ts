/**
 * Display messages (2.0.1 O01-O06): SetDisplayMessage keeps a message for the station's display when
 * its format, priority and state are supported (DisplayMessageCtrlr) and its transaction runs;
 * GetDisplayMessages answers Accepted and sends them in NotifyDisplayMessages, or Unknown when none
 * match; ClearDisplayMessage removes one. Messages past their endDateTime are gone.
 */
import type { Routable, StationHost } from "./station-2.js";

export interface MessageInfo {
  readonly id: number;
  readonly priority: string;
  readonly state?: string;
  readonly startDateTime?: string;
  readonly endDateTime?: string;
  readonly transactionId?: string;
  readonly message: { readonly format: string; readonly language?: string; readonly content: string };
}

export interface DisplaySupport {
  readonly formats: readonly string[];
  readonly priorities: readonly string[];
  readonly states: readonly string[];
  readonly capacity: number;
}

export class DisplayMessages {
  readonly #messages = new Map<number, MessageInfo>();
  /** Called when the kept messages changed. */
  changed: () => void = () => {};

  get all(): MessageInfo[] {
    const now = Date.now();
    for (const [id, message] of this.#messages) if (message.endDateTime && Date.parse(message.endDateTime) < now) this.#messages.delete(id);
    return [...this.#messages.values()];
  }

  restore(messages: readonly MessageInfo[]): void {
    for (const message of messages) this.#messages.set(message.id, message);
  }

  route(peer: Routable, host: StationHost, support: () => DisplaySupport): void {
    peer.route("SetDisplayMessage", (request: { message: MessageInfo }) => {
      const { message } = request;
      const supported = support();
      if (!supported.formats.includes(message.message.format)) return { status: "NotSupportedMessageFormat" };
      if (!supported.priorities.includes(message.priority)) return { status: "NotSupportedPriority" };
      if (message.state !== undefined && !supported.states.includes(message.state)) return { status: "NotSupportedState" };
      if (message.transactionId !== undefined && !host.connectors.some((e) => e.transactionId === message.transactionId))
        return { status: "UnknownTransaction" };
      if (!this.#messages.has(message.id) && this.all.length >= supported.capacity) return { status: "Rejected" };
      this.#messages.set(message.id, message);
      this.changed();
      return { status: "Accepted" };
    });
    type GetDisplayMessages = { requestId: number; id?: number[]; priority?: string; state?: string };
    const matching = (request: GetDisplayMessages) =>
      this.all.filter(
        (m) =>
          (!request.id?.length || request.id.includes(m.id)) &&
          (request.priority === undefined || m.priority === request.priority) &&
          (request.state === undefined || m.state === request.state),
      );
    peer.route("GetDisplayMessages", (request: GetDisplayMessages) => ({ status: matching(request).length ? "Accepted" : "Unknown" }));
    peer.routeAfter("GetDisplayMessages", (request: GetDisplayMessages) => {
      const messageInfo = matching(request);
      if (messageInfo.length)
        host.background("NotifyDisplayMessages", () =>
          host.send("NotifyDisplayMessages", { requestId: request.requestId, tbc: false, messageInfo }),
        );
    });
    peer.route("ClearDisplayMessage", (request: { id: number }) => {
      const known = this.#messages.delete(request.id);
      if (known) this.changed();
      return { status: known ? "Accepted" : "Unknown" };
    });
  }
}
