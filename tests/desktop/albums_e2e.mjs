// End-to-end check of multi-select and few-shot albums in the real window: Ctrl/Cmd-click and
// Shift-click select tiles (a bar counts them, Escape clears it), "Make album from these"
// makes an album of five red circles that the sidebar lists with the engine's count and the
// gallery shows with the album's scores, and "Not this" on a suggestion retrains it.
// (Clicks with modifier keys are dispatched as DOM events: WebDriver's element click has no
// modifiers.)
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as d from "./driver.mjs";

const tileCount = () => d.exec("return document.querySelectorAll('[data-testid=\"tile\"]').length;");
const clickTile = (id, mods = {}) =>
  d.exec("document.querySelector(`[data-testid=\"tile\"][data-id=\"${arguments[0]}\"]`).dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: !!arguments[1].ctrl, shiftKey: !!arguments[1].shift }));", [id, mods]);
const picked = () => d.exec("return [...document.querySelectorAll('[data-testid=\"tile\"][data-picked=\"true\"]')].map((t) => t.dataset.id);");
const barCount = async () => {
  const bar = await d.findAll('[data-testid="selection-count"]');
  return bar.length ? d.text(bar[0]) : null;
};

/** `ctx`: { app, cli, work, check, shot }. */
export async function albumChecks({ app, cli, work, check, shot }) {
  const photos = join(work, "album-photos");
  execFileSync(cli, ["demo", photos, "--count", "300", "--seed", "14"]);
  await d.openApp(app, ["--library", join(work, "album-library"), photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 300 && !st.indexing;
  }, 120000);
  const text = "a red circle";
  await d.type(await d.until("search box", () => d.find('[data-testid="search-input"]')), text);
  const { hits } = await d.invoke("search", { query: { text, k: 8 } });
  // The gallery shows the whole library (these tiles among it) until the search's results
  // replace it: wait for the results themselves, scored and led by the engine's first five.
  const topFive = new Set(hits.slice(0, 5).map((h) => h.id));
  await d.until("results", async () => {
    const shown = await d.exec("return [...document.querySelectorAll('[data-testid=\"tile\"]')].slice(0, 5).map((t) => t.dataset.id);");
    const scored = (await d.findAll('[data-testid="score"]')).length > 0;
    return scored && shown.length === 5 && shown.every((id) => topFive.has(id)) ? true : null;
  }, 30000);

  // Selection: Ctrl-click two, Shift-click extends from the last to a third; Escape clears.
  await clickTile(hits[0].id, { ctrl: true });
  await clickTile(hits[2].id, { ctrl: true });
  await clickTile(hits[4].id, { shift: true });
  const ids = await d.exec("return [...document.querySelectorAll('[data-testid=\"tile\"]')].map((t) => t.dataset.id);");
  const [from, to] = [ids.indexOf(hits[2].id), ids.indexOf(hits[4].id)].sort((a, b) => a - b);
  const expected = new Set([hits[0].id, ...ids.slice(from, to + 1)]);
  const chosen = await picked();
  const count = await barCount();
  await shot("14a-selection");
  await d.exec("document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));");
  const cleared = await d.until("cleared", async () => ((await picked()).length === 0 && (await barCount()) === null ? true : null), 10000);
  check(
    "Ctrl-click and Shift-click select tiles with a counted bar, and Escape clears them",
    chosen.length === expected.size && chosen.every((i) => expected.has(i)) && count === `${expected.size} selected` && cleared,
    `${chosen.length} picked, bar "${count}"`,
  );

  // An album of the first five results.
  for (const h of hits.slice(0, 5)) await clickTile(h.id, { ctrl: true });
  await d.click(await d.until("make album", () => d.find('[data-testid="make-album"]')));
  await d.type(await d.until("name field", () => d.find('[data-testid="album-name"]')), "Red circles");
  await d.click(await d.find('[data-testid="album-create"]'));
  await d.until("the album shown", () => d.find('[data-testid="album-head"]'), 20000);
  const album = await d.invoke("album", { name: "Red circles" });
  const listed = await d.until("the album in the sidebar", async () => {
    const c = await d.exec("const b = document.querySelector('[data-testid=\"album\"][data-value=\"Red circles\"]'); return b ? b.parentElement.querySelector('.count').textContent : null;");
    return c;
  }, 20000);
  const shown = await d.until("its photos", async () => ((await tileCount()) === album.photos.length ? album.photos.length : null), 20000);
  const firstIds = await d.exec("return [...document.querySelectorAll('[data-testid=\"tile\"]')].slice(0, 5).map((t) => t.dataset.id);");
  await shot("14b-album");
  check(
    "Make album from these shows the album: the engine's members in its order, counted in the sidebar",
    Number(listed) === album.photos.length && shown === album.photos.length && JSON.stringify(firstIds) === JSON.stringify(album.photos.slice(0, 5).map((p) => p.id)) && hits.slice(0, 5).every((h) => album.positives.includes(h.id)),
    `${album.photos.length} photos, ${album.positives.length} examples`,
  );

  // Relevance feedback: a suggestion marked "Not this" leaves the album.
  const suggestion = album.photos.find((p) => !p.example);
  await clickTile(suggestion.id, { ctrl: true });
  await d.click(await d.until("not this", () => d.find('[data-testid="album-reject"]')));
  const gone = await d.until("the suggestion gone", async () => ((await d.findAll(`[data-testid="tile"][data-id="${suggestion.id}"]`)).length === 0 ? true : null), 20000);
  const after = await d.invoke("album", { name: "Red circles" });
  await shot("14c-album-feedback");
  check("Not this on a suggestion retrains the album and takes it out", gone && after.negatives.includes(suggestion.id) && !after.photos.some((p) => p.id === suggestion.id), `${after.photos.length} photos now`);
  await d.closeApp();
}
