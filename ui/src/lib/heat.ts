// The heatmap's colours (blue for the least similar region through yellow to red for the most,
// the same stops as iris-core's `iris explain --png` overlay) and a grid's value range.

const STOPS: readonly (readonly [number, number, number])[] = [
  [49, 54, 149],
  [69, 117, 180],
  [116, 173, 209],
  [254, 224, 144],
  [244, 109, 67],
  [165, 0, 38],
];

/** The colour of `t` in [0, 1] (clamped). */
export function heatColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2);
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(STOPS[i][k] * (1 - f) + STOPS[i + 1][k] * f)) as [number, number, number];
}

/** The least and greatest value of a grid (0, 0 for an empty one). */
export function gridRange(grid: readonly (readonly number[])[]): { lo: number; hi: number } {
  const values = grid.flat();
  if (values.length === 0) return { lo: 0, hi: 0 };
  return { lo: Math.min(...values), hi: Math.max(...values) };
}

/** The CSS gradient of the legend, low to high. */
export const HEAT_GRADIENT = `linear-gradient(to right, ${STOPS.map((s) => `rgb(${s.join(' ')})`).join(', ')})`;
