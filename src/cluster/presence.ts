/** Where one charger is connected, as the cluster's presence table records it. */
export interface Presence {
  readonly id: string;
  /** The node holding its socket. */
  readonly node: string;
  /** "1.6", "2.0.1", "2.1". */
  readonly ocppVersion: string;
  readonly connectedSince: Date;
}

// A presence value is one Redis string: node, connection number, version and epoch ms, separated by the
// unit separator, which no node id may contain. The node comes first so the Lua scripts can read it with
// one match, and the connection number makes two connections of one id on one node differ, so a
// compare-and-delete by the old socket never removes the entry of the new one.
const separator = "\x1f";

export function presenceValue(node: string, connection: number, ocppVersion: string, since: number): string {
  return `${node}${separator}${connection}${separator}${ocppVersion}${separator}${since}`;
}

export function nodeOf(value: string): string {
  const end = value.indexOf(separator);
  return end < 0 ? value : value.slice(0, end);
}

export function parsePresence(id: string, value: string): Presence {
  const [node, , ocppVersion = "", since = "0"] = value.split(separator);
  return { id, node, ocppVersion, connectedSince: new Date(Number(since)) };
}

/** Node ids go into key names, channel names and presence values: a conservative alphabet keeps all three unambiguous. */
export const nodeIdPattern = /^[A-Za-z0-9._:@-]{1,100}$/;
