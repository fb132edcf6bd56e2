/** Small timing helpers: medians of interleaved rounds, so drift hits both sides alike. */

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean time per call of `fn` over `n` sequential calls, in microseconds. */
export async function perCallMicros(fn: () => Promise<unknown>, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - start) * 1000) / n;
}

/** Sequential calls per second of `fn` over about `ms` milliseconds. */
export async function callsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    await fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

/**
 * Runs `a` and `b` in alternating rounds and returns each side's median
 * (`a` first, then `b`).
 */
export async function interleaved(a: () => Promise<number>, b: () => Promise<number>, rounds: number): Promise<[number, number]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return [median(as), median(bs)];
}
