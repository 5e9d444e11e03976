// End-to-end check of near-duplicates in the real window: a demo library with two edited copies
// of one picture (half size, JPEG quality 60, made with ImageMagick). The browsing gallery and
// the search results stack the three into one tile with a count that opens in place; the
// Duplicates view shows the engine's groups side by side, the best photo first; "Move to
// trash" on a copy sends it to the desktop's trash (the test's XDG_DATA_HOME), and the group
// and the library's count follow.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as d from "./driver.mjs";

/** `ctx`: { app, cli, work, check, shot }. */
export async function duplicateChecks({ app, cli, work, check, shot }) {
  const photos = join(work, "duplicate-photos");
  execFileSync(cli, ["demo", photos, "--count", "12", "--seed", "15"]);
  const original = join(photos, "000000.png");
  execFileSync("convert", [original, "-resize", "50%", join(photos, "copy-half.png")]);
  execFileSync("convert", [original, "-quality", "60", join(photos, "copy-q60.jpg")]);
  await d.openApp(app, ["--library", join(work, "duplicate-library"), photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 14 && !st.indexing;
  }, 120000);
  const engine = await d.invoke("duplicates");
  await stackChecks({ photos, group: engine[0]?.photos.map((p) => p.id) ?? [], check, shot });
  await d.click(await d.until("the Duplicates view", () => d.find('[data-testid="view-duplicates"]')));
  const shown = await d.until("the groups", async () => {
    const groups = await d.exec("return [...document.querySelectorAll('[data-testid=\"duplicate-group\"]')].map((g) => [...g.querySelectorAll('[data-testid=\"duplicate-photo\"]')].map((p) => p.dataset.id));");
    return groups.length > 0 ? groups : null;
  }, 30000);
  // The thumbnails painted before the screenshot.
  await d.painted('[data-testid="duplicate-photo"] img');
  await shot("15a-duplicates");
  const names = engine[0]?.photos.map((p) => p.name) ?? [];
  check(
    "the Duplicates view shows the engine's groups side by side, the original first",
    JSON.stringify(shown) === JSON.stringify(engine.map((g) => g.photos.map((p) => p.id))) && names[0] === "000000.png" && names.includes("copy-half.png") && names.includes("copy-q60.jpg"),
    JSON.stringify(names),
  );

  const half = engine[0].photos.find((p) => p.name === "copy-half.png");
  await d.exec(`document.querySelector('[data-testid="duplicate-photo"][data-id="${half.id}"] [data-testid="trash"]').click();`);
  const after = await d.until("the copy gone from its group", async () => {
    const left = await d.findAll(`[data-testid="duplicate-photo"][data-id="${half.id}"]`);
    const st = await d.invoke("app_state");
    return left.length === 0 && st.photos === 13 ? st : null;
  }, 30000);
  await shot("15b-duplicates-trashed");
  const inTrash = existsSync(join(work, "data", "Trash", "files", "copy-half.png")) && !existsSync(join(photos, "copy-half.png"));
  check("Move to trash sends the copy to the trash, and the group and the library follow", inTrash && after.photos === 13, `${after.photos} photos, in the trash: ${inTrash}`);
  await d.closeApp();
}

/** The gallery's tiles, in order: id, stack count (0 when none) and whether in an open stack. */
const tiles = () =>
  d.exec(`return [...document.querySelectorAll('[data-testid="tile"]')]
    .sort((a, b) => a.dataset.index - b.dataset.index)
    .map((t) => ({ id: t.dataset.id, open: t.classList.contains('in-open-stack') }));`);
/** Waits until the gallery's thumbnails have loaded (for a screenshot). */
const painted = () => d.painted('[data-testid="tile"] img');
const toggles = () => d.exec(`return [...document.querySelectorAll('[data-testid="stack-toggle"]')].map((b) => ({ id: b.dataset.id, count: Number(b.dataset.count), open: b.getAttribute('aria-expanded') === 'true' }));`);

/** Stacks in the browsing gallery and in search results: one tile, then all three in place. */
async function stackChecks({ photos, group, check, shot }) {
  const stacked = await d.until("a stacked tile while browsing", async () => {
    const [t, s] = [await tiles(), await toggles()];
    return t.length === 12 && s.length === 1 ? { t, s } : null;
  }, 30000);
  await painted();
  await shot("15c-browse-stacked");
  check(
    "browsing, the 3 near-duplicates are one tile with a count of 3",
    stacked.s[0].count === 3 && !stacked.s[0].open && group.includes(stacked.s[0].id) && stacked.t.filter((t) => group.includes(t.id)).length === 1,
    JSON.stringify(stacked.s),
  );
  await d.exec(`document.querySelector('[data-testid="stack-toggle"]').click();`);
  const open = await d.until("the stack open", async () => {
    const t = await tiles();
    return t.length === 14 ? t : null;
  }, 10000);
  await painted();
  await shot("15d-browse-stack-open");
  const at = open.findIndex((t) => t.id === stacked.s[0].id);
  const run = open.slice(at, at + 3);
  check(
    "the open stack shows its 3 photos in place, together and marked",
    run.every((t) => group.includes(t.id) && t.open) && open.filter((t) => t.open).length === 3,
    JSON.stringify(open.map((t) => (group.includes(t.id) ? `*${t.open ? "open" : ""}` : "-"))),
  );
  await d.exec(`document.querySelector('[data-testid="stack-toggle"]').click();`);
  await d.until("the stack closed again", async () => ((await tiles()).length === 12 ? true : null), 10000);

  // A search whose best match is the picture: its copies stack with it at the top.
  const caption = JSON.parse(readFileSync(join(photos, "captions.jsonl"), "utf8").split("\n")[0]).caption;
  await d.type(await d.until("search box", () => d.find('[data-testid="search-input"]')), caption);
  const found = await d.until("stacked results", async () => {
    const s = await toggles();
    const count = await d.exec(`return document.querySelector('.toolbar .count')?.textContent ?? null;`);
    return s.length === 1 && /^\d+ photos?$/.test(count ?? "") ? { s, count, t: await tiles() } : null;
  }, 30000);
  await painted();
  await shot("15e-search-stacked");
  check(
    "search results stack the near-duplicates too, and the count says photos, not tiles",
    found.s[0].count === 3 && found.t.length === Number.parseInt(found.count, 10) - 2,
    `${found.count}, ${found.t.length} tiles, ${JSON.stringify(found.s)}`,
  );
  await d.exec("const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");

  // Settings: stacking off shows every photo; stricter thresholds are saved with it.
  await d.click(await d.find('[data-testid="open-settings"]'));
  await d.until("settings panel", () => d.find('[data-testid="set-stack"]'));
  await d.click(await d.find('[data-testid="set-stack"]'));
  await d.type(await d.find('[data-testid="set-cosine"]'), "0.95");
  await new Promise((r) => setTimeout(r, 800));
  await shot("15f-settings-duplicates");
  await d.click(await d.find('[data-testid="save-settings"]'));
  await d.until("saved", () => d.find('[data-testid="settings-saved"]'));
  await d.click(await d.find('[data-testid="close-panel"]'));
  const unstacked = await d.until("every photo a tile", async () => ((await tiles()).length === 14 && (await toggles()).length === 0 ? true : null), 20000);
  const saved = (await d.invoke("settings")).saved;
  check(
    "the Settings panel turns stacking off and saves the near-duplicate thresholds",
    unstacked && saved.stack_duplicates === false && saved.duplicates?.min_cosine === 0.95 && saved.duplicates?.max_hash_distance === 12,
    JSON.stringify({ stack: saved.stack_duplicates, duplicates: saved.duplicates }),
  );
}
