/**
 * The page of `ocppkit serve --ui`: follows the server's live stream (server-sent events: a snapshot,
 * then every change) and renders chargers, transactions, the message log and the command panel.
 */
import {
  type ChargerView,
  type LogRecord,
  type Snapshot,
  samplesPerTransaction,
  type TransactionUpdate,
  type TransactionView,
} from "../view-types.js";
import { chart } from "./chart.js";
import { CommandPanel } from "./commands.js";
import { byId, clock, h, kW, kWh, versionClass } from "./dom.js";
import { LogPanel } from "./log.js";

const chargers = new Map<string, ChargerView>();
const transactions = new Map<string, TransactionView>();
const log = new LogPanel();
const commands = new CommandPanel();

function chargerRow(charger: ChargerView): HTMLTableRowElement {
  const gone = charger.goneAt !== undefined;
  const connectors = Object.entries(charger.connectors).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  return h(
    "tr",
    {
      class: gone ? "gone" : "",
      "data-charger": charger.id,
      "data-state": gone ? "gone" : "connected",
      onclick: () => {
        log.filterCharger(charger.id);
        commands.select(charger.id);
      },
    },
    h(
      "td",
      {},
      h("span", { class: "id" }, charger.id),
      h("span", { class: versionClass(charger.version) }, charger.version),
      charger.node ? h("span", { class: "badge" }, charger.node) : "",
      gone
        ? h(
            "div",
            { class: "gone-note" },
            `left ${clock(charger.goneAt)}${charger.closeCode === undefined ? "" : ` (${charger.closeCode}${charger.closeReason ? ` ${charger.closeReason}` : ""})`}`,
          )
        : "",
    ),
    h("td", { title: charger.connectedSince }, clock(charger.connectedSince)),
    h("td", { title: charger.lastMessageAt ?? "" }, charger.lastAction ? `${charger.lastAction} ${clock(charger.lastMessageAt)}` : "–"),
    h(
      "td",
      { class: "boot" },
      charger.boot ? [charger.boot.vendor, charger.boot.model].filter(Boolean).join(" ") : "–",
      charger.boot?.firmware ? h("div", { class: "dir" }, `firmware ${charger.boot.firmware}`) : "",
    ),
    h(
      "td",
      {},
      ...connectors.map(([key, connector]) =>
        h("span", { class: `chip ${connector.status}`, title: connector.errorCode ?? "" }, `${key}: ${connector.status}`),
      ),
    ),
  );
}

function renderChargers(): void {
  // Connected chargers first, then the ones that left, each group in the order they came.
  const all = [...chargers.values()];
  const ordered = [...all.filter((charger) => !charger.goneAt), ...all.filter((charger) => charger.goneAt)];
  (byId("chargers").querySelector("tbody") as HTMLElement).replaceChildren(...ordered.map(chargerRow));
  byId("no-chargers").hidden = all.length > 0;
  log.setChargers(all.map((charger) => charger.id));
  commands.setChargers(all);
}

function transactionCard(tx: TransactionView): HTMLElement {
  const stopped = tx.stoppedAt !== undefined;
  return h(
    "div",
    { class: `tx${stopped ? " stopped" : ""}`, "data-tx": tx.key, "data-charger": tx.chargerId },
    h(
      "header",
      {},
      h("span", {}, h("b", {}, tx.chargerId), ` · transaction ${tx.transactionId}`),
      h("span", { class: "state" }, stopped ? `stopped ${clock(tx.stoppedAt)} (${tx.stopReason})` : "charging"),
    ),
    h(
      "div",
      { class: "figures" },
      h("span", { class: "energy" }, h("b", { class: "energy-value" }, kWh(tx.energyWh))),
      h("span", { class: "power" }, h("b", {}, stopped ? "–" : kW(tx.powerW))),
    ),
    chart(tx.samples),
    h(
      "div",
      { class: "meta" },
      `started ${clock(tx.startedAt)}`,
      tx.connector ? ` · connector ${tx.connector}` : "",
      tx.idToken ? ` · ${tx.idToken}` : "",
    ),
  );
}

function renderTransactions(): void {
  // Running first, newest first.
  const all = [...transactions.values()].reverse();
  const ordered = [...all.filter((tx) => !tx.stoppedAt), ...all.filter((tx) => tx.stoppedAt)];
  byId("transactions").replaceChildren(...ordered.map(transactionCard));
  byId("no-transactions").hidden = ordered.length > 0;
}

function upsertTransaction({ addedSamples, ...update }: TransactionUpdate): void {
  const known = transactions.get(update.key);
  const tx = { ...update, samples: [...(known?.samples ?? []), ...addedSamples].slice(-samplesPerTransaction) };
  transactions.set(tx.key, tx);
  const existing = document.querySelector(`[data-tx="${CSS.escape(tx.key)}"]`);
  if (known && existing && !tx.stoppedAt) existing.replaceWith(transactionCard(tx));
  else renderTransactions();
}

function live(state: "connecting" | "live" | "lost", text: string): void {
  const element = byId("live");
  element.dataset.state = state;
  element.textContent = text;
}

function connect(): void {
  const events = new EventSource("events");
  events.addEventListener("open", () => live("live", "live"));
  events.addEventListener("error", () => live("lost", "connection lost, reconnecting…"));
  events.addEventListener("snapshot", (event) => {
    const snapshot = JSON.parse((event as MessageEvent<string>).data) as Snapshot;
    chargers.clear();
    for (const charger of snapshot.chargers) chargers.set(charger.id, charger);
    transactions.clear();
    for (const tx of snapshot.transactions) transactions.set(tx.key, tx);
    renderChargers();
    renderTransactions();
    log.reset(snapshot.log);
  });
  events.addEventListener("charger", (event) => {
    const charger = JSON.parse((event as MessageEvent<string>).data) as ChargerView;
    // A reconnecting charger moves back to the end of the connected ones.
    if (!charger.goneAt) chargers.delete(charger.id);
    chargers.set(charger.id, charger);
    renderChargers();
  });
  events.addEventListener("transaction", (event) =>
    upsertTransaction(JSON.parse((event as MessageEvent<string>).data) as TransactionUpdate),
  );
  events.addEventListener("log", (event) => log.add(JSON.parse((event as MessageEvent<string>).data) as LogRecord));
}

connect();
