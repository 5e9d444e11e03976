// Tests for result sorting.
import { describe, expect, it } from 'vitest';
import { sortHits } from './sort';
import type { Hit } from './types';

function hit(id: string, score: number, taken: number | null): Hit {
  return { id, path: '/p/' + id, name: id, score, width: 10, height: 10, taken, camera: null, format: null, size: 1, online: true };
}

const hits = [hit('a', 0.2, 100), hit('b', 0.9, null), hit('c', 0.5, 300), hit('d', 0.7, null), hit('e', 0.5, 300)];

describe('sortHits', () => {
  it('sorts by score descending, stable on ties', () => {
    expect(sortHits(hits, 'relevance').map((h) => h.id)).toEqual(['b', 'd', 'c', 'e', 'a']);
  });

  it('sorts by date newest first with unknown dates last (by score)', () => {
    expect(sortHits(hits, 'date').map((h) => h.id)).toEqual(['c', 'e', 'a', 'b', 'd']);
  });

  it('does not mutate the input and handles empty', () => {
    const copy = hits.slice();
    sortHits(hits, 'date');
    expect(hits).toEqual(copy);
    expect(sortHits([], 'relevance')).toEqual([]);
  });
});
