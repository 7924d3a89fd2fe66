/**
 * The message log: newest first, each answer tied to its CALL (the CALL's row shows the outcome and
 * latency, the answer's row which CALL it answers), errors highlighted, a row's JSON shown on click,
 * filtered by charger and action, pausable, and downloadable as JSON Lines.
 */
import type { LogRecord } from "../view-types.js";
import { byId, clock, h, summary } from "./dom.js";

const keptRecords = 2000;
const shownRows = 400;

export class LogPanel {
  readonly #records: LogRecord[] = [];
  /** Records that arrived while paused, shown on resume. */
  readonly #held: LogRecord[] = [];
  /** The answer of each CALL, by the CALL's seq. */
  readonly #answers = new Map<number, LogRecord>();
  readonly #actions = new Set<string>();
  readonly #body = byId("log").querySelector("tbody") as HTMLTableSectionElement;
  readonly #charger = byId<HTMLSelectElement>("log-charger");
  readonly #action = byId<HTMLInputElement>("log-action");
  readonly #pause = byId<HTMLButtonElement>("log-pause");
  #paused = false;

  constructor() {
    this.#charger.addEventListener("change", () => this.render());
    this.#action.addEventListener("input", () => this.render());
    this.#pause.addEventListener("click", () => this.#togglePause());
    byId("log-download").addEventListener("click", () => this.#download());
  }

  /** Shows only `chargerId`'s messages ("" for all). */
  filterCharger(chargerId: string): void {
    this.#charger.value = chargerId;
    this.render();
  }

  setChargers(ids: readonly string[]): void {
    const selected = this.#charger.value;
    this.#charger.replaceChildren(h("option", { value: "" }, "all"), ...ids.map((id) => h("option", { value: id }, id)));
    this.#charger.value = ids.includes(selected) ? selected : "";
  }

  reset(records: readonly LogRecord[]): void {
    this.#records.length = 0;
    this.#held.length = 0;
    this.#answers.clear();
    for (const record of records) this.#keep(record);
    this.render();
  }

  add(record: LogRecord): void {
    if (this.#paused) {
      this.#held.push(record);
      byId("log-held").textContent = `${this.#held.length} new while paused`;
      return;
    }
    this.#keep(record);
    if (record.callSeq !== undefined) {
      const callRow = this.#body.querySelector(`tr[data-seq="${record.callSeq}"]`);
      if (callRow) callRow.replaceWith(this.#row(this.#records.find((r) => r.seq === record.callSeq) as LogRecord));
    }
    if (!this.#matches(record)) return;
    this.#body.prepend(this.#row(record));
    while (this.#body.querySelectorAll("tr.frame").length > shownRows) this.#body.querySelector("tr.frame:last-of-type")?.remove();
  }

  render(): void {
    const rows = this.#records
      .filter((record) => this.#matches(record))
      .slice(-shownRows)
      .reverse();
    this.#body.replaceChildren(...rows.map((record) => this.#row(record)));
  }

  #keep(record: LogRecord): void {
    this.#records.push(record);
    if (record.callSeq !== undefined) this.#answers.set(record.callSeq, record);
    if (record.action && !this.#actions.has(record.action)) {
      this.#actions.add(record.action);
      byId("log-actions").replaceChildren(...[...this.#actions].sort().map((action) => h("option", { value: action })));
    }
    if (this.#records.length > keptRecords) {
      const dropped = this.#records.splice(0, this.#records.length - keptRecords);
      for (const old of dropped) this.#answers.delete(old.seq);
    }
  }

  #matches(record: LogRecord): boolean {
    const charger = this.#charger.value;
    const action = this.#action.value.trim().toLowerCase();
    return (!charger || record.chargerId === charger) && (!action || (record.action ?? "").toLowerCase().includes(action));
  }

  #row(record: LogRecord): HTMLTableRowElement {
    const answer = record.type === "CALL" ? this.#answers.get(record.seq) : undefined;
    const failed = record.type === "CALLERROR" || record.type === "UNREADABLE" || answer?.type === "CALLERROR";
    const fromCharger = record.from === "chargePoint";
    let outcome: HTMLElement | string = "";
    if (record.type === "CALL") {
      outcome = answer
        ? answer.type === "CALLERROR"
          ? h("span", { class: "bad" }, `✗ ${answer.errorCode}`)
          : h("span", { class: "good" }, "✓ answered")
        : h("span", { class: "dir" }, "waiting…");
    } else if (record.callSeq !== undefined) outcome = h("span", { class: "dir" }, `answers #${record.callSeq}`);
    const latency = record.latencyMs ?? answer?.latencyMs;
    const fields =
      record.type === "CALLERROR"
        ? `${record.errorDescription ?? ""}`
        : record.type === "UNREADABLE"
          ? "unreadable frame"
          : summary(record.payload);
    const row = h(
      "tr",
      {
        class: `frame${failed ? " error" : ""}`,
        "data-seq": record.seq,
        "data-type": record.type,
        "data-action": record.action ?? "",
        "data-charger": record.chargerId,
        title: "click for the JSON",
        onclick: () => this.#toggleJson(row, record, answer),
      },
      h("td", {}, clock(record.time)),
      h("td", {}, record.chargerId),
      h("td", { class: "dir" }, fromCharger ? "→ CS" : "← CS"),
      h(
        "td",
        {},
        h("span", { class: "kind" }, record.type === "CALL" || record.type === "SEND" ? (record.action ?? "") : record.type),
        record.type === "CALL" ? "" : ` ${record.action ?? ""}`,
      ),
      h("td", {}, outcome),
      h("td", {}, latency === undefined ? "" : `${latency} ms`),
      h("td", { class: "fields" }, record.type === "CALLERROR" ? h("span", { class: "bad" }, `${record.errorCode}: ${fields}`) : fields),
    );
    return row;
  }

  #toggleJson(row: HTMLTableRowElement, record: LogRecord, answer: LogRecord | undefined): void {
    const next = row.nextElementSibling;
    if (next?.classList.contains("json")) {
      next.remove();
      return;
    }
    const shown = answer ? { message: record, answer } : record;
    row.after(h("tr", { class: "json" }, h("td", { colspan: 7 }, h("pre", {}, JSON.stringify(shown, null, 2)))));
  }

  #togglePause(): void {
    this.#paused = !this.#paused;
    this.#pause.textContent = this.#paused ? "Resume" : "Pause";
    this.#pause.setAttribute("aria-pressed", String(this.#paused));
    if (!this.#paused) {
      for (const record of this.#held.splice(0)) this.#keep(record);
      byId("log-held").textContent = "";
      this.render();
    }
  }

  #download(): void {
    const lines = this.#records.filter((record) => this.#matches(record)).map((record) => JSON.stringify(record));
    const blob = new Blob([lines.join("\n") + (lines.length ? "\n" : "")], { type: "application/x-ndjson" });
    const link = h("a", {
      href: URL.createObjectURL(blob),
      download: `ocppkit-messages-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }
}
