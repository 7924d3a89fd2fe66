import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { after, ChargePoint as CoreChargePoint, NotSupportedError, on } from "ocppkit";
import { Action, ChargePoint, call, callResult, type RemoteStopTransactionRequest, type ResetRequest } from "ocppkit/v16";
import { WebSocket } from "ws";
import { connectedPair, RawPeer, rawPeerWith, type recordingLogger, startServer } from "../support/peers.js";

test("the handler gets the CALL's unique id when callUniqueIdRequired, and only the payload otherwise", async (t) => {
  const seen: unknown[][] = [];
  class Charger extends ChargePoint {
    @on(Action.Reset, { callUniqueIdRequired: true })
    onReset(...args: unknown[]) {
      seen.push(["on", ...args]);
      return { status: "Accepted" };
    }

    @after(Action.Reset, { callUniqueIdRequired: true })
    afterReset(...args: unknown[]) {
      seen.push(["after", ...args]);
    }

    @on(Action.UnlockConnector)
    onUnlock(...args: unknown[]) {
      seen.push(["unlock", ...args]);
      return { status: "Unlocked" };
    }
  }
  const { centralSystem } = await connectedPair(t, { chargePoint: Charger });
  await centralSystem.call(new call.Reset({ type: "Soft" }), { uniqueId: "reset-4711" });
  await centralSystem.call(new call.UnlockConnector({ connectorId: 2 }), { uniqueId: "unlock-1" });
  assert.deepEqual(seen, [
    ["on", { type: "Soft" }, "reset-4711"],
    ["after", { type: "Soft" }, "reset-4711"],
    ["unlock", { connectorId: 2 }],
  ]);
});

test("@after runs after the CALLRESULT was sent: the peer receives the reply before anything @after sends", async (t) => {
  const order: string[] = [];
  class Charger extends ChargePoint {
    @on(Action.RemoteStopTransaction)
    onRemoteStop() {
      order.push("on");
      return new callResult.RemoteStopTransaction({ status: "Accepted" });
    }

    @after(Action.RemoteStopTransaction)
    afterRemoteStop({ transactionId }: RemoteStopTransactionRequest) {
      // The frame log shows whether the reply was already written to the socket when this runs.
      const frames = (this.logger as ReturnType<typeof recordingLogger>).frames;
      const lastOut = frames.filter(([direction]) => direction === "out").at(-1)?.[1];
      order.push(`after (last frame out: ${lastOut})`);
      this.call(new call.StopTransaction({ transactionId, meterStop: 100, timestamp: "2026-11-24T10:00:00Z" }), {
        uniqueId: "stop-from-after",
      }).catch(() => {}); // never answered: the test ends first
    }
  }
  const { raw } = await rawPeerWith(t, { chargePoint: Charger });
  raw.send([2, "remote-stop", "RemoteStopTransaction", { transactionId: 9 }]);
  assert.deepEqual(await raw.next(), [3, "remote-stop", { status: "Accepted" }]);
  const followUp = await raw.next();
  assert.equal(followUp[0], 2);
  assert.equal(followUp[1], "stop-from-after");
  assert.equal(followUp[2], "StopTransaction");
  assert.deepEqual(order, ["on", 'after (last frame out: [3,"remote-stop",{"status":"Accepted"}])']);
});

test("@after does not run when the handler fails, and a failing @after is logged without affecting the reply", async (t) => {
  let afterRuns = 0;
  class Charger extends ChargePoint {
    @on(Action.Reset)
    onReset({ type }: ResetRequest) {
      if (type === "Hard") throw new Error("cannot reset hard");
      return { status: "Accepted" };
    }

    @after(Action.Reset)
    async afterReset() {
      afterRuns++;
      await tick();
      throw new Error("reboot failed");
    }
  }
  const { raw, log } = await rawPeerWith(t, { chargePoint: Charger });
  const hard = await raw.roundTrip([2, "hard", "Reset", { type: "Hard" }]);
  assert.equal(hard.answer[2], "InternalError");
  assert.equal(afterRuns, 0);
  const soft = await raw.roundTrip([2, "soft", "Reset", { type: "Soft" }]);
  assert.deepEqual(soft.answer, [3, "soft", { status: "Accepted" }]);
  assert.equal(afterRuns, 1);
  // The rejected @after promise is reported once it settles; a later round trip gives it time to.
  await raw.roundTrip([2, "again", "Reset", { type: "Soft" }]);
  assert.ok(log.records.some((record) => record.level === "error" && record.message.includes("@after")));
});

test("two instances keep separate handlers and state", async (t) => {
  class Counter extends ChargePoint {
    count = 0;
    @on(Action.Heartbeat)
    onHeartbeat() {
      this.count++;
      return { currentTime: `2026-11-24T10:00:0${this.count}Z` };
    }
  }
  const first = await connectedPair(t, { centralSystem: Counter, id: "CP-A" });
  const second = await connectedPair(t, { centralSystem: Counter, id: "CP-B" });
  await first.chargePoint.call(new call.Heartbeat({}));
  await first.chargePoint.call(new call.Heartbeat({}));
  const fromSecond = await second.chargePoint.call(new call.Heartbeat({}));
  assert.equal(first.centralSystem.count, 2);
  assert.equal(second.centralSystem.count, 1);
  assert.equal(fromSecond?.currentTime, "2026-11-24T10:00:01Z");

  // A route added to one instance is not seen by the other.
  first.centralSystem.route(Action.Authorize, () => ({ idTagInfo: { status: "Accepted" } }));
  const accepted = await first.chargePoint.call(new call.Authorize({ idTag: "A" }), { suppress: false });
  assert.equal(accepted.idTagInfo.status, "Accepted");
  await assert.rejects(second.chargePoint.call(new call.Authorize({ idTag: "B" }), { suppress: false }), NotSupportedError);
});

test("route() and routeAfter() behave exactly like @on and @after", async (t) => {
  const events: string[] = [];
  class Decorated extends ChargePoint {
    @on(Action.ChangeConfiguration, { callUniqueIdRequired: true })
    onChange(request: { key: string }, uniqueId: string) {
      events.push(`on ${request.key} ${uniqueId}`);
      return { status: "RebootRequired" };
    }

    @after(Action.ChangeConfiguration)
    afterChange(request: { key: string }) {
      events.push(`after ${request.key}`);
    }
  }
  const server = await startServer(t);
  const frames: unknown[][][] = [];
  for (const make of [
    (connection: ConstructorParameters<typeof ChargePoint>[1]) => new Decorated("CP-D", connection),
    (connection: ConstructorParameters<typeof ChargePoint>[1]) =>
      new ChargePoint("CP-F", connection)
        .route(
          Action.ChangeConfiguration,
          (request: { key: string }, uniqueId: string) => {
            events.push(`on ${request.key} ${uniqueId}`);
            return { status: "RebootRequired" };
          },
          { callUniqueIdRequired: true },
        )
        .routeAfter(Action.ChangeConfiguration, (request: { key: string }) => {
          events.push(`after ${request.key}`);
        }),
  ]) {
    const socket = new WebSocket(`${server.url}/x`, ["ocpp1.6"]);
    const raw = new RawPeer(socket);
    await new Promise((resolve) => socket.once("open", resolve));
    const accepted = await server.accepted();
    const chargePoint = make(accepted.connection);
    const running = chargePoint.start();
    const answers: unknown[][] = [];
    answers.push((await raw.roundTrip([2, "change-1", "ChangeConfiguration", { key: "MeterValueSampleInterval", value: "60" }])).answer);
    answers.push((await raw.roundTrip([2, "change-2", "ChangeConfiguration", { key: 60, value: "60" }])).answer);
    answers.push((await raw.roundTrip([2, "reset-1", "Reset", { type: "Soft" }])).answer);
    frames.push(answers);
    socket.close(1000);
    await running;
  }
  assert.deepEqual(frames[0], frames[1]);
  assert.deepEqual(frames[0][0], [3, "change-1", { status: "RebootRequired" }]);
  assert.equal(frames[0][1][2], "TypeConstraintViolation");
  assert.equal(frames[0][2][2], "NotSupported");
  assert.deepEqual(events, [
    "on MeterValueSampleInterval change-1",
    "after MeterValueSampleInterval",
    "on MeterValueSampleInterval change-1",
    "after MeterValueSampleInterval",
  ]);
});

test("sync and async handlers both answer, and an async handler's rejection becomes a CALLERROR", async (t) => {
  const { raw, chargePoint } = await rawPeerWith(t);
  chargePoint.route(Action.Heartbeat, () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  chargePoint.route(Action.Authorize, async ({ idTag }: { idTag: string }) => {
    await tick();
    if (idTag === "BAD") throw new NotSupportedError("tag lookups are offline");
    return new callResult.Authorize({ idTagInfo: { status: idTag === "OK" ? "Accepted" : "Invalid" } });
  });
  assert.deepEqual((await raw.roundTrip([2, "sync", "Heartbeat", {}])).answer, [3, "sync", { currentTime: "2026-11-24T10:00:00Z" }]);
  assert.deepEqual((await raw.roundTrip([2, "async", "Authorize", { idTag: "OK" }])).answer, [
    3,
    "async",
    { idTagInfo: { status: "Accepted" } },
  ]);
  assert.deepEqual((await raw.roundTrip([2, "async-bad", "Authorize", { idTag: "BAD" }])).answer, [
    4,
    "async-bad",
    "NotSupported",
    "tag lookups are offline",
    {},
  ]);
});

test("the version class exposes its OCPP version and its request and response namespaces", async (t) => {
  const { chargePoint } = await connectedPair(t);
  assert.equal(ChargePoint.ocppVersion, "1.6");
  assert.equal(chargePoint.ocppVersion, "1.6");
  assert.equal(ChargePoint.calls, call);
  assert.equal(ChargePoint.callResults, callResult);
  assert.equal(chargePoint.calls.Authorize, call.Authorize);
  assert.equal(chargePoint.callResults.Authorize, callResult.Authorize);
});

test("@after of an async handler runs once its response has been sent", async (t) => {
  const order: string[] = [];
  class Charger extends ChargePoint {
    @on(Action.GetLocalListVersion)
    async onVersion() {
      await tick();
      order.push("on resolved");
      return { listVersion: 3 };
    }

    @after(Action.GetLocalListVersion)
    afterVersion() {
      const frames = (this.logger as ReturnType<typeof recordingLogger>).frames;
      order.push(`after, last out: ${frames.filter(([direction]) => direction === "out").at(-1)?.[1]}`);
    }
  }
  const { raw } = await rawPeerWith(t, { chargePoint: Charger });
  assert.deepEqual((await raw.roundTrip([2, "v", "GetLocalListVersion", {}])).answer, [3, "v", { listVersion: 3 }]);
  await raw.roundTrip([2, "v2", "GetLocalListVersion", {}]);
  assert.deepEqual(order.slice(0, 2), ["on resolved", 'after, last out: [3,"v",{"listVersion":3}]']);
});

test("the core ChargePoint cannot be used without a version, and decorators refuse static methods", () => {
  assert.throws(() => new (CoreChargePoint as unknown as new (id: string, connection: object) => object)("CP", {}), TypeError);
  assert.throws(() => {
    class Wrong extends ChargePoint {
      @on(Action.Reset)
      static onReset() {
        return { status: "Accepted" };
      }
    }
    return Wrong;
  }, TypeError);
});
