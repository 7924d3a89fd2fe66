/**
 * What every case sees, whichever side is under test: the verbs of part 6's tables that do not depend on
 * the direction. Steps are numbered as in part 6 (inside a reusable state they read `Booted 2`); the
 * OCTT sends a message and checks the answer (`send`), a tool validation (`expect`), a "Manual Action"
 * asked of the trigger, part 6's waits. Every message both ways is checked against the 2.0.1 schemas: a
 * violation by the system under test fails the step with the field named, a wrong message of the tool
 * is an error of the case. CsmsTest (ocppkit plays the station) and CsTest (ocppkit plays the CSMS) add
 * what their direction needs.
 */
import { isDeepStrictEqual } from "node:util";
import { CallTimeoutError, InvalidResponseError, NotConnectedError, OcppError, validatePayload } from "../index.js";
import { type ChargePoint, call as calls, protocol } from "../v201/index.js";
import type { ConformanceConfig } from "./config.js";
import { CheckFailure, StepError, shown } from "./failures.js";
import { NeedsActionError, type Trigger } from "./triggers.js";

type Body = Record<string, unknown>;
type PayloadClass = new (payload: Body) => never;

export interface CaseTestOptions {
  readonly caseId: string;
  readonly stationId: string;
  readonly config: ConformanceConfig;
  readonly trigger: Trigger;
}

export abstract class CaseTest {
  readonly caseId: string;
  readonly stationId: string;
  readonly config: ConformanceConfig;
  /** The system under test as the checks name it: "CSMS" or "station". */
  protected abstract readonly sut: string;
  /** The step running now (a failure found outside a step is reported at it). */
  protected currentStep = "1";
  readonly #trigger: Trigger;
  #prefix: string[] = [];
  /** A failure found outside a step (a schema violation in a CALL nobody waited for, a background send). */
  #pending: CheckFailure | StepError | undefined;

  constructor(options: CaseTestOptions) {
    this.caseId = options.caseId;
    this.stationId = options.stationId;
    this.config = options.config;
    this.#trigger = options.trigger;
  }

  /** How many frames have been logged (a failure remembers where it happened). */
  protected abstract frameCount(): number;

  /** The open connection to the system under test (step `label` fails or errs without one). */
  protected abstract connection(label: string): Promise<ChargePoint>;

  /** `2` at the top level, `Booted 2` inside a reusable state. */
  label(step: number | string): string {
    return [...this.#prefix, String(step)].join(" ");
  }

  /** Runs a reusable state (part 6 section 3.18 onwards): its steps are labelled with its name. */
  async state(name: string, run: () => Promise<void>): Promise<void> {
    this.#prefix.push(name);
    try {
      await run();
    } finally {
      this.#prefix.pop();
    }
  }

  /** Starts step `step`: a failure found since the last step ends the case first. */
  protected begin(step: number | string): string {
    this.raisePending();
    this.currentStep = this.label(step);
    return this.currentStep;
  }

  // ---- the OCTT sends ----

  /** The OCTT sends `action`; the system under test must answer with a valid CALLRESULT, which is returned. */
  async send(step: number | string, action: string, payload: Body): Promise<Body> {
    const label = this.begin(step);
    const response = await this.call(label, action, payload);
    this.raisePending();
    return response;
  }

  /** The OCTT sends `action` and the system under test must answer with a CALLERROR of `code` (TC_B_30). */
  async sendExpectingError(step: number | string, action: string, payload: Body, code: string): Promise<void> {
    const label = this.begin(step);
    const cp = await this.connection(label);
    const Payload = this.payloadClass(label, action, payload);
    let result: unknown;
    try {
      result = await cp.call(new Payload(payload), { suppress: false });
    } catch (error) {
      if (error instanceof OcppError && !(error instanceof InvalidResponseError)) {
        if (error.code !== code)
          throw this.fail(new CheckFailure(label, `the answer to ${action}`, `CALLERROR ${code}`, `CALLERROR ${error.code}`));
        return;
      }
      throw this.callProblem(label, action, error);
    }
    throw this.fail(new CheckFailure(label, `the answer to ${action}`, `CALLERROR ${code}`, `CALLRESULT ${shown(result)}`));
  }

  /** A CALL of the tool at step `label`, its own payload checked first; the answer, or the failure it is. */
  protected async call(label: string, action: string, payload: Body): Promise<Body> {
    const cp = await this.connection(label);
    const Payload = this.payloadClass(label, action, payload);
    try {
      return (await cp.call(new Payload(payload), { suppress: false })) as Body;
    } catch (error) {
      throw this.callProblem(label, action, error);
    }
  }

  protected payloadClass(label: string, action: string, payload: Body): PayloadClass {
    const spec = protocol.actions.get(action);
    const Payload = (calls as unknown as Record<string, PayloadClass>)[action];
    if (!spec || !Payload) throw this.fail(new StepError(label, `${action} is not an OCPP 2.0.1 action`));
    const problem = validatePayload(spec.request, payload);
    // The tool's own message must be valid: a broken case is an error, not a failure of the system under test.
    if (problem) throw this.fail(new StepError(label, `the tool's ${action}Request is invalid: ${problem.description}`));
    return Payload;
  }

  protected callProblem(label: string, action: string, error: unknown): CheckFailure | StepError {
    if (error instanceof InvalidResponseError) {
      return this.fail(
        new CheckFailure(
          label,
          `${action}Response schema`,
          "a valid OCPP 2.0.1 payload",
          `${error.cause.code}: ${error.cause.description}`,
        ),
      );
    }
    if (error instanceof OcppError) {
      return this.fail(
        new CheckFailure(label, `the answer to ${action}`, `${action}Response`, `CALLERROR ${error.code}: ${error.description}`),
      );
    }
    if (error instanceof CallTimeoutError) {
      return this.fail(
        new CheckFailure(label, `the answer to ${action}`, `${action}Response within ${this.config.responseTimeoutS} s`, "no answer"),
      );
    }
    if (error instanceof NotConnectedError)
      return this.fail(new CheckFailure(label, `the answer to ${action}`, `${action}Response`, `the ${this.sut} closed the connection`));
    if (error instanceof CheckFailure || error instanceof StepError) return this.fail(error);
    return this.fail(new StepError(label, `${action} failed: ${(error as Error).message}`));
  }

  // ---- the system under test sends ----

  /**
   * A CALL of the system under test, checked against its schema: a violation is remembered as the failure
   * of the current step (returned, so the caller can answer it with a CALLERROR), else undefined.
   */
  protected invalidCall(action: string, payload: Body): ReturnType<typeof validatePayload> | undefined {
    const spec = protocol.actions.get(action);
    const problem = spec && validatePayload(spec.request, payload);
    if (!problem) return undefined;
    this.#pending ??= this.fail(
      new CheckFailure(
        this.currentStep,
        `${action}Request schema`,
        "a valid OCPP 2.0.1 payload",
        `${problem.code}: ${problem.description}`,
      ),
    );
    return problem;
  }

  /** A failure found outside the step that waits (a background send): it ends the case at the next step. */
  protected failLater(failure: CheckFailure | StepError): void {
    this.#pending ??= failure;
  }

  protected get pending(): CheckFailure | StepError | undefined {
    return this.#pending;
  }

  // ---- manual actions ----

  /**
   * Part 6's "Manual Action": asks the trigger (a prompt on a terminal, `--trigger`); with none the case
   * is "needs action", a trigger that fails is an error of the case.
   */
  protected async askTrigger(label: string, action: string, payload: Body, instruction: string): Promise<void> {
    try {
      await this.#trigger({ caseId: this.caseId, stationId: this.stationId, version: "2.0.1", action, payload, instruction });
    } catch (error) {
      if (error instanceof NeedsActionError) throw error;
      throw this.fail(new StepError(label, `the trigger failed: ${(error as Error).message}`));
    }
  }

  // ---- tool validations ----

  /** A named tool validation: `received` must equal `expected` (deeply). */
  expect(step: number | string, check: string, received: unknown, expected: unknown): void {
    if (!isDeepStrictEqual(received, expected))
      throw this.fail(new CheckFailure(this.label(step), check, shown(expected), shown(received)));
  }

  /** A named tool validation with several allowed values. */
  expectOneOf(step: number | string, check: string, received: unknown, allowed: readonly unknown[]): void {
    if (!allowed.some((value) => isDeepStrictEqual(received, value)))
      throw this.fail(new CheckFailure(this.label(step), check, allowed.map(shown).join(" or "), shown(received)));
  }

  /** A named tool validation stated as a condition; `expected` says it in words. */
  expectThat(step: number | string, check: string, ok: boolean, expected: string, received: unknown): void {
    if (!ok) throw this.fail(new CheckFailure(this.label(step), check, expected, shown(received)));
  }

  /** Remembers where in the frames a failure happened (the report shows the frames around it). */
  protected fail<E extends CheckFailure | StepError>(failure: E): E {
    if (failure.frameIndex < 0) failure.frameIndex = this.frameCount();
    return failure;
  }

  protected raisePending(): void {
    if (this.#pending) throw this.#pending;
  }

  /** Part 6's waits (`<Configured Transaction Duration>` and others), in seconds. */
  wait(seconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }

  now(): string {
    return new Date().toISOString();
  }
}
