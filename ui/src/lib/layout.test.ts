// Tests for the justified row layout.
import { describe, expect, it } from 'vitest';
import { aspectOf, justifiedLayout, rowOf, type Layout } from './layout';

const opts = { targetHeight: 180, gap: 4 };

function checkRows(layout: Layout, width: number, count: number) {
  let next = 0;
  let y = 0;
  for (const row of layout.rows) {
    expect(row.y).toBeCloseTo(y, 6);
    let right = -Infinity;
    for (const it of row.items) {
      expect(it.index).toBe(next++);
      expect(it.width).toBeGreaterThan(0);
      expect(it.x).toBeGreaterThanOrEqual(right === -Infinity ? 0 : right);
      right = it.x + it.width;
      expect(right).toBeLessThanOrEqual(width);
    }
    y = row.y + row.height + opts.gap;
  }
  expect(next).toBe(count);
}

describe('aspectOf', () => {
  it('uses width/height, and 3:2 when unknown or invalid', () => {
    expect(aspectOf(400, 200)).toBe(2);
    expect(aspectOf(null, 200)).toBe(1.5);
    expect(aspectOf(100, 0)).toBe(1.5);
    expect(aspectOf(-3, 2)).toBe(1.5);
  });
});

describe('justifiedLayout', () => {
  it('returns no rows for empty input', () => {
    expect(justifiedLayout([], 1000, opts)).toEqual({ rows: [], height: 0 });
  });

  it('returns no rows for zero or negative width', () => {
    expect(justifiedLayout([1, 1, 1], 0, opts)).toEqual({ rows: [], height: 0 });
    expect(justifiedLayout([1, 1, 1], -5, opts)).toEqual({ rows: [], height: 0 });
  });

  it('fills full rows edge to edge with equal heights', () => {
    const aspects = Array.from({ length: 40 }, (_, i) => [1.5, 0.75, 1, 1.78][i % 4]);
    const width = 1000;
    const layout = justifiedLayout(aspects, width, opts);
    checkRows(layout, width, aspects.length);
    for (const row of layout.rows.slice(0, -1)) {
      const last = row.items[row.items.length - 1];
      expect(last.x + last.width).toBe(width);
      expect(row.items[0].x).toBe(0);
      // gaps between neighbours are the requested gap, within rounding
      for (let i = 1; i < row.items.length; i++) {
        const gap = row.items[i].x - (row.items[i - 1].x + row.items[i - 1].width);
        expect(Math.abs(gap - opts.gap)).toBeLessThanOrEqual(1);
      }
      expect(row.height).toBeGreaterThan(90);
      expect(row.height).toBeLessThanOrEqual(180 * 1.4);
      // widths follow the aspect ratio at the row height
      for (const it of row.items) expect(Math.abs(it.width - aspects[it.index] * row.height)).toBeLessThanOrEqual(1.5);
    }
    const lastRow = layout.rows[layout.rows.length - 1];
    expect(layout.height).toBeCloseTo(lastRow.y + lastRow.height, 6);
  });

  it('keeps the last partial row at the target height, left aligned', () => {
    const layout = justifiedLayout([1, 1], 1000, opts);
    expect(layout.rows.length).toBe(1);
    expect(layout.rows[0].height).toBe(180);
    expect(layout.rows[0].items.map((i) => [i.x, i.width])).toEqual([[0, 180], [184, 180]]);
    expect(layout.height).toBe(180);
  });

  it('crops a single very wide image to the container at the minimum height', () => {
    const layout = justifiedLayout([50], 800, opts);
    expect(layout.rows.length).toBe(1);
    const [row] = layout.rows;
    expect(row.height).toBe(90);
    expect(row.items).toEqual([{ index: 0, x: 0, width: 800 }]);
  });

  it('gives a wide image between others a row of its own', () => {
    const layout = justifiedLayout([1, 1, 20, 1], 900, opts);
    checkRows(layout, 900, 4);
    const wideRow = layout.rows[rowOf(layout.rows, 2)];
    expect(wideRow.items.length).toBe(1);
    expect(wideRow.items[0].width).toBe(900);
  });

  it('treats invalid aspects as 3:2 instead of breaking', () => {
    const layout = justifiedLayout([NaN, 0, -1, Infinity], 1000, opts);
    checkRows(layout, 1000, 4);
  });

  it('survives a gap wider than the container', () => {
    const layout = justifiedLayout([1, 1, 1], 10, { targetHeight: 180, gap: 20 });
    expect(layout.rows.length).toBe(3);
    for (const r of layout.rows) expect(r.items.length).toBe(1);
  });

  it('lays out 10,000 items', () => {
    const aspects = Array.from({ length: 10_000 }, (_, i) => 0.5 + ((i * 7919) % 100) / 50);
    const layout = justifiedLayout(aspects, 1234, opts);
    checkRows(layout, 1234, 10_000);
    expect(layout.rows.length).toBeGreaterThan(1000);
    expect(rowOf(layout.rows, 9_999)).toBe(layout.rows.length - 1);
    expect(rowOf(layout.rows, 0)).toBe(0);
    expect(rowOf(layout.rows, 10_000)).toBe(-1);
  });
});
