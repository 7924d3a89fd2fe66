/**
 * The reusable states of part 6 section 3.18 (Tables 390-399), as building blocks of the cases. Each
 * runs the states its "Reusable State(s)" row requires first, and leaves `t.station` as its post
 * condition says; its steps are labelled with its name (`Authorized 2`).
 */
import { chainProblem, newKeyAndCsr, readCertificateRequest } from "../pki/index.js";
import type { ClientCertificate, CsmsTest } from "./csms-test.js";
import { samePem } from "./truststore.js";

const status = (response: Record<string, unknown>) => (response.idTokenInfo as { status?: unknown } | undefined)?.status;

/** Table 390 Booted: BootNotification PowerUp Accepted, then every connector Available. */
export function booted(t: CsmsTest, reason = "PowerUp"): Promise<void> {
  return t.state("Booted", async () => {
    const response = await t.send(1, "BootNotification", t.bootPayload(reason));
    t.expect(2, "BootNotificationResponse status", response.status, "Accepted");
    await t.notifyAllConnectors(3);
    t.station.booted = true;
    t.station.state = "Booted";
  });
}

/** What some cases add to a state's TransactionEvent (J02: its meter values). */
export interface StateExtras {
  readonly meterValue?: Record<string, unknown>[];
}

/** Table 393 EVConnectedPreSession: the cable is plugged in (Started, or Updated when already Authorized). */
export function evConnectedPreSession(t: CsmsTest, extras: StateExtras = {}): Promise<void> {
  return t.state("EVConnectedPreSession", async () => {
    await t.notifyConnector(1, "Occupied");
    await t.transactionEvent(3, {
      eventType: t.station.authorized ? "Updated" : "Started",
      triggerReason: "CablePluggedIn",
      chargingState: "EVConnected",
      meterValue: extras.meterValue,
    });
    t.station.evConnected = true;
    t.station.state = "EVConnectedPreSession";
  });
}

/** Table 394 Authorized: the valid idToken is authorized locally, then reported in a TransactionEvent. */
export function authorized(t: CsmsTest): Promise<void> {
  return t.state("Authorized", async () => {
    const idToken = t.config.idTokens.valid;
    const authorize = await t.send(1, "Authorize", { idToken });
    t.expect(2, "AuthorizeResponse idTokenInfo.status", status(authorize), "Accepted");
    const event = await t.transactionEvent(3, {
      eventType: t.station.evConnected ? "Updated" : "Started",
      triggerReason: "Authorized",
      chargingState: t.station.evConnected ? "EVConnected" : undefined,
      idToken,
    });
    t.expect(4, "TransactionEventResponse idTokenInfo.status", status(event), "Accepted");
    t.station.authorized = true;
    t.station.idToken = idToken;
    t.station.state = "Authorized";
  });
}

/** Table 395 EnergyTransferStarted: Authorized first if needed, the cable (part 1), then Charging (part 2). */
export async function energyTransferStarted(t: CsmsTest): Promise<void> {
  if (!t.station.authorized) await authorized(t);
  await t.state("EnergyTransferStarted", async () => {
    if (!t.station.evConnected) {
      await t.notifyConnector(1, "Occupied");
      await t.transactionEvent(3, { eventType: "Updated", triggerReason: "CablePluggedIn", chargingState: "EVConnected" });
      t.station.evConnected = true;
    }
    await t.transactionEvent(5, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "Charging" });
    t.station.state = "EnergyTransferStarted";
  });
}

/** Table 396 EnergyTransferSuspended: the EV suspends the energy transfer. */
export async function energyTransferSuspended(t: CsmsTest): Promise<void> {
  if (t.station.state !== "EnergyTransferStarted") await energyTransferStarted(t);
  await t.state("EnergyTransferSuspended", async () => {
    await t.wait(t.config.transactionDurationS);
    await t.transactionEvent(1, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "SuspendedEV" });
    t.station.state = "EnergyTransferSuspended";
  });
}

/** Table 397 StopAuthorized: the driver presents the valid idToken again to stop. */
export async function stopAuthorized(t: CsmsTest): Promise<void> {
  if (t.station.state !== "EnergyTransferStarted") await energyTransferStarted(t);
  await t.state("StopAuthorized", async () => {
    await t.wait(t.config.transactionDurationS);
    const event = await t.transactionEvent(1, { eventType: "Updated", triggerReason: "StopAuthorized", idToken: t.config.idTokens.valid });
    t.expect(2, "TransactionEventResponse idTokenInfo.status", status(event), "Accepted");
    t.station.authorized = false;
    t.station.state = "StopAuthorized";
  });
}

/** Table 398 EVConnectedPostSession: energy transfer stopped, the EV still connected. */
export async function evConnectedPostSession(t: CsmsTest): Promise<void> {
  if (t.station.state !== "StopAuthorized") await stopAuthorized(t);
  await t.state("EVConnectedPostSession", async () => {
    await t.transactionEvent(1, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "EVConnected" });
    t.station.state = "EVConnectedPostSession";
  });
}

/** Table 399 EVDisconnected: the cable is unplugged and the transaction ends. */
export async function evDisconnected(t: CsmsTest, extras: StateExtras = {}): Promise<void> {
  if (t.station.state !== "EVConnectedPostSession") await evConnectedPostSession(t);
  await t.state("EVDisconnected", async () => {
    await t.notifyConnector(1, "Available");
    await t.transactionEvent(3, {
      eventType: "Ended",
      triggerReason: "EVCommunicationLost",
      chargingState: "Idle",
      stoppedReason: "EVDisconnected",
      meterValue: extras.meterValue,
    });
    t.station.evConnected = false;
    t.station.authorized = false;
    t.station.state = "EVDisconnected";
  });
}

/**
 * Table 392 Unavailable: the CSMS makes the specified EVSE (or, with `evseId` undefined, the whole
 * station; with `connectorId`, one connector) Inoperative, and the station reports its connectors.
 */
export function unavailable(t: CsmsTest, evseId: number | undefined, connectorId?: number): Promise<void> {
  return t.state("Unavailable", async () => {
    const evse = evseId === undefined ? undefined : { id: evseId, ...(connectorId === undefined ? {} : { connectorId }) };
    const what =
      evse === undefined
        ? "the Charging Station"
        : connectorId === undefined
          ? `EVSE ${evseId}`
          : `connector ${connectorId} of EVSE ${evseId}`;
    const change = await t.receive(1, "ChangeAvailability", {
      instruction: `Request the CSMS to change the availability of ${what} to Inoperative`,
      payload: { operationalStatus: "Inoperative", ...(evse ? { evse } : {}) },
    });
    t.expect(1, "ChangeAvailabilityRequest operationalStatus", change.payload.operationalStatus, "Inoperative");
    t.expect(1, "ChangeAvailabilityRequest evse", change.payload.evse, evse);
    await change.reply(2, { status: "Accepted" });
    await notifyConnectors(t, 3, "Unavailable", evseId, connectorId);
  });
}

/** The StatusNotification and NotifyEvent of every connector of `evseId` (all EVSEs when undefined). */
export async function notifyConnectors(
  t: CsmsTest,
  step: number | string,
  status: string,
  evseId?: number,
  connectorId?: number,
): Promise<void> {
  for (let evse = 1; evse <= t.config.evses; evse++) {
    if (evseId !== undefined && evse !== evseId) continue;
    const connector = connectorId ?? (evse === t.config.evseId ? t.config.connectorId : 1);
    await t.notifyConnector(step, status, evse, connector);
  }
}

type CertificateType = "CSMSRootCertificate" | "ManufacturerRootCertificate";

/** Table 401 CertificateInstalled: the CSMS installs the configured certificate of `certificateType`. */
export function certificateInstalled(t: CsmsTest, certificateType: CertificateType): Promise<void> {
  return t.state("CertificateInstalled", async () => {
    const certificate = t.config.certificates[certificateType];
    const install = await t.receive(1, "InstallCertificate", {
      instruction: `Request the CSMS to install the configured ${certificateType}`,
      payload: { certificateType, certificate },
    });
    t.expect(1, "InstallCertificateRequest certificateType", install.payload.certificateType, certificateType);
    t.expectThat(
      1,
      "InstallCertificateRequest certificate",
      samePem(install.payload.certificate, certificate),
      `the configured ${certificateType}`,
      install.payload.certificate,
    );
    t.truststore.install(certificateType, certificate);
    await install.reply(2, { status: "Accepted" });
  });
}

/** Table 400 GetInstalledCertificates: the CSMS retrieves the hash data of the installed `certificateType` certificates. */
export function getInstalledCertificates(t: CsmsTest, certificateType: CertificateType): Promise<void> {
  return t.state("GetInstalledCertificates", async () => {
    const get = await t.receive(1, "GetInstalledCertificateIds", {
      instruction: `Request the CSMS to get the installed certificates of type ${certificateType}`,
      payload: { certificateType: [certificateType] },
    });
    const types = get.payload.certificateType;
    t.expectThat(
      1,
      "GetInstalledCertificateIdsRequest certificateType",
      Array.isArray(types) && types.includes(certificateType),
      `[${certificateType}]`,
      types,
    );
    await get.reply(2, { status: "Accepted", certificateHashDataChain: t.truststore.chain([certificateType]) });
  });
}

/**
 * A02/A03 from the CSMS's side, steps 1-6 of Table 403 (Memory State RenewChargingStationCertificate) and
 * of TC_A_14: the CSMS triggers SignChargingStationCertificate, accepts the OCTT's CSR and sends a
 * CertificateSigned, which the OCTT answers `answer`. With Accepted, the chain is checked as Table 403
 * step 5 says: a certificate for the CSR's key, signed (through any sub-CA it carries) by the configured
 * CSMS Root certificate; the certificate and its key are returned (the station's profile 3 credentials).
 */
export async function certificateRenewal(t: CsmsTest, answer: "Accepted" | "Rejected"): Promise<ClientCertificate> {
  const trigger = await t.receive(1, "TriggerMessage", {
    instruction: "Request the CSMS to send a TriggerMessageRequest with requestedMessage SignChargingStationCertificate",
    payload: { requestedMessage: "SignChargingStationCertificate" },
  });
  t.expect(1, "TriggerMessageRequest requestedMessage", trigger.payload.requestedMessage, "SignChargingStationCertificate");
  await trigger.reply(2, { status: "Accepted" });
  const { csrPem, privateKeyPem } = newKeyAndCsr({ commonName: t.stationId, organizationName: t.config.vendorName });
  const signed = t.willReceive("CertificateSigned");
  const response = await t.send(3, "SignCertificate", { csr: csrPem, certificateType: "ChargingStationCertificate" });
  t.expect(4, "SignCertificateResponse status", response.status, "Accepted");
  const call = await signed.arrival(5);
  const chain = String(call.payload.certificateChain ?? "");
  if (answer === "Accepted") {
    t.expect(5, "CertificateSignedRequest certificateType", call.payload.certificateType, "ChargingStationCertificate");
    const problem = chainProblem(chain, t.config.certificates.CSMSRootCertificate, readCertificateRequest(csrPem).publicKey);
    t.expectThat(
      5,
      "CertificateSignedRequest certificateChain",
      problem === undefined,
      "a certificate generated from the CSR of step 3, signed by the configured CSMS Root certificate",
      problem,
    );
  }
  await call.reply(6, { status: answer });
  return { certPem: chain, keyPem: privateKeyPem };
}

/** Table 403: Memory State RenewChargingStationCertificate. */
export async function renewChargingStationCertificate(t: CsmsTest): Promise<ClientCertificate> {
  let renewed: ClientCertificate | undefined;
  await t.state("RenewChargingStationCertificate", async () => {
    renewed = await certificateRenewal(t, "Accepted");
  });
  return renewed as ClientCertificate;
}
