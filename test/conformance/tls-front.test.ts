import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { describe, it } from "node:test";
import { type ConnectionOptions, connect } from "node:tls";
import { fileURLToPath } from "node:url";
import { TlsFront, TlsOffer } from "../../src/conformance/cs/tls-front.js";

const pem = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url)), "utf8");

/** A TLS client's view of one handshake: the version it got, or its error code. */
function handshake(port: number, options: ConnectionOptions = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, ca: pem("ca.crt"), ...options });
    socket.once("secureConnect", () => {
      resolve(String(socket.getProtocol()));
      socket.end();
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(String(error.code)));
  });
}

async function settled(front: TlsFront, count: number): Promise<void> {
  for (let i = 0; i < 200 && front.handshakes.filter((h) => h.outcome).length < count; i++) await new Promise((r) => setTimeout(r, 20));
}

describe("the runner's TLS front (TC_A_04-07_CS)", () => {
  it("reads every ClientHello, answers with the offer the case asked for, then the configured one again", async () => {
    const front = new TlsFront({ cert: pem("server.crt"), key: pem("server.key") }, 5_000, () => {});
    const { port } = await front.listen(0, "127.0.0.1");
    try {
      assert.equal(await handshake(port), "TLSv1.3");
      front.offer([TlsOffer.InvalidCertificate, TlsOffer.OldTls]);
      assert.equal(await handshake(port), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      assert.equal(await handshake(port), "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
      // A station that accepts TLS 1.1 completes the old-TLS handshake: the wrong station of TC_A_06_CS.
      front.offer([TlsOffer.OldTls]);
      assert.equal(await handshake(port, { minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" }), "TLSv1.1");
      assert.equal(await handshake(port, { maxVersion: "TLSv1.2" }), "TLSv1.2");
      await settled(front, 5);
      assert.deepEqual(
        front.handshakes.map((h) => [h.offered, h.clientHello.status, h.outcome?.secured]),
        [
          ["configured", "complete", true],
          ["invalid certificate", "complete", false],
          ["TLS 1.0/1.1", "complete", false],
          ["TLS 1.0/1.1", "complete", true],
          ["configured", "complete", true],
        ],
      );
    } finally {
      await front.close();
    }
  });

  it("records a client that sends no ClientHello with the reason, and keeps serving", async () => {
    const front = new TlsFront({ cert: pem("server.crt"), key: pem("server.key") }, 5_000, () => {});
    const { port } = await front.listen(0, "127.0.0.1");
    try {
      const plain = createConnection(port, "127.0.0.1");
      plain.on("error", () => {});
      plain.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await settled(front, 1);
      plain.destroy();
      const [first] = front.handshakes;
      assert.deepEqual(first?.clientHello, {
        status: "invalid",
        reason: "the first record is not a TLS handshake (content type 71): not a TLS client",
      });
      assert.equal(first?.outcome?.secured, false);
      assert.equal(await handshake(port), "TLSv1.3");
    } finally {
      await front.close();
    }
  });
});
