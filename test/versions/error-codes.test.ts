/**
 * The CALLERROR each version puts on the wire for the same faults: 1.6 keeps its own spellings and
 * drops what it has no code for; 2.0.1 and 2.1 use part 4 section 4.3's table, answer unreadable frames
 * with RpcFrameworkError and id "-1" (section 4.2.3) and unknown message types with MessageTypeNotSupported
 * (2.0.1 section 4.4).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ErrorDialect, type OcppErrorCode, wireCode } from "ocppkit";
import { ChargePoint as ChargePoint16 } from "ocppkit/v16";
import { ChargePoint as ChargePoint21 } from "ocppkit/v21";
import { ChargePoint as ChargePoint201 } from "ocppkit/v201";
import { type ChargePointClass, type RawPeer, rawPeerWith } from "../support/peers.js";

interface Version {
  readonly name: ErrorDialect;
  readonly Peer: ChargePointClass<ChargePoint16 | ChargePoint201 | ChargePoint21>;
  /** An Authorize request that satisfies the version's schema. */
  readonly authorize: object;
  /** Codes expected on the wire, by fault. `undefined`: nothing is sent back. */
  readonly expect: {
    readonly missingField: string;
    readonly unknownProperty: string;
    readonly wrongType: string;
    readonly badEnum: string;
    readonly notJsonWithId: string;
    readonly incomplete: string;
    readonly longId: string;
    readonly unreadableId: string | undefined;
    readonly unknownType: string | undefined;
  };
}

const v2 = {
  missingField: "OccurrenceConstraintViolation",
  unknownProperty: "FormatViolation",
  wrongType: "TypeConstraintViolation",
  badEnum: "PropertyConstraintViolation",
  notJsonWithId: "RpcFrameworkError",
  incomplete: "RpcFrameworkError",
  longId: "RpcFrameworkError",
  unreadableId: "RpcFrameworkError",
  unknownType: "MessageTypeNotSupported",
};
const authorize2x = { idToken: { idToken: "ABC", type: "ISO14443" } };

const versions: readonly Version[] = [
  {
    name: "1.6",
    Peer: ChargePoint16,
    authorize: { idTag: "ABC" },
    expect: {
      missingField: "OccurenceConstraintViolation",
      unknownProperty: "FormationViolation",
      wrongType: "TypeConstraintViolation",
      badEnum: "PropertyConstraintViolation",
      notJsonWithId: "FormationViolation",
      incomplete: "ProtocolError",
      longId: "FormationViolation",
      unreadableId: undefined,
      unknownType: undefined,
    },
  },
  { name: "2.0.1", Peer: ChargePoint201, authorize: authorize2x, expect: v2 },
  { name: "2.1", Peer: ChargePoint21, authorize: authorize2x, expect: v2 },
];

/** Sends `frames`, then a Heartbeat CALL; returns every message that came back before its answer. */
async function before(raw: RawPeer, frames: readonly unknown[]): Promise<unknown[][]> {
  for (const frame of frames) raw.send(frame);
  const { answer, before } = await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  assert.equal(answer[0], 3, "the peer still answers after the faults");
  return before;
}

const codes = (frames: unknown[][]) => frames.map((frame) => [frame[0], frame[1], frame[2]]);

for (const version of versions) {
  describe(`OCPP ${version.name} CALLERROR codes on the wire`, () => {
    async function setup(t: Parameters<typeof rawPeerWith>[0]) {
      const setup = await rawPeerWith(t, { chargePoint: version.Peer });
      setup.chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
      setup.chargePoint.route("BootNotification", () => ({ currentTime: "2026-11-24T10:00:00Z", interval: 300, status: "Accepted" }));
      setup.chargePoint.route("Authorize", () =>
        version.name === "1.6" ? { idTagInfo: { status: "Accepted" } } : { idTokenInfo: { status: "Accepted" } },
      );
      return setup;
    }

    test("schema violations are spelled the version's way", async (t) => {
      const { raw } = await setup(t);
      const { expect } = version;
      const wrongType = version.name === "1.6" ? { idTag: 17 } : { idToken: { idToken: 17, type: "ISO14443" } };
      const badValue =
        version.name === "1.6"
          ? [2, "bad-value", "Authorize", { idTag: "x".repeat(21) }]
          : [2, "bad-value", "BootNotification", { reason: "NoSuchReason", chargingStation: { model: "X1", vendorName: "Acme" } }];
      const got = await before(raw, [
        [2, "missing", "Authorize", {}],
        [2, "unknown-property", "Heartbeat", { bogus: 1 }],
        [2, "wrong-type", "Authorize", wrongType],
        badValue,
        [2, "valid", "Authorize", version.authorize],
      ]);
      assert.deepEqual(codes(got), [
        [4, "missing", expect.missingField],
        [4, "unknown-property", expect.unknownProperty],
        [4, "wrong-type", expect.wrongType],
        [4, "bad-value", expect.badEnum],
        [3, "valid", got[4]?.[2]],
      ]);
    });

    test("unknown actions get NotImplemented and unrouted ones NotSupported", async (t) => {
      const { raw } = await setup(t);
      const got = await before(raw, [
        [2, "unknown", "NoSuchAction", {}],
        [2, "unrouted", "DataTransfer", { vendorId: "acme" }],
      ]);
      assert.deepEqual(codes(got), [
        [4, "unknown", "NotImplemented"],
        [4, "unrouted", "NotSupported"],
      ]);
    });

    test("broken frames with a readable message id get the version's framework error", async (t) => {
      const { raw } = await setup(t);
      const got = await before(raw, [
        '[2, "not-json", "Heartbeat", {',
        [2, "incomplete", "Heartbeat"],
        [2, "y".repeat(37), "Heartbeat", {}],
      ]);
      assert.deepEqual(codes(got), [
        [4, "not-json", version.expect.notJsonWithId],
        [4, "incomplete", version.expect.incomplete],
        [4, "y".repeat(36), version.expect.longId],
      ]);
    });

    const unreadable = version.expect.unreadableId;
    test(
      unreadable
        ? `frames whose message id cannot be read get ${unreadable} with id "-1"`
        : "frames whose message id cannot be read are dropped",
      async (t) => {
        const { raw } = await setup(t);
        const frames = ["{oops", { not: "an array" }, [2, 17, "Heartbeat", {}]];
        const got = await before(raw, frames);
        assert.deepEqual(codes(got), unreadable ? frames.map(() => [4, "-1", unreadable]) : []);
      },
    );

    const unknownType = version.expect.unknownType;
    test(unknownType ? `unknown message types get ${unknownType}` : "unknown message types are ignored", async (t) => {
      const { raw } = await setup(t);
      // 5 and 6 exist only in 2.1; 7 in no version.
      const types = version.name === "2.1" ? [7] : [5, 6, 7];
      const got = await before(
        raw,
        types.map((type) => [type, `type-${type}`, "Heartbeat", {}]),
      );
      assert.deepEqual(codes(got), unknownType ? types.map((type) => [4, `type-${type}`, unknownType]) : []);
    });
  });
}

test("one table spells every canonical code per dialect", () => {
  const all: OcppErrorCode[] = [
    "NotImplemented",
    "NotSupported",
    "InternalError",
    "ProtocolError",
    "SecurityError",
    "FormatViolation",
    "PropertyConstraintViolation",
    "OccurrenceConstraintViolation",
    "TypeConstraintViolation",
    "GenericError",
    "RpcFrameworkError",
    "MessageTypeNotSupported",
  ];
  for (const dialect of ["2.0.1", "2.1"] as const) {
    for (const code of all) assert.equal(wireCode(code, dialect), code, `${code} in ${dialect}`);
  }
  assert.equal(wireCode("FormatViolation", "1.6"), "FormationViolation");
  assert.equal(wireCode("OccurrenceConstraintViolation", "1.6"), "OccurenceConstraintViolation");
  assert.equal(wireCode("RpcFrameworkError", "1.6"), "ProtocolError");
  assert.equal(wireCode("MessageTypeNotSupported", "1.6"), "NotImplemented");
});
