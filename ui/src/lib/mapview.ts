// The library map's geometry and colours, apart from the canvas: the view (world to screen),
// fitting and zooming, a grid index for hover hits, lasso selection and the point colours by
// folder, year or the current query's score.

import { heatColour } from './heat';

/** Screen = world * scale + offset (one scale for both axes: the map is not stretched). */
export interface View {
  scale: number;
  ox: number;
  oy: number;
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bounds(xs: Float32Array, ys: Float32Array): Bounds {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < minX) minX = xs[i];
    if (xs[i] > maxX) maxX = xs[i];
    if (ys[i] < minY) minY = ys[i];
    if (ys[i] > maxY) maxY = ys[i];
  }
  if (!Number.isFinite(minX)) return { minX: -1, minY: -1, maxX: 1, maxY: 1 };
  return { minX, minY, maxX, maxY };
}

/** The view that shows all of `b` centred in a `width` x `height` canvas with `margin` pixels around it. */
export function fitView(b: Bounds, width: number, height: number, margin = 24): View {
  const w = Math.max(b.maxX - b.minX, 1e-6);
  const h = Math.max(b.maxY - b.minY, 1e-6);
  const scale = Math.max(1e-6, Math.min((width - 2 * margin) / w, (height - 2 * margin) / h));
  return {
    scale,
    ox: width / 2 - ((b.minX + b.maxX) / 2) * scale,
    oy: height / 2 - ((b.minY + b.maxY) / 2) * scale,
  };
}

/** The view zoomed by `factor` about the screen point (sx, sy), which stays where it is. */
export function zoomAt(v: View, factor: number, sx: number, sy: number): View {
  const scale = v.scale * factor;
  return { scale, ox: sx - (sx - v.ox) * factor, oy: sy - (sy - v.oy) * factor };
}

export function toWorld(v: View, sx: number, sy: number): [number, number] {
  return [(sx - v.ox) / v.scale, (sy - v.oy) / v.scale];
}

/** Points bucketed by world cell, for finding the point under the pointer without a scan. */
export class PointGrid {
  readonly #cell: number;
  readonly #cells = new Map<string, number[]>();
  readonly #xs: Float32Array;
  readonly #ys: Float32Array;

  constructor(xs: Float32Array, ys: Float32Array, b: Bounds) {
    this.#xs = xs;
    this.#ys = ys;
    const side = Math.max(b.maxX - b.minX, b.maxY - b.minY, 1e-6);
    this.#cell = side / Math.max(1, Math.ceil(Math.sqrt(xs.length / 4)));
    for (let i = 0; i < xs.length; i++) {
      const key = this.#key(Math.floor(xs[i] / this.#cell), Math.floor(ys[i] / this.#cell));
      const list = this.#cells.get(key);
      if (list) list.push(i);
      else this.#cells.set(key, [i]);
    }
  }

  #key(cx: number, cy: number): string {
    return `${cx},${cy}`;
  }

  /** The index of the point nearest (wx, wy) within `radius` (world units), or -1. */
  nearest(wx: number, wy: number, radius: number): number {
    let best = -1;
    let bestD = radius * radius;
    const reach = Math.ceil(radius / this.#cell);
    const cx = Math.floor(wx / this.#cell);
    const cy = Math.floor(wy / this.#cell);
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        for (const i of this.#cells.get(this.#key(cx + dx, cy + dy)) ?? []) {
          const d = (this.#xs[i] - wx) ** 2 + (this.#ys[i] - wy) ** 2;
          if (d <= bestD) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best;
  }
}

/** Whether (x, y) lies inside the polygon (even-odd rule). */
export function insidePolygon(polygon: readonly [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The indices of the points inside a lasso drawn on the screen. */
export function lassoed(xs: Float32Array, ys: Float32Array, v: View, lasso: readonly [number, number][]): number[] {
  if (lasso.length < 3) return [];
  const world = lasso.map(([sx, sy]) => toWorld(v, sx, sy));
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x, y] of world) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < minX || xs[i] > maxX || ys[i] < minY || ys[i] > maxY) continue;
    if (insidePolygon(world, xs[i], ys[i])) out.push(i);
  }
  return out;
}

export type ColourBy = 'folder' | 'year' | 'score' | 'tag';

/** Twelve distinct hues for folders (a qualitative palette), then repeated. */
const FOLDER_PALETTE: readonly (readonly [number, number, number])[] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
  [31, 119, 180],
  [148, 103, 189],
];
/** Points without a value (no date; not among the results). */
export const NO_VALUE: readonly [number, number, number] = [90, 96, 108];

/** The folder of a path (everything before the last separator). */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}

/** The year of a date taken (seconds, camera local time read as UTC), or null. */
export function yearOf(taken: number | null): number | null {
  return taken === null ? null : new Date(taken * 1000).getUTCFullYear();
}

export interface LegendEntry {
  label: string;
  colour: readonly [number, number, number];
}

/**
 * Each point's colour as 0xAABBGGRR (ImageData's byte order on little-endian machines), the
 * legend, and how many points have a value (are not grey). `values` by point index: the
 * query's scores, or the cosines of the photos given the tag `tag`.
 */
export function pointColours(
  mode: ColourBy,
  paths: readonly string[],
  taken: readonly (number | null)[],
  values: ReadonlyMap<number, number>,
  tag = '',
): { colours: Uint32Array; legend: LegendEntry[]; lit: number } {
  const n = paths.length;
  const colours = new Uint32Array(n);
  const pack = (c: readonly [number, number, number]) => (0xff << 24) | (c[2] << 16) | (c[1] << 8) | c[0];
  const legend: LegendEntry[] = [];
  let lit = n;
  if (mode === 'folder') {
    const folders = new Map<string, number>();
    const counts: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = folderOf(paths[i]);
      let k = folders.get(f);
      if (k === undefined) {
        k = folders.size;
        folders.set(f, k);
        counts.push(0);
      }
      counts[k]++;
      colours[i] = pack(FOLDER_PALETTE[k % FOLDER_PALETTE.length]);
    }
    for (const [f, k] of folders) if (k < FOLDER_PALETTE.length) legend.push({ label: `${f.split(/[/\\]/).pop() || f} (${counts[k]})`, colour: FOLDER_PALETTE[k] });
  } else if (mode === 'year') {
    const years = taken.map(yearOf);
    const known = years.filter((y): y is number => y !== null);
    const lo = known.length ? Math.min(...known) : 0;
    const hi = known.length ? Math.max(...known) : 0;
    for (let i = 0; i < n; i++) {
      const y = years[i];
      colours[i] = pack(y === null ? NO_VALUE : heatColour(hi > lo ? (y - lo) / (hi - lo) : 1));
    }
    if (known.length) {
      legend.push({ label: String(lo), colour: heatColour(0) });
      if (hi > lo) legend.push({ label: String(hi), colour: heatColour(1) });
    }
    if (known.length < n) legend.push({ label: 'no date', colour: NO_VALUE });
    lit = known.length;
  } else {
    const all = [...values.values()];
    const lo = all.length ? Math.min(...all) : 0;
    const hi = all.length ? Math.max(...all) : 0;
    lit = 0;
    for (let i = 0; i < n; i++) {
      const s = values.get(i);
      if (s !== undefined) lit++;
      colours[i] = pack(s === undefined ? NO_VALUE : heatColour(hi > lo ? (s - lo) / (hi - lo) : 1));
    }
    if (all.length) legend.push({ label: lo.toFixed(2), colour: heatColour(0) }, { label: hi.toFixed(2), colour: heatColour(1) });
    const rest = mode === 'tag' ? (tag ? `not tagged ${tag}` : 'pick a tag') : all.length ? 'not found' : 'search to light up matches';
    legend.push({ label: rest, colour: NO_VALUE });
  }
  return { colours, legend, lit };
}
