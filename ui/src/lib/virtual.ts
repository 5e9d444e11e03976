// Virtualisation window: which rows of a tall list intersect the viewport (plus overscan).

export interface RowBox {
  y: number;
  height: number;
}

export interface Range {
  /** First row to render. */
  start: number;
  /** One past the last row to render (start === end means nothing). */
  end: number;
}

/**
 * Rows sorted by y. Returns the rows that overlap [scrollTop - overscan, scrollTop + viewport +
 * overscan) in O(log n) using binary search.
 */
export function visibleRange(rows: readonly RowBox[], scrollTop: number, viewportHeight: number, overscan = 0): Range {
  if (rows.length === 0 || !(viewportHeight > 0)) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop) - Math.max(0, overscan);
  const bottom = Math.max(0, scrollTop) + viewportHeight + Math.max(0, overscan);
  // first row whose bottom edge is below `top`
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].y + rows[mid].height <= top) lo = mid + 1;
    else hi = mid;
  }
  const start = lo;
  // first row whose top edge is at or below `bottom`
  hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].y < bottom) lo = mid + 1;
    else hi = mid;
  }
  return { start, end: Math.max(start, lo) };
}

/**
 * The scrollTop that brings a row fully into view with the least movement (unchanged when it is
 * visible already). A row taller than the viewport is aligned to its top.
 */
export function scrollToReveal(row: RowBox, scrollTop: number, viewportHeight: number, margin = 0): number {
  const top = row.y - margin;
  const bottom = row.y + row.height + margin;
  if (top < scrollTop || bottom - top > viewportHeight) return Math.max(0, top);
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return scrollTop;
}
