import { describe, expect, it } from 'vitest';
import { bounds, fitView, folderOf, insidePolygon, lassoed, PointGrid, pointColours, toWorld, yearOf, zoomAt, NO_VALUE } from './mapview';
import { heatColour } from './heat';

const xs = new Float32Array([0, 10, 10, 0, 5]);
const ys = new Float32Array([0, 0, 10, 10, 5]);

describe('the map view', () => {
  it('fits every point inside the canvas with its margin, centred', () => {
    const v = fitView(bounds(xs, ys), 400, 200, 20);
    expect(v.scale).toBe(16); // (200 - 40) / 10
    for (let i = 0; i < xs.length; i++) {
      const sx = xs[i] * v.scale + v.ox;
      const sy = ys[i] * v.scale + v.oy;
      expect(sx).toBeGreaterThanOrEqual(20);
      expect(sx).toBeLessThanOrEqual(380);
      expect(sy).toBeGreaterThanOrEqual(20);
      expect(sy).toBeLessThanOrEqual(180);
    }
    expect(toWorld(v, 200, 100)).toEqual([5, 5]);
  });

  it('zooms about the pointer, which stays over the same world point', () => {
    const v = fitView(bounds(xs, ys), 400, 200);
    const before = toWorld(v, 123, 45);
    const after = toWorld(zoomAt(v, 2.5, 123, 45), 123, 45);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
    expect(zoomAt(v, 2.5, 0, 0).scale).toBeCloseTo(v.scale * 2.5);
  });

  it('finds the nearest point within the radius and none beyond it', () => {
    const grid = new PointGrid(xs, ys, bounds(xs, ys));
    expect(grid.nearest(9.5, 0.4, 1)).toBe(1);
    expect(grid.nearest(5.2, 4.9, 1)).toBe(4);
    expect(grid.nearest(7.5, 2.5, 1)).toBe(-1);
    // Against a scan, on many points.
    const n = 2000;
    const px = new Float32Array(n).map((_, i) => Math.sin(i * 12.9898) * 100);
    const py = new Float32Array(n).map((_, i) => Math.cos(i * 78.233) * 100);
    const big = new PointGrid(px, py, bounds(px, py));
    for (const [wx, wy] of [[0, 0], [50, -20], [-99, 99], [13, 7]]) {
      let best = -1;
      let bestD = 9;
      for (let i = 0; i < n; i++) {
        const d = (px[i] - wx) ** 2 + (py[i] - wy) ** 2;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
      const found = big.nearest(wx, wy, 3);
      expect(found === best || (found >= 0 && (px[found] - wx) ** 2 + (py[found] - wy) ** 2 === bestD)).toBe(true);
    }
  });

  it('selects what the lasso encloses, in screen space', () => {
    expect(insidePolygon([[0, 0], [4, 0], [4, 4], [0, 4]], 2, 2)).toBe(true);
    expect(insidePolygon([[0, 0], [4, 0], [4, 4], [0, 4]], 5, 2)).toBe(false);
    const v = { scale: 10, ox: 0, oy: 0 };
    // A band from the corner (0, 0) to the centre (5, 5), drawn in screen pixels.
    const lasso: [number, number][] = [[-10, -10], [20, -10], [70, 40], [40, 70], [-10, 20]];
    expect(lassoed(xs, ys, v, lasso)).toEqual([0, 4]);
    expect(lassoed(xs, ys, v, [[0, 0], [1, 1]])).toEqual([]);
  });
});

describe('the map colours', () => {
  const paths = ['/p/a/1.jpg', '/p/b/2.jpg', '/p/a/3.jpg'];
  const unpack = (c: number) => [c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff];

  it('gives each folder its own colour and names them in the legend with counts', () => {
    const { colours, legend } = pointColours('folder', paths, [null, null, null], new Map());
    expect(colours[0]).toBe(colours[2]);
    expect(colours[0]).not.toBe(colours[1]);
    expect(legend.map((l) => l.label)).toEqual(['a (2)', 'b (1)']);
    expect(folderOf('C:\\photos\\x.jpg')).toBe('C:\\photos');
  });

  it('runs years from the oldest to the newest, undated in grey', () => {
    const y2001 = Date.UTC(2001, 5, 1) / 1000;
    const y2021 = Date.UTC(2021, 5, 1) / 1000;
    expect(yearOf(y2001)).toBe(2001);
    const { colours, legend } = pointColours('year', paths, [y2001, y2021, null], new Map());
    expect(unpack(colours[0])).toEqual(heatColour(0));
    expect(unpack(colours[1])).toEqual(heatColour(1));
    expect(unpack(colours[2])).toEqual([...NO_VALUE]);
    expect(legend.map((l) => l.label)).toEqual(['2001', '2021', 'no date']);
  });

  it('lights the results by score and leaves the rest grey', () => {
    const { colours, legend } = pointColours('score', paths, [null, null, null], new Map([[0, 0.3], [2, 0.2]]));
    expect(unpack(colours[0])).toEqual(heatColour(1));
    expect(unpack(colours[2])).toEqual(heatColour(0));
    expect(unpack(colours[1])).toEqual([...NO_VALUE]);
    expect(legend.map((l) => l.label)).toEqual(['0.20', '0.30', 'not found']);
  });

  it('lights the photos given a tag by their cosine with it, counting them', () => {
    const { colours, legend, lit } = pointColours('tag', paths, [null, null, null], new Map([[1, 0.25], [2, 0.2]]), 'beach');
    expect(unpack(colours[1])).toEqual(heatColour(1));
    expect(unpack(colours[2])).toEqual(heatColour(0));
    expect(unpack(colours[0])).toEqual([...NO_VALUE]);
    expect(lit).toBe(2);
    expect(legend.map((l) => l.label)).toEqual(['0.20', '0.25', 'not tagged beach']);
    expect(pointColours('folder', paths, [null, null, null], new Map()).lit).toBe(3);
  });
});

describe('the map points', () => {
  it('are larger in a small library and grow as the view zooms in, up to 8 px', async () => {
    const { pointSide } = await import('./mapdraw');
    expect(pointSide(80, 1 / 3)).toBe(6);
    expect(pointSide(100_000, 1 / 3)).toBe(3);
    expect(pointSide(100_000, 1 / 16)).toBe(2);
    expect(pointSide(10_000, 1 / 64)).toBe(3);
    expect(pointSide(500, 1)).toBe(8);
    expect(pointSide(500, 100)).toBe(8);
  });
});
