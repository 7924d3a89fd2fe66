// Builds the page of `ocppkit serve --ui` into dist/ui/page: src/ui/page/main.ts bundled by esbuild (one
// script for the first load, one lazily loaded chunk of schema validators per OCPP version), its style
// and its HTML. Run by `npm run build`, after tsc has type-checked the page (src/ui/page/tsconfig.json).
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const source = new URL("../src/ui/page/", import.meta.url);
const target = new URL("../dist/ui/page/", import.meta.url);

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
await build({
  entryPoints: [new URL("main.ts", source).pathname],
  outdir: target.pathname,
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: "es2022",
  platform: "browser",
  chunkNames: "chunk-[hash]",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(new URL("index.html", source), new URL("index.html", target));
copyFileSync(new URL("page.css", source), new URL("page.css", target));
