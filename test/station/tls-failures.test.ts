import assert from "node:assert/strict";
import { test } from "node:test";
import { TlsFailures, tlsFailureType } from "../../src/station/tls-failures.js";
import { ConnectError } from "../../src/transport/connect-error.js";

const url = "Cannot connect to wss://127.0.0.1:9000/CS1";

test("a refused CSMS certificate or TLS version is told apart from other failed attempts", () => {
  assert.equal(tlsFailureType(`${url}: unable to verify the first certificate`), "InvalidCsmsCertificate");
  assert.equal(tlsFailureType(`${url}: self-signed certificate`), "InvalidCsmsCertificate");
  assert.equal(tlsFailureType(`${url}: certificate has expired`), "InvalidCsmsCertificate");
  assert.equal(
    tlsFailureType(`${url}: Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1`),
    "InvalidCsmsCertificate",
  );
  assert.equal(
    tlsFailureType(
      `${url}: EPROTO write EPROTO 80:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:rec_layer_s3.c:1601`,
    ),
    "InvalidTLSVersion",
  );
  assert.equal(tlsFailureType(`${url}: error:0A000102:SSL routines::unsupported protocol`), "InvalidTLSVersion");
  // The CSMS refused the station's own certificate, or the network failed: no event about the CSMS.
  assert.equal(tlsFailureType(`${url}: EPROTO 80:error:0A00045C:SSL routines::tlsv13 alert certificate required`), undefined);
  assert.equal(tlsFailureType(`${url}: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9000`), undefined);
  assert.equal(tlsFailureType(`${url} refused the WebSocket upgrade with HTTP 401 Unauthorized`), undefined);
});

test("the events wait for a connection, go out once each in order, and stay when sending fails", async () => {
  const failures = new TlsFailures();
  const failed = (message: string) =>
    failures.onState({
      state: "disconnected",
      code: 1006,
      reason: message,
      failures: 1,
      retryInMs: 1000,
      error: new ConnectError(message),
    });
  failed(`${url}: unable to verify the first certificate`);
  failed(`${url}: self-signed certificate`);
  failed(`${url}: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9000`);
  failed(`${url}: tlsv1 alert protocol version`);
  await assert.rejects(
    failures.send(() => Promise.reject(new Error("not connected"))),
    /not connected/,
  );
  const sent: [string, string][] = [];
  await failures.send(async (type, techInfo) => {
    sent.push([type, techInfo]);
  });
  assert.deepEqual(sent, [
    ["InvalidCsmsCertificate", `${url}: unable to verify the first certificate`],
    ["InvalidTLSVersion", `${url}: tlsv1 alert protocol version`],
  ]);
  await failures.send(async (type) => {
    sent.push([type, "again"]);
  });
  assert.equal(sent.length, 2);
});
