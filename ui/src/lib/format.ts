// Display formatting: dates taken, file sizes, counts, rates, ETAs, scores, dimensions.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date taken as "12 Mar 2021, 14:05". EXIF times carry no time zone, so the backend sends
 * the wall-clock time as if it were UTC and it is shown in UTC: the time the camera showed.
 */
export function formatDate(unixSeconds: number | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined || !isFinite(unixSeconds)) return 'Unknown';
  const d = new Date(unixSeconds * 1000);
  if (isNaN(d.getTime())) return 'Unknown';
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** Bytes as "512 B", "1.5 KB", "12.3 MB", "2.00 GB" (binary units). */
export function formatSize(bytes: number): string {
  if (!isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** A count with thousands separators: 10000 -> "10,000". */
export function formatCount(n: number): string {
  if (!isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Remaining time as "42s", "3m 05s", "1h 07m"; "—" when unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad2(Math.floor((s % 3600) / 60))}m`;
}

/** Indexing rate: "3.4/s" below 10, "120/s" above. */
export function formatRate(rate: number): string {
  if (!isFinite(rate) || rate <= 0) return '—';
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}

/** The threads an index run works on now ("" when it reports none). */
export function formatThreads(threads: number): string {
  if (!Number.isFinite(threads) || threads <= 0) return '';
  return threads === 1 ? '1 thread' : `${threads} threads`;
}

/** A similarity score with 2 decimals. */
export function formatScore(score: number): string {
  return isFinite(score) ? score.toFixed(2) : '—';
}

/** "4032 × 3024", or "Unknown" when either side is missing. */
export function formatDimensions(width: number | null, height: number | null): string {
  if (!width || !height) return 'Unknown';
  return `${width} × ${height}`;
}

/** A 0..1 fraction as a whole percentage, clamped. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !isFinite(fraction)) return '';
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}
