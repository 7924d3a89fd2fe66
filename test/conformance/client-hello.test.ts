import assert from "node:assert/strict";
import { type AddressInfo, createConnection, createServer, type Socket } from "node:net";
import { describe, it } from "node:test";
import { type ConnectionOptions, connect } from "node:tls";
import fc from "fast-check";
import { type ClientHello, captureClientHello, clientHelloProblems, parseClientHello } from "../../src/conformance/client-hello.js";

/** The first bytes a real node:tls client sends (its ClientHello), read by a plain TCP server on 127.0.0.1. */
async function helloBytes(options: ConnectionOptions = {}): Promise<Buffer> {
  let received = Buffer.alloc(0);
  const server = createServer();
  const got = new Promise<void>((resolve) => {
    server.on("connection", (socket: Socket) => {
      socket.on("data", (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (parseClientHello(received).status !== "incomplete") {
          socket.destroy();
          resolve();
        }
      });
      socket.on("error", () => {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = connect({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, rejectUnauthorized: false, ...options });
  client.on("error", () => {});
  await got;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return received;
}

function complete(bytes: Uint8Array): ClientHello {
  const read = parseClientHello(bytes);
  assert.equal(read.status, "complete", JSON.stringify(read));
  return (read as { hello: ClientHello }).hello;
}

/** The same handshake message in two records (RFC 8446 section 5.1 allows fragmenting it). */
function fragmented(bytes: Buffer, at: number): Buffer {
  const body = bytes.subarray(5);
  const record = (part: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, part.length >> 8, part.length & 0xff]), part]);
  return Buffer.concat([record(body.subarray(0, at)), record(body.subarray(at))]);
}

describe("ClientHello reader", () => {
  it("reads the versions and suites a default node:tls client offers, which pass part 6's check", async () => {
    const hello = complete(await helloBytes());
    assert.deepEqual(hello.versions.slice(0, 2), [0x0304, 0x0303]);
    assert.ok(hello.cipherSuites.includes(0xc02b) && hello.cipherSuites.includes(0xc02c));
    assert.deepEqual(clientHelloProblems(hello), []);
  });

  it("finds a client that offers TLS 1.1 at most too old, from legacy_version when there is no supported_versions", async () => {
    const hello = complete(await helloBytes({ minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" }));
    assert.deepEqual(hello.versions, [0x0302]);
    assert.match(clientHelloProblems(hello).join(), /at most TLSv1\.1/);
  });

  it("finds a client without both AES-GCM suites of one family lacking them", async () => {
    const hello = complete(await helloBytes({ maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256:AES256-GCM-SHA384" }));
    const problems = clientHelloProblems(hello);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? "", /offers neither TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 and TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384/);
  });

  it("joins a ClientHello fragmented over two records, and asks for more bytes until the last one came", async () => {
    const bytes = await helloBytes();
    const split = fragmented(bytes, 40);
    assert.deepEqual(complete(split), complete(bytes));
    for (const end of [0, 4, 5, 45, 46, split.length - 1])
      assert.equal(parseClientHello(split.subarray(0, end)).status, "incomplete", `${end}`);
  });

  it("says why bytes are no ClientHello: plain HTTP, another handshake message, a body that ends early", async () => {
    const http = parseClientHello(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert.deepEqual(http, { status: "invalid", reason: "the first record is not a TLS handshake (content type 71): not a TLS client" });
    const serverHello = Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00]);
    assert.match((parseClientHello(serverHello) as { reason: string }).reason, /type 2, not a ClientHello/);
    const short = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x03, 0x03]);
    assert.match((parseClientHello(short) as { reason: string }).reason, /ends inside its random/);
  });

  it("never throws on arbitrary bytes, or on a real ClientHello with bytes changed or cut", async () => {
    const real = await helloBytes();
    const statuses = new Set(["complete", "incomplete", "invalid"]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => statuses.has(parseClientHello(bytes).status)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(real.length), (at, value, end) => {
        const changed = Buffer.from(real);
        changed[at] = value;
        return statuses.has(parseClientHello(changed.subarray(0, end)).status);
      }),
      { numRuns: 2000 },
    );
  });

  it("capture: puts a ClientHello back for the TLS server; gives up with the reason on too much, an early close, or silence", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const reads: Promise<{ reason: string; rest: number }>[] = [];
    server.on("connection", (socket: Socket) => {
      socket.on("error", () => {});
      reads.push(
        captureClientHello(socket, 1500).then((read) => {
          const rest = socket.readableLength;
          socket.destroy();
          return { reason: read.status === "invalid" ? read.reason : read.status, rest };
        }),
      );
    });
    const open = () =>
      new Promise<Socket>((resolve) => {
        const socket = createConnection(port, "127.0.0.1", () => resolve(socket));
        socket.on("error", () => {});
      });
    const real = await helloBytes();
    const tls = await open();
    tls.write(real);
    // A ClientHello that claims 16 MB: more than any station sends, refused once its length is read.
    const flood = await open();
    flood.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0xff, 0xff, 0xff]), Buffer.alloc(16_380)]));
    const early = await open();
    early.end(Buffer.from([0x16, 0x03, 0x01]));
    const silent = await open();
    const deadline = performance.now() + 30_000;
    while (reads.length < 4 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const results = await Promise.all(reads);
    for (const socket of [tls, flood, early, silent]) socket.destroy();
    server.close();
    assert.deepEqual(
      results.find((r) => r.reason === "complete"),
      { reason: "complete", rest: real.length },
    );
    const reasons = results.map((r) => r.reason).join("\n");
    assert.match(reasons, /a ClientHello of 16777215 bytes/);
    assert.match(reasons, /closed after 3 bytes/);
    assert.match(reasons, /no complete ClientHello within 1.5 s/);
  });
});
