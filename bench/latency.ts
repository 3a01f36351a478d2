// latency.ts: a histogram of latencies in fixed memory, however many are recorded.
// Each bucket is 2 % wider than the one before, so a percentile read from it is
// within 2 % of the exact value; the maximum is kept exactly.

const SMALLEST_MS = 0.001; // everything below 1 µs shares the first bucket
const GROWTH = 1.02;
const BUCKETS = 1000; // 0.001 ms × 1.02^1000 ≈ 400 s: more than any phase lasts

export interface LatencySummary {
  count: number;
  p50: number; // milliseconds
  p99: number;
  max: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS + 1);
  private total = 0;
  private largest = 0;

  record(ms: number): void {
    const index = ms <= SMALLEST_MS ? 0 : Math.min(BUCKETS, Math.ceil(Math.log(ms / SMALLEST_MS) / Math.log(GROWTH)));
    this.counts[index]++;
    this.total++;
    if (ms > this.largest) this.largest = ms;
  }

  // The upper edge of the bucket that holds the p-th percentile (0 < p ≤ 100).
  percentile(p: number): number {
    const rank = Math.ceil((p / 100) * this.total);
    let index = 0;
    for (let seen = this.counts[0]; seen < rank; seen += this.counts[index]) index++;
    return Math.min(this.largest, SMALLEST_MS * GROWTH ** index);
  }

  summary(): LatencySummary {
    return { count: this.total, p50: this.percentile(50), p99: this.percentile(99), max: this.largest };
  }
}
