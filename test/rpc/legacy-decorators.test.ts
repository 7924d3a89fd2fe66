/**
 * `@on` / `@after` called the way `experimentalDecorators` code calls them: `(prototype, name,
 * descriptor)`, as TypeScript's `__decorate` does. (test/package/decorators.test.ts compiles real
 * projects in that mode; this checks the routing semantics on their own.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { after, on } from "ocppkit";
import { Action, ChargePoint, call, type ResetRequest } from "ocppkit/v16";
import { connectedPair } from "../support/peers.js";

/** What `__decorate([decorator], Class.prototype, name, null)` does for one method decorator. */
function decorateLegacy(decorator: (...args: never[]) => unknown, prototype: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  const apply = decorator as (prototype: object, name: string, descriptor: PropertyDescriptor | undefined) => unknown;
  const replaced = apply(prototype, name, descriptor);
  if (replaced) Object.defineProperty(prototype, name, replaced);
}

class Charger extends ChargePoint {
  readonly seen: string[] = [];

  onReset({ type }: ResetRequest) {
    this.seen.push(`on ${type} ${this.id}`);
    return { status: "Accepted" };
  }

  afterReset(_request: ResetRequest, uniqueId: string) {
    this.seen.push(`after ${uniqueId}`);
  }
}
decorateLegacy(on(Action.Reset), Charger.prototype, "onReset");
decorateLegacy(after(Action.Reset, { callUniqueIdRequired: true }), Charger.prototype, "afterReset");

/** Overrides the base's method without decorating it, and routes another action itself. */
class Subclass extends Charger {
  override onReset() {
    return { status: "Rejected" };
  }

  onUnlock() {
    return { status: "Unlocked" };
  }
}
decorateLegacy(on(Action.UnlockConnector), Subclass.prototype, "onUnlock");

test("legacy-decorated handlers answer per instance, bound to their own instance", async (t) => {
  const first = await connectedPair(t, { id: "CP-A", chargePoint: Charger });
  const second = await connectedPair(t, { id: "CP-B", chargePoint: Charger });
  assert.equal((await first.centralSystem.call(new call.Reset({ type: "Soft" }), { uniqueId: "reset-a" }))?.status, "Accepted");
  assert.equal((await second.centralSystem.call(new call.Reset({ type: "Hard" }), { uniqueId: "reset-b" }))?.status, "Accepted");
  await first.chargePoint.settled();
  await second.chargePoint.settled();
  for (let i = 0; i < 100 && first.chargePoint.seen.length + second.chargePoint.seen.length < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.deepEqual(first.chargePoint.seen, ["on Soft CP-A", "after reset-a"]);
  assert.deepEqual(second.chargePoint.seen, ["on Hard CP-B", "after reset-b"]);
});

test("a subclass inherits the base's legacy routes (the decorated function, as standard decorators bind it) and adds its own", async (t) => {
  const { centralSystem, chargePoint } = await connectedPair(t, { chargePoint: Subclass });
  // Standard decorators bind the method they decorated, so an undecorated override does not reroute.
  assert.equal((await centralSystem.call(new call.Reset({ type: "Soft" })))?.status, "Accepted");
  assert.equal((await centralSystem.call(new call.UnlockConnector({ connectorId: 1 })))?.status, "Unlocked");
  // route() fills the same table: it replaces the decorated handler on this instance only.
  chargePoint.route(Action.Reset, () => ({ status: "Rejected" }));
  assert.equal((await centralSystem.call(new call.Reset({ type: "Soft" })))?.status, "Rejected");
});

test("legacy decorators on a static method, a field or an accessor throw a TypeError naming the mistake", () => {
  class Target {
    static make() {}
    get value() {
      return 1;
    }
  }
  assert.throws(() => decorateLegacy(on(Action.Reset), Target, "make"), /instance methods, not static/);
  assert.throws(() => decorateLegacy(on(Action.Reset), Target.prototype, "field"), /instance methods, not fields/);
  assert.throws(() => decorateLegacy(after(Action.Reset), Target.prototype, "value"), /instance methods, not accessors/);
});
