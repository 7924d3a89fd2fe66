/**
 * A charge point as a web page runs it, through `ocppkit/core` and `ocppkit/v16` only. The Chromium
 * test bundles this file with esbuild for the browser (`globalName` ocppkitCharger) and calls `run()`
 * in the page.
 */
import { connectWebSocket, InvalidPayloadError, on } from "ocppkit/core";
import { Action, ChargePoint, call, callResult, type ResetRequest } from "ocppkit/v16";

class Charger extends ChargePoint {
  readonly resets: string[] = [];

  @on(Action.Reset)
  onReset({ type }: ResetRequest) {
    this.resets.push(type);
    return new callResult.Reset({ status: "Accepted" });
  }
}

let charger: Charger | undefined;

export interface BrowserRun {
  readonly boot: string | undefined;
  /** How the invalid Authorize was refused: error class and message. */
  readonly refused: string;
  readonly heartbeat: boolean;
}

/** Connects to `<url>/<id>`, boots, tries an Authorize whose idTag is too long, then a Heartbeat. */
export async function run(url: string, id: string): Promise<BrowserRun> {
  charger = new Charger(id, await connectWebSocket(`${url}/${id}`, { protocols: ["ocpp1.6"] }));
  void charger.start();
  const boot = await charger.call(new call.BootNotification({ chargePointVendor: "ocppkit", chargePointModel: "Chromium" }));
  let refused = "not refused";
  try {
    await charger.call(new call.Authorize({ idTag: "TAG-TOO-LONG-FOR-OCPP-16" }));
  } catch (error) {
    refused = error instanceof InvalidPayloadError ? `InvalidPayloadError: ${error.message}` : String(error);
  }
  const heartbeat = await charger.call(new call.Heartbeat());
  return { boot: boot?.status, refused, heartbeat: typeof heartbeat?.currentTime === "string" };
}

/** The Reset types the charger was asked for. */
export function resets(): string[] {
  return charger?.resets ?? [];
}
