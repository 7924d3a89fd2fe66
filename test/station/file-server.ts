/** An HTTP or HTTPS file server on 127.0.0.1 for firmware downloads and log uploads, recording every request. */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { repoFile } from "../cli/cli-process.js";

export interface FileRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

export class FileServer {
  readonly requests: FileRequest[] = [];
  /** Files served to GET, by path. */
  readonly files = new Map<string, Buffer>();
  /** Status of the answers to PUT. */
  putStatus = 201;
  readonly url: string;

  private constructor(url: string) {
    this.url = url;
  }

  static async start(t: { after(fn: () => unknown): void }, tls = false): Promise<FileServer> {
    let self: FileServer | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const server = self as FileServer;
        const path = req.url ?? "/";
        server.requests.push({ method: req.method ?? "", path, body: Buffer.concat(chunks) });
        if (req.method === "PUT") {
          res.writeHead(server.putStatus).end();
          return;
        }
        const file = server.files.get(path);
        if (file) res.writeHead(200, { "content-type": "application/octet-stream" }).end(file);
        else res.writeHead(404).end();
      });
    };
    const server = tls
      ? createHttpsServer(
          { cert: readFileSync(repoFile("test/fixtures/certs/server.crt")), key: readFileSync(repoFile("test/fixtures/certs/server.key")) },
          handler,
        )
      : createHttpServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    self = new FileServer(`${tls ? "https" : "http"}://127.0.0.1:${port}`);
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return self;
  }
}
