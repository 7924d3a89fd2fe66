import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type PayloadClass, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import * as v16 from "ocppkit/v16";
import * as v201 from "ocppkit/v201";
import { CliProcess, repoFile } from "../cli/cli-process.js";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
type After = { after(fn: () => unknown): void };
const cert = (name: string) => readFileSync(repoFile(`test/fixtures/certs/${name}`), "utf8");
const password = "network-profile-pw-0001";

interface CsmsOptions {
  readonly tls: object;
  /** Basic auth password it accepts; without it a verified client certificate is required. */
  readonly password?: string;
  /** Further passwords it accepts (a new AuthorizationKey). */
  readonly alsoAccept?: readonly string[];
  /** With a password: also let in a verified client certificate (one server for profiles 2 and 3). */
  readonly certificates?: boolean;
  readonly version?: "1.6" | "2.0.1";
}

/** A central system the station may switch to: wss with `tls`, checking Basic auth or the client certificate. */
class Csms {
  readonly received: { action: string; payload: Body }[] = [];
  /** How each connection was authenticated: the password sent, the client certificate's CN. */
  readonly logins: { password?: string; commonName?: string }[] = [];
  url = "";
  #session: v201.ChargePoint | undefined;
  #central: CentralSystem;

  readonly #kit: typeof v201;

  constructor(options: CsmsOptions) {
    const kit = (options.version === "1.6" ? v16 : v201) as unknown as typeof v201;
    this.#kit = kit;
    this.#central = new CentralSystem({
      protocols: [`ocpp${options.version ?? "2.0.1"}`],
      logger: silentLogger,
      tls: options.tls,
      authenticate: (_id, sent, _request, certificate) => {
        this.logins.push({ password: sent?.toString("utf8"), commonName: certificate?.subject?.CN as string | undefined });
        if (sent !== undefined) return [options.password, ...(options.alsoAccept ?? [])].includes(sent.toString("utf8"));
        return certificate !== undefined && (options.password === undefined || options.certificates === true);
      },
      createChargePoint: ({ id, connection }) => {
        const session = new kit.ChargePoint(id, connection, { logger: silentLogger });
        for (const [action, sender] of Object.entries(kit.actionSender as Record<string, string>)) {
          if (sender === "CentralSystem") continue;
          session.route(action, (payload: Body) => {
            this.received.push({ action, payload });
            if (action === "BootNotification") return { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 };
            if (action === "StatusNotification" || action === "SecurityEventNotification") return {};
            if (action === "Heartbeat") return { currentTime: new Date().toISOString() };
            if (action === "SignCertificate") return { status: "Accepted" };
            return {};
          });
        }
        this.#session = session;
        return session;
      },
    });
  }

  static async start(t: After, options: CsmsOptions): Promise<Csms> {
    const csms = new Csms(options);
    const { port } = await csms.#central.listen(0, "127.0.0.1");
    csms.url = `wss://127.0.0.1:${port}/ocpp`;
    t.after(() => csms.#central.close({ timeoutMs: 100 }));
    return csms;
  }

  async waitFor(action: string, timeoutMs = 60_000, from = 0): Promise<Body> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((r, i) => i >= from && r.action === action);
      if (found) return found.payload;
      if (Date.now() > deadline) throw new Error(`no ${action} at ${this.url} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async call(action: string, payload: Body): Promise<Body> {
    if (!this.#session) throw new Error(`the station is not connected to ${this.url}`);
    const Payload = (this.#kit.call as unknown as Record<string, PayloadClass>)[action];
    return JSON.parse(JSON.stringify(await this.#session.call(new Payload(payload as never) as never, { suppress: false }))) as Body;
  }
}

const profile = (url: string, securityProfile: number) => ({
  ocppVersion: "OCPP20",
  ocppTransport: "JSON",
  ocppCsmsUrl: url,
  messageTimeout: 30,
  securityProfile,
  ocppInterface: "Wired0",
});

const variable = (component: string, name: string) => ({ component: { name: component }, variable: { name } });
const setVariable = (component: string, name: string, value: string) => ({ ...variable(component, name), attributeValue: value });

async function read(target: { call(action: string, payload: Body): Promise<Body> }, ...names: [string, string][]): Promise<string[]> {
  const answer = await target.call("GetVariables", { getVariableData: names.map(([c, v]) => variable(c, v)) });
  return (answer.getVariableResult as Body[]).map((r) => String(r.attributeValue));
}

/** The test CA signs a CSR, as the CSMS's CA would. */
function signWithTestCa(t: After, csrPem: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-np-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "req.csr"), csrPem);
  const args = ["x509", "-req", "-in", join(dir, "req.csr"), "-CA", repoFile("test/fixtures/certs/ca.crt")];
  args.push("-CAkey", repoFile("test/fixtures/certs/ca.key"), "-CAcreateserial", "-CAserial", join(dir, "ca.srl"));
  args.push("-days", "30", "-out", join(dir, "cert.pem"));
  execFileSync("openssl", args, { stdio: ["pipe", "pipe", "pipe"] });
  return readFileSync(join(dir, "cert.pem"), "utf8");
}

test("B09/A05 over real TLS: SetNetworkProfile and NetworkConfigurationPriority move the station from profile 1 to 2 (Basic auth over TLS) to 3 (client certificate), each after a reset", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1, args: ["--auth", `basic:CS1:${password}`] });
  const profile2 = await Csms.start(t, { tls: { cert: cert("server.crt"), key: cert("server.key") }, password });
  const profile3 = await Csms.start(t, {
    tls: { cert: cert("server.crt"), key: cert("server.key"), ca: cert("ca.crt"), requestCert: true, rejectUnauthorized: true },
  });
  assert.deepEqual(await read(station, ["SecurityCtrlr", "SecurityProfile"], ["OCPPCommCtrlr", "ActiveNetworkProfile"]), ["1", "1"]);

  // A05.FR.02: no CSMS root certificate yet, so a priority that leads to profile 2 is Rejected.
  assert.deepEqual(await station.call("SetNetworkProfile", { configurationSlot: 2, connectionData: profile(profile2.url, 2) }), {
    status: "Accepted",
  });
  const refused = await station.call("SetVariables", {
    setVariableData: [setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "2,1")],
  });
  assert.equal((refused.setVariableResult as Body[])[0].attributeStatus, "Rejected");
  assert.deepEqual(await station.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: cert("ca.crt") }), {
    status: "Accepted",
  });
  const set = await station.call("SetVariables", {
    setVariableData: [setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "2,1")],
  });
  assert.equal((set.setVariableResult as Body[])[0].attributeStatus, "RebootRequired");
  // B09.FR.04: a lower profile than the one in use is Rejected; so is the slot in use.
  assert.deepEqual(await station.call("SetNetworkProfile", { configurationSlot: 3, connectionData: profile(station.url, 0) }), {
    status: "Rejected",
  });
  assert.deepEqual(await station.call("SetNetworkProfile", { configurationSlot: 1, connectionData: profile(profile2.url, 2) }), {
    status: "Rejected",
  });

  assert.deepEqual(await station.call("Reset", { type: "Immediate" }), { status: "Accepted" });
  const boot = await profile2.waitFor("BootNotification");
  assert.equal(boot.reason, "RemoteReset");
  assert.deepEqual(profile2.logins.at(-1), { password, commonName: undefined });
  // TC_A_19 steps 10-13: the new profile is in use and the lower one left the priority.
  assert.deepEqual(
    await read(
      profile2,
      ["SecurityCtrlr", "SecurityProfile"],
      ["OCPPCommCtrlr", "ActiveNetworkProfile"],
      ["OCPPCommCtrlr", "NetworkConfigurationPriority"],
    ),
    ["2", "2", "2"],
  );

  // Profile 3 needs the station's own certificate (A05.FR.03): A02 gives it one, signed by the CA profile 3 trusts.
  assert.deepEqual(await profile2.call("SetNetworkProfile", { configurationSlot: 3, connectionData: profile(profile3.url, 3) }), {
    status: "Accepted",
  });
  const early = await profile2.call("SetVariables", {
    setVariableData: [setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "3,2")],
  });
  assert.equal((early.setVariableResult as Body[])[0].attributeStatus, "Rejected");
  await profile2.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
  const csr = await profile2.waitFor("SignCertificate");
  const signed = signWithTestCa(t, String(csr.csr));
  assert.deepEqual(await profile2.call("CertificateSigned", { certificateChain: signed, certificateType: "ChargingStationCertificate" }), {
    status: "Accepted",
  });
  const now = await profile2.call("SetVariables", {
    setVariableData: [setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "3,2")],
  });
  assert.equal((now.setVariableResult as Body[])[0].attributeStatus, "RebootRequired");
  assert.deepEqual(await profile2.call("Reset", { type: "Immediate" }), { status: "Accepted" });
  await profile3.waitFor("BootNotification");
  assert.deepEqual(profile3.logins.at(-1), { password: undefined, commonName: "CS1" });
  assert.deepEqual(
    await read(
      profile3,
      ["SecurityCtrlr", "SecurityProfile"],
      ["OCPPCommCtrlr", "ActiveNetworkProfile"],
      ["OCPPCommCtrlr", "NetworkConfigurationPriority"],
    ),
    ["3", "3", "3"],
  );
});

test("B10 fallback: a new profile whose server the station cannot trust fails NetworkProfileConnectionAttempts times, and the station comes back on the profile it had", async (t) => {
  const station = await StationUnderTest.start(t, {
    version: "2.0.1",
    connectors: 1,
    args: ["--auth", `basic:CS1:${password}`, "--json"],
  });
  // A TLS server with a certificate of another CA, for another name: every attempt fails in the handshake.
  const broken = await Csms.start(t, { tls: { cert: cert("intruder.crt"), key: cert("intruder.key") }, password });
  await station.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: cert("ca.crt") });
  await station.call("SetVariables", {
    setVariableData: [
      setVariable("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "2"),
      setVariable("OCPPCommCtrlr", "RetryBackOffRandomRange", "0"),
    ],
  });
  assert.deepEqual(await station.call("SetNetworkProfile", { configurationSlot: 2, connectionData: profile(broken.url, 2) }), {
    status: "Accepted",
  });
  // TC_B_49: only the new slot in the priority; the fallback is the profile the station was connected with.
  const set = await station.call("SetVariables", { setVariableData: [setVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "2")] });
  assert.equal((set.setVariableResult as Body[])[0].attributeStatus, "RebootRequired");
  const from = station.received.length;
  assert.deepEqual(await station.call("Reset", { type: "Immediate" }), { status: "Accepted" });
  await station.event((line) => /network profile in slot 2 failed 2 times/.test(line.message ?? ""));
  const boot = await station.waitFor((r, i) => i > from && r.action === "BootNotification", 60_000);
  assert.equal(boot.payload.reason, "RemoteReset");
  assert.equal(broken.received.length, 0);
  assert.deepEqual(
    await read(
      station,
      ["SecurityCtrlr", "SecurityProfile"],
      ["OCPPCommCtrlr", "ActiveNetworkProfile"],
      ["OCPPCommCtrlr", "NetworkConfigurationPriority"],
    ),
    ["1", "1", "2"],
  );
  assert.equal(station.charger.child.exitCode, null, "the simulator keeps running");
});

test("1.6 security whitepaper A05: ChangeConfiguration SecurityProfile 2 -> 3 (after its checks) reconnects with the charger's new certificate", async (t) => {
  const server = { cert: cert("server.crt"), key: cert("server.key"), ca: cert("ca.crt"), requestCert: true, rejectUnauthorized: false };
  const csms = await Csms.start(t, { version: "1.6", tls: server, password, certificates: true });
  const args = ["charge-point", `${csms.url}`, "--id", "CS1", "--version", "1.6", "--connectors", "1", "--meter-interval", "0"];
  const charger = new CliProcess([...args, "--auth", `basic:CS1:${password}`, "--ca", repoFile("test/fixtures/certs/ca.crt"), "--json"]);
  t.after(() => charger.stop());
  await csms.waitFor("BootNotification");
  const key = async (name: string) =>
    ((await csms.call("GetConfiguration", { key: [name] })).configurationKey as Body[] | undefined)?.[0]?.value;
  assert.equal(await key("SecurityProfile"), "2");
  const change = (value: string) => csms.call("ChangeConfiguration", { key: "SecurityProfile", value });
  // A05.FR.01: not higher; A05.FR.04: profile 3 without a ChargePointCertificate.
  assert.deepEqual(await change("2"), { status: "Rejected" });
  assert.deepEqual(await change("3"), { status: "Rejected" });
  await csms.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" });
  const csr = await csms.waitFor("SignCertificate");
  assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: signWithTestCa(t, String(csr.csr)) }), { status: "Accepted" });
  const boots = csms.received.length;
  assert.deepEqual(await change("3"), { status: "Accepted" });
  // A05.FR.06/07: disconnected and connected again, with the client certificate and no password.
  await charger.waitForJson((line: { message?: string }) => /connected with security profile 3/.test(line.message ?? ""), 30_000);
  assert.deepEqual(csms.logins.at(-1), { password: undefined, commonName: "CS1" });
  assert.equal(await key("SecurityProfile"), "3");
  assert.equal(csms.received.length >= boots, true);
});

test("1.6 A05.FR.08: a security profile the central system refuses falls back to the previous one", async (t) => {
  // Client certificates are verified in TLS but refused with 401: profile 3 cannot connect here.
  const server = { cert: cert("server.crt"), key: cert("server.key"), ca: cert("ca.crt"), requestCert: true, rejectUnauthorized: false };
  const csms = await Csms.start(t, { version: "1.6", tls: server, password });
  const args = ["charge-point", `${csms.url}`, "--id", "CS1", "--version", "1.6", "--connectors", "1", "--meter-interval", "0"];
  const charger = new CliProcess([
    ...args,
    "--auth",
    `basic:CS1:${password}`,
    "--ca",
    repoFile("test/fixtures/certs/ca.crt"),
    "--cert",
    repoFile("test/fixtures/certs/cp-1.crt"),
    "--key",
    repoFile("test/fixtures/certs/cp-1.key"),
    "--json",
  ]);
  t.after(() => charger.stop());
  await csms.waitFor("BootNotification");
  await csms.waitFor("StatusNotification");
  const logins = csms.logins.length;
  const from = csms.received.length;
  assert.deepEqual(await csms.call("ChangeConfiguration", { key: "SecurityProfile", value: "3" }), { status: "Accepted" });
  await charger.waitForJson(
    (line: { message?: string }) => /security profile 3 failed 3 times.*back to security profile 2/.test(line.message ?? ""),
    60_000,
  );
  for (let i = 0; i < 600 && csms.logins.length < logins + 4; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(
    csms.logins.slice(logins).map((l) => (l.password ? "password" : "certificate")),
    ["certificate", "certificate", "certificate", "password"],
  );
  // Back on the link: the charger reports its connectors again.
  await csms.waitFor("StatusNotification", 30_000, from);
  const value = await csms.call("GetConfiguration", { key: ["SecurityProfile"] });
  assert.equal((value.configurationKey as Body[])[0].value, "2");
  assert.equal(charger.child.exitCode, null, "the simulator keeps running");
});

test("1.6 security whitepaper A01: an Accepted ChangeConfiguration AuthorizationKey makes the charger reconnect with the new password; a short one is Rejected", async (t) => {
  const server = { cert: cert("server.crt"), key: cert("server.key") };
  const newPassword = "a-new-authorization-key-01";
  const csms = await Csms.start(t, { version: "1.6", tls: server, password, alsoAccept: [newPassword] });
  const args = ["charge-point", `${csms.url}`, "--id", "CS1", "--version", "1.6", "--connectors", "1", "--meter-interval", "0"];
  const charger = new CliProcess([...args, "--auth", `basic:CS1:${password}`, "--ca", repoFile("test/fixtures/certs/ca.crt"), "--json"]);
  t.after(() => charger.stop());
  await csms.waitFor("BootNotification");
  const change = (value: string) => csms.call("ChangeConfiguration", { key: "AuthorizationKey", value });
  // Whitepaper 7.2: at least 16 bytes.
  assert.deepEqual(await change("too-short"), { status: "Rejected" });
  assert.equal(csms.logins.length, 1);
  assert.deepEqual(await change(newPassword), { status: "Accepted" });
  for (let i = 0; i < 600 && csms.logins.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(
    csms.logins.map((login) => login.password),
    [password, newPassword],
  );
  // Write-only (7.2): GetConfiguration lists the key without its value.
  const listed = (await csms.call("GetConfiguration", { key: ["AuthorizationKey"] })).configurationKey as Body[];
  assert.equal(listed[0]?.value, undefined);
});
