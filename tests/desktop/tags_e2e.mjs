// End-to-end check of zero-shot tags in the real window: after indexing, the sidebar lists
// the engine's tags with their counts (English and Chinese names); choosing one adds a tag:
// chip and the gallery shows exactly its photos; the viewer shows the photo's tags with
// their scores ("what the model sees"); a tag's Chinese name typed in the search box finds
// its photos; a tag of the user's is added from the sidebar's field and removed with its ×.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as d from "./driver.mjs";

const galleryCount = () => d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");
const sidebarTags = () =>
  d.exec("return [...document.querySelectorAll('[data-testid=\"tag\"]')].map((b) => ({ name: b.dataset.value, count: b.parentElement.querySelector('.count').textContent, zh: b.querySelector('.zh')?.textContent ?? '' }));");

/** `ctx`: { app, cli, work, check, shot }. */
export async function tagChecks({ app, cli, work, check, shot }) {
  const photos = join(work, "tagged");
  execFileSync(cli, ["demo", photos, "--count", "60", "--seed", "11"]);
  await d.openApp(app, ["--library", join(work, "tags-library"), photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 60 && !st.indexing;
  }, 120000);
  const engine = await d.invoke("tags");
  const listed = await d.until("the sidebar's tags", async () => {
    const shown = await sidebarTags();
    return shown.length >= 8 ? shown : null;
  }, 30000);
  await shot("13a-tags-sidebar");
  const agrees = listed.every((t, i) => t.name === engine[i].name && Number(t.count) === engine[i].photos && t.zh === engine[i].chinese);
  check("the sidebar lists the engine's tags with counts and Chinese names, most photos first", agrees && listed.length === 8 && engine.length > 8, JSON.stringify(listed.slice(0, 3)));

  // A colour-shape tag: choosing it shows exactly its photos, under a tag: chip.
  const tag = engine.find((t) => t.category === "object" && t.photos >= 2);
  await d.click(await d.until("more tags", () => d.find('[data-testid="tag-menu"] .more')));
  await d.click(await d.until("the tag", () => d.find(`[data-testid="tag"][data-value="${tag.name}"]`)));
  const shown = await d.until("only the tag's photos", async () => ((await galleryCount()) === tag.photos ? tag.photos : null), 20000);
  const chips = await d.exec("return [...document.querySelectorAll('[data-testid=\"chip\"][data-kind=\"filter\"]')].map((c) => c.dataset.key + ':' + c.querySelector('.label').textContent);");
  check("choosing a tag adds a tag: chip and shows exactly its photos", shown === tag.photos && JSON.stringify(chips) === JSON.stringify([`tag:${tag.name}`]), `${tag.name}: ${shown} of ${tag.photos}, chips ${JSON.stringify(chips)}`);

  // The viewer: what the model sees in the first of them.
  await d.click(await d.until("a tile", () => d.find('[data-testid="tile"]')));
  await d.until("viewer", () => d.find('[data-testid="viewer"]'));
  const id = await d.exec("return document.querySelector('[data-testid=\"tile\"][aria-selected=\"true\"]').dataset.id;");
  const own = await d.invoke("photo_tags", { id });
  const viewerTags = await d.until("the viewer's tags", async () => {
    const rows = await d.exec("return [...document.querySelectorAll('[data-testid=\"viewer-tag\"]')].map((li) => li.dataset.value + ' ' + li.querySelector('.p').textContent);");
    return rows.length > 0 ? rows : null;
  }, 20000);
  await shot("13b-viewer-tags");
  const expected = own.map((t) => `${t.name} ${Math.round(t.probability * 100)}%`);
  check("the viewer shows what the model sees: the photo's tags with their scores", JSON.stringify(viewerTags) === JSON.stringify(expected) && viewerTags.some((r) => r.startsWith(tag.name + " ")), JSON.stringify(viewerTags));
  await d.exec("document.querySelector('[data-testid=\"viewer\"] .close').click();");

  // Chinese words: the demo model reads English only; the tag's Chinese name finds its photos.
  await d.exec("const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
  await d.type(await d.find('[data-testid="search-input"]'), tag.chinese);
  const tagged = new Set((await d.invoke("search", { query: { text: `tag:"${tag.name}"`, k: 60 } })).hits.map((h) => h.id));
  // The first tiles that hold as many photos as are tagged (a stack of near-duplicates holds
  // several).
  const first = await d.until("results for the Chinese name", async () => {
    const ids = await d.exec(`const stacked = new Map([...document.querySelectorAll('[data-testid="stack-toggle"]')].map((b) => [b.dataset.id, Number(b.dataset.count)]));
      const tiles = [...document.querySelectorAll('[data-testid="tile"]')].sort((a, b) => a.dataset.index - b.dataset.index);
      const out = [];
      let photos = 0;
      for (const t of tiles) {
        if (photos >= arguments[0]) break;
        out.push(t.dataset.id);
        photos += stacked.get(t.dataset.id) ?? 1;
      }
      return out;`, [tagged.size]);
    return (await d.findAll('[data-testid="score"]')).length > 0 ? ids : null;
  }, 20000);
  await shot("13c-chinese-query");
  // (The gallery opens at the default cut-off, which may show fewer than all of them.)
  check("the tag's Chinese name typed in the search box puts its photos first", first.length > 0 && first.every((i) => tagged.has(i)), `${tag.chinese}: the first ${first.length} tiles, ${tagged.size} tagged`);

  // A tag of the user's: added from the sidebar, listed with a × that removes it.
  await d.type(await d.find('[data-testid="tag-input"]'), "My Shapes");
  await d.click(await d.find('[data-testid="tag-add"]'));
  await d.until("the user's tag", () => d.find('[data-testid="tag"][data-value="my shapes"]'), 20000);
  const remove = "document.querySelector('[data-testid=\"tag\"][data-value=\"my shapes\"]').parentElement.querySelector('[data-testid=\"tag-remove\"]')";
  const inEngine = (await d.invoke("tags")).find((t) => t.name === "my shapes");
  await d.exec("document.querySelector('[data-testid=\"tag\"][data-value=\"my shapes\"]').scrollIntoView({ block: 'center' });");
  await shot("13d-user-tag");
  const removable = await d.exec(`return !!${remove};`);
  await d.exec(`${remove}.click();`);
  const gone = await d.until("the tag removed", async () => ((await d.findAll('[data-testid="tag"][data-value="my shapes"]')).length === 0 ? true : null), 20000);
  const engineAfter = (await d.invoke("tags")).some((t) => t.name === "my shapes");
  check("a tag of your own is added from the sidebar (normalised) and removed with its ×", inEngine?.category === "user" && removable && gone && !engineAfter, JSON.stringify(inEngine));
  await d.closeApp();
}
