/**
 * Lets a Node process exit while this timer is the only thing pending (a response deadline must not keep
 * a finished script alive). Browsers and other WHATWG runtimes return a number from `setTimeout`, with
 * nothing to unref: there it does nothing.
 */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
