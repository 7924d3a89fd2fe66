import { randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { TestContext } from "node:test";
import { silentLogger } from "ocppkit";
import { CentralSystem, type CentralSystemOptions } from "ocppkit/server";
import { ChargePoint } from "ocppkit/v16";
import { type ClientOptions, WebSocket } from "ws";

export type Options = Omit<CentralSystemOptions<ChargePoint>, "protocols" | "createChargePoint"> &
  Partial<Pick<CentralSystemOptions<ChargePoint>, "protocols" | "createChargePoint">>;

/** A listening 1.6 central system on 127.0.0.1 that is shut down when the test ends. */
export async function startCentralSystem(t: TestContext, options: Options = {}): Promise<CentralSystem<ChargePoint>> {
  const server = new CentralSystem<ChargePoint>({
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection }) => new ChargePoint(id, connection, { logger: silentLogger }),
    logger: silentLogger,
    ...options,
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 500 }));
  return server;
}

/** What a raw client saw: the opening outcome, then the close. */
export interface RawOutcome {
  readonly socket: WebSocket;
  readonly protocol: string;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens a plain `ws` client and waits for it to open; closed at the end of the test. */
export function openRaw(t: TestContext, url: string, protocols: string[] = ["ocpp1.6"], options: ClientOptions = {}): Promise<RawOutcome> {
  const socket = new WebSocket(url, protocols, options);
  socket.on("error", () => {});
  t.after(() => socket.terminate());
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve({ socket, protocol: socket.protocol, closed }));
    socket.once("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once("error", reject);
  });
}

/** The HTTP status a refused upgrade got. */
export function refusedStatus(url: string, protocols: string[] = ["ocpp1.6"], options: ClientOptions = {}): Promise<number> {
  const socket = new WebSocket(url, protocols, options);
  return new Promise((resolve, reject) => {
    socket.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("open", () => {
      socket.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    socket.once("error", (error) => reject(error));
  });
}

/** What a hand-made upgrade request got back: status, headers, and the first close frame if any. */
export interface RawUpgrade {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly closeFrame: Promise<{ code: number; reason: string }>;
}

/**
 * Sends an upgrade request by hand, so a response that a WebSocket client would reject (no
 * Sec-WebSocket-Protocol although one was asked for) can still be inspected, close frame included.
 */
export function rawUpgrade(t: TestContext, url: string, protocols: string[]): Promise<RawUpgrade> {
  const headers: Record<string, string> = {
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": randomBytes(16).toString("base64"),
  };
  if (protocols.length > 0) headers["sec-websocket-protocol"] = protocols.join(", ");
  const request = httpRequest(url.replace(/^ws/, "http"), { headers });
  return new Promise((resolve, reject) => {
    request.once("upgrade", (response, socket, head) => {
      t.after(() => socket.destroy());
      const closeFrame = new Promise<{ code: number; reason: string }>((resolveFrame, rejectFrame) => {
        let buffered = head;
        const read = () => {
          // A server frame is unmasked; a close frame is 0x88, a 7-bit length, a 2-byte code and the reason.
          if (buffered.length < 2) return;
          const length = buffered[1] & 0x7f;
          if (buffered.length < 2 + length) return;
          if (buffered[0] !== 0x88) return rejectFrame(new Error(`expected a close frame, got opcode ${buffered[0] & 0x0f}`));
          resolveFrame({ code: buffered.readUInt16BE(2), reason: buffered.subarray(4, 2 + length).toString() });
        };
        socket.on("data", (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          read();
        });
        socket.once("close", () => rejectFrame(new Error("socket closed without a close frame")));
        read();
      });
      resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, closeFrame });
    });
    request.once("response", (response) => {
      response.resume();
      resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, closeFrame: Promise.reject(new Error("not upgraded")) });
    });
    request.once("error", reject);
    request.end();
  });
}
