/** Something with queued work that runs a bounded slice of it per turn (see takeTurn). */
export interface TakesTurns {
  /** Runs one slice; calls `takeTurn(this)` again when work is left. */
  turn(): void;
}

// One queue for the whole process: the event loop is shared by every connection, so fairness is too.
let due: TakesTurns[] = [];
let armed = false;

/**
 * Gives `worker` one turn at the next tick of a 1 ms timer: a connection with a backlog gets one slice
 * per tick, round robin with the other backlogged ones, and everyone else's messages are read in
 * between. A timer rather than `setImmediate`: with immediates the process would never sleep while a
 * flooder's backlog lasts, and on a busy machine a process that never sleeps loses the scheduler's
 * preference for waking processes, so every other connection's answers would wait for its next time
 * slice (measured in BENCHMARKS.md: well-behaved chargers' median latency 10x with immediates, about
 * unchanged with the timer). The cost: a throttled connection gets at most one slice per millisecond.
 * One timer for the whole process, and only while some connection has a backlog.
 */
export function takeTurn(worker: TakesTurns): void {
  due.push(worker);
  if (armed) return;
  armed = true;
  setTimeout(runTurns, 1);
}

function runTurns(): void {
  armed = false;
  const now = due;
  due = [];
  for (let i = 0; i < now.length; i++) {
    try {
      now[i].turn();
    } catch (error) {
      // The others keep their turn; the error surfaces as it would have without the queue.
      for (let j = i + 1; j < now.length; j++) takeTurn(now[j]);
      throw error;
    }
  }
}
