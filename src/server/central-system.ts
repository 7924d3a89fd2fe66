import { EventEmitter } from "node:events";
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, Server as HttpsServer, type ServerOptions as HttpsServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { type WebSocket, WebSocketServer } from "ws";
import { type ChargePoint, startDetached } from "../rpc/charge-point.js";
import { FloodPolicy, type FloodPolicyOptions, type FloodReport } from "../rpc/flood-policy.js";
import { defaultLogger, type Logger } from "../rpc/logger.js";
import { WsConnection, type WsConnectionOptions } from "../transport/ws-connection.js";
import type { ClusterMembership } from "./cluster-host.js";
import { basicCredentials, chargePointIdFromUrl, offeredSubprotocols, refuseUpgrade } from "./handshake.js";
import { Keepalive } from "./keepalive.js";

/** Any version's ChargePoint (1.6, 2.0.1, ...): the server never needs to know which. */
export type AnyChargePoint = ChargePoint<object>;

/** What the factory gets for each accepted connection. */
export interface ChargePointContext {
  /** The charge point identity: the last path segment of the URL, percent-decoded. */
  readonly id: string;
  /** The negotiated subprotocol ("ocpp1.6", "ocpp2.0.1", ...): pick the version class by it. */
  readonly protocol: string;
  /** The negotiated OCPP version: the subprotocol without its "ocpp" prefix ("1.6", "2.0.1", "2.1"). */
  readonly ocppVersion: string;
  /** The connection to build the ChargePoint on. */
  readonly connection: WsConnection;
  /** The HTTP upgrade request (headers, remote address, URL). */
  readonly request: IncomingMessage;
  /** Security profile 3: the client certificate, verified against the server's `ca`. */
  readonly certificate?: PeerCertificate;
}

/** Every OCPP-J subprotocol ocppkit speaks, newest first: a charger that offers several gets the newest. */
export const defaultProtocols: readonly string[] = ["ocpp2.1", "ocpp2.0.1", "ocpp1.6"];

/** Why a connection attempt was refused. */
export const RejectReason = {
  /** No charge point id in the URL, or not valid percent-encoding: HTTP 400. */
  BadUrl: "badUrl",
  /** `isKnownChargePoint` said no: HTTP 404 (OCPP-J 1.6 section 3.2, 2.0.1 part 4 section 3.2). */
  UnknownChargePoint: "unknownChargePoint",
  /** No or wrong credentials, username not the identity, or `authenticate` said no: HTTP 401. */
  Unauthorized: "unauthorized",
  /** The id is connected already and `replaceExisting` is false: HTTP 409. */
  Duplicate: "duplicate",
  /** The client offered no subprotocol the server is configured for: handshake completed, then closed. */
  NoSubprotocol: "noSubprotocol",
  /** The checks did not finish within `handshakeTimeoutMs`: HTTP 408. */
  HandshakeTimeout: "handshakeTimeout",
  /** The server is shutting down: HTTP 503. */
  ShuttingDown: "shuttingDown",
  /** A hook or the factory threw: HTTP 500, or close 1011 after the upgrade. */
  Failed: "failed",
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** A refused connection attempt, as reported by the `reject` event. */
export interface Rejection {
  readonly reason: RejectReason;
  /** Human-readable detail (the close reason for NoSubprotocol). */
  readonly message: string;
  /** The identity from the URL, when it could be read. */
  readonly id?: string;
  /** The subprotocols the client offered. */
  readonly offered: readonly string[];
  /** The HTTP status sent, or undefined when the WebSocket was opened and then closed. */
  readonly statusCode?: number;
  readonly request: IncomingMessage;
}

export interface CentralSystemEvents<C extends AnyChargePoint> {
  /** A charge point connected and its ChargePoint is in the registry. */
  connect: [chargePoint: C, context: ChargePointContext];
  /** A registered charge point's connection closed (1006 when it vanished or was terminated). */
  disconnect: [chargePoint: C, code: number, reason: string];
  /** A connection attempt was refused. */
  reject: [rejection: Rejection];
  /** A charge point sent pipelined CALLs or messages over the rate limit and now waits its turn (see `flood` option). */
  throttle: [chargePoint: C, report: FloodReport];
  /** A charge point kept flooding and was closed with 1008 (policy violation); `disconnect` follows. */
  flood: [chargePoint: C, report: FloodReport];
}

export interface CentralSystemOptions<C extends AnyChargePoint> {
  /**
   * The subprotocols served, in the server's order of preference ("ocpp1.6", "ocpp2.0.1", ...). The
   * first one the client also offers is agreed. Default `defaultProtocols`: every version ocppkit has,
   * newest first.
   */
  readonly protocols?: readonly string[];
  /** Builds the ChargePoint for each accepted connection; the server starts it and registers it. */
  readonly createChargePoint: (context: ChargePointContext) => C | Promise<C>;
  /** Default host and port for `listen()`. */
  readonly host?: string;
  readonly port?: number;
  /**
   * Attach to this existing http or https server (its `upgrade` event) instead of creating one.
   * `listen()` is then not used: the server listens when you make it.
   */
  readonly server?: HttpServer | HttpsServer;
  /**
   * Serve wss with these TLS options (security profiles 2 and 3): `key` and `cert`, and for profile 3
   * `ca` with `requestCert: true` (untrusted or missing client certificates are refused during TLS).
   */
  readonly tls?: HttpsServerOptions;
  /** Does this identity exist? No: HTTP 404 before any authentication. Default: every id is known. */
  readonly isKnownChargePoint?: (id: string, request: IncomingMessage) => boolean | Promise<boolean>;
  /**
   * Security profiles 1-3. Called for each connection attempt with the Basic auth password (bytes; undefined
   * when none was sent) and, with mutual TLS, the verified client certificate. False: HTTP 401. A Basic
   * username other than the identity is refused with 401 before the hook is called. Without this hook no
   * authentication is asked for.
   */
  readonly authenticate?: (
    id: string,
    password: Buffer | undefined,
    request: IncomingMessage,
    certificate: PeerCertificate | undefined,
  ) => boolean | Promise<boolean>;
  /** A second connection for a connected id replaces the first, which is closed with 1000 (true, default), or is refused with 409. */
  readonly replaceExisting?: boolean;
  /** Largest incoming message in bytes; larger ones close the connection with 1009. Default 64 KiB. */
  readonly maxPayload?: number;
  /** Time allowed from the TCP connection to the completed upgrade, hooks included. Default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Close with 1002 after this many unreadable frames in a row. Default 10; Infinity for no limit. */
  readonly maxConsecutiveBadFrames?: number;
  /**
   * Fair share of the server among charge points: how many pipelined CALLs one may have in progress
   * (default 4), after how many throttles in a row it is closed with 1008 (default 10), and an optional
   * rate limit (off by default). See FloodPolicyOptions; throttles and closes are the `throttle` and
   * `flood` events.
   */
  readonly flood?: Omit<FloodPolicyOptions, "report">;
  /** WebSocket ping interval; a peer that has not answered the previous ping is terminated. Default 30 s; 0 disables. */
  readonly pingIntervalMs?: number;
  /** How long `close()` waits for running handlers, and then for each close handshake. Default 10 s. */
  readonly shutdownTimeoutMs?: number;
  readonly logger?: Logger;
  /**
   * Join a cluster of central systems (`new Cluster({ redis })` from "ocppkit/cluster"): calls reach
   * chargers on any node, presence and duplicate ids are cluster-wide, and `close()` drains the node.
   */
  readonly cluster?: ClusterMembership;
}

export interface CloseOptions {
  /** Close code sent to every charge point. Default 1001 (going away). */
  readonly code?: number;
  readonly reason?: string;
  /** Overrides `shutdownTimeoutMs`. */
  readonly timeoutMs?: number;
}

/**
 * What the server keeps per open socket: the charge point id (from the URL) until its ChargePoint is
 * registered, then the ChargePoint itself, whose `id` is that id. Only a ChargePoint made with another id
 * than the URL's (rare) is kept with the URL's id in one of these. No object of its own per connection:
 * it cost about 40 bytes.
 */
class RegisteredAs<C> {
  constructor(
    readonly id: string,
    readonly chargePoint: C,
  ) {}
}

type Session<C> = string | C | RegisteredAs<C>;

function chargePointOf<C extends object>(session: Session<C>): C | undefined {
  if (typeof session === "string") return undefined;
  return session instanceof RegisteredAs ? (session.chargePoint as C) : session;
}

/**
 * The central system (CSMS) role: accepts charge points over OCPP-J and keeps a registry of the
 * connected ones. Version-agnostic: the versions served are the subprotocols in `protocols`, and
 * `createChargePoint` builds the matching version's ChargePoint for each connection.
 */
export class CentralSystem<C extends AnyChargePoint = AnyChargePoint> extends EventEmitter<CentralSystemEvents<C>> {
  readonly protocols: readonly string[];
  readonly #options: CentralSystemOptions<C>;
  readonly #logger: Logger;
  readonly #server: HttpServer | HttpsServer;
  readonly #ownServer: boolean;
  readonly #wss: WebSocketServer;
  readonly #keepalive: Keepalive;
  readonly #handshakeTimeoutMs: number;
  readonly #floodPolicy: FloodPolicy;
  readonly #registry = new Map<string, C>();
  readonly #sessions = new Map<WebSocket, Session<C>>();
  // One 'close' listener for every socket (ws calls it with the socket as `this`): a closure per socket
  // would cost a function and its scope on each of thousands of connections.
  readonly #onSocketClose: (this: WebSocket, code: number, reason: Buffer) => void;
  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(request, socket, head);
  #closing: Promise<void> | undefined;

  constructor(options: CentralSystemOptions<C>) {
    super();
    const protocols = options.protocols ?? defaultProtocols;
    if (protocols.length === 0) throw new TypeError("CentralSystem needs at least one subprotocol in `protocols`");
    this.protocols = [...protocols];
    this.#options = options;
    this.#logger = options.logger ?? defaultLogger();
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    const server = this;
    this.#onSocketClose = function (this: WebSocket, code: number, reason: Buffer) {
      server.#sessionClosed(this, code, reason);
    };
    this.#keepalive = new Keepalive(options.pingIntervalMs ?? 30_000, this.#sessions);
    this.#floodPolicy = new FloodPolicy({
      ...options.flood,
      report: (report, chargePoint) => this.emit(report.closed ? "flood" : "throttle", chargePoint as C, report),
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxPayload ?? 64 * 1024,
      // RFC 6455 section 4.2.2: the server picks one of the offered subprotocols; this one picks by its own
      // order, so the operator decides which version wins when a charger offers several.
      handleProtocols: (offered) => this.protocols.find((protocol) => offered.has(protocol)) ?? false,
    });
    if (options.server) {
      this.#server = options.server;
      this.#ownServer = false;
    } else {
      // Slow or silent clients are cut off before the upgrade: headersTimeout covers the HTTP request,
      // handshakeTimeout the TLS handshake, and the checking interval makes both take effect promptly.
      const timeouts = {
        headersTimeout: this.#handshakeTimeoutMs,
        requestTimeout: this.#handshakeTimeoutMs,
        connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(this.#handshakeTimeoutMs / 2))),
      };
      const onRequest = (_request: IncomingMessage, response: ServerResponse) => {
        response
          .writeHead(426, { connection: "close", upgrade: "websocket" })
          .end("This is an OCPP-J endpoint: connect with a WebSocket\n");
      };
      this.#server = options.tls
        ? createHttpsServer({ ...timeouts, handshakeTimeout: this.#handshakeTimeoutMs, ...options.tls }, onRequest)
        : createHttpServer(timeouts, onRequest);
      this.#ownServer = true;
    }
    this.#server.on("upgrade", this.#onUpgrade);
    options.cluster?.join(this);
  }

  /** A second connection for a connected id replaces the first (true) or is refused with 409 (false). */
  get replaceExisting(): boolean {
    return this.#options.replaceExisting !== false;
  }

  /** Starts listening (only when the server was not given an existing http/https server). */
  listen(port = this.#options.port ?? 0, host = this.#options.host): Promise<AddressInfo> {
    if (!this.#ownServer) return Promise.reject(new Error("This CentralSystem is attached to your server: listen on that one"));
    return new Promise((resolve, reject) => {
      const server = this.#server;
      const failed = (error: Error) => reject(error);
      server.once("error", failed);
      server.listen(port, host, () => {
        server.off("error", failed);
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /**
   * New TLS settings (key, certificate, CA) for the connections that come after; open ones keep theirs.
   * A certificate rotated without a restart. Throws for a plain ws:// server.
   */
  setTls(tls: HttpsServerOptions): void {
    if (!(this.#server instanceof HttpsServer)) throw new Error("This CentralSystem serves ws://: give it `tls` to serve wss://");
    this.#server.setSecureContext(tls);
  }

  /** The address listened on, once listening. */
  address(): AddressInfo | undefined {
    const address = this.#server.address();
    return address && typeof address === "object" ? address : undefined;
  }

  /** `ws://host:port` or `wss://host:port` of the listening server; append `/<charge point id>`. */
  get url(): string {
    const address = this.address();
    if (!address) throw new Error("The server is not listening");
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `${this.#server instanceof HttpsServer ? "wss" : "ws"}://${host}:${address.port}`;
  }

  /** The connected charge point with this id. */
  get(id: string): C | undefined {
    return this.#registry.get(id);
  }

  has(id: string): boolean {
    return this.#registry.has(id);
  }

  /** How many charge points are connected. */
  get size(): number {
    return this.#registry.size;
  }

  /** The connected charge points, by id. */
  get chargePoints(): ReadonlyMap<string, C> {
    return this.#registry;
  }

  [Symbol.iterator](): IterableIterator<C> {
    return this.#registry.values();
  }

  /** Handles one HTTP upgrade request: the server calls it for every `upgrade` event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A function from module scope: a closure made here would hold this whole scope (the request, its
    // headers, the head buffer, the timer) for as long as the connection lives, about 2 KB per charger.
    socket.on("error", ignoreError);
    const offered = offeredSubprotocols(request.headers["sec-websocket-protocol"]);
    const id = chargePointIdFromUrl(request.url);
    let done = false;
    const refuse = (reason: RejectReason, statusCode: number, message: string, headers?: Record<string, string>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      refuseUpgrade(socket, statusCode, headers);
      this.emit("reject", { reason, message, id, offered, statusCode, request });
    };
    const timer = setTimeout(
      () => refuse(RejectReason.HandshakeTimeout, 408, `The handshake took longer than ${this.#handshakeTimeoutMs} ms`),
      this.#handshakeTimeoutMs,
    );
    timer.unref();
    if (this.#closing) {
      refuse(RejectReason.ShuttingDown, 503, "The server is shutting down");
      return;
    }
    if (id === undefined) {
      refuse(RejectReason.BadUrl, 400, "The URL has no charge point id as its last path segment");
      return;
    }
    this.#admit(id, request, socket).then(
      (refusal) => {
        if (done) return;
        if (socket.destroyed) {
          done = true;
          clearTimeout(timer);
          return;
        }
        if (refusal) return refuse(...refusal);
        if (this.#closing) return refuse(RejectReason.ShuttingDown, 503, "The server is shutting down");
        done = true;
        clearTimeout(timer);
        this.#wss.handleUpgrade(request, socket, head, (ws) => {
          // From here ws handles the socket's errors itself: a second 'error' listener would make each
          // socket keep a listener array for its whole life.
          socket.off("error", ignoreError);
          this.#accept(ws, id, request, offered);
        });
      },
      (error: unknown) => {
        this.#logger.error?.("A connection hook threw; the charge point gets HTTP 500", { chargePointId: id, error: String(error) });
        refuse(RejectReason.Failed, 500, "A connection hook failed");
      },
    );
  }

  /** The checks before the upgrade, in the spec's order: identity known (404), then credentials (401). */
  async #admit(
    id: string,
    request: IncomingMessage,
    socket: Duplex,
  ): Promise<[RejectReason, number, string, Record<string, string>?] | undefined> {
    const { isKnownChargePoint, authenticate } = this.#options;
    if (isKnownChargePoint && !(await isKnownChargePoint(id, request))) {
      return [RejectReason.UnknownChargePoint, 404, `Unknown charge point ${JSON.stringify(id)}`];
    }
    if (authenticate) {
      const challenge = { "WWW-Authenticate": 'Basic realm="OCPP", charset="UTF-8"' };
      const credentials = basicCredentials(request.headers.authorization, id);
      if ("problem" in credentials && credentials.problem !== "missing") {
        const why =
          credentials.problem === "usernameMismatch" ? "the Basic auth username is not the charge point id" : "bad Authorization header";
        return [RejectReason.Unauthorized, 401, `Not authorized: ${why}`, challenge];
      }
      const tlsSocket = socket as Partial<TLSSocket>;
      const certificate = tlsSocket.authorized && tlsSocket.getPeerCertificate ? tlsSocket.getPeerCertificate() : undefined;
      const password = "password" in credentials ? credentials.password : undefined;
      if (!(await authenticate(id, password, request, certificate))) {
        return [RejectReason.Unauthorized, 401, "Not authorized", challenge];
      }
    }
    if (this.#options.replaceExisting === false && (this.#registry.has(id) || (await this.#options.cluster?.connectedElsewhere(id)))) {
      return [RejectReason.Duplicate, 409, `Charge point ${JSON.stringify(id)} is connected already`];
    }
    return undefined;
  }

  #accept(socket: WebSocket, id: string, request: IncomingMessage, offered: readonly string[]): void {
    this.#sessions.set(socket, id);
    if (!socket.protocol) {
      // `on`, not `once`: 'close' comes once anyway, and `once` keeps a wrapper and a bound function per socket.
      socket.on("close", this.#onSocketClose);
      // OCPP-J 1.6 section 3.2 and 2.0.1 part 4 section 3.2: without an agreed subprotocol the server MUST
      // complete the handshake without Sec-WebSocket-Protocol (ws does, handleProtocols returned false)
      // and then close at once. 1002 with the versions offered tells the installer what to fix.
      const message = `No agreed OCPP version; this server offers ${this.protocols.join(", ")}`;
      socket.close(1002, truncateReason(message));
      this.emit("reject", { reason: RejectReason.NoSubprotocol, message, id, offered, request });
      return;
    }
    this.#keepalive.watch(socket);
    const connection = new WsConnection(socket, {
      maxConsecutiveBadFrames: this.#options.maxConsecutiveBadFrames ?? 10,
      floodPolicy: this.#floodPolicy,
      rawSocket: request.socket,
      // The server's bookkeeping runs on the connection's own 'close' listener, before the ChargePoint
      // hears of the close: a second listener would make each socket keep a listener array.
      beforeClose: this.#onSocketClose as WsConnectionOptions["beforeClose"],
    });
    const tlsSocket = request.socket as Partial<TLSSocket>;
    const certificate = tlsSocket.authorized && tlsSocket.getPeerCertificate ? tlsSocket.getPeerCertificate() : undefined;
    const ocppVersion = socket.protocol.replace(/^ocpp/i, "");
    const context: ChargePointContext = { id, protocol: socket.protocol, ocppVersion, connection, request, certificate };
    let built: C | Promise<C>;
    try {
      built = this.#options.createChargePoint(context);
    } catch (error) {
      this.#factoryFailed(socket, context, offered, error);
      return;
    }
    Promise.resolve(built).then(
      (chargePoint) => this.#register(socket, chargePoint, context),
      (error: unknown) => this.#factoryFailed(socket, context, offered, error),
    );
  }

  #sessionClosed(socket: WebSocket, code: number, reason: Buffer): void {
    const session = this.#sessions.get(socket);
    if (session === undefined) return;
    this.#sessions.delete(socket);
    this.#keepalive.forget(socket);
    const chargePoint = chargePointOf(session);
    if (!chargePoint) return;
    // The URL's id, the registry key: a RegisteredAs's, or the ChargePoint's own (the same then).
    const id = (session as C | RegisteredAs<C>).id;
    if (this.#registry.get(id) === chargePoint) this.#registry.delete(id);
    this.emit("disconnect", chargePoint, code, reason.toString());
  }

  #register(socket: WebSocket, chargePoint: C, context: ChargePointContext): void {
    if (socket.readyState !== socket.OPEN) return;
    const previous = this.#registry.get(context.id);
    if (previous && this.#options.replaceExisting === false) {
      // Two handshakes for one id passed the 409 check while their hooks ran: the first one in keeps it,
      // and this one is closed with 1008 (policy violation), as it can no longer get an HTTP status.
      const message = `Charge point ${JSON.stringify(context.id)} is connected already`;
      socket.close(1008, truncateReason(message));
      this.emit("reject", {
        reason: RejectReason.Duplicate,
        message,
        id: context.id,
        offered: [context.protocol],
        request: context.request,
      });
      return;
    }
    this.#sessions.set(socket, chargePoint.id === context.id ? chargePoint : new RegisteredAs(context.id, chargePoint));
    this.#registry.set(context.id, chargePoint);
    // Its end is reported by the disconnect event (with code and reason), so no promise is made for it.
    startDetached(chargePoint);
    if (previous && previous !== chargePoint) previous.close(1000, "Replaced by a new connection");
    this.emit("connect", chargePoint, context);
  }

  #factoryFailed(socket: WebSocket, context: ChargePointContext, offered: readonly string[], error: unknown): void {
    this.#logger.error?.("createChargePoint threw; the connection is closed with 1011", {
      chargePointId: context.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    socket.close(1011, "Internal error");
    this.emit("reject", {
      reason: RejectReason.Failed,
      message: "createChargePoint failed",
      id: context.id,
      offered,
      request: context.request,
    });
  }

  /**
   * Graceful shutdown: stops accepting connections, lets handlers that are still running send their
   * replies, closes every connection (1001 by default) and resolves once all are closed and the
   * server it created has stopped listening. Waits at most `timeoutMs` for the handlers and as long
   * again for the close handshakes, then terminates what is left. Calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#shutdown(options);
    return this.#closing;
  }

  async #shutdown({ code = 1001, reason = "Server shutting down", timeoutMs = this.#options.shutdownTimeoutMs ?? 10_000 }: CloseOptions) {
    const stopped = this.#ownServer ? new Promise<void>((resolve) => this.#server.close(() => resolve())) : Promise.resolve();
    if (!this.#ownServer) this.#server.off("upgrade", this.#onUpgrade);
    await this.#options.cluster?.drain(timeoutMs);
    await Promise.all(
      [...this.#sessions].map(async ([socket, session]) => {
        const chargePoint = chargePointOf(session);
        if (chargePoint) await bounded(chargePoint.settled(), timeoutMs);
        if (socket.readyState === socket.CLOSED) return;
        const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
        socket.close(code, truncateReason(reason));
        if (!(await bounded(closed, timeoutMs))) socket.terminate();
      }),
    );
    this.#keepalive.stop();
    await this.#options.cluster?.leave();
    if (this.#ownServer) this.#server.closeAllConnections();
    await stopped;
  }
}

function ignoreError(): void {}

/** RFC 6455 section 5.5: a close frame's reason fits in 123 bytes. */
function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let text = reason;
  while (Buffer.byteLength(`${text}...`) > 123) text = text.slice(0, -1);
  return `${text}...`;
}

/** Waits for `promise` at most `ms`; true when it settled in time. One timer per shutdown step, never per call. */
function bounded(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
