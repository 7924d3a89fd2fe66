/**
 * The command panel: a charger, an action its version lets a central system send, a JSON editor
 * prefilled with a valid example, the payload checked in the page against the version's own schema
 * validators (loaded only when a charger of that version is chosen), and the charger's answer. It
 * sends through the control endpoint, like the conformance runner's triggers.
 */
import type { SchemaValidator } from "../../rpc/validation.js";
import { type PayloadProblem, payloadProblem } from "../payload-problem.js";
import type { ActionInfo, ChargerView, ControlAnswer, OcppVersionName } from "../view-types.js";
import { byId, h } from "./dom.js";

type Validators = Readonly<Record<string, SchemaValidator>>;

// One chunk per version: a page watching only 1.6 chargers never downloads the 2.1 validators.
const loadValidators: Readonly<Record<OcppVersionName, () => Promise<unknown>>> = {
  "1.6": () => import("../../v16/validators.generated.js"),
  "2.0.1": () => import("../../v201/validators.generated.js"),
  "2.1": () => import("../../v21/validators.generated.js"),
};

/** Where a field is in the editor's text: the last key of its pointer (or of its parent, when missing). */
function locate(text: string, field: string): { start: number; end: number; line: number } | undefined {
  const keys = field.split("/").filter((key) => key && !/^\d+$/.test(key));
  for (const key of keys.reverse()) {
    const match = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"\\s*:`).exec(text);
    if (match) return { start: match.index, end: match.index + key.length + 2, line: text.slice(0, match.index).split("\n").length };
  }
  return undefined;
}

export class CommandPanel {
  readonly #charger = byId<HTMLSelectElement>("cmd-charger");
  readonly #action = byId<HTMLSelectElement>("cmd-action");
  readonly #payload = byId<HTMLTextAreaElement>("cmd-payload");
  readonly #problem = byId("cmd-problem");
  readonly #anyway = byId<HTMLInputElement>("cmd-anyway");
  readonly #send = byId<HTMLButtonElement>("cmd-send");
  readonly #answer = byId("cmd-answer");
  readonly #actions = new Map<OcppVersionName, Promise<ActionInfo[]>>();
  readonly #validators = new Map<OcppVersionName, Promise<Validators>>();
  #chargers: readonly ChargerView[] = [];

  constructor() {
    this.#charger.addEventListener("change", () => void this.#chooseCharger());
    this.#action.addEventListener("change", () => void this.#chooseAction());
    this.#payload.addEventListener("input", () => void this.#check());
    this.#anyway.addEventListener("change", () => this.#send.classList.toggle("anyway", this.#anyway.checked));
    this.#send.addEventListener("click", () => void this.#submit());
  }

  /** The connected chargers to choose from; keeps the choice while it stays connected. */
  setChargers(chargers: readonly ChargerView[]): void {
    const connected = chargers.filter((charger) => !charger.goneAt);
    const same = connected.length === this.#chargers.length && connected.every((charger, i) => charger.id === this.#chargers[i].id);
    this.#chargers = connected;
    if (same) return;
    const selected = this.#charger.value;
    this.#charger.replaceChildren(
      ...connected.map((charger) => h("option", { value: charger.id }, `${charger.id} (OCPP ${charger.version})`)),
    );
    if (connected.some((charger) => charger.id === selected)) this.#charger.value = selected;
    else void this.#chooseCharger();
  }

  /** Chooses `id` in the panel (a click on a charger's row). */
  select(id: string): void {
    if (this.#charger.value === id || !this.#chargers.some((charger) => charger.id === id)) return;
    this.#charger.value = id;
    void this.#chooseCharger();
  }

  #version(): OcppVersionName | undefined {
    return this.#chargers.find((charger) => charger.id === this.#charger.value)?.version;
  }

  async #chooseCharger(): Promise<void> {
    const version = this.#version();
    if (!version) {
      this.#action.replaceChildren();
      return;
    }
    const previous = this.#action.value;
    const actions = await this.#actionsOf(version);
    if (this.#version() !== version) return;
    this.#action.replaceChildren(...actions.map((info) => h("option", { value: info.action }, info.action)));
    this.#action.value = actions.some((info) => info.action === previous) ? previous : (actions[0]?.action ?? "");
    this.#action.dataset.version = version;
    await this.#chooseAction();
  }

  async #chooseAction(): Promise<void> {
    const version = this.#version();
    if (!version) return;
    const info = (await this.#actionsOf(version)).find((candidate) => candidate.action === this.#action.value);
    this.#payload.value = JSON.stringify(info?.example ?? {}, null, 2);
    this.#answer.hidden = true;
    await this.#check();
  }

  #actionsOf(version: OcppVersionName): Promise<ActionInfo[]> {
    let actions = this.#actions.get(version);
    if (!actions) {
      actions = fetch(`api/actions/${version}`).then((response) => response.json() as Promise<ActionInfo[]>);
      this.#actions.set(version, actions);
    }
    return actions;
  }

  #validatorsOf(version: OcppVersionName): Promise<Validators> {
    let validators = this.#validators.get(version);
    if (!validators) {
      validators = loadValidators[version]() as Promise<Validators>;
      this.#validators.set(version, validators);
    }
    return validators;
  }

  /** The problem with the editor's payload, shown under it; undefined when it is valid. */
  async #check(): Promise<{ problem?: PayloadProblem; payload?: unknown }> {
    const version = this.#version();
    const action = this.#action.value;
    let payload: unknown;
    try {
      payload = JSON.parse(this.#payload.value);
    } catch (error) {
      return this.#show({ field: "", code: "FormatViolation", message: `not JSON: ${(error as Error).message}` });
    }
    if (!version || !action) return this.#show(undefined, payload);
    const validator = (await this.#validatorsOf(version))[`${action}Request`];
    return this.#show(validator ? payloadProblem(validator, payload) : undefined, payload);
  }

  #show(problem: PayloadProblem | undefined, payload?: unknown): { problem?: PayloadProblem; payload?: unknown } {
    this.#payload.classList.toggle("invalid", !!problem);
    this.#problem.hidden = !problem;
    if (problem) {
      const where = locate(this.#payload.value, problem.field);
      this.#problem.dataset.field = problem.field;
      this.#problem.replaceChildren(
        "✗ ",
        h("code", {}, problem.field || "payload"),
        `: ${problem.message}`,
        where ? ` (line ${where.line})` : "",
        h("span", { class: "dir" }, ` · ${problem.code}`),
      );
    }
    return { problem, payload };
  }

  async #submit(): Promise<void> {
    const id = this.#charger.value;
    const version = this.#version();
    const action = this.#action.value;
    if (!id || !version || !action) return;
    const { problem, payload } = await this.#check();
    const anyway = this.#anyway.checked;
    if (problem && (!anyway || payload === undefined)) {
      // Refused in the page: the cursor goes to the field at fault.
      const where = locate(this.#payload.value, problem.field);
      this.#payload.focus();
      if (where) this.#payload.setSelectionRange(where.start, where.end);
      this.#problem.classList.remove("flash");
      void this.#problem.offsetWidth;
      this.#problem.classList.add("flash");
      return;
    }
    this.#send.disabled = true;
    this.#showAnswer("waiting", `${action} sent to ${id}…`);
    try {
      const path = `control/${encodeURIComponent(version)}/${encodeURIComponent(id)}/${encodeURIComponent(action)}${anyway ? "?sendAnyway=1" : ""}`;
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      const answer = (await response.json()) as ControlAnswer;
      if (answer.outcome === "result")
        this.#showAnswer("result", `${id} answered ${action} in ${answer.latencyMs} ms:\n${JSON.stringify(answer.payload, null, 2)}`);
      else if (answer.outcome === "callError")
        this.#showAnswer(
          "callError",
          `${id} answered ${action} with CALLERROR ${answer.code}: ${answer.description}\n${JSON.stringify(answer.details, null, 2)}`,
        );
      else this.#showAnswer("refused", `${answer.problem}: ${answer.message}`);
    } catch (error) {
      this.#showAnswer("refused", `could not reach the central system: ${(error as Error).message}`);
    } finally {
      this.#send.disabled = false;
    }
  }

  #showAnswer(outcome: string, text: string): void {
    this.#answer.hidden = false;
    this.#answer.className = `answer ${outcome}`;
    this.#answer.dataset.outcome = outcome;
    this.#answer.textContent = text;
  }
}
