/**
 * Triggers: how the runner gets the CSMS to act where part 6 says "Manual Action: request the CSMS to …".
 * The request names the action the CSMS must send and its parameters; the CSMS's CALL itself is what the
 * case then waits for (bounded), so a trigger only has to start it:
 *  - prompt: on a terminal, print exactly what to do;
 *  - command: run a shell command with the request in its environment (OCPPKIT_CASE, OCPPKIT_STATION,
 *    OCPPKIT_VERSION, OCPPKIT_ACTION, OCPPKIT_PAYLOAD as JSON, OCPPKIT_INSTRUCTION);
 *  - http: `POST <base>/<version>/<station>/<action>` with the payload as JSON body (the convention of
 *    open-source OCTT clones, and ocppkit serve's control endpoint);
 *  - none: the case is "needs action", never passed.
 */
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface TriggerRequest {
  readonly caseId: string;
  readonly stationId: string;
  /** "2.0.1" */
  readonly version: string;
  /** The CALL the CSMS must send: `Reset`, `RequestStartTransaction`, … */
  readonly action: string;
  /** Its parameters, as a payload of that action. */
  readonly payload: Record<string, unknown>;
  /** What a person does, in one line: "Request the CSMS to reset the station with type OnIdle". */
  readonly instruction: string;
}

/** Starts the CSMS's action; rejects (with a one-line reason) when the trigger itself failed. */
export type Trigger = (request: TriggerRequest) => Promise<void>;

/** Thrown by a case that needs an action nobody can trigger: the case is "needs action". */
export class NeedsActionError extends Error {
  constructor(instruction: string) {
    super(`needs action: ${instruction} (no trigger configured: use --trigger, or run on a terminal)`);
    this.name = "NeedsActionError";
  }
}

export const noTrigger: Trigger = (request) => Promise.reject(new NeedsActionError(request.instruction));

/** On a terminal: prints what to do; the case waits for the CSMS's message (config actionTimeoutS). */
export function promptTrigger(write: (line: string) => void): Trigger {
  return async (request) => {
    write(`\n>>> ${request.caseId}: ${request.instruction}`);
    write(`    (the CSMS must send ${request.action} to ${request.stationId}, e.g. ${JSON.stringify(request.payload)}); waiting…`);
  };
}

/** Runs `command` in a shell with the request in its environment; a non-zero exit fails the trigger. */
export function commandTrigger(command: string): Trigger {
  return (request) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, {
        shell: true,
        stdio: ["ignore", "ignore", "pipe"],
        env: {
          ...process.env,
          OCPPKIT_CASE: request.caseId,
          OCPPKIT_STATION: request.stationId,
          OCPPKIT_VERSION: request.version,
          OCPPKIT_ACTION: request.action,
          OCPPKIT_PAYLOAD: JSON.stringify(request.payload),
          OCPPKIT_INSTRUCTION: request.instruction,
        },
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString("utf8")).slice(-500);
      });
      child.on("error", (error) => reject(new Error(`the trigger command failed to start: ${error.message}`)));
      child.on("close", (code) => {
        if (code === 0) resolve();
        else reject(new Error(`the trigger command exited with ${code}${stderr.trim() ? `: ${stderr.trim().split("\n").pop()}` : ""}`));
      });
    });
}

/**
 * POSTs the payload to `<base>/<version>/<station>/<action>`. The answer may come only once the station
 * (this runner) has answered the CALL, so the request is not awaited before the case waits for the CALL;
 * a refusal (HTTP 4xx/5xx) fails the trigger with the body's message.
 */
export function httpTrigger(
  base: string,
  options: { readonly headers?: Readonly<Record<string, string>>; readonly ca?: Buffer } = {},
): Trigger {
  const root = base.replace(/\/+$/, "");
  return (request) =>
    new Promise((resolve, reject) => {
      const url = new URL(
        `${root}/${encodeURIComponent(request.version)}/${encodeURIComponent(request.stationId)}/${encodeURIComponent(request.action)}`,
      );
      const body = JSON.stringify(request.payload);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const call = send(
        url,
        { method: "POST", ca: options.ca, headers: { "content-type": "application/json", ...options.headers } },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text = (text + chunk).slice(0, 4000);
          });
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            let message = text.trim();
            try {
              message = String((JSON.parse(text) as { message?: string }).message ?? message);
            } catch {}
            reject(new Error(`POST ${url.pathname} answered HTTP ${status}${message ? `: ${message}` : ""}`));
          });
        },
      );
      call.on("error", (error) => reject(new Error(`POST ${url.href} failed: ${error.message}`)));
      call.end(body);
    });
}

/**
 * `--trigger`: an http(s):// URL is the base of the HTTP trigger (credentials in the URL become Basic
 * auth; an https endpoint may use the CA of the station's TLS), anything else a shell command.
 */
export function triggerOption(value: string, ca?: Buffer): Trigger {
  return /^https?:\/\//i.test(value) ? httpTrigger(value, { ca }) : commandTrigger(value);
}
