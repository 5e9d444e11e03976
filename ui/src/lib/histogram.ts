// Score histogram and cut-off filtering for the results panel.

export interface Histogram {
  counts: number[];
  min: number;
  max: number;
  /** Width of one bin in score units (> 0 even when all scores are equal). */
  step: number;
}

/** Bins scores into `bins` equal bins spanning [min score, max score]. */
export function histogram(scores: readonly number[], bins = 30): Histogram {
  const n = Math.max(1, Math.floor(bins));
  const counts = new Array<number>(n).fill(0);
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (!isFinite(s)) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (min === Infinity) return { counts, min: 0, max: 0, step: 0 };
  if (max - min < 1e-9) {
    // All equal: centre a tiny range on the value so the one bar sits in the middle.
    min -= 0.005;
    max += 0.005;
  }
  const step = (max - min) / n;
  for (const s of scores) {
    if (isFinite(s)) counts[binOf(s, min, step, n)]++;
  }
  return { counts, min, max, step };
}

/** The bin a score falls into; the maximum lands in the last bin. */
export function binOf(score: number, min: number, step: number, bins: number): number {
  if (!(step > 0)) return 0;
  // The epsilon puts a score that sits on a bin edge (up to rounding) into the upper bin.
  return Math.min(bins - 1, Math.max(0, Math.floor((score - min) / step + 1e-9)));
}

/**
 * Items whose score is at least the cut-off, and matches of the query's words whatever their
 * score (null cut-off keeps everything). Order is kept.
 */
export function applyCutoff<T extends { score: number; matched?: boolean }>(items: readonly T[], cutoff: number | null): T[] {
  if (cutoff === null) return items.slice();
  return items.filter((h) => h.score >= cutoff || h.matched === true);
}
