/**
 * The simulated charger's control endpoint: the physical actions a conformance case asks for (part 6
 * "Manual Action": power cycle, plug in, present an idToken, unplug), so `ocppkit conformance cs` runs
 * unattended against `ocppkit charge-point --control <port>`. It speaks the trigger convention of the
 * conformance runner: `POST <base>/<version>/<station>/<action>` with the action's parameters as a JSON
 * body; `--trigger http://127.0.0.1:<port>` points the runner at it. Loopback only by default.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type PreAuthorized, plugIn, presentIdToken } from "./present-id-token.js";
import type { SimulatedCharger2 } from "./simulated-charger-2.js";

type Body = Record<string, unknown>;

/** What the control endpoint drives: the 2.x simulator (its sessions and its boot). */
export type ControlledCharger = Pick<
  SimulatedCharger2,
  "id" | "boot" | "startSession" | "stopSession" | "sendStatus" | "connector" | "connectors" | "background" | "station"
>;

/** Carries out one physical action; rejects with a one-line reason for an unknown action or EVSE. */
export function physicalAction(charger: ControlledCharger, action: string, payload: Body, pending: Map<number, PreAuthorized>): void {
  const evseId = typeof payload.evseId === "number" ? payload.evseId : 1;
  const idToken = (payload.idToken as { idToken?: string } | undefined)?.idToken;
  if (action !== "PowerCycle" && !charger.connector(evseId)) throw new Error(`no EVSE ${evseId}`);
  switch (action) {
    case "PowerCycle":
      charger.background("PowerCycle", async () => {
        for (let id = 1; charger.connector(id); id++) await charger.stopSession(id, "PowerLoss");
        await charger.boot("PowerUp");
      });
      return;
    case "PresentIdToken":
      if (!idToken) throw new Error("PresentIdToken needs payload.idToken.idToken");
      charger.background(action, () => presentIdToken(charger, evseId, idToken, pending));
      return;
    case "PlugIn":
      charger.background(action, () => plugIn(charger, evseId, pending));
      return;
    case "Unplug":
      pending.delete(evseId);
      charger.background(action, async () => {
        // Ending a transaction reports the connector's new state; without one the unplug reports it, once.
        if (charger.connector(evseId)?.transactionId !== undefined) return charger.stopSession(evseId, "EVDisconnected");
        // An EVSE made Inoperative meanwhile (G03.FR.04) stays Unavailable when the EV leaves.
        await charger.sendStatus(evseId, charger.station.operations.idleStatus(evseId));
      });
      return;
    default:
      throw new Error(`unknown action '${action}': PowerCycle, PlugIn, PresentIdToken or Unplug`);
  }
}

/** Listens on `host:port` for `POST /<version>/<station>/<action>`; resolves once listening. */
export async function startChargerControl(charger: ControlledCharger, port: number, host = "127.0.0.1"): Promise<Server & { url: string }> {
  const pending = new Map<number, PreAuthorized>();
  const server = createServer((request, response) => {
    const reply = (status: number, body: Body) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const parts = (request.url ?? "").split("?")[0]?.split("/").filter(Boolean).map(decodeURIComponent) ?? [];
    if (request.method !== "POST" || parts.length < 3) return reply(404, { error: "POST /<version>/<station>/<action> with a JSON body" });
    const [, station, action] = parts.slice(-3) as [string, string, string];
    if (station !== charger.id) return reply(404, { error: `this simulator is ${charger.id}, not ${station}` });
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > 65_536) request.destroy();
    });
    request.on("end", () => {
      let payload: Body;
      try {
        payload = text.trim() ? (JSON.parse(text) as Body) : {};
      } catch {
        return reply(400, { error: "the body is not JSON" });
      }
      try {
        physicalAction(charger, action, payload, pending);
        reply(200, { done: action });
      } catch (error) {
        reply(400, { error: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return Object.assign(server, { url: `http://${host}:${address.port}` });
}
