/**
 * Counts event-loop turns, for tests that check how work is spread over them (never how long it takes):
 * a chain of immediates, each queuing the next, so the count goes up once per turn while it runs.
 */
export interface LoopTurns {
  /** Records one event (a frame received, say) in the current turn. */
  mark(): void;
  /** The most events recorded in one turn, and in how many turns there were any. */
  readonly most: number;
  readonly turnsWithEvents: number;
  stop(): void;
}

export function countLoopTurns(): LoopTurns {
  let turn = 0;
  let running = true;
  const perTurn = new Map<number, number>();
  const tick = () => {
    turn++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    mark: () => {
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    },
    get most() {
      return Math.max(0, ...perTurn.values());
    },
    get turnsWithEvents() {
      return perTurn.size;
    },
    stop: () => {
      running = false;
    },
  };
}
