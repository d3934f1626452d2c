/** The order statistics every bench reports, in one place so their figures mean the same thing. */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function pct(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** The middle sample (the upper one of an even count), as the benches' "median of N runs". */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
