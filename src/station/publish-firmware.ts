/**
 * PublishFirmware (2.0.1 L03, a local controller): the file is fetched, its MD5 checksum checked, and
 * published over HTTP on 127.0.0.1 (a random port) for the stations behind it: Downloading,
 * Downloaded, ChecksumVerified, Published with the URL; DownloadFailed or InvalidChecksum otherwise.
 * UnpublishFirmware (L04) stops serving it.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Routable, StationHost } from "./station-2.js";
import { download } from "./transfer.js";

interface PublishFirmwareRequest {
  location: string;
  checksum: string;
  requestId: number;
  retries?: number;
  retryInterval?: number;
}

export class FirmwarePublisher {
  #server: Server | undefined;
  #checksum: string | undefined;
  #downloading = false;
  status = "Idle";

  /** Stops serving (UnpublishFirmware, or the station shutting down). */
  close(): void {
    this.#server?.close();
    this.#server = undefined;
    this.#checksum = undefined;
  }

  async #serve(file: Buffer, name: string): Promise<string> {
    this.close();
    const server = createServer((req, res) => {
      if (req.url === `/${name}`) res.writeHead(200, { "content-type": "application/octet-stream" }).end(file);
      else res.writeHead(404).end();
    });
    server.unref();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`;
  }

  route(peer: Routable, host: StationHost): void {
    peer.route("PublishFirmware", () => ({ status: this.#downloading ? "Rejected" : "Accepted" }));
    peer.routeAfter("PublishFirmware", (request: PublishFirmwareRequest) => {
      if (this.#downloading) return;
      const notify = (status: string, location?: string[]) => {
        this.status = status;
        return host.send("PublishFirmwareStatusNotification", { status, requestId: request.requestId, ...(location ? { location } : {}) });
      };
      this.#downloading = true;
      host.background("PublishFirmware", async () => {
        try {
          let file: Buffer | undefined;
          const attempts = 1 + Math.max(0, request.retries ?? 0);
          for (let attempt = 1; attempt <= attempts && !file; attempt++) {
            await notify("Downloading");
            file = await download(request.location, host.transfer).catch(() => undefined);
            if (!file && attempt < attempts) await new Promise((resolve) => setTimeout(resolve, (request.retryInterval ?? 0) * 1000));
          }
          if (!file) return void (await notify("DownloadFailed"));
          await notify("Downloaded");
          if (createHash("md5").update(file).digest("hex") !== request.checksum.toLowerCase())
            return void (await notify("InvalidChecksum"));
          await notify("ChecksumVerified");
          const name = new URL(request.location).pathname.split("/").pop() || "firmware.bin";
          const url = await this.#serve(file, name);
          this.#checksum = request.checksum.toLowerCase();
          await notify("Published", [url]);
        } finally {
          this.#downloading = false;
        }
      });
    });
    peer.route("UnpublishFirmware", (request: { checksum: string }) => {
      if (this.#downloading) return { status: "DownloadOngoing" };
      if (this.#checksum === undefined || this.#checksum !== request.checksum.toLowerCase()) return { status: "NoFirmware" };
      this.close();
      this.status = "Idle";
      return { status: "Unpublished" };
    });
  }
}
