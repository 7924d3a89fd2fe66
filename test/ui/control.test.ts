import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { connect, NotSupportedError, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { type ControlAnswer, LocalFleet, startUi, type UiServer } from "ocppkit/ui";
import { ChargePoint, call, ResetStatus } from "ocppkit/v16";
import { ChargePoint as ChargePoint201 } from "ocppkit/v201";

interface Rig {
  readonly ui: UiServer;
  /** The Reset requests the 1.6 charger received. */
  readonly resets: unknown[];
  /** Raw frames the charger received. */
  readonly chargerIn: string[];
}

/** A real central system with the page's server in front of a LocalFleet, and a real 1.6 charger "CP1". */
async function rig(t: import("node:test").TestContext, uiOptions: { auth?: { username: string; password: string } } = {}): Promise<Rig> {
  let fleet: LocalFleet | undefined;
  const server = new CentralSystem({
    protocols: ["ocpp1.6", "ocpp2.0.1"],
    createChargePoint: ({ id, connection, ocppVersion }) => {
      const Peer = ocppVersion === "1.6" ? ChargePoint : ChargePoint201;
      const peer = new Peer(id, connection, { logger: (fleet as LocalFleet).tap(silentLogger), responseTimeoutMs: 2_000 });
      peer.route("BootNotification", () => ({ status: "Accepted", currentTime: new Date().toISOString(), interval: 300 }));
      return peer;
    },
    logger: silentLogger,
  });
  fleet = LocalFleet.of(server);
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 500 }));
  const ui = await startUi({ fleet, versions: ["1.6", "2.0.1"], host: "127.0.0.1", port: 0, ...uiOptions });
  t.after(() => ui.close());
  const resets: unknown[] = [];
  const chargerIn: string[] = [];
  const connected = once(server, "connect");
  const charger = new ChargePoint("CP1", await connect(`${server.url}/CP1`), {
    logger: { frame: (_id, direction, text) => direction === "in" && chargerIn.push(text) },
  });
  charger.route("Reset", (request: unknown) => {
    resets.push(request);
    return { status: ResetStatus.Accepted };
  });
  charger.route("GetConfiguration", () => {
    throw new NotSupportedError("no configuration here");
  });
  charger.start().catch(() => {});
  t.after(() => charger.close());
  await connected;
  await charger.call(new call.BootNotification({ chargePointVendor: "Acme", chargePointModel: "X1" }), { suppress: false });
  return { ui, resets, chargerIn };
}

async function post(
  ui: UiServer,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; answer: ControlAnswer }> {
  const response = await fetch(`${ui.controlUrl}/${path}`, { method: "POST", body, headers });
  return { status: response.status, answer: (await response.json()) as ControlAnswer };
}

test("the control endpoint sends the CALL to the charger and answers with its CALLRESULT payload", async (t) => {
  const { ui, resets } = await rig(t);
  const { status, answer } = await post(ui, "1.6/CP1/Reset", JSON.stringify({ type: "Soft" }));
  assert.equal(status, 200);
  assert.equal(answer.outcome, "result");
  assert.deepEqual(answer.outcome === "result" && answer.payload, { status: "Accepted" });
  assert.deepEqual(resets, [{ type: "Soft" }]);
});

test("a CALLERROR from the charger comes back with its code and description", async (t) => {
  const { ui } = await rig(t);
  const { status, answer } = await post(ui, "1.6/CP1/GetConfiguration", "{}");
  assert.equal(status, 200);
  assert.equal(answer.outcome, "callError");
  assert.equal(answer.outcome === "callError" && answer.code, "NotSupported");
  assert.equal(answer.outcome === "callError" && answer.description, "no configuration here");
});

test("an invalid payload is refused with 400 naming the field, and nothing reaches the charger", async (t) => {
  const { ui, resets, chargerIn } = await rig(t);
  const before = chargerIn.length;
  const wrongValue = await post(ui, "1.6/CP1/Reset", JSON.stringify({ type: "Sideways" }));
  assert.equal(wrongValue.status, 400);
  assert.equal(wrongValue.answer.outcome === "refused" && wrongValue.answer.problem, "InvalidPayload");
  assert.equal(wrongValue.answer.outcome === "refused" && wrongValue.answer.field, "/type");
  assert.match(wrongValue.answer.outcome === "refused" ? wrongValue.answer.message : "", /^\/type: .*allowed values.*sendAnyway/);
  const missing = await post(ui, "1.6/CP1/Reset", "{}");
  assert.equal(missing.answer.outcome === "refused" && missing.answer.field, "/type");
  assert.equal(missing.answer.outcome === "refused" && missing.answer.code, "OccurrenceConstraintViolation");
  const extra = await post(ui, "1.6/CP1/Reset", JSON.stringify({ type: "Soft", when: "now" }));
  assert.equal(extra.answer.outcome === "refused" && extra.answer.field, "/when");
  assert.equal(chargerIn.length, before);
  assert.deepEqual(resets, []);
});

test("sendAnyway sends an invalid payload as it is, and the charger's CALLERROR comes back", async (t) => {
  const { ui, resets } = await rig(t);
  const { status, answer } = await post(ui, "1.6/CP1/Reset?sendAnyway=1", JSON.stringify({ type: "Sideways" }));
  assert.equal(status, 200);
  assert.equal(answer.outcome, "callError");
  assert.equal(answer.outcome === "callError" && answer.code, "PropertyConstraintViolation");
  assert.deepEqual(resets, []);
});

test("an unknown charger is 404, another version's URL 409, and the body must be a JSON object", async (t) => {
  const { ui } = await rig(t);
  const unknown = await post(ui, "1.6/CP9/Reset", JSON.stringify({ type: "Soft" }));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.answer.outcome === "refused" && unknown.answer.problem, "UnknownCharger");
  const wrongVersion = await post(ui, "2.0.1/CP1/Reset", JSON.stringify({ type: "Immediate" }));
  assert.equal(wrongVersion.status, 409);
  assert.equal(wrongVersion.answer.outcome === "refused" && wrongVersion.answer.problem, "WrongVersion");
  const noVersion = await post(ui, "1.5/CP1/Reset", "{}");
  assert.equal(noVersion.status, 404);
  const notJson = await post(ui, "1.6/CP1/Reset", "{type:");
  assert.equal(notJson.status, 400);
  assert.equal(notJson.answer.outcome === "refused" && notJson.answer.problem, "BadRequest");
  const array = await post(ui, "1.6/CP1/Reset", "[]");
  assert.equal(array.answer.outcome === "refused" && array.answer.problem, "BadRequest");
  const get = await fetch(`${ui.controlUrl}/1.6/CP1/Reset`);
  assert.equal(get.status, 405);
});

test("only actions a central system sends are accepted", async (t) => {
  const { ui } = await rig(t);
  const chargerAction = await post(ui, "1.6/CP1/BootNotification", JSON.stringify({ chargePointVendor: "A", chargePointModel: "B" }));
  assert.equal(chargerAction.status, 400);
  assert.equal(chargerAction.answer.outcome === "refused" && chargerAction.answer.problem, "NotSentByCentralSystem");
  const unknown = await post(ui, "1.6/CP1/Teleport", "{}");
  assert.equal(unknown.answer.outcome === "refused" && unknown.answer.problem, "UnknownAction");
});

test("with auth, the page, its stream and the control endpoint ask for the password", async (t) => {
  const { ui } = await rig(t, { auth: { username: "*", password: "s3cret" } });
  for (const path of ["", "events", "api/actions/1.6"]) {
    const response = await fetch(`${ui.url}${path}`);
    assert.equal(response.status, 401, path);
    assert.match(response.headers.get("www-authenticate") ?? "", /^Basic /);
    await response.body?.cancel();
  }
  const refused = await post(ui, "1.6/CP1/Reset", JSON.stringify({ type: "Soft" }), { authorization: `Basic ${btoa("anyone:wrong")}` });
  assert.equal(refused.status, 401);
  const accepted = await post(ui, "1.6/CP1/Reset", JSON.stringify({ type: "Soft" }), { authorization: `Basic ${btoa("anyone:s3cret")}` });
  assert.equal(accepted.status, 200);
});

test("the view knows the charger, its boot information and every frame, with answers tied to their CALL", async (t) => {
  const { ui } = await rig(t);
  await post(ui, "1.6/CP1/Reset", JSON.stringify({ type: "Hard" }));
  const snapshot = ui.view.snapshot();
  const charger = snapshot.chargers.find((view) => view.id === "CP1");
  assert.equal(charger?.version, "1.6");
  assert.deepEqual(charger?.boot, { vendor: "Acme", model: "X1", firmware: undefined });
  const resetCall = snapshot.log.find((record) => record.type === "CALL" && record.action === "Reset");
  const resetAnswer = snapshot.log.find((record) => record.callSeq === resetCall?.seq);
  assert.equal(resetCall?.from, "centralSystem");
  assert.equal(resetAnswer?.type, "CALLRESULT");
  assert.equal(resetAnswer?.action, "Reset");
  assert.ok((resetAnswer?.latencyMs ?? -1) >= 0);
});

test("the actions list of a version holds only central-system CALLs, each with an example", async (t) => {
  const { ui } = await rig(t);
  const actions = (await (await fetch(`${ui.url}api/actions/1.6`)).json()) as { action: string; example: unknown }[];
  const names = actions.map((info) => info.action);
  assert.ok(names.includes("RemoteStartTransaction"));
  assert.ok(!names.includes("BootNotification"));
  assert.deepEqual(actions.find((info) => info.action === "Reset")?.example, { type: "Soft" });
});
