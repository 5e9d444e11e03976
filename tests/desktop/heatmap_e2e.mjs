// End-to-end check of the viewer's heatmap in the real window: a text query naming one of two
// objects in a demo photo, the viewer opened on that photo, "Show where it matches" draws the
// engine's patch grid over the photo (one canvas pixel per patch, the hottest cell red), inside
// the photo's frame, with a legend of the grid's range.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as d from "./driver.mjs";

/** `ctx`: { app, cli, work, check, shot }. */
export async function heatmapChecks({ app, cli, work, check, shot }) {
  const photos = join(work, "two-objects");
  execFileSync(cli, ["demo", photos, "--count", "40", "--seed", "3"]);
  const scenes = readFileSync(join(photos, "scenes.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const scene = scenes.find((s) => s.objects.length === 2 && s.objects[0].colour !== s.objects[1].colour);
  const named = scene.objects[0];
  const text = `a ${named.colour} ${named.shape}`;

  await d.openApp(app, ["--library", join(work, "heatmap-library"), photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 40 && !st.indexing;
  }, 120000);
  const { hits } = await d.invoke("search", { query: { text, k: 40 } });
  const target = hits.find((h) => h.name === scene.image);
  const input = await d.until("search box", () => d.find('[data-testid="search-input"]'));
  await d.type(input, text);
  // The gallery opens at the default cut-off; the two-object photo may lie below it.
  await d.click(await d.until("show all", () => d.find('[data-testid="histogram"] button.link'), 30000));
  await d.until("results", () => d.find(`[data-testid="tile"][data-id="${target.id}"]`), 30000);
  await d.exec("document.querySelector(arguments[0]).scrollIntoView();", [`[data-testid="tile"][data-id="${target.id}"]`]);
  await d.click(await d.find(`[data-testid="tile"][data-id="${target.id}"]`));
  await d.until("viewer", () => d.find('[data-testid="viewer"]'));
  await d.click(await d.until("heatmap toggle", () => d.find('[data-testid="heatmap-toggle"]')));
  await d.until("heatmap", () => d.find('[data-testid="heatmap"]'), 20000);
  const legend = await d.text(await d.until("legend", () => d.find('[data-testid="heatmap-legend"]')));
  const explained = await d.invoke("explain", { query: { text }, id: target.id });
  const drawn = await d.exec(`
    const c = document.querySelector('[data-testid="heatmap"]');
    const img = document.querySelector('[data-testid="viewer"] img.photo');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const a = c.getBoundingClientRect(), b = img.getBoundingClientRect();
    return { w: c.width, h: c.height, pixels: Array.from(data),
      inside: a.left >= b.left - 1 && a.top >= b.top - 1 && a.right <= b.right + 1 && a.bottom <= b.bottom + 1 && a.width > 50 };
  `);
  let peak = [0, 0];
  explained.grid.forEach((row, r) => row.forEach((v, c) => { if (v > explained.grid[peak[0]][peak[1]]) peak = [r, c]; }));
  const at = (peak[0] * drawn.w + peak[1]) * 4;
  await shot("5d-heatmap");
  check(
    "Show where it matches draws the engine's grid over the photo, the hottest patch red, with a legend",
    drawn.w === explained.cols && drawn.h === explained.rows && drawn.inside &&
       // the canvas keeps premultiplied alpha: a channel may come back one or two levels off
      [165, 0, 38].every((v, k) => Math.abs(drawn.pixels[at + k] - v) <= 3) && /-?\d\.\d+\s+-?\d\.\d+/.test(legend.replace(/\n/g, " ")),
    `${drawn.w}x${drawn.h} over ${scene.image} for "${text}", peak cell ${peak} drawn ${drawn.pixels.slice(at, at + 4)}, legend "${legend.replace(/\s+/g, " ")}"`,
  );
  await d.closeApp();
}
