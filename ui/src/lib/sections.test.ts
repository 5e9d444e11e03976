import { describe, expect, it } from 'vitest';
import { headerAt, monthOf, sectionedLayout, yearMarks } from './sections';

const at = (iso: string) => Date.parse(iso) / 1000;
const photo = (taken: string | null, modified = '2000-01-01T00:00:00Z') => ({ taken: taken ? at(taken) : null, modified: at(modified) });

describe('month sections', () => {
  it('names a month by the date taken, else by the file time', () => {
    expect(monthOf(photo('2019-07-31T23:59:00Z'))).toEqual({ key: '2019-07', label: 'July 2019', year: 2019 });
    expect(monthOf(photo(null, '2021-02-03T10:00:00Z')).label).toBe('February 2021');
  });

  it('puts each month under its own header and keeps indexes into the whole list', () => {
    const photos = [photo('2024-05-02T00:00:00Z'), photo('2024-05-01T00:00:00Z'), photo('2023-12-24T00:00:00Z'), photo('2019-07-14T00:00:00Z')];
    const layout = sectionedLayout(photos, [1, 1, 1, 1], 400, { targetHeight: 100, gap: 4 }, 30);
    expect(layout.headers.map((h) => [h.label, h.start])).toEqual([
      ['May 2024', 0],
      ['December 2023', 2],
      ['July 2019', 3],
    ]);
    const indexes = layout.rows.flatMap((r) => r.items.map((i) => i.index));
    expect(indexes).toEqual([0, 1, 2, 3]);
    // A header sits above its rows and below the previous section's.
    for (const [i, h] of layout.headers.entries()) {
      const first = layout.rows.find((r) => r.items[0].index === h.start)!;
      expect(first.y).toBe(h.y + 30);
      if (i > 0) {
        const prevLast = layout.rows.filter((r) => r.items[0].index < h.start).at(-1)!;
        expect(h.y).toBeGreaterThanOrEqual(prevLast.y + prevLast.height);
      }
    }
    expect(layout.height).toBeGreaterThan(layout.headers[2].y + 30);
  });

  it('finds the header showing at a scroll position and the first month of each year', () => {
    const photos = [photo('2024-05-02T00:00:00Z'), photo('2024-01-01T00:00:00Z'), photo('2023-12-24T00:00:00Z')];
    const { headers } = sectionedLayout(photos, [1, 1, 1], 400, { targetHeight: 100, gap: 4 }, 30);
    expect(headerAt(headers, -5)).toBe(-1);
    expect(headerAt(headers, 0)).toBe(0);
    expect(headerAt(headers, headers[1].y + 1)).toBe(1);
    expect(headerAt(headers, 1e9)).toBe(2);
    expect(yearMarks(headers).map((h) => h.year)).toEqual([2024, 2023]);
  });

  it('lays out nothing without width or photos', () => {
    expect(sectionedLayout([], [], 400, { targetHeight: 100, gap: 4 }, 30).headers).toEqual([]);
    expect(sectionedLayout([photo(null)], [1], 0, { targetHeight: 100, gap: 4 }, 30).rows).toEqual([]);
  });
});
