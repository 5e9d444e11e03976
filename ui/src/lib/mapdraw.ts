// Drawing the library map on a 2-D canvas: the points written straight into one ImageData
// (a few pixels each: 100,000 points cost one pass over the arrays, no path per point), then
// thumbnails when few enough points are in view, the selection, the hovered point and the
// lasso on top.

import type { View } from './mapview';

/** Thumbnails are drawn when at most this many points are in view. */
export const THUMBS_UP_TO = 150;
/** A thumbnail's side in CSS pixels. */
export const THUMB_SIDE = 64;
const BACKGROUND = 0xff1e1a17; // rgb(23, 26, 30) as 0xAABBGGRR

export interface MapScene {
  xs: Float32Array;
  ys: Float32Array;
  colours: Uint32Array;
  ids: readonly string[];
  view: View;
  /** Device pixels per CSS pixel. */
  dpr: number;
  selected: ReadonlySet<number>;
  hovered: number;
  lasso: readonly [number, number][];
  /** Thumbnails are drawn from this scale on (zoomed in on the whole map's fit) when few points are in view. */
  thumbsFrom: number;
  thumb: (id: string) => HTMLImageElement | null;
}

/** What a frame drew: points inside the canvas and thumbnails among them. */
export interface Drawn {
  points: number;
  thumbs: number;
}

let buffer: ImageData | null = null;

/**
 * A point's side in CSS pixels: larger in a small library (5 px up to 2,000 photos, 3 px up
 * to 20,000, then 2 px), growing by one pixel each time the view doubles towards the
 * thumbnails' zoom (`zoom` = scale / that scale), up to 8 px.
 */
export function pointSide(count: number, zoom: number): number {
  const base = count <= 2000 ? 5 : count <= 20000 ? 3 : 2;
  return Math.min(8, base + Math.max(0, Math.floor(Math.log2(Math.max(zoom, 1e-9) * 8))));
}

/** The indices of the points inside the canvas, at most `limit + 1` of them (to tell "too many"). */
export function inView(s: MapScene, width: number, height: number, limit: number): number[] {
  const out: number[] = [];
  const { scale, ox, oy } = s.view;
  for (let i = 0; i < s.xs.length && out.length <= limit; i++) {
    const sx = s.xs[i] * scale + ox;
    const sy = s.ys[i] * scale + oy;
    if (sx >= 0 && sy >= 0 && sx < width && sy < height) out.push(i);
  }
  return out;
}

/** Draws the scene on `ctx`, whose canvas is `width` x `height` device pixels. */
export function drawMap(ctx: CanvasRenderingContext2D, width: number, height: number, s: MapScene): Drawn {
  const drawn: Drawn = { points: 0, thumbs: 0 };
  if (!buffer || buffer.width !== width || buffer.height !== height) buffer = ctx.createImageData(width, height);
  const pixels = new Uint32Array(buffer.data.buffer);
  pixels.fill(BACKGROUND);
  const { scale, ox, oy } = s.view;
  const d = s.dpr;
  const size = Math.round(pointSide(s.xs.length, scale / s.thumbsFrom) * d);
  const xs = s.xs;
  const ys = s.ys;
  const colours = s.colours;
  const sx = scale * d;
  const ax = ox * d + 0.5;
  const ay = oy * d + 0.5;
  const maxX = width - size;
  const maxY = height - size;
  // The hot loop of a frame: plain index arithmetic, no call per point.
  for (let i = 0, n = xs.length; i < n; i++) {
    const px = (xs[i] * sx + ax) | 0;
    const py = (ys[i] * sx + ay) | 0;
    if (px < 0 || py < 0 || px > maxX || py > maxY) continue;
    drawn.points++;
    const colour = colours[i];
    for (let y = 0, o = py * width + px; y < size; y++, o += width) {
      for (let x = 0; x < size; x++) pixels[o + x] = colour;
    }
  }
  ctx.putImageData(buffer, 0, 0);
  ctx.save();
  ctx.scale(d, d);
  const cssWidth = width / d;
  const cssHeight = height / d;
  const visible = scale >= s.thumbsFrom ? inView(s, cssWidth, cssHeight, THUMBS_UP_TO) : [];
  if (visible.length <= THUMBS_UP_TO) {
    for (const i of visible) {
      const img = s.thumb(s.ids[i]);
      const cx = s.xs[i] * scale + ox;
      const cy = s.ys[i] * scale + oy;
      if (!img || !img.complete || img.naturalWidth === 0) continue;
      const k = THUMB_SIDE / Math.max(img.naturalWidth, img.naturalHeight);
      const w = img.naturalWidth * k;
      const h = img.naturalHeight * k;
      const c = s.colours[i];
      ctx.fillStyle = `rgb(${c & 0xff} ${(c >> 8) & 0xff} ${(c >> 16) & 0xff})`;
      ctx.fillRect(cx - w / 2 - 2, cy - h / 2 - 2, w + 4, h + 4);
      ctx.drawImage(img, cx - w / 2, cy - h / 2, w, h);
      drawn.thumbs++;
    }
  }
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  if (s.selected.size > 0 && s.selected.size <= 20_000) {
    ctx.beginPath();
    for (const i of s.selected) {
      const cx = s.xs[i] * scale + ox;
      const cy = s.ys[i] * scale + oy;
      ctx.rect(cx - 2.5, cy - 2.5, 5 + size / d, 5 + size / d);
    }
    ctx.stroke();
  }
  if (s.hovered >= 0) {
    ctx.beginPath();
    ctx.arc(s.xs[s.hovered] * scale + ox + size / d / 2, s.ys[s.hovered] * scale + oy + size / d / 2, 7, 0, 2 * Math.PI);
    ctx.stroke();
  }
  if (s.lasso.length > 1) {
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(s.lasso[0][0], s.lasso[0][1]);
    for (const [x, y] of s.lasso.slice(1)) ctx.lineTo(x, y);
    ctx.closePath();
    ctx.fillStyle = 'rgb(255 255 255 / 0.08)';
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
  return drawn;
}
