// Result ordering: by relevance (score) or by date taken (unknown dates last).
import type { Hit } from './types';

export type SortMode = 'relevance' | 'date';

/** Returns a new sorted array; the input is not changed. Ties keep the backend's order. */
export function sortHits(hits: readonly Hit[], mode: SortMode): Hit[] {
  const indexed = hits.map((h, i) => ({ h, i }));
  if (mode === 'relevance') {
    indexed.sort((a, b) => b.h.score - a.h.score || a.i - b.i);
  } else {
    indexed.sort((a, b) => {
      const ta = a.h.taken;
      const tb = b.h.taken;
      if (ta === null && tb === null) return b.h.score - a.h.score || a.i - b.i;
      if (ta === null) return 1;
      if (tb === null) return -1;
      return tb - ta || b.h.score - a.h.score || a.i - b.i;
    });
  }
  return indexed.map((x) => x.h);
}
