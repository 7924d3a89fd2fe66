import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { WebSocketServer } from "ws";
import { readCertificateRequest } from "../../src/pki/index.js";
import { CliProcess, repoFile } from "./cli-process.js";

interface Line {
  event?: string;
  type?: string;
  from?: string;
  action?: string;
  chargePoint?: string;
  payload?: Record<string, unknown>;
  url?: string;
  transactionId?: number;
}

async function startServe(
  t: { after: (fn: () => Promise<unknown>) => void },
  ...args: string[]
): Promise<{ serve: CliProcess; url: string }> {
  const serve = new CliProcess(["serve", "--port", "0", "--json", ...args]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening");
  assert.match(listening.url ?? "", /^ws:\/\/127\.0\.0\.1:\d+$/);
  return { serve, url: listening.url ?? "" };
}

const isCall = (action: string, from: "chargePoint" | "centralSystem") => (line: Line) =>
  line.type === "CALL" && line.action === action && line.from === from;

test("serve and charge-point complete a session started and stopped from serve's prompt", async (t) => {
  const { serve, url } = await startServe(t);
  const charger = new CliProcess(["charge-point", url, "--id", "CP1", "--connectors", "2", "--meter-interval", "0.2", "--json"]);
  t.after(() => charger.stop());

  await serve.waitForJson<Line>((line) => line.event === "connected" && line.chargePoint === "CP1");
  const boot = await serve.waitForJson<Line>(isCall("BootNotification", "chargePoint"));
  assert.equal(boot.chargePoint, "CP1");
  await serve.waitForJson<Line>((line) => isCall("StatusNotification", "chargePoint")(line) && line.payload?.connectorId === 2);

  serve.write('CP1 RemoteStartTransaction {"idTag":"TAG-42","connectorId":2}');
  const answer = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "RemoteStartTransaction");
  assert.deepEqual(answer.payload, { status: "Accepted" });
  const start = await serve.waitForJson<Line>(isCall("StartTransaction", "chargePoint"));
  assert.equal(start.payload?.idTag, "TAG-42");
  assert.equal(start.payload?.connectorId, 2);
  const started = await charger.waitForJson<Line>((line) => line.event === "started");
  const transactionId = started.transactionId;
  assert.equal(typeof transactionId, "number");

  // Meter values while charging, rising.
  await serve.waitForJson<Line>(
    (line) => isCall("MeterValues", "chargePoint")(line) && serve.json<Line>(isCall("MeterValues", "chargePoint")).length >= 2,
  );
  const readings = serve.json<Line>(isCall("MeterValues", "chargePoint")).map((line) => {
    const meterValue = line.payload?.meterValue as { sampledValue: { value: string; measurand?: string }[] }[];
    return Number(meterValue[0].sampledValue.find((s) => s.measurand === "Energy.Active.Import.Register")?.value);
  });
  assert.ok(readings[1] > readings[0], `meter rises: ${readings.join(", ")}`);
  assert.equal(serve.json<Line>(isCall("MeterValues", "chargePoint"))[0].payload?.transactionId, transactionId);

  serve.write(`CP1 RemoteStopTransaction {"transactionId":${transactionId}}`);
  const stop = await serve.waitForJson<Line>(isCall("StopTransaction", "chargePoint"));
  assert.equal(stop.payload?.transactionId, transactionId);
  assert.equal(stop.payload?.reason, "Remote");
  assert.ok(Number(stop.payload?.meterStop) >= readings[1]);
  await serve.waitForJson<Line>(
    (line) =>
      isCall("StatusNotification", "chargePoint")(line) &&
      line.payload?.connectorId === 2 &&
      line.payload?.status === "Available" &&
      serve.json<Line>(isCall("StopTransaction", "chargePoint")).length > 0,
  );
  const { code } = await charger.stop();
  assert.equal(code, 0, "charge-point exits 0 on SIGTERM");
});

test("a bad JSON payload on serve's prompt is one line on stderr and serve keeps running", async (t) => {
  const { serve, url } = await startServe(t);
  const charger = new CliProcess(["charge-point", url, "--id", "CP2", "--json"]);
  t.after(() => charger.stop());
  await serve.waitForJson<Line>((line) => line.event === "connected");
  serve.write("CP2 Reset {type:Soft}");
  const message = await serve.waitForLine((line) => line.length > 0, { stream: "stderr" });
  assert.match(message, /^the payload is not valid JSON: /);
  serve.write("CP9 Reset {}");
  assert.equal(await serve.waitForLine((line) => line.startsWith("CP9"), { stream: "stderr" }), "CP9 is not connected (connected: CP2)");
  serve.write('CP2 Reset {"type":"Soft"}');
  // The charger answers, ends nothing (no session) and boots again.
  const reset = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "Reset");
  assert.deepEqual(reset.payload, { status: "Accepted" });
  await serve.waitForJson<Line>(
    (line) => isCall("BootNotification", "chargePoint")(line) && serve.json<Line>(isCall("BootNotification", "chargePoint")).length === 2,
  );
});

test("charge-point with wrong credentials exits 4 with one line", async (t) => {
  const { url } = await startServe(t, "--auth", "basic:CP1:right");
  const charger = new CliProcess(["charge-point", url, "--id", "CP1", "--auth", "basic:CP1:wrong"]);
  const { code, stderr } = await charger.exited;
  assert.equal(code, 4);
  assert.equal(stderr, `ocppkit charge-point: ${url}/CP1 refused the credentials (HTTP 401); check --auth`);
});

test("charge-point with the right credentials connects", async (t) => {
  const { serve, url } = await startServe(t, "--auth", "basic:*:right");
  const charger = new CliProcess(["charge-point", url, "--id", "CP1", "--auth", "basic:CP1:right", "--json"]);
  t.after(() => charger.stop());
  await serve.waitForJson<Line>((line) => line.event === "connected" && line.chargePoint === "CP1");
});

test("charge-point --no-reconnect to a closed port exits 3 with one line", async () => {
  const serve = new CliProcess(["serve", "--port", "0", "--json"]);
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening");
  await serve.stop();
  const { code, stderr } = await new CliProcess(["charge-point", listening.url ?? "", "--id", "CP1", "--no-reconnect"]).exited;
  assert.equal(code, 3);
  assert.equal(stderr, `ocppkit charge-point: nothing is listening at ${listening.url}/CP1 (connection refused)`);
});

test("charge-point with a URL that is not ws:// exits 2", async () => {
  const { code, stderr } = await new CliProcess(["charge-point", "http://127.0.0.1:9000", "--id", "CP1"]).exited;
  assert.equal(code, 2);
  assert.equal(
    stderr,
    "ocppkit charge-point: 'http://127.0.0.1:9000' is not a WebSocket URL: it must start with ws:// or wss:// (see 'ocppkit charge-point --help')",
  );
});

test("serve with an invalid responses file exits 2 and names the problem", async () => {
  const { code, stderr } = await new CliProcess(["serve", "--port", "0", "--responses", "/nonexistent/responses.json"]).exited;
  assert.equal(code, 2);
  assert.equal(stderr, "ocppkit serve: cannot read the responses file '/nonexistent/responses.json': ENOENT (see 'ocppkit serve --help')");
});

test("serve answers with the fields of the responses file laid over its defaults", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "responses.json");
  writeFileSync(file, JSON.stringify({ BootNotification: { interval: 7 }, Authorize: { idTagInfo: { status: "Blocked" } } }));
  const { serve, url } = await startServe(t, "--responses", file);
  const charger = new CliProcess(["charge-point", url, "--id", "CP1", "--json"]);
  t.after(() => charger.stop());
  const boot = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "BootNotification");
  assert.equal(boot.payload?.interval, 7);
  assert.equal(boot.payload?.status, "Accepted");
  charger.write("start 1 TAG-1");
  const refused = await charger.waitForJson<Line>((line) => line.event === "info");
  assert.equal((refused as { message?: string }).message, "idTag TAG-1 was not accepted");
});

test("serve refuses a responses file with an invalid response, exit 2", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "responses.json");
  writeFileSync(file, JSON.stringify({ BootNotification: { status: "Maybe" } }));
  const { code, stderr } = await new CliProcess(["serve", "--port", "0", "--responses", file]).exited;
  assert.equal(code, 2);
  assert.match(stderr, /^ocppkit serve: .*responses\.json: the BootNotification response is not valid OCPP 1\.6: .*status/);
});

test("charge-point refused its subprotocol exits 3 with one line", async (t) => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => false });
  t.after(() => new Promise((resolve) => server.close(resolve)));
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { code, stderr } = await new CliProcess(["charge-point", url, "--id", "CP1"]).exited;
  assert.equal(code, 3);
  assert.equal(stderr, `ocppkit charge-point: ${url}/CP1 does not accept the subprotocol ocpp1.6; try another --version`);
});

test("serve --tls with a CA and charge-point with a client certificate talk over wss://", async (t) => {
  const cert = (name: string) => repoFile(`test/fixtures/certs/${name}`);
  const serve = new CliProcess([
    "serve",
    "--port",
    "0",
    "--json",
    "--tls",
    `${cert("server.crt")},${cert("server.key")},${cert("ca.crt")}`,
  ]);
  t.after(() => serve.stop());
  const { url } = await serve.waitForJson<Line>((line) => line.event === "listening");
  assert.match(url ?? "", /^wss:\/\/127\.0\.0\.1:\d+$/);
  const charger = new CliProcess([
    "charge-point",
    url ?? "",
    "--id",
    "CP-1",
    "--ca",
    cert("ca.crt"),
    "--cert",
    cert("cp-1.crt"),
    "--key",
    cert("cp-1.key"),
    "--json",
  ]);
  t.after(() => charger.stop());
  await serve.waitForJson<Line>((line) => isCall("BootNotification", "chargePoint")(line) && line.chargePoint === "CP-1");

  // Without a client certificate the TLS handshake fails: one line, exit 3.
  const { code, stderr } = await new CliProcess(["charge-point", url ?? "", "--id", "CP-2", "--ca", cert("ca.crt")]).exited;
  assert.equal(code, 3);
  assert.equal(stderr, `ocppkit charge-point: ${url}/CP-2 requires a client certificate; pass --cert and --key`);

  // Without the CA the server's certificate is not trusted.
  const untrusted = await new CliProcess(["charge-point", url ?? "", "--id", "CP-2"]).exited;
  assert.equal(untrusted.code, 3);
  assert.equal(untrusted.stderr, `ocppkit charge-point: the certificate of ${url}/CP-2 is not trusted; pass its CA with --ca`);
});

test("charge-point reconnects after serve restarts and delivers what it queued while offline", async (t) => {
  const first = new CliProcess(["serve", "--port", "0", "--json"]);
  t.after(() => first.stop());
  const { url } = await first.waitForJson<Line>((line) => line.event === "listening");
  const port = new URL(url ?? "").port;
  const charger = new CliProcess(["charge-point", url ?? "", "--id", "CP1", "--connectors", "1", "--meter-interval", "0.2", "--json"]);
  t.after(() => charger.stop());
  await first.waitForJson<Line>((line) => isCall("StatusNotification", "chargePoint")(line) && line.payload?.connectorId === 1);
  charger.write("start 1 TAG-7");
  const started = await charger.waitForJson<Line>((line) => line.event === "started");
  await first.waitForJson<Line>(isCall("MeterValues", "chargePoint"));

  await first.stop();
  await charger.waitForJson<Line>((line) => line.event === "disconnected");
  // Offline: the session goes on (MeterValues every 0.2 s) and ends; all of it waits in the queue.
  await new Promise((resolve) => setTimeout(resolve, 800));
  charger.write("stop 1");
  await charger.waitForJson<Line>((line) => line.event === "stopped");

  const second = new CliProcess(["serve", "--port", port, "--json"]);
  t.after(() => second.stop());
  await second.waitForJson<Line>((line) => line.event === "listening");
  const stop = await second.waitForJson<Line>(isCall("StopTransaction", "chargePoint"), 20_000);
  assert.equal(stop.payload?.transactionId, started.transactionId);
  assert.equal(stop.payload?.reason, "Local");
  // Delivered in order: the MeterValues made offline reach the new server before the StopTransaction.
  const offlineMeterValues = second.json<Line>(isCall("MeterValues", "chargePoint"));
  assert.ok(offlineMeterValues.length >= 1, "queued MeterValues delivered");
  assert.equal(second.json<Line>(isCall("BootNotification", "chargePoint")).length, 0, "a reconnect does not boot again");
});

test("serve and an OCPP 2.0.1 charge-point run a session started and stopped from the prompt", async (t) => {
  const { serve, url } = await startServe(t);
  const charger = new CliProcess(["charge-point", url, "--id", "CS201", "--version", "2.0.1", "--meter-interval", "0.2", "--json"]);
  t.after(() => charger.stop());
  const connected = await serve.waitForJson<Line & { protocol?: string }>((line) => line.event === "connected");
  assert.equal(connected.protocol, "ocpp2.0.1");
  await serve.waitForJson<Line>((line) => isCall("StatusNotification", "chargePoint")(line) && line.payload?.evseId === 2);

  serve.write('CS201 RequestStartTransaction {"idToken":{"idToken":"TAG-9","type":"ISO14443"},"remoteStartId":7,"evseId":1}');
  const started = await serve.waitForJson<Line>(
    (line) => isCall("TransactionEvent", "chargePoint")(line) && line.payload?.eventType === "Started",
  );
  const info = (started.payload?.transactionInfo ?? {}) as { transactionId?: string; remoteStartId?: number };
  assert.equal(info.remoteStartId, 7);
  assert.equal(started.payload?.triggerReason, "RemoteStart");
  await serve.waitForJson<Line>((line) => isCall("TransactionEvent", "chargePoint")(line) && line.payload?.eventType === "Updated");

  serve.write(`CS201 RequestStopTransaction {"transactionId":"${info.transactionId}"}`);
  const ended = await serve.waitForJson<Line>(
    (line) => isCall("TransactionEvent", "chargePoint")(line) && line.payload?.eventType === "Ended",
  );
  assert.equal((ended.payload?.transactionInfo as { stoppedReason?: string } | undefined)?.stoppedReason, "Remote");

  // A command without a hand-written handler still gets a schema-valid answer.
  serve.write("CS201 ClearCache {}");
  const cleared = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "ClearCache");
  assert.deepEqual(cleared.payload, { status: "Accepted" });
});

test("serve signs a 2.0.1 charge point's CSR with its CA: TriggerMessage, SignCertificate Accepted, CertificateSigned the station accepts", async (t) => {
  const ca = repoFile("test/fixtures/certs/ca.crt");
  const { serve, url } = await startServe(t, "--versions", "2.0.1", "--ca", `${ca},${repoFile("test/fixtures/certs/ca.key")}`);
  const caEvent = await serve.waitForJson<Line & { certificate?: string; generated?: boolean }>((line) => line.event === "ca");
  assert.equal(caEvent.generated, false);
  const charger = new CliProcess(["charge-point", url, "--id", "CP-SIGN", "--version", "2.0.1", "--json"]);
  t.after(() => charger.stop());
  await serve.waitForJson<Line>(isCall("BootNotification", "chargePoint"));

  serve.write('CP-SIGN TriggerMessage {"requestedMessage":"SignChargingStationCertificate"}');
  const request = await serve.waitForJson<Line>(isCall("SignCertificate", "chargePoint"));
  const answer = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "SignCertificate");
  assert.deepEqual(answer.payload, { status: "Accepted" });
  const signed = await serve.waitForJson<Line>(isCall("CertificateSigned", "centralSystem"));
  assert.equal(signed.payload?.certificateType, "ChargingStationCertificate");
  const certificate = new X509Certificate(String(signed.payload?.certificateChain));
  assert.ok(certificate.verify(new X509Certificate(readFileSync(ca)).publicKey), "signed by the --ca CA");
  assert.equal(
    certificate.publicKey.export({ type: "spki", format: "der" }).toString("hex"),
    readCertificateRequest(String(request.payload?.csr)).publicKey.export({ type: "spki", format: "der" }).toString("hex"),
  );
  const accepted = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "CertificateSigned");
  assert.deepEqual(accepted.payload, { status: "Accepted" }, "the station took the certificate for its key");
});
