// Tests for histogram binning and the cut-off filter.
import { describe, expect, it } from 'vitest';
import { applyCutoff, binOf, histogram } from './histogram';

describe('histogram', () => {
  it('is all zeros for no scores', () => {
    const h = histogram([], 30);
    expect(h.counts.length).toBe(30);
    expect(h.counts.every((c) => c === 0)).toBe(true);
  });

  it('spans min..max and counts every score once', () => {
    const scores = [0.1, 0.2, 0.2, 0.3, 0.4];
    const h = histogram(scores, 3);
    expect(h.min).toBe(0.1);
    expect(h.max).toBe(0.4);
    expect(h.counts).toEqual([1, 2, 2]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(scores.length);
  });

  it('puts the maximum into the last bin', () => {
    const h = histogram([0, 1], 10);
    expect(h.counts[9]).toBe(1);
    expect(h.counts[0]).toBe(1);
  });

  it('handles all-equal scores and negatives', () => {
    const h = histogram([-0.2, -0.2, -0.2], 30);
    expect(h.step).toBeGreaterThan(0);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(h.counts[15]).toBe(3);
  });

  it('ignores NaN scores', () => {
    expect(histogram([NaN, 0.5, 0.6], 2).counts).toEqual([1, 1]);
  });

  it('bins 10,000 scores', () => {
    const scores = Array.from({ length: 10_000 }, (_, i) => i / 10_000);
    const h = histogram(scores, 30);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...h.counts) - Math.min(...h.counts)).toBeLessThanOrEqual(1);
  });
});

describe('binOf', () => {
  it('clamps below and above', () => {
    expect(binOf(-5, 0, 0.1, 10)).toBe(0);
    expect(binOf(5, 0, 0.1, 10)).toBe(9);
    expect(binOf(0.25, 0, 0.1, 10)).toBe(2);
    expect(binOf(0.25, 0, 0, 10)).toBe(0);
  });
});

describe('applyCutoff', () => {
  const hits = [{ score: 0.3 }, { score: 0.1 }, { score: 0.25 }];
  it('keeps scores at or above the cut-off in order', () => {
    expect(applyCutoff(hits, 0.25)).toEqual([{ score: 0.3 }, { score: 0.25 }]);
  });
  it('keeps all for null and none above the max', () => {
    expect(applyCutoff(hits, null).length).toBe(3);
    expect(applyCutoff(hits, 0.31)).toEqual([]);
    expect(applyCutoff([], 0)).toEqual([]);
  });

  it('never hides a match of the words, whatever its score', () => {
    const hits = [{ score: 0.3 }, { score: -0.1, matched: true }, { score: 0.1, matched: false }];
    expect(applyCutoff(hits, 0.2)).toEqual([{ score: 0.3 }, { score: -0.1, matched: true }]);
  });
});
