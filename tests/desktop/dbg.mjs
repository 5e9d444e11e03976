import * as d from "/work/main/tests/desktop/driver.mjs";
try {
  await d.startDriver({ IRIS_MODEL: "demo", IRIS_LIBRARY: process.env.HOME + "/.cache/iris/bench-10k/library" });
  await d.openApp(process.argv[2]);
  await d.until("ready", async () => (await d.invoke("app_state")).model?.state === "ready");
  await d.until("idle", async () => !(await d.invoke("app_state")).indexing, 600000);
  await d.exec(`const f = window.fetch; window.__log = [];
    window.fetch = (u, o) => { const c = String(u).split('/').pop(); window.__log.push([c, 'start', performance.now()]); return f(u, o).then(async r => { window.__log.push([c, 'resp', performance.now()]); return r; }); };
    const obs = new MutationObserver(() => window.__log.push(['dom', 'mut', performance.now()])); obs.observe(document.querySelector('#app'), {subtree: true, childList: true, attributes: true});`);
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
