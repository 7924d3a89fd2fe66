/**
 * Block A, the TLS handshake of security profiles 2 and 3 (part 6 section 2.2, TC_A_04-07_CS): the
 * runner reads each ClientHello of the station (tls-front.ts) and, for one attempt, answers with an
 * invalid server certificate or with TLS 1.0/1.1 only. Requirements: 1.6 security whitepaper A00.FR.3xx
 * (security profile 2) and A00.FR.4xx (profile 3), which OCPP 2.0.1 A00 carries over without TLS 1.0/1.1.
 */
import { X509Certificate } from "node:crypto";
import type { CsCase } from "../case.js";
import { clientHelloProblems, describeClientHello } from "../client-hello.js";
import { StepError } from "../failures.js";
import { profile3, setVariable, tlsProfiles } from "./a-security.js";
import type { CsTest, StationCall } from "./cs-test.js";
import { csCase, expectAllConnectors, expectBoot } from "./states.js";
import { type TlsControl, type TlsHandshake, TlsOffer } from "./tls-front.js";

/** How often a wait looks again at the handshakes. */
const pollS = 0.05;
/** TC_A_06_CS steps 16-17 are optional: how long the runner gives the InvalidTLSVersion event after the others. */
const optionalEventS = 2;

function control(t: CsTest, step: number | string): TlsControl {
  const tls = t.tls;
  if (!tls) throw new StepError(t.label(step), "the runner does not serve wss:// (give it --tls with the server certificate)");
  return tls;
}

/** Reusable State Booting (part 6 Table 231): ResetRequest Immediate, Accepted; the station reconnects from scratch. */
async function booting(t: CsTest): Promise<void> {
  await t.state("Booting", async () => {
    const reset = await t.send(1, "Reset", { type: "Immediate" });
    t.expect(2, "ResetResponse status", reset.status, "Accepted");
  });
}

/** Step `step`: the station starts a TLS handshake (the `index`th of the run), bounded by actionTimeoutS. */
async function expectHandshake(t: CsTest, tls: TlsControl, step: number | string, index: number): Promise<TlsHandshake> {
  const seconds = t.config.actionTimeoutS;
  const deadline = performance.now() + seconds * 1000;
  while (!tls.handshakes[index] && performance.now() < deadline) await t.wait(pollS);
  const handshake = tls.handshakes[index];
  if (!handshake)
    t.expectThat(step, "the station initiates a TLS handshake and sends a Client Hello", false, `one within ${seconds} s`, "none");
  return handshake as TlsHandshake;
}

/** How the handshake ended (bounded): completed, or why not. */
async function outcomeOf(t: CsTest, step: number | string, handshake: TlsHandshake): Promise<NonNullable<TlsHandshake["outcome"]>> {
  const seconds = t.config.actionTimeoutS;
  const deadline = performance.now() + seconds * 1000;
  while (!handshake.outcome && performance.now() < deadline) await t.wait(pollS);
  const outcome = handshake.outcome;
  if (!outcome) t.expectThat(step, "the TLS handshake ends", false, `within ${seconds} s`, "still running");
  return outcome as NonNullable<TlsHandshake["outcome"]>;
}

/** TC_A_04_CS step 2, TC_A_07_CS step 4: TLS 1.2 or above, and both AES-GCM suites of one family (A00.FR.312/318, 416/422). */
function expectClientHello(t: CsTest, step: number | string, handshake: TlsHandshake): void {
  const read = handshake.clientHello;
  if (read.status !== "complete") {
    t.expectThat(step, "the station's Client Hello", false, "a TLS ClientHello", read.status === "invalid" ? read.reason : "incomplete");
    return;
  }
  const problems = clientHelloProblems(read.hello);
  t.expectThat(
    step,
    `Client Hello (${describeClientHello(read.hello)})`,
    problems.length === 0,
    "TLS 1.2 or above, with TLS_ECDHE_ECDSA_WITH_AES_128/256_GCM_SHA256/384 or TLS_RSA_WITH_AES_128/256_GCM_SHA256/384",
    problems.join("; "),
  );
}

/** The steps where the station's second handshake, with the configured certificate, completes and it boots. */
async function expectSecured(t: CsTest, step: number | string, handshake: TlsHandshake): Promise<void> {
  const outcome = await outcomeOf(t, step, handshake);
  t.expectThat(
    step,
    "the TLS handshake with the configured server certificate",
    outcome.secured,
    "completed",
    outcome.secured ? "" : outcome.reason,
  );
}

/** Steps 1-3 of TC_A_05/06_CS: the station's handshake gets `offer` and must not complete. */
async function expectRefused(t: CsTest, tls: TlsControl, index: number, offer: TlsOffer, requirement: string): Promise<TlsHandshake> {
  const handshake = await expectHandshake(t, tls, 1, index);
  const outcome = await outcomeOf(t, 3, handshake);
  t.expectThat(
    3,
    `the station terminates the connection offered ${handshake.offered} (${requirement})`,
    !outcome.secured,
    "the TLS handshake aborted by the station",
    outcome.secured ? `the handshake completed (${outcome.protocol})` : "",
  );
  if (handshake.offered !== offer) throw new StepError(t.label(2), `the runner offered ${handshake.offered}, not ${offer}`);
  return handshake;
}

/** Steps 4 onwards of TC_A_05/06_CS: the next handshake completes, the station boots and reports its connectors. */
async function reconnectsAndBoots(t: CsTest, tls: TlsControl, after: TlsHandshake, since: number): Promise<void> {
  const next = await expectHandshake(t, tls, 4, after.index + 1);
  await expectSecured(t, 6, next);
  const boot = await expectBoot(t, 10, { since });
  await expectAllConnectors(t, 12, boot.index + 1);
}

/** TC_A_07_CS step 4: the client certificate (A00.FR.502-511): key size, a serial number, commonName the station's serial number. */
function expectClientCertificate(t: CsTest, handshake: TlsHandshake, boot: StationCall): void {
  const outcome = handshake.outcome;
  const raw = outcome?.secured ? outcome.certificate?.raw : undefined;
  if (!raw) {
    t.expectThat(
      4,
      "the station's client certificate",
      false,
      "one sent in the TLS handshake",
      outcome?.secured ? "none" : outcome?.reason,
    );
    return;
  }
  const certificate = new X509Certificate(raw);
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails;
  const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp224r1: 224, secp256k1: 256 };
  const bits = details?.modulusLength ?? curveBits[details?.namedCurve ?? ""] ?? 0;
  const ec = key.asymmetricKeyType === "ec";
  t.expectThat(
    4,
    "client certificate key size",
    ec ? bits >= 224 : bits >= 2048,
    ec ? "at least 224 bits (EC)" : "at least 2048 bits (RSA/DSA)",
    `${key.asymmetricKeyType} ${bits} bits`,
  );
  t.expectThat(4, "client certificate serial number", /^[0-9A-F]+$/i.test(certificate.serialNumber), "present", certificate.serialNumber);
  // "the unique serial number of the Charging Station": the serialNumber of its BootNotification, or
  // where it gives none its identity (what 2.0.1 A02 CSRs carry as commonName).
  const serial = (boot.payload.chargingStation as { serialNumber?: string } | undefined)?.serialNumber ?? t.config.stationId;
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1];
  t.expect(4, "client certificate subject commonName (the station's serial number)", commonName, serial);
}

/**
 * Steps 1-12 of TC_A_05/06: with NetworkProfileConnectionAttempts `attempts`, the runner offers `offer` at the
 * station's next handshake, which it must refuse (`requirement`), then reconnects to the configured endpoint
 * and boots; `then` checks the steps after, before the runner offers its configured endpoint again.
 */
async function refusedThenBooted(
  t: CsTest,
  offer: TlsOffer,
  attempts: string,
  requirement: string,
  then: (since: number) => Promise<void>,
): Promise<void> {
  const tls = control(t, "before");
  const set = await setVariable(t, "before", "OCPPCommCtrlr", "NetworkProfileConnectionAttempts", attempts);
  t.expect("before", "SetVariablesResponse setVariableResult[0].attributeStatus", set.attributeStatus, "Accepted");
  const since = t.mark();
  const index = tls.handshakes.length;
  tls.offer([offer]);
  try {
    await booting(t);
    const refused = await expectRefused(t, tls, index, offer, requirement);
    await reconnectsAndBoots(t, tls, refused, since);
    await then(since);
  } finally {
    tls.offer([]);
  }
}

export const tlsCsCases: CsCase[] = [
  csCase({
    id: "TC_A_04_CS",
    name: "TLS - server-side certificate - Valid certificate",
    useCases: ["A00"],
    requires: tlsProfiles,
    async run(t) {
      const tls = control(t, 1);
      const since = t.mark();
      const index = tls.handshakes.length;
      await booting(t);
      const handshake = await expectHandshake(t, tls, 1, index);
      expectClientHello(t, 2, handshake);
      await expectSecured(t, 4, handshake);
      const boot = await expectBoot(t, 7, { since });
      await expectAllConnectors(t, 9, boot.index + 1);
    },
  }),
  csCase({
    id: "TC_A_05_CS",
    name: "TLS - server-side certificate - Invalid certificate",
    useCases: ["A00"],
    requires: tlsProfiles,
    async run(t) {
      // Step 2's "<Configured invalid server certificate>": an unknown one, made for the run.
      await refusedThenBooted(t, TlsOffer.InvalidCertificate, "2", "A00.FR.310/414", async (since) => {
        const event = await t.expectCall(14, "SecurityEventNotification", {
          since,
          where: (p) => p.type === "InvalidCsmsCertificate",
          describe: "type InvalidCsmsCertificate",
        });
        t.expect(14, "SecurityEventNotificationRequest type", event.payload.type, "InvalidCsmsCertificate");
      });
    },
  }),
  csCase({
    id: "TC_A_06_CS",
    name: "TLS - server-side certificate - TLS version too low",
    useCases: ["A00"],
    requires: tlsProfiles,
    async run(t) {
      // Part 6 names no reusable state, yet step 14 expects the security event of a start: the station
      // is brought to its next handshake as in TC_A_04/05 (Reusable State Booting).
      await refusedThenBooted(t, TlsOffer.OldTls, "1", "A00.FR.314/416", async (since) => {
        const start = await t.expectCall(14, "SecurityEventNotification", {
          since,
          where: (p) => p.type === "StartupOfTheDevice" || p.type === "ResetOrReboot",
          describe: "type StartupOfTheDevice or ResetOrReboot",
        });
        t.expectOneOf(14, "SecurityEventNotificationRequest type", start.payload.type, ["StartupOfTheDevice", "ResetOrReboot"]);
        // Steps 16-17 are optional (the station may not tell why the handshake failed); one that comes is InvalidTLSVersion.
        const other = () => t.callsSince(since, "SecurityEventNotification").find((c) => c.index !== start.index);
        const deadline = performance.now() + optionalEventS * 1000;
        while (!other() && performance.now() < deadline) await t.wait(pollS);
        const event = other();
        if (event) t.expect(16, "SecurityEventNotificationRequest type", event.payload.type, "InvalidTLSVersion");
      });
    },
  }),
  csCase({
    id: "TC_A_07_CS",
    name: "TLS - Client-side certificate - valid certificate",
    useCases: ["A00"],
    requires: profile3,
    async run(t) {
      const tls = control(t, 1);
      const since = t.mark();
      const index = tls.handshakes.length;
      await booting(t);
      const handshake = await expectHandshake(t, tls, 1, index);
      // Step 4 validates before the handshake finishes; the client certificate is read once it has.
      expectClientHello(t, 4, handshake);
      await expectSecured(t, 4, handshake);
      const boot = await expectBoot(t, 7, { since });
      expectClientCertificate(t, handshake, boot);
      await expectAllConnectors(t, 9, boot.index + 1);
    },
  }),
];
