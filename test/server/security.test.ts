import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { PeerCertificate } from "node:tls";
import { ConnectError, connect } from "ocppkit";
import type { ChargePointContext } from "ocppkit/server";
import type { ChargePoint } from "ocppkit/v16";
import { startCentralSystem } from "./helpers.js";

// Made by scripts/make-test-certs.sh; build/test/server/ -> repository root.
const certs = new URL("../../../test/fixtures/certs/", import.meta.url);
const pem = (name: string) => readFileSync(new URL(name, certs));
const ca = pem("ca.crt");
const serverTls = { key: pem("server.key"), cert: pem("server.crt") };
const client = { cert: pem("cp-1.crt"), key: pem("cp-1.key") };
const intruder = { cert: pem("intruder.crt"), key: pem("intruder.key") };

interface AuthCall {
  readonly id: string;
  readonly password: string | undefined;
  readonly commonName: string | undefined;
}

/** An authenticate hook that knows one password per id and records what it was asked. */
function passwordHook(passwords: Record<string, string>) {
  const calls: AuthCall[] = [];
  const authenticate = (id: string, password: Buffer | undefined, _request: unknown, certificate: PeerCertificate | undefined) => {
    calls.push({ id, password: password?.toString(), commonName: [certificate?.subject?.CN ?? []].flat().join(",") || undefined });
    return password !== undefined && password.toString() === passwords[id];
  };
  return { calls, authenticate };
}

const refusedWith = (status: number) => (error: unknown) => error instanceof ConnectError && error.statusCode === status;

test("security profile 1: the right Basic auth password connects, and the hook gets id and password", async (t) => {
  const hook = passwordHook({ "CP-1": "0123456789abcdef" });
  const server = await startCentralSystem(t, { authenticate: hook.authenticate });
  const connected = once(server, "connect");
  const connection = await connect(`${server.url}/CP-1`, { auth: { username: "CP-1", password: "0123456789abcdef" } });
  t.after(() => connection.close());
  await connected;
  assert.ok(server.has("CP-1"));
  assert.deepEqual(hook.calls, [{ id: "CP-1", password: "0123456789abcdef", commonName: undefined }]);
});

test("security profile 1: a wrong password gets HTTP 401", async (t) => {
  const hook = passwordHook({ "CP-1": "0123456789abcdef" });
  const server = await startCentralSystem(t, { authenticate: hook.authenticate });
  await assert.rejects(connect(`${server.url}/CP-1`, { auth: { username: "CP-1", password: "fedcba9876543210" } }), refusedWith(401));
  assert.equal(server.size, 0);
});

test("security profile 1: no credentials at all get HTTP 401", async (t) => {
  const hook = passwordHook({ "CP-1": "0123456789abcdef" });
  const server = await startCentralSystem(t, { authenticate: hook.authenticate });
  await assert.rejects(connect(`${server.url}/CP-1`), refusedWith(401));
  assert.deepEqual(hook.calls, [{ id: "CP-1", password: undefined, commonName: undefined }]);
});

test("a Basic auth username other than the charge point id gets HTTP 401 without asking the hook", async (t) => {
  const hook = passwordHook({ "CP-1": "0123456789abcdef", "CP-2": "0123456789abcdef" });
  const server = await startCentralSystem(t, { authenticate: hook.authenticate });
  await assert.rejects(connect(`${server.url}/CP-1`, { auth: { username: "CP-2", password: "0123456789abcdef" } }), refusedWith(401));
  assert.deepEqual(hook.calls, []);
});

test("identities and passwords containing colons, and binary passwords, reach the hook intact", async (t) => {
  const binary = Buffer.from([0x00, 0x3a, 0xff, 0x10, 0x80]);
  const seen: Buffer[] = [];
  const server = await startCentralSystem(t, {
    authenticate: (id, password) => {
      if (password) seen.push(password);
      return id === "CP:1" && password !== undefined && (password.toString() === "a:b:c" || password.equals(binary));
    },
  });
  const first = await connect(`${server.url}/CP%3A1`, { auth: { username: "CP:1", password: "a:b:c" } });
  first.close();
  const second = await connect(`${server.url}/CP%3A1`, { auth: { username: "CP:1", password: binary } });
  second.close();
  assert.equal(seen[0]?.toString(), "a:b:c");
  assert.deepEqual(seen[1], binary);
});

test("security profile 2: TLS with Basic auth connects over wss and refuses a wrong password with 401", async (t) => {
  const hook = passwordHook({ "CP-1": "0123456789abcdef" });
  const server = await startCentralSystem(t, { tls: serverTls, authenticate: hook.authenticate });
  assert.match(server.url, /^wss:\/\//);
  const connected = once(server, "connect");
  const connection = await connect(`${server.url}/CP-1`, { ca, auth: { username: "CP-1", password: "0123456789abcdef" } });
  t.after(() => connection.close());
  await connected;
  assert.equal(connection.protocol, "ocpp1.6");
  await assert.rejects(connect(`${server.url}/CP-1`, { ca, auth: { username: "CP-1", password: "nope" } }), refusedWith(401));
});

test("security profile 2: plain ws to a wss-only server fails", async (t) => {
  const server = await startCentralSystem(t, { tls: serverTls, authenticate: () => true });
  const plain = server.url.replace(/^wss:/, "ws:");
  await assert.rejects(
    connect(`${plain}/CP-1`, { auth: { username: "CP-1", password: "0123456789abcdef" }, handshakeTimeoutMs: 2000 }),
    ConnectError,
  );
  assert.equal(server.size, 0);
});

test("security profile 2: a charger that does not trust the server's CA refuses to connect", async (t) => {
  const server = await startCentralSystem(t, { tls: serverTls });
  await assert.rejects(
    connect(`${server.url}/CP-1`),
    (error: unknown) => error instanceof ConnectError && /certificate/i.test(error.message),
  );
});

test("security profile 3: a client certificate from the trusted CA connects, and its identity reaches hook and factory", async (t) => {
  const contexts: ChargePointContext[] = [];
  const hook = passwordHook({});
  const server = await startCentralSystem(t, {
    tls: { ...serverTls, ca, requestCert: true, rejectUnauthorized: true },
    authenticate: (id, password, request, certificate) => {
      hook.authenticate(id, password, request, certificate);
      // Whitepaper A00.FR.405: the certificate's CN names the charge point.
      return certificate?.subject?.CN === id;
    },
  });
  server.on("connect", (_chargePoint: ChargePoint, context) => contexts.push(context));
  const connected = once(server, "connect");
  const connection = await connect(`${server.url}/CP-1`, { ca, ...client });
  t.after(() => connection.close());
  await connected;
  assert.deepEqual(hook.calls, [{ id: "CP-1", password: undefined, commonName: "CP-1" }]);
  assert.equal(contexts[0]?.certificate?.subject?.CN, "CP-1");
  await assert.rejects(connect(`${server.url}/CP-2`, { ca, ...client }), refusedWith(401));
});

test("security profile 3: a client certificate from an untrusted CA is refused", async (t) => {
  const server = await startCentralSystem(t, {
    tls: { ...serverTls, ca, requestCert: true, rejectUnauthorized: true },
    authenticate: () => true,
  });
  // The TLS handshake fails (reset or a TLS alert), before any HTTP: not a timeout, not a 401.
  const tlsRefusal = (error: unknown) =>
    error instanceof ConnectError && error.statusCode === undefined && /ECONNRESET|alert|certificate/i.test(error.message);
  await assert.rejects(connect(`${server.url}/CP-1`, { ca, ...intruder, handshakeTimeoutMs: 2000 }), tlsRefusal);
  await assert.rejects(connect(`${server.url}/CP-1`, { ca, handshakeTimeoutMs: 2000 }), tlsRefusal, "no client certificate");
  assert.equal(server.size, 0);
});
