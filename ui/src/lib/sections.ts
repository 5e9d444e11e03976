// Month sections of the browsed library: consecutive photos of one month (by date taken, else
// file time) under one header, each section a justified gallery of its own, the sections
// stacked under their headers; the first section of each year is where the scrubber jumps.
import { justifiedLayout, type Layout, type LayoutOptions, type LayoutRow } from './layout';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface Dated {
  taken: number | null;
  /** File modification time, seconds since the epoch. */
  modified: number;
}

export interface MonthHeader {
  /** "2019-07". */
  key: string;
  /** "July 2019". */
  label: string;
  year: number;
  /** Index of the section's first photo. */
  start: number;
  /** Top of the header. */
  y: number;
}

export interface SectionedLayout extends Layout {
  headers: MonthHeader[];
}

/** The month a photo belongs to: EXIF times are camera wall-clock read as UTC, so UTC fields. */
export function monthOf(p: Dated): { key: string; label: string; year: number } {
  const seconds = p.taken ?? p.modified;
  const d = new Date((isFinite(seconds) ? seconds : 0) * 1000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  return { key: `${year}-${String(month + 1).padStart(2, '0')}`, label: `${MONTHS[month]} ${year}`, year };
}

/**
 * Lays photos (already newest first) out in month sections: a header of `headerHeight`, then
 * that month's rows. Row items keep their index into `photos`, so selection and keyboard moves
 * work across sections as in one gallery.
 */
export function sectionedLayout(
  photos: readonly Dated[],
  aspects: readonly number[],
  containerWidth: number,
  opts: LayoutOptions,
  headerHeight: number,
): SectionedLayout {
  const rows: LayoutRow[] = [];
  const headers: MonthHeader[] = [];
  if (!(containerWidth > 0) || photos.length === 0) return { rows, headers, height: 0 };
  let y = 0;
  let start = 0;
  while (start < photos.length) {
    const month = monthOf(photos[start]);
    let end = start + 1;
    while (end < photos.length && monthOf(photos[end]).key === month.key) end++;
    headers.push({ ...month, start, y });
    y += headerHeight;
    const section = justifiedLayout(aspects.slice(start, end), containerWidth, opts);
    for (const row of section.rows) {
      rows.push({ y: y + row.y, height: row.height, items: row.items.map((it) => ({ ...it, index: it.index + start })) });
    }
    y += section.height + opts.gap * 2;
    start = end;
  }
  return { rows, headers, height: Math.max(0, y - opts.gap * 2) };
}

/** The header of the section showing at `y` (the last header at or above it); -1 when none. */
export function headerAt(headers: readonly MonthHeader[], y: number): number {
  let lo = 0;
  let hi = headers.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (headers[mid].y <= y) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The first (newest) section of each year, newest year first: the scrubber's marks. */
export function yearMarks(headers: readonly MonthHeader[]): MonthHeader[] {
  return headers.filter((h, i) => i === 0 || headers[i - 1].year !== h.year);
}
