import * as d from "/work/main/tests/desktop/driver.mjs";
try {
  await d.startDriver({ IRIS_MODEL: "demo", IRIS_LIBRARY: process.env.HOME + "/.cache/iris/bench-10k/library" });
  await d.openApp(process.argv[2]);
  await d.until("ready", async () => (await d.invoke("app_state")).model?.state === "ready");
  await d.until("idle", async () => !(await d.invoke("app_state")).indexing, 600000);
  await d.exec(`const inv = window.__TAURI_INTERNALS__.invoke; window.__log = [];
    window.__TAURI_INTERNALS__.invoke = (c, a, o) => { const t0 = performance.now(); window.__log.push([c, 'start', t0]); return inv(c, a, o).then(r => { window.__log.push([c, 'end', performance.now()]); return r; }); };`);
  for (const q of ["a red circle", "a blue square", "a green star", "a yellow heart"]) {
    const r = await d.execAsync(`const [q, done] = arguments; window.__log = [];
     const input = document.querySelector('[data-testid="search-input"]');
     const before = document.querySelector('[data-testid="tile"]')?.dataset.id;
     const t0 = performance.now(); input.value = q; input.dispatchEvent(new Event('input', { bubbles: true }));
     const poll = () => { const tile = document.querySelector('[data-testid="tile"]');
       if (tile && tile.dataset.id !== before) done({total: performance.now() - t0, log: window.__log.map(([c, w, t]) => c + ':' + w + '@' + (t - t0).toFixed(0))});
       else if (performance.now() - t0 > 10000) done(-1); else setTimeout(poll, 5); };
     poll();`, [q]);
    console.log(q, JSON.stringify(r));
    await d.sleep(500);
  }
} finally { await d.stopAll(); }
