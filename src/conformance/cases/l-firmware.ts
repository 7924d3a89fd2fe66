/** Part 6 section 3.13, L Firmware Management: TC_L_*_CSMS (Tables 357-368), use case L01 secure firmware update. */
import type { CsmsCase } from "../case.js";
import type { CsmsTest, IncomingCall } from "../csms-test.js";
import { energyTransferStarted, evConnectedPostSession, evDisconnected, notifyConnectors, stopAuthorized } from "../states.js";
import { csmsCase, field } from "./define.js";

type Schedule = "retrieve" | "install" | undefined;

/** Step `step`: the CSMS sends UpdateFirmware for the configured firmware (with a retrieve or install time a few seconds ahead). */
async function updateFirmware(t: CsmsTest, step: number, requestId: number, schedule?: Schedule): Promise<IncomingCall> {
  const { location, signingCertificate, signature } = t.config.firmware;
  const soon = new Date(Date.now() + 2_000).toISOString();
  return t.receive(step, "UpdateFirmware", {
    instruction: `Request the CSMS to update the firmware to ${location}${schedule ? ` with the ${schedule} time in the future` : ""}`,
    payload: {
      requestId,
      firmware: {
        location,
        retrieveDateTime: schedule === "retrieve" ? soon : new Date().toISOString(),
        ...(schedule === "install" ? { installDateTime: soon } : {}),
        signingCertificate,
        signature,
      },
    },
  });
}

/** A date the CSMS set must lie ahead; the tool then waits for it (bounded by maxWaitS). */
function expectFuture(t: CsmsTest, step: number, check: string, value: unknown): number {
  const at = typeof value === "string" ? Date.parse(value) : Number.NaN;
  t.expectThat(step, check, Number.isFinite(at) && at > Date.now(), "a dateTime in the future", value);
  return Math.min(Math.max(0, at - Date.now()) / 1000, t.config.maxWaitS);
}

/** FirmwareStatusNotifications of `statuses`, the first at `step`, the next every second step. Returns the step after them. */
async function statuses(t: CsmsTest, step: number, requestId: number, list: readonly string[]): Promise<number> {
  for (const status of list) {
    await t.send(step, "FirmwareStatusNotification", { status, requestId });
    step += 2;
  }
  return step;
}

/** InstallRebooting done: the BootNotification FirmwareUpdate at `step`, its check, the connectors, then the final status. */
async function rebootAndReport(t: CsmsTest, step: number, requestId: number, final: string): Promise<void> {
  const boot = await t.send(step, "BootNotification", t.bootPayload("FirmwareUpdate"));
  t.expect(step + 1, "BootNotificationResponse status", boot.status, "Accepted");
  await t.notifyAllConnectors(step + 2);
  await statuses(t, step + 4, requestId, [final]);
}

const install = ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting"];

/** A case that answers the UpdateFirmware with `status` and then reports `list` (and reboots when it ends with InstallRebooting). */
const firmwareCase = (id: string, name: string, status: string, list: readonly string[], final?: string): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: ["L01"],
    async run(t) {
      const update = await updateFirmware(t, 1, 1);
      await update.reply(2, { status });
      const next = await statuses(t, 3, 1, list);
      if (final) await rebootAndReport(t, next, 1, final);
    },
  });

/** TC_L_10 / TC_L_11: a second UpdateFirmware while downloading, answered AcceptedCanceled or Rejected. */
const secondRequestCase = (id: string, name: string, second: "AcceptedCanceled" | "Rejected"): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: ["L01"],
    async run(t) {
      const first = await updateFirmware(t, 1, 1);
      await first.reply(2, { status: "Accepted" });
      await statuses(t, 3, 1, ["Downloading"]);
      const again = await updateFirmware(t, 5, 2);
      const requestId = again.payload.requestId as number;
      t.expectThat(5, "UpdateFirmwareRequest requestId", requestId !== first.payload.requestId, "a new requestId", requestId);
      await again.reply(6, { status: second });
      // Canceled: the new firmware is downloaded from the start; Rejected: the first one carries on.
      const list = second === "AcceptedCanceled" ? install : install.slice(1);
      const next = await statuses(t, 7, second === "AcceptedCanceled" ? requestId : 1, list);
      await rebootAndReport(t, next, second === "AcceptedCanceled" ? requestId : 1, "Installed");
    },
  });

export const firmwareCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_L_01_CSMS",
    name: "Secure Firmware Update - Installation successful",
    useCases: ["L01"],
    async run(t) {
      const update = await updateFirmware(t, 1, 1);
      const { signingCertificate, signature } = t.config.firmware;
      t.expect(
        1,
        "UpdateFirmwareRequest firmware.signingCertificate",
        field(update.payload, "firmware.signingCertificate"),
        signingCertificate,
      );
      t.expect(1, "UpdateFirmwareRequest firmware.signature", field(update.payload, "firmware.signature"), signature);
      await update.reply(2, { status: "Accepted" });
      const next = await statuses(t, 3, 1, install);
      await rebootAndReport(t, next, 1, "Installed");
    },
  }),
  csmsCase({
    id: "TC_L_02_CSMS",
    name: "Secure Firmware Update - InstallScheduled",
    useCases: ["L01"],
    async run(t) {
      const update = await updateFirmware(t, 1, 1, "install");
      const wait = expectFuture(t, 1, "UpdateFirmwareRequest firmware.installDateTime", field(update.payload, "firmware.installDateTime"));
      await update.reply(2, { status: "Accepted" });
      await statuses(t, 3, 1, ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled"]);
      await t.wait(wait);
      const next = await statuses(t, 11, 1, ["Installing", "InstallRebooting"]);
      await rebootAndReport(t, next, 1, "Installed");
    },
  }),
  csmsCase({
    id: "TC_L_03_CSMS",
    name: "Secure Firmware Update - DownloadScheduled",
    useCases: ["L01"],
    async run(t) {
      const update = await updateFirmware(t, 1, 1, "retrieve");
      const wait = expectFuture(
        t,
        1,
        "UpdateFirmwareRequest firmware.retrieveDateTime",
        field(update.payload, "firmware.retrieveDateTime"),
      );
      await update.reply(2, { status: "Accepted" });
      await statuses(t, 3, 1, ["DownloadScheduled"]);
      await t.wait(wait);
      const next = await statuses(t, 5, 1, install);
      await rebootAndReport(t, next, 1, "Installed");
    },
  }),
  firmwareCase("TC_L_04_CSMS", "Secure Firmware Update - RevokedCertificate", "RevokedCertificate", []),
  firmwareCase("TC_L_05_CSMS", "Secure Firmware Update - InvalidCertificate", "InvalidCertificate", []),
  firmwareCase("TC_L_06_CSMS", "Secure Firmware Update - InvalidSignature", "Accepted", ["Downloading", "Downloaded", "InvalidSignature"]),
  firmwareCase("TC_L_07_CSMS", "Secure Firmware Update - DownloadFailed", "Accepted", ["Downloading", "DownloadFailed"]),
  firmwareCase("TC_L_08_CSMS", "Secure Firmware Update - InstallVerificationFailed", "Accepted", [
    "Downloading",
    "Downloaded",
    "SignatureVerified",
    "Installing",
    "InstallVerificationFailed",
  ]),
  firmwareCase("TC_L_09_CSMS", "Secure Firmware Update - InstallationFailed", "Accepted", install, "InstallationFailed"),
  secondRequestCase("TC_L_10_CSMS", "Secure Firmware Update - AcceptedCanceled", "AcceptedCanceled"),
  secondRequestCase("TC_L_11_CSMS", "Secure Firmware Update - Unable to cancel", "Rejected"),
  csmsCase({
    id: "TC_L_13_CSMS",
    name: "Secure Firmware Update - Unable to download/install firmware with ongoing transaction - AllowNewSessionsPendingFirmwareUpdate is false",
    useCases: ["L01"],
    async run(t) {
      await energyTransferStarted(t);
      const update = await updateFirmware(t, 1, 1, "retrieve");
      t.expect(
        1,
        "UpdateFirmwareRequest firmware.signingCertificate",
        field(update.payload, "firmware.signingCertificate"),
        t.config.firmware.signingCertificate,
      );
      const retrieveAt = Date.parse(String(field(update.payload, "firmware.retrieveDateTime")));
      await update.reply(2, { status: "Accepted" });
      await statuses(t, 3, 1, ["DownloadScheduled"]);
      for (let evse = 1; evse <= t.config.evses; evse++) if (evse !== t.config.evseId) await notifyConnectors(t, 5, "Unavailable", evse);
      await t.wait(t.config.transactionDurationS);
      await t.state("7", () => stopAuthorized(t));
      await t.state("8", () => evConnectedPostSession(t));
      await t.state("9", () => evDisconnected(t));
      if (Number.isFinite(retrieveAt)) await t.wait(Math.min(Math.max(0, retrieveAt - Date.now()) / 1000, t.config.maxWaitS));
      const next = await statuses(t, 10, 1, install);
      await rebootAndReport(t, next, 1, "Installed");
    },
  }),
];
