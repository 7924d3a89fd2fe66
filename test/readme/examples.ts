/**
 * The README's TypeScript examples. Each ```ts block is marked on the line before it:
 * `<!-- example: run -->` (type-checked and run), `<!-- example: typecheck -->` (type-checked only) or
 * `<!-- example: fragment -->` (part of a program, neither).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../package/consumer.js";

export type ExampleKind = "run" | "typecheck" | "fragment";

export interface Example {
  readonly kind: ExampleKind;
  readonly code: string;
  /** Line of the opening fence, 1-based. */
  readonly line: number;
  /** The heading the block is under. */
  readonly heading: string;
  /** A file name for it: `example-<line>-<heading>`. */
  readonly name: string;
}

export interface ReadmeExamples {
  readonly examples: Example[];
  /** Problems: a ts block without a marker, a marker without a ts block, an unknown marker. */
  readonly problems: string[];
}

const marker = /^<!-- example: (\S+) -->$/;
const kinds = new Set<string>(["run", "typecheck", "fragment"]);

export function parseExamples(text: string): ReadmeExamples {
  const lines = text.split("\n");
  const examples: Example[] = [];
  const problems: string[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const marked = marker.exec(line);
    if (marked) {
      if (!kinds.has(marked[1] as string)) problems.push(`line ${i + 1}: unknown example kind '${marked[1]}' (run, typecheck or fragment)`);
      if (!/^```(ts|typescript)\s*$/.test(lines[i + 1] ?? ""))
        problems.push(`line ${i + 1}: an example marker not followed by a \`\`\`ts block`);
      continue;
    }
    if (line.startsWith("#")) heading = line.replace(/^#+\s*/, "");
    if (!line.startsWith("```")) continue;
    // A fenced block: find its end, whatever its language.
    let end = i + 1;
    while (end < lines.length && !(lines[end] as string).startsWith("```")) end++;
    if (/^```(ts|typescript)\s*$/.test(line)) {
      const kind = marker.exec(lines[i - 1] ?? "")?.[1];
      if (kind === undefined) {
        problems.push(`line ${i + 1}: a \`\`\`ts block without <!-- example: run|typecheck|fragment --> on the line before`);
      } else if (kinds.has(kind)) {
        const slug = heading
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "");
        examples.push({
          kind: kind as ExampleKind,
          code: lines.slice(i + 1, end).join("\n"),
          line: i + 1,
          heading,
          name: `example-${i + 1}-${slug}`,
        });
      }
    }
    i = end;
  }
  return { examples, problems };
}

export function readmeExamples(): ReadmeExamples {
  return parseExamples(readFileSync(join(root, "README.md"), "utf8"));
}

/** The quick-start example: the runnable block under "Usage". */
export function quickStart(): Example {
  const example = readmeExamples().examples.find((candidate) => candidate.heading === "Usage" && candidate.kind === "run");
  if (!example) throw new Error("README.md has no runnable example under '## Usage' (the quick start)");
  return example;
}

/**
 * Points an example at the test's servers: port 9000 becomes `port`, a `listen(9000)` listens on
 * 127.0.0.1 only, and the sample journal directory becomes `directory`.
 */
export function localized(code: string, port: number, directory: string): string {
  return code
    .replace(/listen\(9000\)/g, `listen(${port}, "127.0.0.1")`)
    .replace(/\b9000\b/g, String(port))
    .replaceAll("/var/lib/charger/queue", directory);
}
