/**
 * `npm run demo`: a central system and a charge point in one process, both built from the same
 * `ChargePoint` class, running a full charging session over a real WebSocket on 127.0.0.1.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { after, connect, type Logger, on } from "../index.js";
import type { BootNotificationRequest, MeterValuesRequest, RemoteStopTransactionRequest, StartTransactionRequest } from "../v16/index.js";
import {
  Action,
  AuthorizationStatus,
  ChargePoint,
  ChargePointErrorCode,
  ChargePointStatus,
  call,
  callResult,
  Measurand,
  RegistrationStatus,
  RemoteStartStopStatus,
  UnitOfMeasure,
} from "../v16/index.js";

/** The central system's view of one connected charger. */
class CentralSystemSession extends ChargePoint {
  #nextTransactionId = 1;

  @on(Action.BootNotification)
  onBoot(request: BootNotificationRequest) {
    return new callResult.BootNotification({
      status: request.chargePointVendor ? RegistrationStatus.Accepted : RegistrationStatus.Rejected,
      currentTime: new Date().toISOString(),
      interval: 300,
    });
  }

  @on(Action.StatusNotification)
  onStatus() {
    return new callResult.StatusNotification();
  }

  @on(Action.Authorize)
  onAuthorize() {
    return { idTagInfo: { status: AuthorizationStatus.Accepted } };
  }

  @on(Action.StartTransaction)
  onStart(_request: StartTransactionRequest) {
    return { transactionId: this.#nextTransactionId++, idTagInfo: { status: AuthorizationStatus.Accepted } };
  }

  @on(Action.MeterValues)
  onMeterValues(_request: MeterValuesRequest) {
    return {};
  }

  @on(Action.StopTransaction)
  onStop() {
    return { idTagInfo: { status: AuthorizationStatus.Accepted } };
  }
}

/** The charger: answers RemoteStopTransaction with @on, then stops the session in @after. */
class Charger extends ChargePoint {
  transactionId: number | undefined;
  meter = 1000;
  #stopped: () => void = () => {};
  readonly stopped = new Promise<void>((resolve) => {
    this.#stopped = resolve;
  });

  @on(Action.RemoteStopTransaction)
  onRemoteStop(request: RemoteStopTransactionRequest) {
    const known = request.transactionId === this.transactionId;
    return new callResult.RemoteStopTransaction({ status: known ? RemoteStartStopStatus.Accepted : RemoteStartStopStatus.Rejected });
  }

  // Runs once the Accepted answer is on the wire, as OCPP 1.6 section 5.12 orders: answer first, then stop.
  @after(Action.RemoteStopTransaction)
  async afterRemoteStop(request: RemoteStopTransactionRequest) {
    if (request.transactionId !== this.transactionId) return;
    this.meter += 7450;
    await this.call(
      new call.StopTransaction({ transactionId: request.transactionId, meterStop: this.meter, timestamp: now(), reason: "Remote" }),
    );
    this.transactionId = undefined;
    await this.call(
      new call.StatusNotification({ connectorId: 1, errorCode: ChargePointErrorCode.NoError, status: ChargePointStatus.Available }),
    );
    this.#stopped();
  }
}

const now = () => new Date().toISOString();
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
const typeNames: Record<number, string> = { 2: "CALL", 3: "CALLRESULT", 4: "CALLERROR" };

/** Prints each frame once, from the charger's side: what it sent (->) and what it received (<-). */
const timeline: Logger = {
  frame(_id, direction, text) {
    const [type, uniqueId, ...rest] = JSON.parse(text) as [number, string, ...unknown[]];
    const arrow = direction === "out" ? paint(36, "charge point  -> central system") : paint(35, "charge point <-  central system");
    const action = type === 2 ? ` ${paint(1, String(rest[0]))}` : "";
    const body = JSON.stringify(type === 2 ? rest[1] : type === 3 ? rest[0] : rest);
    console.log(`${arrow}  ${typeNames[type] ?? type}${action} ${paint(2, uniqueId.slice(0, 8))} ${body}`);
  },
  warn: (message, context) => console.error(`warn: ${message} ${JSON.stringify(context)}`),
  error: (message, context) => console.error(`error: ${message} ${JSON.stringify(context)}`),
};

async function main(): Promise<void> {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (offered) => (offered.has("ocpp1.6") ? "ocpp1.6" : false),
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/CP-DEMO-1`;
  const sessions = new Map<string, CentralSystemSession>();
  server.on("connection", (socket, request) => {
    const id = decodeURIComponent(new URL(request.url ?? "/", "ws://x").pathname.split("/").pop() ?? "");
    const session = new CentralSystemSession(id, socket, { logger: {} });
    sessions.set(id, session);
    session.start().catch(() => {});
  });
  console.log(`central system listening on ${url.replace(/\/CP-DEMO-1$/, "")}; charge point CP-DEMO-1 connecting\n`);

  const charger = new Charger("CP-DEMO-1", await connect(url, { protocols: ["ocpp1.6"] }), { logger: timeline });
  const running = charger.start();

  const boot = await charger.call(new call.BootNotification({ chargePointVendor: "ocppkit", chargePointModel: "Demo" }), {
    suppress: false,
  });
  if (boot.status !== RegistrationStatus.Accepted) throw new Error(`Boot was ${boot.status}`);
  await charger.call(new call.StatusNotification({ connectorId: 1, errorCode: "NoError", status: ChargePointStatus.Available }));
  const auth = await charger.call(new call.Authorize({ idTag: "RFID-0001" }), { suppress: false });
  if (auth.idTagInfo.status !== AuthorizationStatus.Accepted) throw new Error("idTag refused");
  await charger.call(new call.StatusNotification({ connectorId: 1, errorCode: "NoError", status: ChargePointStatus.Preparing }));
  const started = await charger.call(
    new call.StartTransaction({ connectorId: 1, idTag: "RFID-0001", meterStart: charger.meter, timestamp: now() }),
    { suppress: false },
  );
  charger.transactionId = started.transactionId;
  await charger.call(new call.StatusNotification({ connectorId: 1, errorCode: "NoError", status: ChargePointStatus.Charging }));
  charger.meter += 3725;
  await charger.call(
    new call.MeterValues({
      connectorId: 1,
      transactionId: started.transactionId,
      meterValue: [
        {
          timestamp: now(),
          sampledValue: [
            { value: String(charger.meter), measurand: Measurand.EnergyActiveImportRegister, unit: UnitOfMeasure.Wh },
            { value: "21.4", measurand: Measurand.PowerActiveImport, unit: UnitOfMeasure.kW },
          ],
        },
      ],
    }),
  );

  // The central system decides to end the session: a CALL in the other direction.
  const session = sessions.get("CP-DEMO-1");
  if (!session) throw new Error("the central system has no session for CP-DEMO-1");
  const remote = await session.call(new call.RemoteStopTransaction({ transactionId: started.transactionId }), { suppress: false });
  console.log(paint(33, `\ncentral system: RemoteStopTransaction answered ${remote.status}\n`));
  await charger.stopped;

  charger.close(1000, "demo done");
  await running;
  server.close();
  console.log(`\ndemo complete: transaction ${started.transactionId} charged ${charger.meter - 1000} Wh`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
