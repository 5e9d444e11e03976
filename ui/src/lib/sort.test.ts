// Tests for result sorting.
import { describe, expect, it } from 'vitest';
import { sortHits } from './sort';
import type { Hit } from './types';

function hit(id: string, score: number, taken: number | null, modified = 0): Hit {
  return { id, path: '/p/' + id, name: id, score, width: 10, height: 10, taken, camera: null, lens: null, place: null, raw_sibling: null, format: null, size: 1, modified, online: true, matched: false };
}

const hits = [hit('a', 0.2, 100), hit('b', 0.9, null, 50), hit('c', 0.5, 300), hit('d', 0.7, null, 200), hit('e', 0.5, 300)];

describe('sortHits', () => {
  it("keeps the engine's order for relevance: fusion and Diverse are not the score alone", () => {
    expect(sortHits(hits, 'relevance').map((h) => h.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('sorts by date newest first, undated photos by their file time, ties by score', () => {
    expect(sortHits(hits, 'date').map((h) => h.id)).toEqual(['c', 'e', 'd', 'a', 'b']);
  });

  it('does not mutate the input and handles empty', () => {
    const copy = hits.slice();
    sortHits(hits, 'date');
    expect(hits).toEqual(copy);
    expect(sortHits([], 'relevance')).toEqual([]);
  });
});
