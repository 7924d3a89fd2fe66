/**
 * Per-connection heap breakdown: `node bench/heap-breakdown.mjs <before.heapsnapshot> <after.heapsnapshot> <connections>`
 * (the two snapshots `node bench/idle.mjs --snapshot=1` writes of one server: one charge point seen and
 * gone, then N connected). Sums the self size of the objects in each snapshot by kind and constructor
 * name, and prints the groups that grew, per connection, largest first: what each connection keeps.
 */
import { readFileSync } from "node:fs";

const [baselineFile, otherFile, connections] = process.argv.slice(2);
const n = Number(connections);
if (!baselineFile || !otherFile || !(n > 0)) {
  process.stderr.write("usage: node bench/heap-breakdown.mjs <baseline.heapsnapshot> <other.heapsnapshot> <connections>\n");
  process.exit(2);
}

function groups(file) {
  const snapshot = JSON.parse(readFileSync(file, "utf8"));
  const {
    node_fields: fields,
    node_types: [types],
  } = snapshot.snapshot.meta;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field));
  const byGroup = new Map();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    // Strings, numbers and code are grouped by kind only; objects and closures by their name.
    const name = type === "object" || type === "closure" || type === "native" ? strings[nodes[i + nameAt]] : "";
    const key = `${type} ${name}`.trim();
    const group = byGroup.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += nodes[i + sizeAt];
    byGroup.set(key, group);
  }
  return byGroup;
}

const baseline = groups(baselineFile);
const other = groups(otherFile);
const rows = [];
for (const key of new Set([...baseline.keys(), ...other.keys()])) {
  const a = baseline.get(key) ?? { count: 0, bytes: 0 };
  const b = other.get(key) ?? { count: 0, bytes: 0 };
  const bytes = (b.bytes - a.bytes) / n;
  if (Math.abs(bytes) >= 4)
    rows.push({ key, perConnection: Math.round(bytes), countPerConnection: Math.round(((b.count - a.count) / n) * 100) / 100 });
}
rows.sort((x, y) => Math.abs(y.perConnection) - Math.abs(x.perConnection));
const total = rows.reduce((sum, row) => sum + row.perConnection, 0);
process.stdout.write(`${JSON.stringify({ connections: n, totalBytesPerConnection: total, groups: rows })}\n`);
