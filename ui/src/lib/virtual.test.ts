// Tests for the virtualisation window.
import { describe, expect, it } from 'vitest';
import { scrollToReveal, visibleRange, type RowBox } from './virtual';

// rows of height 100 with a gap of 10: y = 0, 110, 220, ...
const rows: RowBox[] = Array.from({ length: 100 }, (_, i) => ({ y: i * 110, height: 100 }));

describe('visibleRange', () => {
  it('is empty for no rows or no viewport', () => {
    expect(visibleRange([], 0, 500)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(rows, 0, 0)).toEqual({ start: 0, end: 0 });
  });

  it('covers the rows in the viewport at the top', () => {
    expect(visibleRange(rows, 0, 300)).toEqual({ start: 0, end: 3 });
  });

  it('skips rows scrolled past and includes partly visible ones', () => {
    // viewport 250..550: row 2 (220..320) partly, rows 3, 4 (440..540), row 5 starts at 550
    expect(visibleRange(rows, 250, 300)).toEqual({ start: 2, end: 5 });
  });

  it('a row ending exactly at the top is not visible', () => {
    expect(visibleRange(rows, 100, 10)).toEqual({ start: 1, end: 1 });
    expect(visibleRange(rows, 100, 11).start).toBe(1);
  });

  it('adds overscan above and below', () => {
    expect(visibleRange(rows, 1100, 300, 220)).toEqual({ start: 8, end: 15 });
  });

  it('clamps at the end of the list', () => {
    expect(visibleRange(rows, 50_000, 800)).toEqual({ start: 100, end: 100 });
    expect(visibleRange(rows, 10_800, 800, 0)).toEqual({ start: 98, end: 100 });
  });

  it('treats negative scroll (overscroll bounce) as 0', () => {
    expect(visibleRange(rows, -40, 300)).toEqual({ start: 0, end: 3 });
  });

  it('stays small for 10,000 rows', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ y: i * 184, height: 180 }));
    const r = visibleRange(many, 184 * 5000, 800, 400);
    expect(r.end - r.start).toBeLessThan(12);
    expect(r.start).toBe(4997);
  });
});

describe('scrollToReveal', () => {
  it('keeps the scroll when the row is visible', () => {
    expect(scrollToReveal({ y: 200, height: 100 }, 100, 500)).toBe(100);
  });
  it('scrolls up to a row above', () => {
    expect(scrollToReveal({ y: 50, height: 100 }, 100, 500, 8)).toBe(42);
  });
  it('scrolls down to a row below', () => {
    expect(scrollToReveal({ y: 700, height: 100 }, 100, 500)).toBe(300);
  });
  it('aligns a row taller than the viewport to its top', () => {
    expect(scrollToReveal({ y: 700, height: 900 }, 0, 500)).toBe(700);
  });
});
