/** Prints what the parent reads from a start-up child: time since the process began, and peak RSS. */
export function report(valid) {
  const readyMs = performance.now();
  process.stdout.write(`${JSON.stringify({ valid, readyMs, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}
