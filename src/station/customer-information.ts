/**
 * CustomerInformation (2.0.1 N09/N10): the station reports what it holds about one customer, named by
 * exactly one of idToken, customerCertificate or customerIdentifier, in NotifyCustomerInformation, and
 * clears it when asked. What the simulated station holds about a customer: its reservations and its
 * authorization entries (local list and cache), given by `lookUp`.
 */
import type { Routable, StationHost } from "./station-2.js";

export interface CustomerRecords {
  /** One line per record the station holds about `idToken`. */
  describe(idToken: string): string[];
  /** Removes what may be removed (N10: the cache and reservations; a local list entry stays, the CSMS owns it). */
  clear(idToken: string): void;
}

interface CustomerInformationRequest {
  requestId: number;
  report: boolean;
  clear: boolean;
  idToken?: { idToken: string };
  customerIdentifier?: string;
  customerCertificate?: { serialNumber: string };
}

const maxData = 512;

export function routeCustomerInformation(peer: Routable, host: StationHost, records: CustomerRecords): void {
  const named = (request: CustomerInformationRequest) =>
    [request.idToken, request.customerIdentifier, request.customerCertificate].filter((v) => v !== undefined).length;
  peer.route("CustomerInformation", (request: CustomerInformationRequest) => {
    if (named(request) !== 1) return { status: "Invalid" };
    if (!request.report && !request.clear) return { status: "Rejected" };
    return { status: "Accepted" };
  });
  peer.routeAfter("CustomerInformation", (request: CustomerInformationRequest) => {
    if (named(request) !== 1 || (!request.report && !request.clear)) return;
    const idToken = request.idToken?.idToken;
    const lines = idToken === undefined ? [] : records.describe(idToken);
    if (request.clear && idToken !== undefined) records.clear(idToken);
    const who = idToken ?? request.customerIdentifier ?? request.customerCertificate?.serialNumber ?? "";
    const text = request.report ? (lines.length ? lines.join("; ") : `no data held for ${who}`) : `cleared data of ${who}`;
    // data is at most 512 characters a message: longer reports go in parts (seqNo, tbc).
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += maxData) parts.push(text.slice(i, i + maxData));
    host.background("NotifyCustomerInformation", async () => {
      const generatedAt = new Date().toISOString();
      for (const [seqNo, data] of parts.entries()) {
        await host.send("NotifyCustomerInformation", {
          data,
          seqNo,
          tbc: seqNo < parts.length - 1,
          generatedAt,
          requestId: request.requestId,
        });
      }
    });
  });
}
