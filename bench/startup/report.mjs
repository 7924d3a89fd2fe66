/**
 * Prints what the parent reads from a start-up child: time since the process began, the CPU time the
 * process has used so far (all its threads; steadier than wall time on a busy machine), and peak RSS.
 */
export function report(valid) {
  const readyMs = performance.now();
  const cpu = process.cpuUsage();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ valid, readyMs, cpuMs, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}
