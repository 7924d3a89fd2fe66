/**
 * The runner's wss:// endpoint when it plays the CSMS, with the TLS handshake under the case's control
 * (TC_A_04-07_CS): a TCP server reads each station's ClientHello first (client-hello.ts), then hands the
 * socket to one of its HTTPS servers: the configured one, or for one attempt a server with an invalid
 * certificate (TC_A_05: "<Configured invalid server certificate>") or one that speaks only TLS 1.0/1.1
 * (TC_A_06: "a TLS version lower than 1.2"). Every server passes its upgrades to the same CentralSystem.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions as HttpsServerOptions } from "node:https";
import { type AddressInfo, createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { CertificateAuthority } from "../../pki/certificate-authority.js";
import { newKeyAndCsr } from "../../pki/csr.js";
import { type ClientHelloRead, captureClientHello } from "../client-hello.js";

/** What the runner offers a station's handshake. */
export const TlsOffer = {
  /** The configured server certificate and TLS 1.2 or above. */
  Configured: "configured",
  /** A certificate the station cannot trust: issued by a CA made for the run, not by any CSMS root. */
  InvalidCertificate: "invalid certificate",
  /** The configured certificate, but only TLS 1.0 and 1.1. */
  OldTls: "TLS 1.0/1.1",
} as const;
export type TlsOffer = (typeof TlsOffer)[keyof typeof TlsOffer];

/** One TLS handshake of the station, as the runner saw it. */
export interface TlsHandshake {
  readonly index: number;
  /** performance.now() when the TCP connection came. */
  readonly atMs: number;
  readonly clientHello: ClientHelloRead;
  readonly offered: TlsOffer;
  /** Unset while the handshake runs; "secured" once it completed, else why it ended. */
  outcome?:
    | { readonly secured: true; readonly protocol: string | null; readonly certificate?: PeerCertificate }
    | { readonly secured: false; readonly reason: string };
}

/** How the case steers the next handshakes, and what it reads of them. */
export interface TlsControl {
  readonly handshakes: readonly TlsHandshake[];
  /** The offers for the next handshakes, first one first; after them the configured one. */
  offer(offers: readonly TlsOffer[]): void;
  /** Called whenever a handshake starts or ends. */
  onChange?: () => void;
}

export class TlsFront implements TlsControl {
  readonly handshakes: TlsHandshake[] = [];
  /** The server the CentralSystem attaches to (its `server` option). */
  readonly https: HttpsServer;
  onChange?: () => void;
  readonly #tcp: TcpServer;
  readonly #options: HttpsServerOptions;
  readonly #handshakeTimeoutMs: number;
  readonly #others = new Map<TlsOffer, HttpsServer>();
  readonly #upgrade: (request: IncomingMessage, socket: Socket, head: Buffer) => void;
  readonly #sockets = new Set<Socket>();
  #queued: TlsOffer[] = [];

  /** `upgrade`: where the other servers' HTTP upgrades go (the CentralSystem's handleUpgrade). */
  constructor(
    options: HttpsServerOptions,
    handshakeTimeoutMs: number,
    upgrade: (request: IncomingMessage, socket: Socket, head: Buffer) => void,
  ) {
    this.#options = options;
    this.#handshakeTimeoutMs = handshakeTimeoutMs;
    this.#upgrade = upgrade;
    this.https = this.#https(options);
    this.#tcp = createTcpServer((socket) => this.#accept(socket));
  }

  offer(offers: readonly TlsOffer[]): void {
    this.#queued = [...offers];
  }

  #https(options: HttpsServerOptions): HttpsServer {
    const server = createHttpsServer({ handshakeTimeout: this.#handshakeTimeoutMs, ...options }, (_request, response: ServerResponse) => {
      response.writeHead(426, { connection: "close", upgrade: "websocket" }).end("This is an OCPP-J endpoint: connect with a WebSocket\n");
    });
    server.on("secureConnection", (socket: TLSSocket) => {
      const certificate = socket.getPeerCertificate(true);
      this.#settle(socket.remotePort, {
        secured: true,
        protocol: socket.getProtocol(),
        ...(certificate && Object.keys(certificate).length ? { certificate } : {}),
      });
    });
    server.on("tlsClientError", (error, socket) => this.#settle(socket.remotePort, { secured: false, reason: error.message }));
    return server;
  }

  /** The server for an offer other than the configured one, made when first needed. */
  #serverFor(offer: TlsOffer): HttpsServer {
    if (offer === TlsOffer.Configured) return this.https;
    let server = this.#others.get(offer);
    if (!server) {
      server = this.#https(offer === TlsOffer.OldTls ? oldTlsOptions(this.#options) : invalidCertificateOptions(this.#options));
      server.on("upgrade", (request, socket, head) => this.#upgrade(request, socket as Socket, head));
      this.#others.set(offer, server);
    }
    return server;
  }

  /** The handshake still running for the station's TCP port (ports are unique among open loopback connections). */
  readonly #running = new Map<number | undefined, TlsHandshake>();

  #settle(port: number | undefined, outcome: NonNullable<TlsHandshake["outcome"]>): void {
    const handshake = this.#running.get(port);
    if (!handshake || handshake.outcome) return;
    handshake.outcome = outcome;
    this.#running.delete(port);
    this.onChange?.();
  }

  async #accept(socket: Socket): Promise<void> {
    const port = socket.remotePort;
    this.#sockets.add(socket);
    // Errors after the hand-over are the TLS socket's; one before it must not crash the runner.
    socket.on("error", () => {});
    socket.once("close", () => {
      this.#sockets.delete(socket);
      this.#settle(port, { secured: false, reason: "the connection closed during the handshake" });
    });
    const atMs = performance.now();
    const clientHello = await captureClientHello(socket, this.#handshakeTimeoutMs);
    const offered = this.#queued.shift() ?? TlsOffer.Configured;
    const handshake: TlsHandshake = { index: this.handshakes.length, atMs, clientHello, offered };
    this.handshakes.push(handshake);
    if (socket.destroyed) {
      handshake.outcome = { secured: false, reason: "the connection closed before its ClientHello" };
      this.onChange?.();
      return;
    }
    this.#running.set(port, handshake);
    this.onChange?.();
    // Not a ClientHello: the TLS server refuses it with the alert TLS prescribes.
    this.#serverFor(offered).emit("connection", socket);
  }

  listen(port: number, host: string | undefined): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#tcp.once("error", reject);
      this.#tcp.listen(port, host, () => {
        this.#tcp.off("error", reject);
        resolve(this.#tcp.address() as AddressInfo);
      });
    });
  }

  /** `wss://host:port` */
  get url(): string {
    const address = this.#tcp.address() as AddressInfo | null;
    if (!address) throw new Error("The server is not listening");
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `wss://${host}:${address.port}`;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#tcp.close(() => resolve()));
  }
}

/** 1.6 security whitepaper A00.FR.416/419 (2.0.1 A00 alike): the station must refuse this; OpenSSL 3 only speaks TLS 1.0/1.1 at security level 0. */
function oldTlsOptions(options: HttpsServerOptions): HttpsServerOptions {
  return { ...options, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" };
}

/** An "Unknown certificate" (TC_A_05_CS prerequisites): a server certificate from a CA made for this run. */
function invalidCertificateOptions(options: HttpsServerOptions): HttpsServerOptions {
  const ca = CertificateAuthority.generate("ocppkit conformance unknown CSMS CA", "ocppkit conformance");
  const { privateKeyPem, csrPem } = newKeyAndCsr({ commonName: "ocppkit conformance invalid CSMS" });
  return { ...options, cert: ca.sign(csrPem).certificate, key: privateKeyPem };
}
