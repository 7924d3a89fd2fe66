import assert from "node:assert/strict";
import { test } from "node:test";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
const idToken = (id: string) => ({ idToken: id, type: "ISO14443" });
const transactionOf = (event: Body) => (event.transactionInfo as Body).transactionId;
const evseOf = (event: Body) => (event.evse as Body | undefined)?.id;

test("a Reset of one EVSE touches only that EVSE: Immediate ends its transaction (ResetCommand, ImmediateReset), OnIdle is Scheduled, the station does not reboot (B11.FR.08, B12.FR.07/08)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 2 });
  for (const evseId of [1, 2]) {
    assert.deepEqual(await station.call("RequestStartTransaction", { evseId, remoteStartId: evseId, idToken: idToken("A") }), {
      status: "Accepted",
    });
    await station.waitFor(() => station.of("TransactionEvent").some((e) => e.eventType === "Started" && evseOf(e) === evseId));
  }
  const from = station.received.length;
  const started = station.of("TransactionEvent").filter((e) => e.eventType === "Started");
  const [one, two] = [1, 2].map((evse) => transactionOf(started.find((e) => evseOf(e) === evse) as Body));

  // OnIdle for EVSE 2 while it charges: Scheduled, and nothing happens to its transaction now.
  assert.deepEqual(await station.call("Reset", { type: "OnIdle", evseId: 2 }), { status: "Scheduled" });
  assert.deepEqual(await station.call("Reset", { type: "Immediate", evseId: 1 }), { status: "Accepted" });
  const ended = await station.waitFor((r, i) => i >= from && r.action === "TransactionEvent" && r.payload.eventType === "Ended");
  assert.equal(transactionOf(ended.payload), one);
  assert.equal(ended.payload.triggerReason, "ResetCommand");
  assert.equal((ended.payload.transactionInfo as Body).stoppedReason, "ImmediateReset");

  // A round trip after the reset's follow-ups: a reboot would have sent its BootNotification by now.
  assert.deepEqual(await station.call("TriggerMessage", { requestedMessage: "Heartbeat" }), { status: "Accepted" });
  await station.waitFor((r, i) => i >= from && r.action === "Heartbeat");
  const since = station.received.slice(from);
  assert.equal(
    since.some((r) => r.action === "BootNotification"),
    false,
    "the station stays up",
  );
  assert.equal(
    since.some((r) => r.action === "TransactionEvent" && r.payload.eventType === "Ended" && transactionOf(r.payload) === two),
    false,
    "EVSE 2 goes on charging",
  );
});
