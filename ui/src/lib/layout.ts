// Justified gallery layout: rows of equal height filled edge to edge, widths by aspect ratio.

export interface LayoutItem {
  /** Index into the input aspect list. */
  index: number;
  x: number;
  width: number;
}

export interface LayoutRow {
  y: number;
  height: number;
  items: LayoutItem[];
}

export interface Layout {
  rows: LayoutRow[];
  /** Total height including gaps between rows (no trailing gap). */
  height: number;
}

export interface LayoutOptions {
  /** Row height aimed for; rows end up between minHeight and ~maxFactor × this. */
  targetHeight: number;
  gap: number;
  /** Lowest height of a row; a lone very wide image is cropped to this (default target/2). */
  minHeight?: number;
  /** A row may end this much taller than the target rather than squashed (default 1.4). */
  maxFactor?: number;
}

const DEFAULT_ASPECT = 1.5;

/** Width/height of a photo, or a 3:2 stand-in when either is unknown or invalid. */
export function aspectOf(width: number | null | undefined, height: number | null | undefined): number {
  if (!width || !height || !(width > 0) || !(height > 0) || !isFinite(width / height)) return DEFAULT_ASPECT;
  return width / height;
}

/**
 * Lays out items with the given aspect ratios into rows of `containerWidth`. Each full row is
 * scaled so its items exactly fill the width; the last row keeps the target height. Edges are
 * rounded to whole pixels so neighbouring tiles never overlap or leave hairline gaps.
 */
export function justifiedLayout(aspects: readonly number[], containerWidth: number, opts: LayoutOptions): Layout {
  const { gap } = opts;
  const target = Math.max(1, opts.targetHeight);
  const minHeight = Math.min(target, opts.minHeight ?? target / 2);
  const maxHeight = target * (opts.maxFactor ?? 1.4);
  const rows: LayoutRow[] = [];
  if (!(containerWidth > 0) || aspects.length === 0) return { rows, height: 0 };

  let y = 0;
  let start = 0; // first index of the row being filled
  let sum = 0; // aspect sum of the row being filled
  const push = (end: number, rowSum: number, height: number, justify: boolean) => {
    rows.push({ y, height, items: place(aspects, start, end, rowSum, height, containerWidth, gap, justify) });
    y += height + gap;
    start = end;
  };

  for (let i = 0; i < aspects.length; i++) {
    const a = sanitize(aspects[i]);
    const count = i - start + 1;
    const avail = containerWidth - gap * (count - 1);
    if ((sum + a) * target < avail) {
      sum += a;
      continue;
    }
    // Adding item i fills the row. Either close the row with it (height <= target) or
    // without it (height > target), whichever lands nearer the target height; never squash a
    // row below minHeight when it could end before item i instead.
    const withH = avail / (sum + a);
    if (count > 1) {
      const withoutH = (avail + gap) / sum;
      const nearer = Math.log(withoutH / target) < Math.log(target / withH);
      if (withH < minHeight || (nearer && withoutH <= maxHeight)) {
        const capped = withoutH > maxHeight;
        push(i, sum, capped ? maxHeight : withoutH, !capped);
        sum = 0;
        if (a * target < containerWidth) {
          sum = a;
          continue;
        }
        // Item i alone fills a row (a very wide image): it gets one of its own.
        push(i + 1, a, Math.max(minHeight, containerWidth / a), true);
        continue;
      }
    }
    push(i + 1, sum + a, Math.max(minHeight, withH), true);
    sum = 0;
  }
  if (start < aspects.length) {
    // Last, unfilled row: target height, left aligned.
    rows.push({ y, height: target, items: place(aspects, start, aspects.length, sum, target, containerWidth, gap, false) });
    y += target + gap;
  }
  return { rows, height: Math.max(0, y - gap) };
}

function sanitize(a: number): number {
  return a > 0 && isFinite(a) ? a : DEFAULT_ASPECT;
}

function place(
  aspects: readonly number[],
  start: number,
  end: number,
  sum: number,
  height: number,
  containerWidth: number,
  gap: number,
  justify: boolean,
): LayoutItem[] {
  const items: LayoutItem[] = [];
  const count = end - start;
  const avail = containerWidth - gap * (count - 1);
  // A full row is scaled to fill exactly; a clamped (min height) row is squeezed to fit.
  const scale = justify ? avail / (sum * height) : 1;
  let x = 0;
  for (let i = start; i < end; i++) {
    const w = sanitize(aspects[i]) * height * scale;
    const left = Math.round(x);
    let right = Math.round(x + w);
    if (justify && i === end - 1) right = Math.round(containerWidth);
    right = Math.min(right, Math.round(containerWidth));
    items.push({ index: i, x: left, width: Math.max(1, right - left) });
    x += w + gap;
  }
  return items;
}

/** Index of the row that contains item `index`, by binary search over row starts. */
export function rowOf(rows: readonly LayoutRow[], index: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    const first = r.items[0].index;
    const last = r.items[r.items.length - 1].index;
    if (index < first) hi = mid - 1;
    else if (index > last) lo = mid + 1;
    else return mid;
  }
  return -1;
}
