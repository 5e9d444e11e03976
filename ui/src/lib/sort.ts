// Result ordering: by relevance (the engine's order: the fused vector and keyword ranking, a
// file named as the query first, Diverse's reordering; not the score alone) or by date, newest
// first: the date taken, else the file time, as browsing orders the library.
import type { Hit } from './types';

export type SortMode = 'relevance' | 'date';

/** Returns a new sorted array; the input is not changed. Ties keep the backend's order. */
export function sortHits(hits: readonly Hit[], mode: SortMode): Hit[] {
  const indexed = hits.map((h, i) => ({ h, i }));
  if (mode !== 'relevance') {
    const date = (h: Hit) => h.taken ?? h.modified;
    indexed.sort((a, b) => date(b.h) - date(a.h) || b.h.score - a.h.score || a.i - b.i);
  }
  return indexed.map((x) => x.h);
}
