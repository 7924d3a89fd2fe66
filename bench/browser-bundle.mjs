// Size of a browser charge point per OCPP version: `ocppkit/core` + one version module, bundled by esbuild
// for the browser (minified, as an app would ship it) and gzipped. Prints one JSON line per version.
// The program is the smallest real one: connect over the WHATWG WebSocket, start, and send CALLs.
// Usage: node bench/browser-bundle.mjs (after npm run build).
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = new URL("..", import.meta.url);
const versions = [
  { version: "1.6", entry: "ocppkit/v16", subprotocol: "ocpp1.6" },
  { version: "2.0.1", entry: "ocppkit/v201", subprotocol: "ocpp2.0.1" },
  { version: "2.1", entry: "ocppkit/v21", subprotocol: "ocpp2.1" },
];

for (const { version, entry, subprotocol } of versions) {
  const contents = `import { connectWebSocket } from "ocppkit/core";
import { ChargePoint, call } from "${entry}";
export async function start(url, id) {
  const charger = new ChargePoint(id, await connectWebSocket(url + "/" + id, { protocols: ["${subprotocol}"] }));
  charger.start();
  return charger;
}
export { call };
`;
  const result = await build({
    stdin: { contents, resolveDir: new URL(".", root).pathname, loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0].contents;
  console.log(
    JSON.stringify({
      bench: "browser-bundle",
      version,
      entry,
      minifiedBytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
    }),
  );
}
