/**
 * Reports of a run: a summary per functional block and overall, the exit code rule, JUnit XML for CI
 * systems, and the one-line JSON result event of `--json`.
 */
import { Block, type BlockLetter, type CaseResult, Outcome } from "./case.js";

export interface Tally {
  readonly total: number;
  readonly pass: number;
  readonly fail: number;
  readonly needsAction: number;
  readonly notApplicable: number;
  readonly error: number;
}

function tally(results: readonly CaseResult[]): Tally {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  return {
    total: results.length,
    pass: count(Outcome.Pass),
    fail: count(Outcome.Fail),
    needsAction: count(Outcome.NeedsAction),
    notApplicable: count(Outcome.NotApplicable),
    error: count(Outcome.Error),
  };
}

export interface Summary {
  readonly blocks: readonly ({ readonly block: BlockLetter; readonly name: string } & Tally)[];
  readonly overall: Tally;
  /** Every case passed or was not applicable. */
  readonly passed: boolean;
}

export function summarize(results: readonly CaseResult[]): Summary {
  const letters = [...new Set(results.map((r) => r.block))];
  const overall = tally(results);
  return {
    blocks: letters.map((block) => ({ block, name: Block[block], ...tally(results.filter((r) => r.block === block)) })),
    overall,
    passed: overall.fail + overall.needsAction + overall.error === 0,
  };
}

/** 0 only if every selected case passed or was not applicable: a run that tested nothing cannot pass. */
export function exitCodeOf(results: readonly CaseResult[]): number {
  return summarize(results).passed ? 0 : 1;
}

const tallyText = (t: Tally) =>
  `${t.pass} pass, ${t.fail} fail, ${t.needsAction} needs action, ${t.notApplicable} not applicable, ${t.error} error (of ${t.total})`;

export function summaryLines(summary: Summary): string[] {
  return [
    ...summary.blocks.map((b) => `  ${b.block} ${b.name.padEnd(22)} ${tallyText(b)}`),
    `  overall                  ${tallyText(summary.overall)}: ${summary.passed ? "PASSED" : "NOT PASSED"}`,
  ];
}

/** A failed case in a few lines: the step, the check, expected vs received, the frames around it. */
export function resultLines(result: CaseResult): string[] {
  const head = `${result.outcome.toUpperCase().padEnd(14)} ${result.id}  ${result.name} (${result.durationMs} ms)`;
  const lines = [head];
  if (result.outcome === Outcome.Fail) {
    lines.push(`    step ${result.step}: ${result.check}`, `      expected: ${result.expected}`, `      received: ${result.received}`);
  } else if (result.reason && result.outcome !== Outcome.Pass) lines.push(`    ${result.reason}`);
  if (result.frames?.length && result.outcome !== Outcome.NotApplicable) {
    lines.push("    frames:");
    for (const frame of result.frames) {
      const text = frame.text.length > 200 ? `${frame.text.slice(0, 197)}...` : frame.text;
      lines.push(`      #${frame.index} ${frame.from === "tool" ? "tool → CSMS" : "CSMS → tool"}  ${text}`);
    }
  }
  return lines;
}

/** The `--json` result event: one object per case. */
export function resultEvent(result: CaseResult): Record<string, unknown> {
  return { event: "result", ...result };
}

const xml = (text: string) =>
  text
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g,
      "",
    );

/** JUnit XML: a testsuite per block; fail is a failure, error and needs action are errors, not applicable is skipped. */
export function junitXml(results: readonly CaseResult[], suiteName = "ocppkit conformance csms"): string {
  const summary = summarize(results);
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`];
  const o = summary.overall;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const totalMs = results.reduce((sum, r) => sum + r.durationMs, 0);
  out.push(
    `<testsuites name="${xml(suiteName)}" tests="${o.total}" failures="${o.fail}" errors="${o.error + o.needsAction}" skipped="${o.notApplicable}" time="${seconds(totalMs)}">`,
  );
  for (const block of summary.blocks) {
    const cases = results.filter((r) => r.block === block.block);
    const ms = cases.reduce((sum, r) => sum + r.durationMs, 0);
    out.push(
      `  <testsuite name="${block.block} ${xml(block.name)}" tests="${block.total}" failures="${block.fail}" errors="${block.error + block.needsAction}" skipped="${block.notApplicable}" time="${seconds(ms)}">`,
    );
    for (const r of cases) {
      out.push(
        `    <testcase classname="${block.block} ${xml(block.name)}" name="${r.id} ${xml(r.name)}" time="${seconds(r.durationMs)}">`,
      );
      const detail = xml(resultLines(r).slice(1).join("\n"));
      if (r.outcome === Outcome.Fail) out.push(`      <failure message="${xml(r.reason ?? "failed")}">${detail}</failure>`);
      else if (r.outcome === Outcome.Error) out.push(`      <error message="${xml(r.reason ?? "error")}" type="error">${detail}</error>`);
      else if (r.outcome === Outcome.NeedsAction)
        out.push(`      <error message="${xml(r.reason ?? "needs action")}" type="needs action"/>`);
      else if (r.outcome === Outcome.NotApplicable) out.push(`      <skipped message="${xml(r.reason ?? "not applicable")}"/>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
