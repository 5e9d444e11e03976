// End-to-end check of the library map in the real window: two folders of demo photos are
// indexed, the Map view draws one point per photo (coloured by folder, a legend naming both),
// hovering an isolated point previews that photo, clicking it opens the viewer on it, a search
// lights the map by score, colouring by a tag lights exactly the photos the sidebar counts for
// it, the wheel zooms in to thumbnails, and a lasso selects exactly the points it encloses,
// searches for more like them and makes an album of them.
import { execFileSync } from "node:child_process";
import { basename, join } from "node:path";
import * as d from "./driver.mjs";

const ESCAPE = "\uE00C";

/** The canvas's view and what its last frame drew, and its place in the viewport. */
const mapState = () =>
  d.exec(`const c = document.querySelector('[data-testid="map-canvas"]');
    const r = c.getBoundingClientRect();
    return { scale: +c.dataset.scale, ox: +c.dataset.ox, oy: +c.dataset.oy, points: +c.dataset.points,
      thumbs: +c.dataset.thumbs, left: r.left, top: r.top, width: r.width, height: r.height };`);

/** Counts, from now on, the commands the window sends. Tauri's IPC here is a fetch of
 *  ipc://localhost/COMMAND (its `invoke` cannot be replaced: the property is read-only). */
const countCommands = () =>
  d.exec(`if (!window.__irisFetch) {
      window.__irisFetch = window.fetch;
      window.fetch = (url, ...rest) => {
        const u = String(url), name = u.startsWith("ipc://localhost/") ? u.slice(16).split("?")[0] : null;
        if (name) window.__irisCalls[name] = (window.__irisCalls[name] || 0) + 1;
        return window.__irisFetch(url, ...rest);
      };
    }
    window.__irisCalls = {};`);
/** The commands counted since `countCommands`, by name. */
const commandsSent = () => d.exec(`return { ...window.__irisCalls };`);

/** Even-odd point-in-polygon, as the map's lasso tests it. */
function inside(polygon, x, y) {
  let odd = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

/** `ctx`: { app, cli, work, check, shot }. */
export async function mapChecks({ app, cli, work, check, shot }) {
  const photos = join(work, "map-photos");
  execFileSync(cli, ["demo", join(photos, "beach"), "--count", "40", "--seed", "5"]);
  execFileSync(cli, ["demo", join(photos, "garden"), "--count", "40", "--seed", "6"]);
  await d.openApp(app, ["--library", join(work, "map-library"), photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 80 && !st.indexing;
  }, 120000);
  await d.click(await d.until("map button", () => d.find('[data-testid="view-map"]')));
  const first = await d.until("the map drawn", async () => {
    const st = await mapState();
    return st.points === 80 ? st : null;
  }, 60000);
  const legend = await d.text(await d.find('[data-testid="map-legend"]'));
  const count = await d.text(await d.find('[data-testid="map-count"]'));
  await shot("11a-map");
  check("the Map view draws every photo as a point, coloured by folder with a legend",
    first.points === 80 && first.thumbs === 0 && /80 photos on the map/.test(count) && /beach \(40\)/.test(legend) && /garden \(40\)/.test(legend),
    `${first.points} points, "${count}", legend "${legend.replace(/\s+/g, " ")}"`);

  // Shown, the map rests: no command asks for it again while nothing changes (an answer
  // used to announce itself as a new map, which the open view then asked for, for ever). The
  // app_state asked here shows that the count sees the window's commands.
  await countCommands();
  await d.invoke("app_state");
  await d.sleep(3000);
  const resting = await commandsSent();
  check("the map, once shown, is not asked for again while the library is unchanged", !resting.map && resting.app_state >= 1,
    `${resting.map || 0} map calls in 3 s (${resting.app_state || 0} app_state counted)`);

  // The most isolated point on the screen: hovering and clicking it cannot hit another.
  const points = await d.invoke("map");
  const screen = points.map((p) => [first.left + p.x * first.scale + first.ox + 1, first.top + p.y * first.scale + first.oy + 1]);
  const gap = (i) => Math.min(...screen.map((q, j) => (j === i ? Infinity : Math.hypot(q[0] - screen[i][0], q[1] - screen[i][1]))));
  const lonely = screen.map((_, i) => i).sort((a, b) => gap(b) - gap(a))[0];
  await d.mouse([["move", ...screen[lonely]]]);
  const preview = await d.text(await d.until("hover preview", () => d.find('[data-testid="map-preview"]'), 10000));
  const name = basename(points[lonely].path);
  check("hovering a point previews that photo", preview.includes(name), `"${preview}" for ${name} (nearest other point ${gap(lonely).toFixed(1)} px)`);
  await d.mouse([["move", ...screen[lonely]], ["down"], ["up"]]);
  const viewer = await d.text(await d.until("viewer", () => d.find('[data-testid="viewer"]'), 10000));
  await shot("11b-map-viewer");
  check("clicking a point opens the viewer on that photo", viewer.includes(name), `viewer shows "${viewer.slice(0, 80).replace(/\s+/g, " ")}"`);
  await d.press(ESCAPE);
  await d.until("viewer closed", async () => (await d.findAll('[data-testid="viewer"]')).length === 0, 10000);

  // A search lights up its region: the colours follow the score.
  await d.type(await d.find('[data-testid="search-input"]'), "a red circle");
  const lit = await d.until("score legend", async () => {
    const text = await d.text(await d.find('[data-testid="map-legend"]'));
    return /\d\.\d\d/.test(text) && /not found/.test(text) ? text : null;
  }, 30000);
  await d.until("search done", async () => (await d.findAll('.box .spinner')).length === 0, 10000);
  const mode = await d.exec(`return document.querySelector('[data-testid="map-colour"]').value;`);
  await d.sleep(500); // the WebDriver screenshot can precede the frame that shows the new colours
  await shot("11c-map-search");
  check("a search colours the map by score", mode === "score", `mode ${mode}, legend "${lit.replace(/\s+/g, " ")}"`);

  // Colour by tag: the library's most common tag first, then another picked; the points lit
  // are the photos the sidebar counts for it.
  const tags = await d.until("tags", async () => {
    const list = await d.invoke("tags");
    return list.length >= 2 ? list : null;
  }, 60000);
  const chooseColour = (value) =>
    d.exec(`const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }));`, ['[data-testid="map-colour"]', value]);
  const litFor = (tag) =>
    d.until(`points lit for ${tag.name}`, async () => {
      const st = await d.exec(`const c = document.querySelector('[data-testid="map-canvas"]');
        const t = document.querySelector('[data-testid="map-tag"]');
        return { lit: +c.dataset.lit, tag: t && t.value, legend: document.querySelector('[data-testid="map-legend"]').textContent };`);
      return st.tag === tag.name && st.lit === tag.photos && st.legend.includes(`not tagged ${tag.name}`) ? st : null;
    }, 20000);
  await chooseColour("tag");
  const common = await litFor(tags[0]);
  const other = tags.find((t) => t.photos > 0 && t.photos < tags[0].photos && t.photos < 80) ?? tags[1];
  await d.exec(`const s = document.querySelector('[data-testid="map-tag"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }));`, [other.name]);
  const picked = await litFor(other);
  await d.sleep(500);
  await shot("11f-map-tag");
  check("colouring by a tag lights exactly the photos the sidebar counts for it",
    common.lit === tags[0].photos && picked.lit === other.photos && picked.lit < 80,
    `${tags[0].name}: ${common.lit} lit; ${other.name}: ${picked.lit} lit of 80, legend "${picked.legend.replace(/\s+/g, " ")}"`);
  await chooseColour("folder");

  // The wheel zooms about the pointer; from three times the whole-map scale, thumbnails. It
  // zooms about the point nearest the middle of the map: the middle itself can be empty space.
  const middle = [first.width / 2, first.height / 2];
  const onCanvas = points.map((p) => [p.x * first.scale + first.ox, p.y * first.scale + first.oy]);
  const fromMiddle = (q) => Math.hypot(q[0] - middle[0], q[1] - middle[1]);
  const centre = onCanvas.reduce((best, q) => (fromMiddle(q) < fromMiddle(best) ? q : best));
  for (let i = 0; i < 6; i++) {
    await d.exec(`const c = document.querySelector('[data-testid="map-canvas"]'); const r = c.getBoundingClientRect();
      c.dispatchEvent(new WheelEvent('wheel', { deltaY: -250, clientX: r.left + arguments[0], clientY: r.top + arguments[1], bubbles: true, cancelable: true }));`, centre);
  }
  const zoomed = await d.until("thumbnails", async () => {
    const st = await mapState();
    return st.thumbs > 0 ? st : null;
  }, 15000);
  await shot("11d-map-zoomed");
  check("zooming in shows thumbnails in place of points", zoomed.scale > 3 * first.scale && zoomed.thumbs > 0 && zoomed.thumbs <= 150,
    `scale ${first.scale.toFixed(1)} -> ${zoomed.scale.toFixed(1)}, ${zoomed.thumbs} thumbnails of ${zoomed.points} points in view`);
  await d.click(await d.find('[data-testid="map-fit"]'));

  // The lasso: a quadrilateral over the left half of the map selects exactly the points in it.
  const view = await mapState();
  const at = (fx, fy) => [view.left + view.width * fx, view.top + view.height * fy];
  const polygon = [at(0.05, 0.05), at(0.5, 0.1), at(0.45, 0.9), at(0.08, 0.95)];
  const expected = points.filter((p) => inside(polygon, view.left + p.x * view.scale + view.ox, view.top + p.y * view.scale + view.oy)).length;
  await d.click(await d.find('[data-testid="map-lasso"]'));
  await d.mouse([["move", ...polygon[0]], ["down"], ["move", ...polygon[1]], ["move", ...polygon[2]], ["move", ...polygon[3]], ["up"]]);
  const selection = await d.text(await d.until("selection bar", () => d.find('[data-testid="map-selection"]'), 10000));
  await shot("11e-map-lasso");
  check("the lasso selects exactly the points it encloses", expected > 0 && selection.startsWith(`${expected} selected`), `"${selection.replace(/\s+/g, " ")}", expected ${expected}`);
  await d.click(await d.find('[data-testid="map-more-like"]'));
  const tiles = await d.until("results of more like these", async () => {
    const found = await d.findAll('[data-testid="tile"]');
    return found.length > 0 ? found : null;
  }, 30000);
  const chips = await d.findAll('[data-testid="chip"]');
  check("More like these searches the gallery with the selected photos", tiles.length > 0 && chips.length >= Math.min(expected, 32),
    `${tiles.length} tiles, ${chips.length} chips`);

  // The same lasso again, then "Make album from these": the album's examples are the photos
  // lassoed, and it opens in the gallery.
  await d.click(await d.find('[data-testid="view-map"]'));
  await d.until("the map again", async () => ((await mapState()).points === 80 ? 1 : null), 20000);
  await d.click(await d.find('[data-testid="map-fit"]'));
  const again = await mapState();
  const atAgain = (fx, fy) => [again.left + again.width * fx, again.top + again.height * fy];
  const ring = [atAgain(0.05, 0.05), atAgain(0.5, 0.1), atAgain(0.45, 0.9), atAgain(0.08, 0.95)];
  const lassoedIds = points.filter((p) => inside(ring, again.left + p.x * again.scale + again.ox, again.top + p.y * again.scale + again.oy)).map((p) => p.id);
  const lassoOn = () => d.exec(`return document.querySelector('[data-testid="map-lasso"]').getAttribute('aria-pressed') === 'true';`);
  if (!(await lassoOn())) await d.click(await d.find('[data-testid="map-lasso"]'));
  await d.mouse([["move", ...ring[0]], ["down"], ["move", ...ring[1]], ["move", ...ring[2]], ["move", ...ring[3]], ["up"]]);
  await d.click(await d.until("make album", () => d.find('[data-testid="map-selection"] [data-testid="make-album"]'), 10000));
  await d.type(await d.until("name field", () => d.find('[data-testid="album-name"]')), "Lassoed");
  await shot("11g-map-album-name");
  await d.click(await d.find('[data-testid="album-create"]'));
  await d.until("the album shown", () => d.find('[data-testid="album-head"]'), 20000);
  const album = await d.invoke("album", { name: "Lassoed" });
  await shot("11h-map-album");
  check("a lasso on the map makes an album of exactly the photos it encloses",
    lassoedIds.length > 0 && album.positives.length === lassoedIds.length && lassoedIds.every((id) => album.positives.includes(id)),
    `${album.positives.length} examples, ${lassoedIds.length} lassoed, ${album.photos.length} members`);

  // A rescan that finds nothing new leaves the tags and the map alone: no `tags-ready`, so the
  // window does not ask for the tags again (the run's own `index-done` reloads the folders).
  // A new photo brings the tags again.
  await countCommands();
  const calls = commandsSent;
  await d.click(await d.find('[data-testid="rescan"]'));
  await d.until("the rescan's index-done", async () => ((await calls()).folders >= 1 ? 1 : null), 60000);
  await d.sleep(4000);
  const unchanged = await calls();
  await countCommands();
  execFileSync(cli, ["demo", join(photos, "beach", "later"), "--count", "1", "--seed", "9"]);
  await d.click(await d.find('[data-testid="rescan"]'));
  const changed = await d.until("the tags asked for again", async () => {
    const c = await calls();
    return c.tags >= 1 ? c : null;
  }, 60000);
  check("a rescan that changes nothing leaves the tags alone; a new photo brings them again",
    !unchanged.tags && changed.tags >= 1 && (await d.invoke("app_state")).photos === 81,
    `tags asked ${unchanged.tags || 0} times after the empty rescan, ${changed.tags} after the new photo`);
  await d.closeApp();
}
