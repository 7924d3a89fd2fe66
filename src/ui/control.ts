/**
 * The control endpoint: `POST <base>/<version>/<charger id>/<action>` with the JSON payload as body makes
 * the central system send that CALL to that charger and answers with how it ended. The page's command
 * panel and the conformance runner's triggers both go through it. Answers (JSON, see ControlAnswer):
 *   200 {outcome:"result", payload} or {outcome:"callError", code, description, details}: the charger answered;
 *   400 InvalidPayload (with `field`), UnknownAction, NotSentByCentralSystem, BadRequest (body not a JSON object);
 *   404 UnknownCharger; 409 WrongVersion (the charger speaks another version); 504 Timeout; 502 Failed.
 * `?sendAnyway=1` skips the schema check, to test how a station handles bad input.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Fleet } from "./fleet.js";
import { payloadProblem } from "./payload-problem.js";
import { isVersionName, uiVersions } from "./versions.js";
import type { ControlAnswer } from "./view-types.js";

export interface ControlRequest {
  readonly version: string;
  readonly chargerId: string;
  readonly action: string;
  readonly payload: unknown;
  /** Send even when the payload breaks the schema. */
  readonly sendAnyway?: boolean;
}

export interface ControlResponse {
  readonly status: number;
  readonly answer: ControlAnswer;
}

const maxBodyBytes = 1024 * 1024;

const refused = (status: number, problem: string, message: string, extra: { field?: string; code?: string } = {}): ControlResponse => ({
  status,
  answer: { outcome: "refused", problem, message, ...extra },
});

/** Checks and sends one command: the control endpoint without HTTP. */
export async function sendCommand(fleet: Fleet, request: ControlRequest): Promise<ControlResponse> {
  const { version, chargerId, action, payload } = request;
  if (!isVersionName(version)) return refused(404, "UnknownVersion", `OCPP ${version} is not a version ocppkit speaks (1.6, 2.0.1, 2.1)`);
  const charger = (await fleet.chargers()).find((candidate) => candidate.id === chargerId);
  if (!charger) return refused(404, "UnknownCharger", `${chargerId} is not connected`);
  if (charger.version !== version) return refused(409, "WrongVersion", `${chargerId} speaks OCPP ${charger.version}, not ${version}`);
  const { actionSender, protocol } = uiVersions[version];
  const sender = actionSender[action];
  const spec = protocol.actions.get(action);
  if (!sender || !spec) return refused(400, "UnknownAction", `${action} is not an OCPP ${version} action`);
  if (sender === "ChargePoint" || !spec.response)
    return refused(400, "NotSentByCentralSystem", `${action} is not a CALL a central system sends`);
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return refused(400, "BadRequest", "the body must be a JSON object: the payload");
  if (!request.sendAnyway) {
    const problem = payloadProblem(spec.request, payload);
    if (problem) {
      return refused(
        400,
        "InvalidPayload",
        `${problem.field || "payload"}: ${problem.message}; add ?sendAnyway=1 to send it all the same`,
        {
          field: problem.field,
          code: problem.code,
        },
      );
    }
  }
  const started = performance.now();
  const outcome = await fleet.call(chargerId, action, payload as Record<string, unknown>, { skipValidation: request.sendAnyway === true });
  const latencyMs = Math.round(performance.now() - started);
  if (outcome.outcome === "result") return { status: 200, answer: { outcome: "result", action, payload: outcome.payload, latencyMs } };
  if (outcome.outcome === "callError") return { status: 200, answer: { ...outcome, action, latencyMs } };
  const status = outcome.problem === "UnknownCharger" ? 404 : outcome.problem === "Timeout" ? 504 : 502;
  return refused(status, outcome.problem, outcome.message);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        resolve(undefined);
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(text);
}

/**
 * An HTTP handler for the control endpoint under `base` (e.g. "/control"). It returns false for a
 * request outside `base`, so it can sit in front of other handlers; authentication is the caller's.
 */
export function controlHandler(fleet: Fleet, base = "/control"): (request: IncomingMessage, response: ServerResponse) => boolean {
  const prefix = `${base.replace(/\/$/, "")}/`;
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://control.invalid");
    if (!url.pathname.startsWith(prefix)) return false;
    const parts = url.pathname.slice(prefix.length).split("/");
    if (parts.length !== 3 || parts.some((part) => !part)) {
      writeJson(response, 404, refused(404, "BadRequest", `expected POST ${prefix}<version>/<charger id>/<action>`).answer);
      return true;
    }
    if (request.method !== "POST") {
      response.setHeader("allow", "POST");
      writeJson(response, 405, refused(405, "BadRequest", "the control endpoint takes POST").answer);
      return true;
    }
    const [version, chargerId, action] = parts.map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
    const sendAnyway = ["1", "true"].includes(url.searchParams.get("sendAnyway") ?? "");
    readBody(request)
      .then(async (body) => {
        if (body === undefined) return refused(413, "BadRequest", `the payload must be at most ${maxBodyBytes} bytes`);
        let payload: unknown;
        try {
          payload = body.trim() ? JSON.parse(body) : {};
        } catch (error) {
          return refused(400, "BadRequest", `the body is not JSON: ${(error as Error).message}`);
        }
        return sendCommand(fleet, { version, chargerId, action, payload, sendAnyway });
      })
      .then(
        ({ status, answer }) => writeJson(response, status, answer),
        (error: unknown) => writeJson(response, 500, refused(500, "Failed", (error as Error).message).answer),
      );
    return true;
  };
}
