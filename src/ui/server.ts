/**
 * The page's own HTTP(S) server, on a port of its own so no charger id can collide with its paths and
 * a browser reaches it even when chargers must present client certificates (security profile 3):
 *   GET  /                      the page (everything it loads ships in the package: dist/ui/page)
 *   GET  /assets/<file>         its script and style chunks (gzip when the browser takes it)
 *   GET  /events                the live stream: server-sent events (snapshot, then charger/transaction/log)
 *   GET  /api/actions/<version> the actions a central system sends in that version, each with a valid example
 *   POST /control/<version>/<charger id>/<action>   the control endpoint (control.ts)
 * With `auth`, every path asks for HTTP Basic credentials, so the browser shows its password prompt.
 */
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { controlHandler, writeJson } from "./control.js";
import { exampleRequest } from "./examples.js";
import type { Fleet } from "./fleet.js";
import { FleetView } from "./fleet-view.js";
import { centralSystemActions, isVersionName } from "./versions.js";
import type { ActionInfo, OcppVersionName, StreamMessage } from "./view-types.js";

export interface UiServerOptions {
  readonly fleet: Fleet;
  /** The versions the central system accepts: the page offers their actions. */
  readonly versions: readonly OcppVersionName[];
  readonly host: string;
  /** 0 picks a free port (see `url`). */
  readonly port: number;
  /** Serve https:// with this certificate; the page never asks the browser for a client certificate. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  /** HTTP Basic credentials the browser must give; username "*" accepts any username. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Log records kept for a page opened later. Default 2000. */
  readonly logLimit?: number;
}

export interface UiServer {
  /** http://host:port/ (or https://): the page. */
  readonly url: string;
  /** Where the control endpoint listens: POST `${controlUrl}/<version>/<charger id>/<action>`. */
  readonly controlUrl: string;
  readonly view: FleetView;
  close(): Promise<void>;
}

const pageFolder = new URL("./page/", import.meta.url);
const contentTypes: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
};
// A page that cannot keep up (a background tab with a busy fleet) is dropped rather than buffered for
// ever; its EventSource reconnects and starts again from a fresh snapshot.
const maxBufferedBytes = 8 * 1024 * 1024;
const keepAliveMs = 15_000;

interface Asset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly type: string;
}

const assets = new Map<string, Asset | null>();

function asset(name: string): Asset | undefined {
  let found = assets.get(name);
  if (found === undefined) {
    try {
      const body = readFileSync(new URL(name, pageFolder));
      found = { body, gzipped: gzipSync(body), type: contentTypes[name.split(".").pop() ?? ""] ?? "application/octet-stream" };
    } catch {
      found = null;
    }
    assets.set(name, found);
  }
  return found ?? undefined;
}

function sendAsset(request: IncomingMessage, response: ServerResponse, name: string): void {
  const found = asset(name);
  if (!found) {
    writeJson(response, 404, { error: name === "index.html" ? "the page is not built: run npm run build" : `no asset ${name}` });
    return;
  }
  const gzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  response.writeHead(200, {
    "content-type": found.type,
    "cache-control": "no-cache",
    vary: "accept-encoding",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  response.end(gzip ? found.gzipped : found.body);
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function authorized(request: IncomingMessage, auth: UiServerOptions["auth"]): boolean {
  if (!auth) return true;
  const match = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""));
  if (!match) return false;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const username = decoded.slice(0, colon);
  return (auth.username === "*" || same(username, auth.username)) && same(decoded.slice(colon + 1), auth.password);
}

function stream(request: IncomingMessage, response: ServerResponse, view: FleetView, fleet: Fleet): void {
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
  const write = (message: StreamMessage) => {
    response.write(`event: ${message.kind}\ndata: ${JSON.stringify(message.data)}\n\n`);
    if (response.writableLength > maxBufferedBytes) response.destroy();
  };
  response.write("retry: 2000\n\n");
  write({ kind: "snapshot", data: view.snapshot() });
  const stop = view.listen(write);
  const unwatch = fleet.watch?.();
  const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), keepAliveMs);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    stop();
    unwatch?.();
    clearInterval(keepAlive);
  };
  request.on("close", end);
  response.on("close", end);
}

export async function startUi(options: UiServerOptions): Promise<UiServer> {
  const view = new FleetView({ versions: options.versions, logLimit: options.logLimit });
  await view.follow(options.fleet);
  const control = controlHandler(options.fleet, "/control");
  const actionsCache = new Map<OcppVersionName, ActionInfo[]>();
  const streams = new Set<ServerResponse>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    if (!authorized(request, options.auth)) {
      response.setHeader("www-authenticate", 'Basic realm="ocppkit serve", charset="UTF-8"');
      writeJson(response, 401, { outcome: "refused", problem: "Unauthorized", message: "this page needs the password given to --auth" });
      return;
    }
    const path = new URL(request.url ?? "/", "http://ui.invalid").pathname;
    if (control(request, response)) return;
    if (request.method !== "GET" && request.method !== "HEAD") {
      writeJson(response, 405, { error: `${request.method} is not served at ${path}` });
      return;
    }
    if (path === "/" || path === "/index.html") return sendAsset(request, response, "index.html");
    const assetName = /^\/assets\/([\w-]+\.(?:js|css))$/.exec(path)?.[1];
    if (assetName) return sendAsset(request, response, assetName);
    if (path === "/events") {
      streams.add(response);
      response.on("close", () => streams.delete(response));
      return stream(request, response, view, options.fleet);
    }
    const version = /^\/api\/actions\/([\d.]+)$/.exec(path)?.[1];
    if (version !== undefined && isVersionName(version)) {
      let actions = actionsCache.get(version);
      if (!actions) {
        actions = centralSystemActions(version).map((action) => ({ action, example: exampleRequest(version, action) }));
        actionsCache.set(version, actions);
      }
      return writeJson(response, 200, actions);
    }
    writeJson(response, 404, { error: `nothing at ${path}` });
  };

  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `${options.tls ? "https" : "http"}://${host}:${port}/`;
  return {
    url,
    controlUrl: `${url}control`,
    view,
    close: async () => {
      view.close();
      for (const response of streams) response.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
