// Figures of the desktop app on an existing library (see scripts/bench-desktop.sh): launch to
// an interactive window, typed-query-to-gallery latency (in the page: from the input event to
// the frame that shows the new first tile, debounce included), and the memory of the app's
// processes (the Tauri process and its WebKit children: RSS, and PSS which shares pages fairly);
// then 10,000 results, scrolled by wheel-sized steps and a screen at a time (time to frames).
//
//   node tests/desktop/measure.mjs APP_BINARY LIBRARY_DIR MODEL
import { readFileSync, readdirSync } from "node:fs";
import * as d from "./driver.mjs";

const [app, library, model] = process.argv.slice(2);
const QUERIES = ["a red circle", "a blue square", "a green star", "a yellow heart", "a purple cross",
  "a black triangle", "a white circle", "an orange star", "a small green square", "a large red heart", "a blue cross"];

/** Types `q` into the search box from inside the page and resolves with the ms until the
 * gallery shows a different first tile (or -1 after 10 s). */
const typed = (q) =>
  d.execAsync(
    `const [q, done] = arguments;
     const input = document.querySelector('[data-testid="search-input"]');
     const before = document.querySelector('[data-testid="tile"]')?.dataset.id;
     const t0 = performance.now();
     input.value = q;
     input.dispatchEvent(new Event('input', { bubbles: true }));
     const poll = () => {
       const tile = document.querySelector('[data-testid="tile"]');
       if (tile && tile.dataset.id !== before) requestAnimationFrame(() => done(performance.now() - t0));
       else if (performance.now() - t0 > 10000) done(-1);
       else requestAnimationFrame(poll);
     };
     poll();`,
    [q],
  );

function memoryOf(rootPid) {
  const all = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  const parent = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1];
    } catch {
      return null;
    }
  };
  const tree = new Set([String(rootPid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (!tree.has(p) && tree.has(parent(p))) tree.add(p), (grew = true);
  }
  let rss = 0, pss = 0;
  for (const p of tree) {
    try {
      const roll = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
      rss += Number(/^Rss:\s+(\d+)/m.exec(roll)[1]);
      pss += Number(/^Pss:\s+(\d+)/m.exec(roll)[1]);
    } catch {}
  }
  return { processes: tree.size, rssMiB: Math.round(rss / 1024), pssMiB: Math.round(pss / 1024) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await d.startDriver({ IRIS_MODEL: model, IRIS_LIBRARY: library });
  const started = Date.now();
  await d.openApp(app);
  await d.until("search box", () => d.find('[data-testid="search-input"]'));
  const windowMs = Date.now() - started;
  const st = await d.until("model ready", async () => {
    const s = await d.invoke("app_state");
    return s.model?.state === "ready" ? s : null;
  });
  const readyMs = Date.now() - started;
  console.log(`launch: window interactive ${windowMs} ms, model loaded and library open ${readyMs} ms; ${st.photos} photos`);
  await d.until("idle", async () => !(await d.invoke("app_state")).indexing, 600000);
  const times = [];
  for (const q of QUERIES) {
    const ms = await typed(q);
    const count = await d.exec("return document.querySelector('[data-testid=\"gallery\"]').dataset.count;");
    console.log(`query "${q}": ${ms < 0 ? "no change" : ms.toFixed(0) + " ms"}, ${count} results`);
    if (ms >= 0) times.push(ms);
    await d.sleep(300);
  }
  console.log(`typed query to gallery: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)} (${times.length} queries)`);
  // 10,000 results: "Show up to 10,000", then scroll the gallery, timing each step from the
  // scroll to the second frame after it (baselines: steps of 0 px, and the same steps on a static
// page of boxes where the tiles are): wheel-sized steps (120 px) over the first 300, then a
  // screen at a time from top to bottom (like dragging the scroll bar).
  const scrolled = await d.execAsync(
    `const done = arguments[0];
     const select = [...document.querySelectorAll('select')].find((s) => [...s.options].some((o) => o.value === '10000'));
     const gallery = () => document.querySelector('[data-testid="gallery"]');
     let t0 = performance.now();
     const wait = (ok, then) => { if (ok()) then(); else if (performance.now() - t0 > 30000) done({ error: 'timeout' }); else requestAnimationFrame(() => wait(ok, then)); };
     const run = (g, by, count, then) => {
       const steps = [];
       const step = () => {
         if (steps.length >= count || g.scrollTop + g.clientHeight >= g.scrollHeight - 2) return then(steps);
         const s0 = performance.now();
         g.scrollTop += by(g);
         requestAnimationFrame(() => requestAnimationFrame(() => { steps.push(performance.now() - s0); step(); }));
       };
       step();
     };
     // First the same wheel steps on the 1,000 results already shown.
     run(gallery(), () => 120, 300, (wheel1000) => {
     gallery().scrollTop = 0;
     t0 = performance.now();
     select.value = '10000';
     select.dispatchEvent(new Event('change', { bubbles: true }));
     wait(() => gallery() && Number(gallery().dataset.count) === 10000, () => {
       const loadMs = performance.now() - t0, g = gallery();
       // Reference: a static page of the same size, boxes and labels where the tiles are, no
       // script on scroll: what scrolling costs in this webview before any work of the app's.
       const ref = document.createElement('div');
       const r = g.getBoundingClientRect();
       Object.assign(ref.style, { position: 'fixed', left: r.left + 'px', top: r.top + 'px', width: r.width + 'px', height: r.height + 'px', overflow: 'auto', zIndex: 9999, background: '#15161a' });
       const canvas = document.createElement('div');
       Object.assign(canvas.style, { position: 'relative', height: g.scrollHeight + 'px' });
       for (const t of g.querySelectorAll('[data-testid="tile"]')) {
         const top0 = t.offsetTop, h = t.offsetHeight, w = t.offsetWidth, l = t.offsetLeft;
         for (let y = top0 % (h + 6); y < Math.min(g.scrollHeight, 40 * r.height); y += h + 6) {
           const b = document.createElement('div');
           Object.assign(b.style, { position: 'absolute', left: l + 'px', top: y + 'px', width: w + 'px', height: h + 'px', background: '#23252b', borderRadius: '4px' });
           b.textContent = '0.42';
           canvas.appendChild(b);
         }
       }
       ref.appendChild(canvas);
       document.body.appendChild(ref);
       requestAnimationFrame(() => requestAnimationFrame(() => run(ref, () => 120, 300, (staticWheel) => {
         ref.remove();
         run(g, () => 0, 60, (idle) => run(g, () => 120, 300, (wheel) => {
           g.scrollTop = 0;
           run(g, (g) => g.clientHeight, Infinity, (screens) => done({ loadMs, idle, staticWheel, wheel1000, wheel, screens }));
         }));
       })));
     });
     });`,
  );
  if (scrolled.error) throw new Error(`10,000 results: ${scrolled.error}`);
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${median(s).toFixed(0)} ms, 95th percentile ${s[Math.floor(s.length * 0.95)].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
  };
  console.log(`scrolling (10,000 results shown ${scrolled.loadMs.toFixed(0)} ms after choosing them):`);
  console.log(`  baseline, ${scrolled.idle.length} steps of 0 px: ${stats(scrolled.idle)}`);
  console.log(`  reference, a static page of boxes, ${scrolled.staticWheel.length} wheel steps of 120 px: ${stats(scrolled.staticWheel)}`);
  console.log(`  1,000 results, ${scrolled.wheel1000.length} wheel steps of 120 px: ${stats(scrolled.wheel1000)}`);
  console.log(`  ${scrolled.wheel.length} wheel steps of 120 px, 10,000 results: ${stats(scrolled.wheel)}`);
  console.log(`  ${scrolled.screens.length} screens, top to bottom: ${stats(scrolled.screens)}`);
  const pid = Number(readFileSync("/proc/self/stat", "utf8").split(" ")[0]);
  const appPid = readdirSync("/proc").find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").startsWith(app) && Number(p) !== pid;
    } catch {
      return false;
    }
  });
  const m = memoryOf(appPid);
  console.log(`memory: ${m.processes} processes, RSS ${m.rssMiB} MiB, PSS ${m.pssMiB} MiB`);
} finally {
  await d.stopAll();
}
