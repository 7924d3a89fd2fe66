/**
 * Block L, Firmware Management (part 6 section 2.13): the TC_L_*_CS cases of a secure firmware update
 * (L01), steps numbered as there. The firmware is `<Configured firmware_location>` with its configured
 * signing certificate and signature; the station fetches it itself (part 6's prerequisite: a file server).
 */
import type { CsCase } from "../case.js";
import type { CsTest } from "./cs-test.js";
import { csCase, expectAllConnectors, requestId } from "./states.js";

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
