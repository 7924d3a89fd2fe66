/** Latencies in ms, kept in a growable typed array: a run of millions of calls makes no object per sample. */
export class Samples {
  #values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = value;
  }

  /** Percentiles (0-100), nearest rank, rounded to 0.1 ms. */
  percentiles(...ps: number[]): number[] {
    if (this.length === 0) return ps.map(() => 0);
    const sorted = this.#values.slice(0, this.length).sort();
    return ps.map((p) => Math.round(sorted[Math.min(this.length - 1, Math.max(0, Math.ceil((p / 100) * this.length) - 1))] * 10) / 10);
  }

  clear(): void {
    this.length = 0;
  }
}
