/**
 * Consumer files for the package tests: a Node project using every Node entry, and a browser or worker
 * project using `ocppkit/core` and the version modules, each set up for several module settings.
 */
/** Uses every Node entry; the types the user sees must be complete, not `any`. */
export const nodeConsumer = `import { connect, on, ReconnectingConnection, TransactionQueue, type Connection } from "ocppkit";
import { connectWebSocket } from "ocppkit/core";
import { CentralSystem } from "ocppkit/server";
import * as v16 from "ocppkit/v16";
import * as v201 from "ocppkit/v201";
import * as v21 from "ocppkit/v21";

class Charger extends v16.ChargePoint {
  @on(v16.Action.Reset)
  onReset({ type }: v16.ResetRequest) {
    return new v16.callResult.Reset({ status: type === "Hard" ? "Rejected" : "Accepted" });
  }
}

export async function main(): Promise<void> {
  const server = new CentralSystem({ createChargePoint: ({ id, connection }) => new v201.ChargePoint(id, connection) });
  const { port } = await server.listen(0);
  const connection: Connection = await connect(\`ws://127.0.0.1:\${port}/CP-1\`, { auth: { username: "CP-1", password: Buffer.from("secret") } });
  const charger = new Charger("CP-1", connection);
  const boot = await charger.call(new v16.call.BootNotification({ chargePointVendor: "A", chargePointModel: "B" }));
  const interval: number | undefined = boot?.interval;
  const queue = await TransactionQueue.open(charger, {});
  const relay = new ReconnectingConnection("ws://127.0.0.1:1/CP-2");
  const station = new v21.ChargePoint("CS-1", await connectWebSocket("ws://127.0.0.1:1/CS-1", { protocols: ["ocpp2.1"] }));
  console.log(interval, queue, relay.state, station.ocppVersion);
}
`;

/** What runs in a browser or worker: the WHATWG entry and the version modules only. */
export const browserConsumer = `import { after, connectWebSocket, on } from "ocppkit/core";
import * as v16 from "ocppkit/v16";
import * as v201 from "ocppkit/v201";
import * as v21 from "ocppkit/v21";

class Charger extends v16.ChargePoint {
  @on(v16.Action.Reset)
  onReset({ type }: v16.ResetRequest) {
    return new v16.callResult.Reset({ status: type === "Hard" ? "Rejected" : "Accepted" });
  }

  @after(v16.Action.Reset)
  async rebooted() {
    await this.call(new v16.call.BootNotification({ chargePointVendor: "A", chargePointModel: "B" }));
  }
}

export async function main(url: string): Promise<string> {
  const charger = new Charger("CP-1", await connectWebSocket(url));
  const station = new v201.ChargePoint("CS-1", await connectWebSocket(url, { protocols: ["ocpp2.0.1"] }));
  const newer = new v21.ChargePoint("CS-2", await connectWebSocket(url, { protocols: ["ocpp2.1"] }));
  return charger.id + station.ocppVersion + newer.ocppVersion;
}
`;

export const strict = { target: "ES2022", strict: true, skipLibCheck: false, noEmit: true };

export function files(): Record<string, string> {
  return {
    "node-esm/package.json": '{ "type": "module" }',
    "node-esm/consumer.ts": nodeConsumer,
    "node-esm/tsconfig.json": JSON.stringify({
      compilerOptions: { ...strict, module: "nodenext", types: ["node"] },
      include: ["consumer.ts"],
    }),
    "node-commonjs/package.json": '{ "type": "commonjs" }',
    "node-commonjs/consumer.ts": nodeConsumer.replace("export async function main", "async function main").concat("main();\n"),
    "node-commonjs/tsconfig.json": JSON.stringify({
      compilerOptions: { ...strict, module: "commonjs", types: ["node"] },
      include: ["consumer.ts"],
    }),
    "node-bundler/consumer.ts": nodeConsumer,
    "node-bundler/tsconfig.json": JSON.stringify({
      compilerOptions: { ...strict, module: "preserve", moduleResolution: "bundler", types: ["node"] },
      include: ["consumer.ts"],
    }),
    "browser/consumer.ts": browserConsumer,
    "browser/tsconfig.json": JSON.stringify({
      compilerOptions: { ...strict, module: "preserve", moduleResolution: "bundler", lib: ["ES2022"], types: [] },
      include: ["consumer.ts"],
    }),
  };
}
