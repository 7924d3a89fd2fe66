/** Something with queued work that runs a bounded slice of it per event-loop turn. */
export interface TakesTurns {
  /** Runs one slice; calls `takeTurn(this)` again when work is left. */
  turn(): void;
}

// One queue for the whole process: the event loop is shared by every connection, so fairness is too.
let due: TakesTurns[] = [];
let armed = false;

/**
 * Gives `worker` one turn in the next check phase of the event loop, after the pending I/O of every
 * socket: a connection with a backlog gets one slice per loop iteration, round robin with the other
 * backlogged ones, and everyone else's messages are read in between. One `setImmediate` per loop
 * iteration, and only while some connection has a backlog.
 */
export function takeTurn(worker: TakesTurns): void {
  due.push(worker);
  if (armed) return;
  armed = true;
  setImmediate(runTurns);
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
