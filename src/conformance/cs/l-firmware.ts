/**
 * Block L, Firmware Management (part 6 section 2.13): the TC_L_*_CS cases of a secure firmware update
 * (L01), steps numbered as there. The firmware is `<Configured firmware_location>` with its configured
 * signing certificate and signature; the station fetches it itself (part 6's prerequisite: a file server).
 */
import { type CsCase, Feature } from "../case.js";
import type { CsTest } from "./cs-test.js";
import { type Setting, TxSession } from "./session-states.js";
import { csCase, expectAllConnectors, expectConnectorState, requestId } from "./states.js";

type Body = Record<string, unknown>;

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
const seconds = (n: number) => new Date(Date.now() + n * 1000).toISOString();

/**
 * The UpdateFirmwareRequest of step 1: the configured firmware, retrieved and installed "<Current DateTime -
 * 2 hours>" unless `firmware` says otherwise.
 */
function updateFirmware(t: CsTest, id: number, firmware: Body = {}): Body {
  const f = t.config.firmware;
  const twoHoursAgo = hours(-2);
  return {
    requestId: id,
    firmware: {
      location: f.location,
      retrieveDateTime: twoHoursAgo,
      installDateTime: twoHoursAgo,
      signingCertificate: f.signingCertificate,
      signature: f.signature,
      ...firmware,
    },
  };
}

/** Step `step`: the station's next FirmwareStatusNotification has `status` (and the request's requestId). */
async function expectFirmwareStatus(t: CsTest, step: number, status: string, id: number, timeoutS?: number): Promise<void> {
  const call = await t.expectCall(step, "FirmwareStatusNotification", { timeoutS });
  t.expect(step, "FirmwareStatusNotificationRequest status", call.payload.status, status);
  t.expect(step, "FirmwareStatusNotificationRequest requestId", call.payload.requestId, id);
}

/** Steps `step`, +2, +4: Downloading (waited for up to `timeoutS`), Downloaded, SignatureVerified. */
async function downloadsAndVerifies(t: CsTest, step: number, id: number, timeoutS?: number): Promise<void> {
  await expectFirmwareStatus(t, step, "Downloading", id, timeoutS);
  await expectFirmwareStatus(t, step + 2, "Downloaded", id);
  await expectFirmwareStatus(t, step + 4, "SignatureVerified", id);
}

/**
 * The end of a successful update from Installing on (`step` numbers Installing): InstallRebooting, the
 * BootNotification of reason FirmwareUpdate, the SecurityEventNotification FirmwareUpdated, every
 * connector Available and Installed (the last three in any order after the boot).
 */
async function installs(t: CsTest, step: number, id: number, timeoutS?: number): Promise<void> {
  await expectFirmwareStatus(t, step, "Installing", id, timeoutS);
  await expectFirmwareStatus(t, step + 2, "InstallRebooting", id);
  const boot = await t.expectCall(step + 4, "BootNotification");
  t.expect(step + 4, "BootNotificationRequest reason", boot.payload.reason, "FirmwareUpdate");
  const afterBoot = boot.index + 1;
  const event = await t.expectCall(step + 6, "SecurityEventNotification", { since: afterBoot });
  t.expect(step + 6, "SecurityEventNotificationRequest type", event.payload.type, "FirmwareUpdated");
  await expectAllConnectors(t, step + 8, afterBoot);
  const installed = await t.expectCall(step + 10, "FirmwareStatusNotification", { since: afterBoot });
  t.expect(step + 10, "FirmwareStatusNotificationRequest status", installed.payload.status, "Installed");
}

/** Step 1-2: UpdateFirmware, answered Accepted. */
async function accepted(t: CsTest, request: Body): Promise<void> {
  const response = await t.send(1, "UpdateFirmware", request);
  t.expect(2, "UpdateFirmwareResponse status", response.status, "Accepted");
}

export const firmwareCsCases: readonly CsCase[] = [
  csCase({
    id: "TC_L_01_CS",
    name: "Secure Firmware Update - Installation successful",
    useCases: ["L01"],
    async run(t) {
      const id = requestId();
      await accepted(t, updateFirmware(t, id));
      await downloadsAndVerifies(t, 3, id);
      await installs(t, 9, id);
    },
  }),
  csCase({
    id: "TC_L_02_CS",
    name: "Secure Firmware Update - InstallScheduled",
    useCases: ["L01"],
    async run(t) {
      const id = requestId();
      const offset = t.config.firmware.installOffsetS;
      await accepted(t, updateFirmware(t, id, { installDateTime: seconds(offset) }));
      await downloadsAndVerifies(t, 3, id);
      await expectFirmwareStatus(t, 9, "InstallScheduled", id);
      // Step 11 "needs to be executed after the configured installDateTime is reached".
      await installs(t, 11, id, offset + t.config.actionTimeoutS);
    },
  }),
  csCase({
    id: "TC_L_03_CS",
    name: "Secure Firmware Update - DownloadScheduled",
    useCases: ["L01"],
    async run(t) {
      const id = requestId();
      const offset = t.config.firmware.downloadOffsetS;
      await accepted(t, updateFirmware(t, id, { retrieveDateTime: seconds(offset) }));
      await expectFirmwareStatus(t, 3, "DownloadScheduled", id);
      await downloadsAndVerifies(t, 5, id, offset + t.config.actionTimeoutS);
      await installs(t, 11, id);
    },
  }),
  csCase({
    id: "TC_L_10_CS",
    name: "Secure Firmware Update - AcceptedCanceled",
    useCases: ["L01"],
    features: [Feature.L, Feature.CancelFirmwareUpdate],
    // Prerequisite: the station is still downloading the first firmware when the second request comes.
    async run(t) {
      const first = requestId();
      await accepted(t, updateFirmware(t, first));
      await expectFirmwareStatus(t, 3, "Downloading", first);
      const second = requestId();
      const response = await t.send(5, "UpdateFirmware", updateFirmware(t, second));
      t.expect(6, "UpdateFirmwareResponse status", response.status, "AcceptedCanceled");
      await downloadsAndVerifies(t, 7, second);
      await installs(t, 13, second);
    },
  }),
  csCase({
    id: "TC_L_06_CS",
    name: "Secure Firmware Update - InvalidSignature",
    useCases: ["L01"],
    async run(t) {
      const id = requestId();
      const signature = t.config.firmware.invalidSignature ?? corrupted(t.config.firmware.signature);
      await accepted(t, updateFirmware(t, id, { signature }));
      await expectFirmwareStatus(t, 3, "Downloading", id);
      await expectFirmwareStatus(t, 5, "Downloaded", id);
      await expectFirmwareStatus(t, 7, "InvalidSignature", id);
      const event = await t.expectCall(9, "SecurityEventNotification");
      t.expect(9, "SecurityEventNotificationRequest type", event.payload.type, "InvalidFirmwareSignature");
    },
  }),
  csCase({
    id: "TC_L_07_CS",
    name: "Secure Firmware Update - DownloadFailed",
    useCases: ["L01"],
    async run(t) {
      const id = requestId();
      const location = `${t.config.firmware.location}_does_not_exist`;
      await accepted(t, updateFirmware(t, id, { location }));
      // Step 3 (Downloading) is optional: "the Charging Station may immediately identify downloading is not possible".
      const first = await t.expectCall(3, "FirmwareStatusNotification");
      t.expectOneOf(3, "FirmwareStatusNotificationRequest status", first.payload.status, ["Downloading", "DownloadFailed"]);
      if (first.payload.status === "Downloading") await expectFirmwareStatus(t, 5, "DownloadFailed", id);
    },
  }),
  csCase({
    id: "TC_L_05_CS",
    name: "Secure Firmware Update - InvalidCertificate",
    useCases: ["L01"],
    requires: (config) =>
      config.firmware.invalidSigningCertificate === undefined
        ? "needs firmware.invalidSigningCertificate: a certificate the station must refuse as firmware signing certificate"
        : undefined,
    async run(t) {
      const signingCertificate = t.config.firmware.invalidSigningCertificate;
      const response = await t.send(1, "UpdateFirmware", updateFirmware(t, requestId(), { signingCertificate }));
      t.expectOneOf(2, "UpdateFirmwareResponse status", response.status, ["InvalidCertificate", "RevokedCertificate"]);
    },
  }),
  csCase({
    id: "TC_L_08_CS",
    name: "Secure Firmware Update - InstallVerificationFailed or InstallationFailed",
    useCases: ["L01"],
    requires: (config) =>
      config.firmware.installFailure === undefined
        ? "needs firmware.installFailure: the location, signingCertificate and signature of a firmware whose installation fails"
        : undefined,
    async run(t) {
      const id = requestId();
      const failing = t.config.firmware.installFailure ?? { location: "", signingCertificate: "", signature: "" };
      const offset = t.config.firmware.downloadOffsetS;
      await accepted(t, updateFirmware(t, id, { ...failing, retrieveDateTime: seconds(offset) }));
      await expectFirmwareStatus(t, 3, "DownloadScheduled", id);
      // Step 5 "needs to executed after the configured retrieveDateTime is reached".
      await downloadsAndVerifies(t, 5, id, offset + t.config.actionTimeoutS);
      await expectFirmwareStatus(t, 11, "Installing", id);
      // Steps 13-18 (InstallRebooting, the boot, the connectors) are optional for a bootloader without OCPP.
      let last = await t.expectCall(13, "FirmwareStatusNotification");
      if (last.payload.status === "InstallRebooting") {
        t.expect(13, "FirmwareStatusNotificationRequest requestId", last.payload.requestId, id);
        const boot = await t.expectCall(15, "BootNotification");
        t.expect(15, "BootNotificationRequest reason", boot.payload.reason, "FirmwareUpdate");
        await expectAllConnectors(t, 17, boot.index + 1);
        last = await t.expectCall(19, "FirmwareStatusNotification", { since: boot.index + 1 });
      }
      t.expectOneOf(19, "FirmwareStatusNotificationRequest status", last.payload.status, [
        "InstallVerificationFailed",
        "InstallationFailed",
      ]);
      t.expect(19, "FirmwareStatusNotificationRequest requestId", last.payload.requestId, id);
    },
  }),
  csCase({
    id: "TC_L_11_CS",
    name: "Secure Firmware Update - Unable to cancel",
    useCases: ["L01"],
    withoutFeatures: [Feature.CancelFirmwareUpdate],
    // Prerequisite: the station is still downloading the first firmware when the second request comes.
    async run(t) {
      const first = requestId();
      await accepted(t, updateFirmware(t, first));
      await expectFirmwareStatus(t, 3, "Downloading", first);
      const second = updateFirmware(t, requestId(), { retrieveDateTime: new Date().toISOString() });
      delete (second.firmware as Body).installDateTime;
      const response = await t.send(5, "UpdateFirmware", second);
      t.expect(6, "UpdateFirmwareResponse status", response.status, "Rejected");
      await expectFirmwareStatus(t, 7, "Downloaded", first);
      await expectFirmwareStatus(t, 9, "SignatureVerified", first);
      await installs(t, 11, first);
    },
  }),
  csCase({
    id: "TC_L_12_CS",
    name: "Secure Firmware Update - Unable to download/install firmware with ongoing transaction - AllowNewSessionsPendingFirmwareUpdate is true",
    useCases: ["L01"],
    withoutFeatures: [Feature.FirmwareDownloadDuringTransaction, Feature.FirmwareUpdateDuringTransaction],
    requires: twoEvses,
    async run(t) {
      await duringTransaction(t, allowNewSessions(t, true), async (first, id) => {
        await expectFirmwareStatus(t, 3, "DownloadScheduled", id);
        const second = await new TxSession(t, otherEvse(t)).prepare();
        await second.energyTransferStarted();
        await sessionEnds(first);
        await sessionEnds(second);
        await downloadsAndVerifies(t, 8, id);
        await installs(t, 14, id);
      });
    },
  }),
  csCase({
    id: "TC_L_13_CS",
    name: "Secure Firmware Update - Unable to download/install firmware with ongoing transaction - AllowNewSessionsPendingFirmwareUpdate is false",
    useCases: ["L01"],
    features: [Feature.L, Feature.AllowNewSessionsPendingFirmwareUpdate],
    withoutFeatures: [Feature.FirmwareDownloadDuringTransaction, Feature.FirmwareUpdateDuringTransaction],
    async run(t) {
      await duringTransaction(t, allowNewSessions(t, false), async (session, id, since) => {
        await expectFirmwareStatus(t, 3, "DownloadScheduled", id);
        await othersUnavailable(t, 5, since);
        await sessionEnds(session);
        await downloadsAndVerifies(t, 8, id);
        await installs(t, 14, id);
      });
    },
  }),
  csCase({
    id: "TC_L_14_CS",
    name: "Secure Firmware Update - Unable to install firmware with ongoing transaction - AllowNewSessionsPendingFirmwareUpdate is true",
    useCases: ["L01"],
    features: [Feature.L, Feature.FirmwareDownloadDuringTransaction],
    withoutFeatures: [Feature.FirmwareUpdateDuringTransaction],
    requires: twoEvses,
    async run(t) {
      await duringTransaction(t, allowNewSessions(t, true), async (first, id) => {
        await downloadsAndVerifies(t, 3, id);
        await expectFirmwareStatus(t, 9, "InstallScheduled", id);
        const second = await new TxSession(t, otherEvse(t)).prepare();
        await second.energyTransferStarted();
        await sessionEnds(first);
        await sessionEnds(second);
        await installs(t, 14, id);
      });
    },
  }),
  csCase({
    id: "TC_L_15_CS",
    name: "Secure Firmware Update - Unable to install firmware with ongoing transaction - AllowNewSessionsPendingFirmwareUpdate is false",
    useCases: ["L01"],
    features: [Feature.L, Feature.FirmwareDownloadDuringTransaction, Feature.AllowNewSessionsPendingFirmwareUpdate],
    withoutFeatures: [Feature.FirmwareUpdateDuringTransaction],
    async run(t) {
      await duringTransaction(t, allowNewSessions(t, false), async (session, id, since) => {
        await othersUnavailable(t, 3, since);
        await downloadsAndVerifies(t, 5, id);
        await expectFirmwareStatus(t, 11, "InstallScheduled", id);
        await sessionEnds(session);
        await installs(t, 14, id);
      });
    },
  }),
  csCase({
    id: "TC_L_16_CS",
    name: "Secure Firmware Update - Able to update firmware with ongoing transaction",
    useCases: ["L01"],
    features: [Feature.L, Feature.FirmwareUpdateDuringTransaction],
    async run(t) {
      await duringTransaction(t, [], async (_session, id) => {
        await downloadsAndVerifies(t, 3, id);
        await expectFirmwareStatus(t, 9, "Installing", id);
        await expectFirmwareStatus(t, 11, "Installed", id);
      });
    },
  }),
  csCase({
    id: "TC_L_18_CS",
    name: "Secure Firmware Update - Missing firmware signing certificate and signature",
    useCases: ["L01"],
    async run(t) {
      const request = updateFirmware(t, requestId());
      const firmware = request.firmware as Body;
      delete firmware.signingCertificate;
      delete firmware.signature;
      const response = await t.send(1, "UpdateFirmware", request);
      t.expectOneOf(2, "UpdateFirmwareResponse status", response.status, ["Rejected", "InvalidCertificate"]);
    },
  }),
];

/**
 * A signature that is not the file's: the configured one with its last byte changed (part 6 wants "a real
 * signature"; configure `firmware.invalidSignature` for one made with another key).
 */
function corrupted(signatureBase64: string): string {
  const bytes = Buffer.from(signatureBase64, "base64");
  if (bytes.length) bytes[bytes.length - 1] ^= 0x01;
  return bytes.toString("base64");
}

function twoEvses(config: { evses: number }): string | undefined {
  return config.evses < 2 ? "needs a station that runs two transactions at a time (evses >= 2)" : undefined;
}

function otherEvse(t: CsTest): number {
  return t.evseId === 1 ? 2 : 1;
}

/** "AllowNewSessionsPendingFirmwareUpdate is `value`" (TC_L_12/14_CS: "If implemented"). */
function allowNewSessions(t: CsTest, value: boolean): Setting[] {
  if (!t.config.features.includes(Feature.AllowNewSessionsPendingFirmwareUpdate)) return [];
  return [["ChargingStation", "AllowNewSessionsPendingFirmwareUpdate", String(value)]];
}

/**
 * TC_L_12..16_CS: "Before" the settings and State EnergyTransferStarted for `<Configured connectorId>`, steps
 * 1-2 (UpdateFirmware, Accepted), then `rest` with the session, the request id and the mark after step 2.
 */
async function duringTransaction(
  t: CsTest,
  settings: readonly Setting[],
  rest: (session: TxSession, id: number, since: number) => Promise<void>,
): Promise<void> {
  const session = await new TxSession(t).prepare(settings);
  await session.energyTransferStarted();
  const id = requestId();
  const since = t.mark();
  await accepted(t, updateFirmware(t, id));
  await rest(session, id, since);
  await session.cleanup();
}

/**
 * "Execute Reusable State ParkingBayUnoccupied … This causes the transaction to stop": its preceding
 * states in order (StopAuthorized by RequestStopTransaction, which part 6 lets the OCTT choose,
 * EVConnectedPostSession, EVDisconnected).
 */
async function sessionEnds(session: TxSession): Promise<void> {
  await session.stopAuthorizedRemote();
  await session.evConnectedPostSession();
  await session.evDisconnected();
  await session.parkingBayUnoccupied(true);
}

/** L01.FR.07: every connector not in the transaction reports Unavailable (TC_L_13/15_CS). */
async function othersUnavailable(t: CsTest, step: number, since: number): Promise<void> {
  for (let evse = 1; evse <= t.config.evses; evse++)
    if (evse !== t.evseId) await expectConnectorState(t, step, "Unavailable", evse, 1, since);
}
