/**
 * The runner's log upload endpoint (part 6 TC_N_25/26/35/36 prerequisite: "a diagnostics logging server
 * has been setup supporting one of the file transfer protocols supported by the Charging Station"): one
 * node:http server per run, on the runner's host, that the GetLog requests point the station at. It
 * speaks HTTP only (OCPPCommCtrlr.FileTransferProtocols HTTP): a PUT of the file (or a POST of it, raw
 * or multipart, kept as sent) to a location below its URL. Three locations:
 *  - `logs/`: takes the file (201) and keeps what came, so a case can check the station uploaded it;
 *  - `refused/`: answers 403, every time (TC_N_26: the station's upload fails, each retry too);
 *  - `held/`: reads the file and answers only once released (TC_N_36: the upload is still under way
 *    when the second GetLog comes), bounded by `holdMs`.
 * A malformed upload (unknown location, wrong method, a body over `maxBytes`, a connection cut mid-body)
 * gets a 4xx with a one-line reason and is remembered in `problems`; it never stops the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A file the station uploaded to `logs/`. */
export interface UploadedFile {
  /** The name in the URL after the location (or the multipart / Content-Disposition filename, or "upload"). */
  readonly name: string;
  readonly method: string;
  readonly bytes: number;
  readonly contentType: string | undefined;
  /** performance.now() when it had come in whole. */
  readonly atMs: number;
}

export type UploadLocation = "logs" | "refused" | "held";

export interface UploadServerOptions {
  /** Where it listens; default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** The URL the station is given, when it reaches the runner by another name (NAT, a container); default http://<host>:<port>/. */
  readonly publicUrl?: string;
  /** Largest upload taken, in bytes. Default 16 MiB. */
  readonly maxBytes?: number;
  /** Longest a `held/` upload waits for `release()`, in ms. Default 60 000. */
  readonly holdMs?: number;
}

/** How many uploads and problems are remembered (oldest go first): a station that loops cannot fill the memory. */
const keep = 100;

export class UploadServer {
  readonly received: UploadedFile[] = [];
  /** One line per malformed upload (what came, what was wrong). */
  readonly problems: string[] = [];
  readonly #server: Server;
  readonly #maxBytes: number;
  readonly #holdMs: number;
  #held: (() => void)[] = [];
  #base = "";
  /** Uploads no longer in `received` (the oldest beyond `keep`), so that a mark stays valid. */
  #dropped = 0;

  private constructor(options: UploadServerOptions) {
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#holdMs = options.holdMs ?? 60_000;
    this.#server = createServer((request, response) => this.#handle(request, response));
    // A station that opens a connection and sends nothing is not waited for long.
    this.#server.headersTimeout = 30_000;
    this.#server.requestTimeout = Math.max(60_000, this.#holdMs + 10_000);
  }

  /** Listens (on `host`, default 127.0.0.1) and resolves once it does. */
  static async start(options: UploadServerOptions = {}): Promise<UploadServer> {
    const server = new UploadServer(options);
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.#server.address() as AddressInfo;
    const shown = host.includes(":") ? `[${host}]` : host;
    const base = options.publicUrl || `http://${shown}:${port}/`;
    server.#base = base.endsWith("/") ? base : `${base}/`;
    return server;
  }

  /** The URL the station is given for `location` (ends with "/": the station puts its file name after it). */
  location(location: UploadLocation): string {
    return `${this.#base}${location}/`;
  }

  /** The uploads to `logs/` since `since` (an index into `received`, from `mark()`). */
  receivedSince(since: number): UploadedFile[] {
    return this.received.slice(Math.max(0, since - this.#dropped));
  }

  mark(): number {
    return this.#dropped + this.received.length;
  }

  /** Lets every `held/` upload be answered (200). */
  release(): void {
    const held = this.#held;
    this.#held = [];
    for (const answer of held) answer();
  }

  async close(): Promise<void> {
    this.release();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #problem(request: IncomingMessage, what: string): void {
    this.problems.push(`${request.method} ${request.url}: ${what}`);
    if (this.problems.length > keep) this.problems.shift();
  }

  /** Where the request uploads to, or (before its body is read) why it is refused. */
  #target(request: IncomingMessage): { where: UploadLocation; name: string | undefined } | { status: number; why: string } {
    let path: string[];
    try {
      path = new URL(request.url ?? "/", "http://upload").pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return { status: 400, why: "the request target is not a valid URL path" };
    }
    // The location is the last segment or the one before the file name (the public URL may have a path before it).
    const at = isLocation(path.at(-2)) ? path.length - 2 : isLocation(path.at(-1)) ? path.length - 1 : -1;
    if (at < 0) return { status: 404, why: `no upload location at ${JSON.stringify(`/${path.join("/")}`)}: upload to logs/<file name>` };
    const where = path[at] as UploadLocation;
    if (request.method !== "PUT" && request.method !== "POST")
      return { status: 405, why: `${request.method} is not an upload: PUT (or POST) the log file to ${where}/<file name>` };
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > this.#maxBytes)
      return { status: 413, why: `the upload is ${declared} bytes, more than the ${this.#maxBytes} this server takes` };
    return { where, name: path[at + 1] };
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const reply = (status: number, text: string) => {
      if (response.headersSent || response.destroyed) return;
      response.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      response.end(`${text}\n`);
    };
    const refuse = (status: number, why: string) => {
      this.#problem(request, why);
      reply(status, why);
      // The rest of the body is drained, not kept.
      request.resume();
    };
    const target = this.#target(request);
    if ("why" in target) {
      refuse(target.status, target.why);
      return;
    }
    const { where, name } = target;
    if (where === "refused") {
      request.resume();
      reply(403, "uploads to this location are refused (a log upload that must fail, TC_N_26)");
      return;
    }
    let bytes = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > this.#maxBytes && !tooLarge) {
        tooLarge = true;
        refuse(413, `the upload is more than the ${this.#maxBytes} bytes this server takes`);
        // Not read to its end: the connection goes once the answer is out.
        response.once("finish", () => request.socket.destroy());
      }
    });
    request.on("error", () => {});
    request.on("close", () => {
      if (!request.complete && !tooLarge) this.#problem(request, `the connection closed after ${bytes} bytes, before the upload was whole`);
    });
    request.on("end", () => {
      if (tooLarge) return;
      if (where === "held") {
        const timer = setTimeout(answer, this.#holdMs);
        const held = this.#held;
        function answer() {
          clearTimeout(timer);
          reply(200, "uploaded (after being held)");
        }
        held.push(answer);
        return;
      }
      this.received.push({
        name: name ?? fileNameOf(request) ?? "upload",
        method: request.method ?? "",
        bytes,
        contentType: request.headers["content-type"],
        atMs: performance.now(),
      });
      if (this.received.length > keep) {
        this.received.shift();
        this.#dropped++;
      }
      reply(201, "uploaded");
    });
  }
}

const locations: readonly string[] = ["logs", "refused", "held"];
const isLocation = (segment: string | undefined): boolean => segment !== undefined && locations.includes(segment);

/** The filename of a Content-Disposition header (a POST of a form). */
function fileNameOf(request: IncomingMessage): string | undefined {
  const disposition = request.headers["content-disposition"];
  return disposition?.match(/filename="?([^";]+)"?/)?.[1];
}
