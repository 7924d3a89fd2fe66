/**
 * File transfer for firmware and logs over HTTP(S), the protocols the station lists in
 * OCPPCommCtrlr.FileTransferProtocols: a GET for a download, a PUT for an upload (to the location, or
 * to location + file name when the location ends with "/", as `curl --upload-file` does). Bounded in
 * time and size; every failure is a TransferError saying what went wrong.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface TransferOptions {
  /** PEM CA(s) to trust for https:// besides the system's. */
  readonly ca?: string;
  /** Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Largest download accepted, in bytes. Default 64 MiB. */
  readonly maxBytes?: number;
}

export class TransferError extends Error {
  readonly code = "ERR_TRANSFER";
  constructor(message: string) {
    super(message);
    this.name = "TransferError";
  }
}

function send(method: "GET" | "PUT", location: string, body: Buffer | undefined, options: TransferOptions): Promise<IncomingMessage> {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return Promise.reject(new TransferError(`'${location}' is not a URL: give an http:// or https:// location`));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return Promise.reject(new TransferError(`${url.protocol} is not supported: the station transfers files over HTTP and HTTPS only`));
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        timeout: options.timeoutMs ?? 30_000,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        headers: body === undefined ? {} : { "content-length": body.length, "content-type": "application/octet-stream" },
      },
      resolve,
    );
    req.on("timeout", () => req.destroy(new TransferError(`${method} ${url.href} timed out`)));
    req.on("error", (error) =>
      reject(error instanceof TransferError ? error : new TransferError(`${method} ${url.href} failed: ${error.message}`)),
    );
    req.end(body);
  });
}

/** The file at `location`; a status other than 2xx, a timeout or an oversized body rejects. */
export async function download(location: string, options: TransferOptions = {}): Promise<Buffer> {
  const response = await send("GET", location, undefined, options);
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    throw new TransferError(`GET ${location} answered ${status}`);
  }
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new TransferError(`GET ${location} is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Uploads `content` as `fileName` to `location`; resolves with the URL it was PUT to. */
export async function upload(location: string, fileName: string, content: Buffer, options: TransferOptions = {}): Promise<string> {
  const target = location.endsWith("/") ? `${location}${encodeURIComponent(fileName)}` : location;
  const response = await send("PUT", target, content, options);
  response.resume();
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) throw new TransferError(`PUT ${target} answered ${status}`);
  return target;
}
