/**
 * CustomerInformation (2.0.1 N09/N10): the station reports what it holds about one customer, named by
 * exactly one of idToken, customerCertificate or customerIdentifier, in NotifyCustomerInformation, and
 * clears it when asked. What the simulated station holds about a customer: its reservations and its
 * authorization entries (local list and cache), given by `records`, and what was stored by hand under a
 * customerIdentifier (`StoredCustomers`, part 6 TC_N_62: "the tester needs manually store the
 * <Configured customerIdentifier> at the Charging Station").
 */
import type { Routable, StationHost } from "./station-2.js";

export interface CustomerRecords {
  /** One line per record the station holds about `idToken`. */
  describe(idToken: string): string[];
  /** Removes what may be removed (N10: the cache and reservations; a local list entry stays, the CSMS owns it). */
  clear(idToken: string): void;
}

/** Customer data stored at the station by hand, under a customerIdentifier. */
export class StoredCustomers {
  readonly #records = new Map<string, string[]>();

  store(customerIdentifier: string, record = `customer ${customerIdentifier}, stored at the station by hand`): void {
    this.#records.set(customerIdentifier, [...(this.#records.get(customerIdentifier) ?? []), record]);
  }

  describe(customerIdentifier: string): string[] {
    return this.#records.get(customerIdentifier) ?? [];
  }

  /** N10.FR.01: the station removes what it holds about the customer. */
  clear(customerIdentifier: string): void {
    this.#records.delete(customerIdentifier);
  }
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

export function routeCustomerInformation(
  peer: Routable,
  host: StationHost,
  records: CustomerRecords,
  stored: StoredCustomers = new StoredCustomers(),
): void {
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
    const identifier = request.customerIdentifier;
    const lines = idToken !== undefined ? records.describe(idToken) : identifier !== undefined ? stored.describe(identifier) : [];
    if (request.clear && idToken !== undefined) records.clear(idToken);
    if (request.clear && identifier !== undefined) stored.clear(identifier);
    const who = idToken ?? identifier ?? request.customerCertificate?.serialNumber ?? "";
    // Nothing held: for an idToken a sentence (TC_N_28/31: "a message ... indicating that no data is found"),
    // for a customerIdentifier empty data (TC_N_62 step 7: "data empty" once cleared).
    const none = idToken !== undefined ? `no data held for ${who}` : "";
    const text = request.report ? (lines.length ? lines.join("; ") : none) : `cleared data of ${who}`;
    // data is at most 512 characters a message: longer reports go in parts (seqNo, tbc); an empty report is one part.
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += maxData) parts.push(text.slice(i, i + maxData));
    if (parts.length === 0) parts.push("");
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
