/**
 * The simulated charger's control endpoint: the physical actions a conformance case asks for (part 6
 * "Manual Action": power cycle, drive in, plug in, present an idToken, unplug, EV side disconnect, …), so `ocppkit conformance cs` runs
 * unattended against `ocppkit charge-point --control <port>`. It speaks the trigger convention of the
 * conformance runner: `POST <base>/<version>/<station>/<action>` with the action's parameters as a JSON
 * body; `--trigger http://127.0.0.1:<port>` points the runner at it. Loopback only by default.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimulatedCharger2 } from "./simulated-charger-2.js";

type Body = Record<string, unknown>;

/** What the control endpoint drives: the 2.x simulator (its session model and its boot). */
export type ControlledCharger = Pick<
  SimulatedCharger2,
  "id" | "boot" | "stopSession" | "connector" | "background" | "sessions" | "station"
>;

/**
 * Carries out one physical action: PowerCycle here, the others in the session model (src/station/session.ts:
 * DriveIn, DriveOut, PlugIn, Unplug, EVSideDisconnect, EVSideReconnect, PresentIdToken, EVSuspend, EVResume).
 * Throws a one-line reason for an unknown action or EVSE, or one that makes no sense now.
 */
export function physicalAction(charger: ControlledCharger, action: string, payload: Body): void {
  // Not physical, but by hand at the station all the same (part 6 TC_N_62 Memory State).
  if (action === "StoreCustomerIdentifier") {
    if (typeof payload.customerIdentifier !== "string" || !payload.customerIdentifier)
      throw new Error("StoreCustomerIdentifier needs a customerIdentifier (a non-empty string)");
    charger.station.customers.store(payload.customerIdentifier);
    return;
  }
  const evseId = typeof payload.evseId === "number" ? payload.evseId : 1;
  if (action !== "PowerCycle" && !charger.connector(evseId)) throw new Error(`no EVSE ${evseId}`);
  if (action === "PowerCycle") {
    charger.background("PowerCycle", async () => {
      for (let id = 1; charger.connector(id); id++) await charger.stopSession(id, "PowerLoss");
      await charger.boot("PowerUp");
    });
    return;
  }
  const reaction = charger.sessions.act(action, evseId, payload.idToken as { idToken?: string; type?: string } | undefined);
  charger.background(action, () => reaction);
}

/** Listens on `host:port` for `POST /<version>/<station>/<action>`; resolves once listening. */
export async function startChargerControl(charger: ControlledCharger, port: number, host = "127.0.0.1"): Promise<Server & { url: string }> {
  // With an endpoint for physical actions the EV is real: a remote start waits for it (session.ts).
  charger.sessions.physical = true;
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
        physicalAction(charger, action, payload);
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
