// Figures of the library map in the real window (scripts/bench-map-window.sh): on a library of
// synthetic photos, the time from the Map button to the first frame of points, then frames per
// second while the map is panned and zoomed on every frame (a pointer drag and the wheel,
// dispatched on the canvas from requestAnimationFrame, so each frame redraws every point), and
// the baseline of the same run: the same points drawn on a canvas of the same size with one
// fillRect each (what a plain canvas map does), its frames per second as 1000 / ms per frame,
// and the ceilings: frames per second when a frame changes a single pixel of the canvas, and
// when it fills the whole canvas. The frames are counted once the app has finished its work
// after opening (the approximate index, the duplicate groups: it waits until the app's
// process uses under 5% of a core), and the app's CPU time while they run is printed.
//
//   node tests/desktop/measure_map.mjs APP_BINARY LIBRARY_DIR POINTS
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as d from "./driver.mjs";

const [app, library, expected] = process.argv.slice(2);
const SECONDS = 5;
const IDLE_WAIT_S = 600;

/** CPU seconds (user and system) the process `pid` has used. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks
}

/** Waits until the app's process uses under 5% of a core over 2 s; the seconds waited. */
async function untilIdle(pid) {
  const t0 = Date.now();
  while (Date.now() - t0 < IDLE_WAIT_S * 1000) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 2000));
    if (cpuSeconds(pid) - before < 0.1) return (Date.now() - t0) / 1000;
  }
  throw new Error(`the app was still busy after ${IDLE_WAIT_S} s`);
}

await d.startDriver({ IRIS_MODEL: "demo", HF_HUB_OFFLINE: "1" });
try {
  await d.openApp(app, ["--library", library]);
  await d.until("library", async () => (await d.invoke("app_state")).photos >= Number(expected), 120000);
  const mapButton = await d.until("map button", () => d.find('[data-testid="view-map"]'));
  const t0 = Date.now();
  await d.click(mapButton);
  await d.until("points drawn", async () => Number(await d.exec(`return document.querySelector('[data-testid="map-canvas"]')?.dataset.points || 0;`)) > 0, 600000);
  const shown = (Date.now() - t0) / 1000;
  const pid = Number(execFileSync("pgrep", ["-n", "iris-desktop"]).toString().trim());
  const waited = await untilIdle(pid);
  const cpuBefore = cpuSeconds(pid);
  const figures = await d.execAsync(
    `const [seconds, done] = arguments;
     const c = document.querySelector('[data-testid="map-canvas"]');
     const r = c.getBoundingClientRect();
     const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
     const fire = (type, x, y) => c.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true, pointerId: 1 }));
     let frames = 0, drawnPoints = 0;
     const t0 = performance.now();
     fire('pointerdown', cx, cy);
     const tick = (now) => {
       frames++;
       drawnPoints = Math.max(drawnPoints, +c.dataset.points);
       const t = (now - t0) / 1000;
       if (t < seconds / 2) fire('pointermove', cx + 80 * Math.sin(t * 3), cy + 60 * Math.cos(t * 2));
       else {
         if (frames % 2) fire('pointerup', cx, cy);
         c.dispatchEvent(new WheelEvent('wheel', { deltaY: Math.sin(t * 4) * 120, clientX: cx, clientY: cy, bubbles: true, cancelable: true }));
       }
       if (now - t0 < seconds * 1000) requestAnimationFrame(tick);
       else done({ fps: frames / ((now - t0) / 1000), drawnPoints, width: c.width, height: c.height });
     };
     requestAnimationFrame(tick);`,
    [SECONDS],
  );
  const appCpu = cpuSeconds(pid) - cpuBefore;
  // The window's own ceilings in the same run: frames per second when each frame changes one
  // pixel of the map's canvas (what showing any canvas change costs in this webview), and when
  // it puts a whole new canvas of pixels (what showing a frame that moves every point costs,
  // with no point drawn).
  const ceiling = (whole) =>
    d.execAsync(
      `const [seconds, whole, done] = arguments;
       const c = document.querySelector('[data-testid="map-canvas"]'), ctx = c.getContext('2d');
       const frames2 = [0xff1e1a17, 0xff1f1b18].map((v) => {
         const img = ctx.createImageData(whole ? c.width : 1, whole ? c.height : 1);
         new Uint32Array(img.data.buffer).fill(v);
         return img;
       });
       let frames = 0;
       const t0 = performance.now();
       const tick = (now) => {
         frames++;
         ctx.putImageData(frames2[frames % 2], 0, 0);
         if (now - t0 < seconds * 1000) requestAnimationFrame(tick);
         else done(frames / ((now - t0) / 1000));
       };
       requestAnimationFrame(tick);`,
      [SECONDS / 2, whole],
    );
  const onePixel = await ceiling(false);
  const wholeCanvas = await ceiling(true);
  const points = await d.invoke("map");
  const baseline = await d.exec(
    `const [points, w, h] = arguments;
     const canvas = document.createElement('canvas'); canvas.width = w; canvas.height = h;
     const ctx = canvas.getContext('2d');
     let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
     for (const p of points) { minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y); }
     const scale = Math.min(w / (maxX - minX), h / (maxY - minY));
     const xs = new Float32Array(points.map((p) => p.x)), ys = new Float32Array(points.map((p) => p.y));
     const colours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948'];
     const frames = 10, t0 = performance.now();
     for (let f = 0; f < frames; f++) {
       ctx.fillStyle = '#171a1e'; ctx.fillRect(0, 0, w, h);
       for (let i = 0; i < xs.length; i++) {
         ctx.fillStyle = colours[i % colours.length];
         ctx.fillRect((xs[i] - minX) * scale + f, (ys[i] - minY) * scale, 2, 2);
       }
       ctx.getImageData(0, 0, 1, 1); // wait for the drawing to finish
     }
     return (performance.now() - t0) / frames;`,
    [points.map((p) => ({ x: p.x, y: p.y })), figures.width, figures.height],
  );
  // Where a frame's time goes: the point loop alone, and putting a canvas-sized ImageData.
  const parts = await d.exec(
    `const [n, w, h] = arguments;
     const canvas = document.createElement('canvas'); canvas.width = w; canvas.height = h;
     const ctx = canvas.getContext('2d');
     const img = ctx.createImageData(w, h), px = new Uint32Array(img.data.buffer);
     const xs = new Float32Array(n).map((_, i) => (i * 7919) % w), ys = new Float32Array(n).map((_, i) => (i * 104729) % h);
     let t0 = performance.now();
     for (let f = 0; f < 10; f++) {
       px.fill(0xff1e1a17);
       for (let i = 0; i < n; i++) {
         const x = (xs[i] + 0.5) | 0, y = (ys[i] + 0.5) | 0;
         if (x > w - 3 || y > h - 3) continue;
         for (let r = 0, o = y * w + x; r < 3; r++, o += w) { px[o] = px[o + 1] = px[o + 2] = 0xff0000ff; }
       }
     }
     const loop = (performance.now() - t0) / 10;
     t0 = performance.now();
     for (let f = 0; f < 10; f++) { ctx.putImageData(img, 0, 0); ctx.getImageData(0, 0, 1, 1); }
     return { loop, put: (performance.now() - t0) / 10 };`,
    [points.length, figures.width, figures.height],
  );
  console.log(`parts of a frame: the point loop ${parts.loop.toFixed(1)} ms, putImageData ${parts.put.toFixed(1)} ms`);
  console.log(`map of ${points.length} photos: shown ${shown.toFixed(1)} s after the Map button (the layout included when none was cached)`);
  console.log(`the app at rest ${waited.toFixed(0)} s after the map was shown (under 5% of a core over 2 s)`);
  console.log(`pan and zoom: ${figures.fps.toFixed(1)} frames/s on a ${figures.width}x${figures.height} canvas, up to ${figures.drawnPoints} points drawn a frame; the app's process used ${appCpu.toFixed(1)} CPU s in those ${SECONDS} s`);
  console.log(`ceiling of this window, one pixel of the canvas changed a frame: ${onePixel.toFixed(1)} frames/s; map/ceiling ${(figures.fps / onePixel).toFixed(2)}`);
  console.log(`ceiling for a frame that puts a whole new canvas (one putImageData, as the map does): ${wholeCanvas.toFixed(1)} frames/s; map/ceiling ${(figures.fps / wholeCanvas).toFixed(2)}`);
  console.log(`baseline, one fillRect per point: ${baseline.toFixed(1)} ms a frame = ${(1000 / baseline).toFixed(1)} frames/s; map/baseline ${(figures.fps / (1000 / baseline)).toFixed(2)}x`);
} finally {
  await d.stopAll();
}
