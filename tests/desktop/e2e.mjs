// End-to-end test of the desktop app in a real window (Xvfb + tauri-driver + WebKitWebDriver).
// Starts with an empty library and the demo model, adds a folder of demo photos (the command
// the folder picker's button sends; a native picker cannot be driven), waits for indexing,
// types a query, searches by image exactly as a drop does, opens the viewer, and checks that
// results, scores and thumbnails show. Screenshots go to $IRIS_ARTIFACTS. Prints a summary.
//
//   node tests/desktop/e2e.mjs APP_BINARY IRIS_CLI_BINARY
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as d from "./driver.mjs";
import { installChecks } from "./install_e2e.mjs";
import { heatmapChecks } from "./heatmap_e2e.mjs";
import { mapChecks } from "./map_e2e.mjs";
import { hostileChecks } from "./hostile_e2e.mjs";
import { tagChecks } from "./tags_e2e.mjs";
import { albumChecks } from "./albums_e2e.mjs";
import { duplicateChecks } from "./duplicates_e2e.mjs";
import { instanceChecks } from "./instance_e2e.mjs";
import { libraryStateChecks } from "./library_state_e2e.mjs";
import { languageHintChecks } from "./language_e2e.mjs";
import { switchChecks } from "./switch_e2e.mjs";

const [app, cli] = process.argv.slice(2);
const artifacts = process.env.IRIS_ARTIFACTS || join(tmpdir(), "iris-e2e");
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "iris-e2e-"));
const photos = join(work, "photos");
const library = join(work, "library");
// Settings go to a temporary XDG config dir, never the user's ~/.config/iris.
const configDir = join(work, "config");
const results = [];
const shot = (name) => d.screenshot(artifacts, name);

function check(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}`);
  if (!ok) throw new Error(`${name} failed ${detail}`);
}

/** Whether an image URL loads in the page (under its CSP). */
const loads = (url) =>
  d.execAsync(
    "const done = arguments[arguments.length - 1]; const img = new Image();" +
      "img.onload = () => done(img.naturalWidth > 0); img.onerror = () => done(false); img.src = arguments[0];",
    [url],
  );

const scoresShown = async () => Promise.all((await d.findAll('[data-testid="score"]')).map(d.text));

async function main() {
  execFileSync(cli, ["demo", photos, "--count", "48", "--seed", "7"]);
  // Demo photos carry no EXIF date, so browsing sorts them by file time: give 16 of them older
  // times, so that the library spans three months in three years.
  const older = { 0: "2019-07-14T12:00:00Z", 1: "2023-12-24T12:00:00Z" };
  for (let i = 0; i < 16; i++) {
    const when = new Date(older[i % 2]);
    utimesSync(join(photos, `${String(i).padStart(6, "0")}.png`), when, when);
  }
  const captions = readFileSync(join(photos, "captions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const captionsOf = (name) => captions.filter((c) => c.image === name).map((c) => c.caption);
  // A one-object photo and its plainest caption ("a red circle"): the text query and, as a
  // file, the image query.
  const plain = /^an? (red|orange|yellow|green|blue|purple|black|white) (circle|square|triangle|star|heart|cross)$/;
  const target = captions.find((c) => plain.test(c.caption));
  const query = target.caption;

  // Offline with no cached model: the window opens, says so, and offers the demo model.
  const emptyHub = join(work, "hf-home");
  // A session bus of its own: the app keeps one window per library over it (instance_e2e.mjs).
  const [bus, busPid] = execFileSync("dbus-daemon", ["--session", "--fork", "--print-address=1", "--print-pid=1"], { encoding: "utf8" }).trim().split("\n");
  sessionBusPid = Number(busPid);
  const env = { IRIS_MODEL: "demo", IRIS_LIBRARY: library, HF_HOME: emptyHub, HF_HUB_OFFLINE: "1", XDG_CONFIG_HOME: configDir, XDG_DATA_HOME: join(work, "data"), DBUS_SESSION_BUS_ADDRESS: bus };
  await d.startDriver(env);
  await d.openApp(app, ["--model", "openai/clip-vit-base-patch32", "--library", join(work, "offline-library")]);
  const offline = await d.until("model state", async () => {
    const st = await d.invoke("app_state");
    return st.model?.state === "unavailable" ? st.model : null;
  });
  await d.until("offer of the demo model", () => d.find('[data-testid="use-demo-model"]'));
  const shown = await d.text(await d.find('[data-testid="model-state"]'));
  check("offline, the window says the model is unavailable and offers the demo model", /not available/i.test(shown) && /demo/.test(offline.message), shown.replace(/\s+/g, " ").slice(0, 160));
  await shot("0-offline");
  await d.click(await d.find('[data-testid="use-demo-model"]'));
  const demo = await d.until("demo model ready", async () => {
    const st = await d.invoke("app_state");
    return st.model?.state === "ready" ? st.model : null;
  });
  check("the demo model loads from the offer", demo.name === "demo", demo.name);
  await d.closeApp();

  const started = Date.now();
  await d.openApp(app);
  await d.until("welcome screen", () => d.find('[data-testid="welcome"]'));
  const empty = await d.invoke("app_state");
  check("the app starts empty on the welcome screen", empty.photos === 0 && empty.roots.length === 0, `interactive after ${Date.now() - started} ms`);
  await d.until("model ready", async () => (await d.invoke("app_state")).model?.state === "ready");
  await shot("1-welcome");

  const state = await d.invoke("add_roots", { paths: [photos] });
  check("add_roots accepts the folder", !state.error, JSON.stringify(state.error ?? ""));
  const indexed = await d.until("indexing", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 48 && !st.indexing ? st : null;
  }, 120000);
  check("indexing finishes with every photo", indexed.photos === 48, `${indexed.photos} photos, roots ${JSON.stringify(indexed.roots)}`);
  // With an empty search box the window shows the library, newest first, without scores.
  const browsed = await d.until("the library in the gallery", async () => {
    const n = await d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");
    return n === 48 ? n : null;
  }, 30000);
  const newest = await d.invoke("browse");
  const firstShown = await d.exec("return document.querySelector('[data-testid=\"tile\"]').dataset.id;");
  const badges = (await d.findAll('[data-testid="score"]')).length;
  check("the empty search box shows the whole library newest first, no scores", browsed === 48 && newest.length === 48 && firstShown === newest[0].id && badges === 0 && /All 48 photos/.test(await d.text(await d.find('[data-testid="browse-count"]'))), `${browsed} tiles, first ${newest[0].name}, ${badges} score badges`);
  await d.until("browse thumbnails", () => d.exec("const i = document.querySelector('[data-testid=\"tile\"] img'); return i && i.complete && i.naturalWidth > 0;"), 20000);
  await shot("2-indexed");
  const months = await Promise.all((await d.findAll('[data-testid="month-header"]')).map(d.text));
  check("browsing groups the library by month, newest first", months[0] === new Date().toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" }) && months.length >= 1, JSON.stringify(months));
  const years = await Promise.all((await d.findAll('[data-testid="scrubber-year"]')).map(d.text));
  await d.click((await d.findAll('[data-testid="scrubber-year"]'))[years.indexOf("2019")]);
  const pinned = await d.text(await d.until("the pinned month", () => d.find('[data-testid="pinned-month"]')));
  const headersNow = await Promise.all((await d.findAll('[data-testid="month-header"]')).map(d.text));
  await shot("2a-scrubbed");
  check("the year scrubber jumps to 2019 and its month stays pinned", JSON.stringify(years) === JSON.stringify([String(new Date().getUTCFullYear()), "2023", "2019"]) && (pinned === "July 2019" || headersNow.includes("July 2019")), `years ${JSON.stringify(years)}, pinned ${pinned}, headers ${JSON.stringify(headersNow)}`);
  await d.click((await d.findAll('[data-testid="scrubber-year"]'))[0]);

  // Live folders: a photo copied into the watched root shows in the gallery, no click.
  const arrivals = join(work, "arrivals");
  execFileSync(cli, ["demo", arrivals, "--count", "1", "--seed", "99"]);
  // A JPEG with a lens and a GPS position in Waikiki, as a phone writes them.
  const arrival = join(arrivals, "arrived.jpg");
  execFileSync("convert", [join(arrivals, "000000.png"), arrival]);
  execFileSync("exiftool", ["-q", "-overwrite_original", "-n", "-LensModel=RF24-105mm F4 L IS USM", "-GPSLatitude=21.2766", "-GPSLatitudeRef=N", "-GPSLongitude=157.8278", "-GPSLongitudeRef=W", arrival]);
  mkdirSync(join(photos, "arrivals"));
  copyFileSync(arrival, join(photos, "arrivals", "arrived.jpg"));
  const copiedAt = Date.now();
  const arrived = await d.until("the copied photo in the gallery", async () => {
    const n = await d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");
    return n === 49 ? Date.now() - copiedAt : null;
  }, 30000);
  await d.until("its thumbnail", () => d.exec("return [...document.querySelectorAll('[data-testid=\"tile\"] img')].every((i) => i.complete && i.naturalWidth > 0);"), 20000);
  await shot("2b-watched");
  check("a photo copied into a new folder of a watched root appears in the gallery without a click", arrived > 0, `after ${arrived} ms`);

  // The sidebar's folder tree: choosing a folder shows only its photos, a search typed then
  // stays within it (an "in:" chip), and removing the chip searches everything again.
  const folderButton = await d.until("the arrivals folder in the sidebar", () => d.find(`[data-testid="folder"][data-path="${join(photos, "arrivals")}"]`), 20000);
  await d.click(folderButton);
  const inFolder = await d.until("only the folder's photos", async () => {
    const n = await d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");
    return n === 1 ? n : null;
  }, 20000);
  const folderChip = await d.exec("return document.querySelector('[data-testid=\"folder-chip\"] .label').textContent;");
  await shot("2c-folder");
  check("clicking a sidebar folder shows only that folder's photos", inFolder === 1 && /in: arrivals/.test(folderChip), `${inFolder} tile, chip "${folderChip}"`);
  await d.click((await d.findAll('[data-testid="tile"]'))[0]);
  const place = await d.text(await d.until("the viewer's place", () => d.find('[data-testid="viewer-place"]')));
  const viewerFacts = await d.text(await d.find('[data-testid="viewer"]'));
  await shot("2d-viewer-place");
  check("the viewer shows where the photo was taken and its lens", place === "Honolulu, Hawaii, United States" && viewerFacts.includes("RF24-105mm F4 L IS USM"), place);
  await d.click(await d.find('[data-testid="viewer"] button.close'));
  await d.until("viewer closed", async () => (await d.findAll('[data-testid="viewer"]')).length === 0);
  const box = await d.find('[data-testid="search-input"]');
  await d.type(box, "a shape");
  const within = await d.until("a search within the folder", async () => ((await scoresShown()).length > 0 ? (await d.findAll('[data-testid="tile"]')).length : null), 20000);
  await d.click(await d.find('[data-testid="folder-chip"] button'));
  const resultsTotal = () => d.exec("const h = document.querySelector('[data-testid=\"histogram\"]'); return h ? Number(h.dataset.total) : 0;");
  const everywhere = await d.until("the search over the whole library", async () => {
    const n = await resultsTotal();
    return n > 1 ? n : null;
  }, 20000);
  check("a search typed while a folder is chosen stays in it; removing the chip searches everything", within === 1 && everywhere > 1 && (await d.findAll('[data-testid="folder-chip"]')).length === 0, `${within} result in the folder, ${everywhere} without it`);
  await d.exec("const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
  await d.until("the library again", async () => {
    const n = await d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");
    return n === 49 ? n : null;
  }, 20000);

  // The filter menus: the library's places and years with counts. Choosing one adds its
  // filter chip and the gallery narrows to exactly what the filter admits; words typed then
  // search within it.
  const galleryCount = () => d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");
  const filterChips = () => d.exec("return [...document.querySelectorAll('[data-testid=\"chip\"][data-kind=\"filter\"]')].map((c) => c.dataset.key + ':' + c.querySelector('.label').textContent);");
  const clearBox = () => d.exec("const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
  await d.click(await d.until("Honolulu in the places menu", () => d.find('[data-testid="facet"][data-menu="place"][data-value="Honolulu"]'), 20000));
  const placed = await d.until("only the Honolulu photo", async () => ((await galleryCount()) === 1 ? 1 : null), 20000);
  const placeChips = await filterChips();
  await shot("2e-place-filter");
  check("choosing a place in the sidebar adds a place: chip and shows only its photos", placed === 1 && JSON.stringify(placeChips) === JSON.stringify(["place:Honolulu"]), JSON.stringify(placeChips));
  await clearBox();
  await d.until("the library again", async () => ((await galleryCount()) === 49 ? 49 : null), 20000);
  const yearCount = Number(await d.exec("return document.querySelector('[data-testid=\"facet\"][data-menu=\"year\"][data-value=\"2019\"] + .count').textContent;"));
  await d.click(await d.find('[data-testid="facet"][data-menu="year"][data-value="2019"]'));
  const ofYear = await d.until("only 2019", async () => ((await galleryCount()) === 8 ? 8 : null), 20000);
  const yearChips = await filterChips();
  await d.type(await d.find('[data-testid="search-input"]'), " a shape");
  const yearSearch = await d.until("a search within 2019", async () => ((await scoresShown()).length > 0 ? (await resultsTotal()) : null), 20000);
  await shot("2f-year-filter");
  check("a year of the years menu narrows the gallery to it, and words then search within it", yearCount === 8 && ofYear === 8 && JSON.stringify(yearChips) === JSON.stringify(["after:2019", "before:2020"]) && yearSearch === 8, `menu ${yearCount}, shown ${ofYear}, chips ${JSON.stringify(yearChips)}, searched ${yearSearch}`);
  // Saved searches: the search is kept under a name in the sidebar with its count, and runs
  // again from there after the box is cleared.
  const shownNow = await galleryCount();
  await d.click(await d.find('[data-testid="save-search"]'));
  await d.type(await d.until("the name field", () => d.find('[data-testid="save-name"]')), "2019 shapes");
  await d.click(await d.find('[data-testid="save-confirm"]'));
  const savedCount = await d.until("the saved search in the sidebar", async () => {
    const c = await d.exec("const b = document.querySelector('[data-testid=\"saved-search\"][data-name=\"2019 shapes\"]'); return b ? b.parentElement.querySelector('[data-testid=\"saved-count\"]').textContent : null;");
    return c;
  }, 20000);
  await shot("2g-saved-search");
  await clearBox();
  await d.until("the library again", async () => ((await galleryCount()) === 49 ? 49 : null), 20000);
  await d.click(await d.find('[data-testid="saved-search"][data-name="2019 shapes"]'));
  const rerun = await d.until("the saved search run again", async () => ((await scoresShown()).length > 0 ? await resultsTotal() : null), 20000);
  const rerunText = await d.exec("return document.querySelector('[data-testid=\"search-input\"]').value;");
  check("a saved search shows in the sidebar with its count and runs again from there", Number(savedCount) === shownNow && rerun === 8 && rerunText === "after:2019 before:2020 a shape", `count ${savedCount} (gallery showed ${shownNow}), re-run ${rerun} results, text "${rerunText}"`);
  await clearBox();
  await d.until("the library again", async () => ((await galleryCount()) === 49 ? 49 : null), 20000);

  const input = await d.until("search box", () => d.find('[data-testid="search-input"]'));
  await languageHintChecks({ check, shot });
  await d.until("the library again", async () => ((await galleryCount()) === 49 ? 49 : null), 20000);
  await d.type(input, query);
  const tiles = await d.until("text results", async () => {
    const t = await d.findAll('[data-testid="tile"]');
    return t.length > 0 && (await scoresShown()).length > 0 ? t : null;
  });
  const scores = await scoresShown();
  check("a typed query shows tiles with scores", scores.length > 0 && scores.every((x) => /\d\.\d\d/.test(x)), `${tiles.length} tiles, top score ${scores[0]}`);
  const firstId = await d.exec("return document.querySelector('[data-testid=\"tile\"]').dataset.id;");
  const { hits } = await d.invoke("search", { query: { text: query, k: 5 } });
  check("the gallery shows the engine's best result first", hits[0].id === firstId, hits[0].name);
  check(`the top result for "${query}" is one`, captionsOf(hits[0].name).includes(query), captionsOf(hits[0].name).join(" | "));
  const thumbWidth = await d.until("thumbnails", () => d.exec("const i = document.querySelector('[data-testid=\"tile\"] img'); return i && i.complete && i.src.startsWith('iris:') ? i.naturalWidth : 0;"), 20000);
  check("thumbnails load through the iris protocol", thumbWidth > 0, `${thumbWidth} px wide`);
  check("the protocol refuses a path", !(await loads("iris://localhost/photo/..%2F..%2Fetc%2Fpasswd")) && !(await loads(`iris://localhost/photo/${photos}/000000.png`)));
  await shot("3-text-results");
  // The gallery opens at the cut-off the engine chose from this query's scores, marked on the
  // histogram; "show all" is one click.
  const all1000 = await d.invoke("search", { query: { text: query, k: 1000 } });
  const marker = await d.until("the default cut-off on the histogram", () => d.find('[data-testid="default-cutoff"]'));
  const markedAt = Number(await d.exec("return document.querySelector('[data-testid=\"default-cutoff\"]').dataset.score;"));
  // The gallery shows the results at or above it, and the matches of the words (a tag named).
  const above = all1000.hits.filter((h) => h.score >= all1000.cutoff || h.matched).length;
  const opened = await galleryCount();
  await d.click(await d.find('[data-testid="histogram"] button.link'));
  const afterShowAll = await d.until("every result", async () => ((await galleryCount()) === all1000.hits.length ? all1000.hits.length : null), 20000);
  // Diverse: the toggle searches again with MMR; the gallery shows the engine's diverse order.
  await d.click(await d.find('[data-testid="diverse"]'));
  const diverse = await d.invoke("search", { query: { text: query, k: 1000, diverse: true } });
  const diverseShown = await d.until("the diverse order", async () => {
    const ids = await d.exec("return [...document.querySelectorAll('[data-testid=\"tile\"]')].slice(0, 8).map((t) => t.dataset.id);");
    const expected = diverse.hits.filter((h) => diverse.cutoff === null || h.score >= diverse.cutoff || h.matched).slice(0, ids.length).map((h) => h.id);
    return JSON.stringify(ids) === JSON.stringify(expected) && ids.length > 0 ? ids : null;
  }, 20000);
  const samePhotos = JSON.stringify(diverse.hits.map((h) => h.id).sort()) === JSON.stringify(all1000.hits.map((h) => h.id).sort());
  await shot("3a-diverse");
  check("the Diverse toggle shows the same photos in the engine's MMR order, the best first", samePhotos && diverse.hits[0].id === all1000.hits[0].id && diverseShown.length > 0, `first ${diverse.hits[0].name}`);
  await d.click(await d.find('[data-testid="diverse"]'));
  check("the histogram marks the default cut-off, the gallery opens at it and Show all shows the rest", marker && all1000.cutoff !== null && Math.abs(markedAt - all1000.cutoff) < 1e-6 && opened === above && above < all1000.hits.length && afterShowAll === all1000.hits.length, `cut-off ${all1000.cutoff}, ${opened} shown of ${all1000.hits.length}, ${above} above it`);

  // The chips come from the engine's grammar (parse_query): a quoted negative is one chip.
  await d.type(input, ' -"busy street"');
  await d.until("negative chip", () => d.find('[data-testid="chip"][data-kind="not"]'));
  const chipLabels = await d.exec("return [...document.querySelectorAll('[data-testid=\"chip\"] .label')].map((l) => l.textContent);");
  const terms = await d.invoke("parse_query", { text: `${query} -"busy street"` });
  const wordsOf = (kind) => terms.filter((t) => t.kind === kind).map((t) => t.text);
  check("the search box chips are the engine's terms", JSON.stringify(chipLabels) === JSON.stringify([wordsOf("word").join(" "), ...wordsOf("not")]) && wordsOf("not")[0] === "busy street", JSON.stringify(chipLabels));
  await shot("3b-chips");
  await d.click(await d.find('[data-testid="chip"][data-kind="not"] button'));
  await d.until("negative removed", async () => (await d.findAll('[data-testid="chip"][data-kind="not"]')).length === 0);

  // The text goes the way a person removes it: the × on its chip.
  await d.click(await d.find('[data-testid="chip"][data-kind="word"] button'));
  await d.until("text removed", async () => (await d.findAll('[data-testid="chip"]')).length === 0);
  await d.exec("window.__irisDropPaths(arguments[0]);", [[join(photos, target.image)]]);
  await d.until("image chip", async () => (await d.findAll('[data-testid="chip"]')).length > 0);
  const first = await d.until("image results", async () => {
    const sc = await scoresShown();
    return sc.length > 0 && parseFloat(sc[0]) >= 0.99 ? sc : null;
  });
  const firstTile = await d.exec("return document.querySelector('[data-testid=\"tile\"]').dataset.id;");
  const { hits: dropped } = await d.invoke("search", { query: { images: [join(photos, target.image)], k: 1 } });
  check("an image query (as a drop) finds that photo first", parseFloat(first[0]) >= 0.99 && dropped[0].name === target.image && firstTile === dropped[0].id, `top score ${first[0]}, first ${dropped[0].name}`);
  await shot("4-image-results");
  // Words with the image: late fusion shows the engine's rank fusion of the two lists, and
  // the image chip turned "not like this" pushes its photo away.
  const firstShownIds = (n) => d.exec(`return [...document.querySelectorAll('[data-testid="tile"]')].slice(0, ${n}).map((t) => t.dataset.id);`);
  const aboveCutoff = (r) => r.hits.filter((h) => r.cutoff === null || h.score >= r.cutoff || h.matched).map((h) => h.id);
  const imagePath = join(photos, target.image);
  await d.type(await d.find('[data-testid="search-input"]'), query);
  await d.click(await d.until("the late fusion toggle", () => d.find('[data-testid="late-fusion"]'), 20000));
  const late = await d.invoke("search", { query: { text: query, images: [imagePath], k: 1000, late_fusion: true } });
  const lateShown = await d.until("the late fusion order", async () => {
    const ids = await firstShownIds(5);
    return ids.length > 0 && JSON.stringify(ids) === JSON.stringify(aboveCutoff(late).slice(0, ids.length)) ? ids : null;
  }, 20000);
  await shot("4a-late-fusion");
  check("Late fusion (words with an image) shows the engine's fused order", lateShown.length > 0, `first ${late.hits[0].name}`);
  await d.click(await d.find('[data-testid="late-fusion"]'));
  await d.click(await d.find('[data-testid="chip-negative"]'));
  const away = await d.invoke("search", { query: { text: query, not_images: [imagePath], k: 1000 } });
  const awayFirst = await d.until("not like this", async () => {
    const ids = await firstShownIds(1);
    const negative = await d.exec("return document.querySelector('[data-testid=\"chip\"][data-negative=\"true\"]') !== null;");
    return negative && ids[0] === away.hits[0].id ? ids[0] : null;
  }, 20000);
  await shot("4b-not-like-this");
  check("an image chip turned \"not like this\" pushes its photo away from the top", awayFirst !== dropped[0].id && away.hits.findIndex((h) => h.id === dropped[0].id) > 0, `first ${away.hits[0].name}, the image's photo at ${away.hits.findIndex((h) => h.id === dropped[0].id) + 1}`);
  await d.click(await d.find('[data-testid="chip-negative"]'));
  await clearBox();
  await d.until("the image results again", async () => {
    const sc = await scoresShown();
    return sc.length > 0 && parseFloat(sc[0]) >= 0.99 ? sc : null;
  }, 20000);

  await d.click((await d.findAll('[data-testid="tile"]'))[0]);
  const viewer = await d.until("viewer", () => d.find('[data-testid="viewer"]'));
  const viewerScore = await d.text(await d.find('[data-testid="viewer-score"]'));
  const viewerText = await d.text(viewer);
  check("the viewer opens with the score and the path", /\d\.\d/.test(viewerScore) && viewerText.includes(target.image), viewerScore);
  const rankShown = await d.text(await d.find('[data-testid="viewer-rank"]'));
  const part = await d.until("the score's parts", () => d.exec("const p = document.querySelector('[data-testid=\"viewer-part\"][data-part=\"image\"]'); return p ? [p.querySelector('.label').textContent, p.querySelector('.cos').textContent] : null;"), 20000);
  check("the viewer shows the rank and the cosine with each part of the query", /^1 of \d+$/.test(rankShown) && part[0] === target.image && parseFloat(part[1]) >= 0.99, `rank "${rankShown}", part ${JSON.stringify(part)}`);
  await shot("5-viewer");
  // Tab cycles inside the open viewer (a focus trap): ten Tabs never leave it.
  const focused = async () => Object.values(await d.exec("return document.activeElement;"))[0];
  for (let i = 0; i < 10; i++) await d.type(await focused(), "\uE004");
  const inside = await d.exec("return document.querySelector('[data-testid=\"viewer\"]').contains(document.activeElement) && document.activeElement.tagName === 'BUTTON';");
  check("Tab keeps focus inside the viewer", inside === true, await d.exec("return document.activeElement.outerHTML.slice(0, 80);"));
  await d.click(await d.find('[data-testid="viewer"] button.close'));
  await d.until("viewer closed", async () => (await d.findAll('[data-testid="viewer"]')).length === 0);

  // Find similar: the button floats over the selected tile, outside the listbox's options.
  const buttonsInOptions = await d.exec("return document.querySelectorAll('[role=\"option\"] button, [role=\"option\"] [tabindex=\"0\"]').length;");
  const similar = await d.until("find-similar button", () => d.find('[data-testid="find-similar"]'));
  const similarId = await d.exec("return document.querySelector('[data-testid=\"find-similar\"]').dataset.id;");
  const selectedId = await d.exec("return document.querySelector('[data-testid=\"tile\"][aria-selected=\"true\"]').dataset.id;");
  await shot("5b-find-similar");
  await d.click(similar);
  await d.until("like chip", () => d.find('[data-testid="chip"][data-kind="like"]'));
  const likeFirst = await d.until("similar results", async () => {
    const id = await d.exec("return document.querySelector('[data-testid=\"tile\"]')?.dataset.id ?? null;");
    const sc = await scoresShown();
    return id === similarId && sc.length > 0 ? { id, score: sc[0] } : null;
  });
  check("Find similar (no button inside an option) searches like the selected photo", buttonsInOptions === 0 && similarId === selectedId && likeFirst.id === similarId, `${buttonsInOptions} buttons in options, first ${likeFirst.id} at ${likeFirst.score}`);
  await shot("5c-similar-results");

  // Cancel is a normal state: a second, larger folder starts indexing; Pause holds it, Cancel
  // stops it; the sidebar says so, no error banner shows, the kept photos stay, and a Rescan
  // completes the folder.
  const more = join(work, "more");
  execFileSync(cli, ["demo", more, "--count", "300", "--seed", "11"]);
  await d.invoke("add_roots", { paths: [more] });
  await d.click(await d.until("pause button", () => d.find('[data-testid="pause-indexing"]'), 30000));
  await d.click(await d.until("cancel button", () => d.find('[data-testid="cancel-indexing"]')));
  const note = await d.text(await d.until("cancelled note", () => d.find('[data-testid="run-cancelled"]'), 30000));
  const banners = await d.findAll('[data-testid="error-banner"]');
  const kept = (await d.invoke("app_state")).photos;
  await shot("6-cancelled");
  check("Cancel shows a cancelled run, not an error", banners.length === 0 && /cancelled/i.test(note) && kept >= 49 && kept < 349, `${note}; ${kept} photos kept; ${banners.length} banners`);
  await d.click(await d.find('[data-testid="rescan"]'));
  const all = await d.until("rescan completes", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 349 && !st.indexing ? st : null;
  }, 180000);
  check("a rescan after Cancel completes the folder", all.photos === 349, `${all.photos} photos`);

  // A broken phone photo (a HEIC header and nothing else) is a problem with its reason, never
  // skipped silently.
  writeFileSync(join(photos, "IMG_0001.HEIC"), Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic")]));
  // No Rescan click: the watched root picks the new file up by itself.
  await d.until("the HEIC is a failure", async () => {
    const st = await d.invoke("app_state");
    return st.failed === 1 && !st.indexing ? st : null;
  }, 60000);
  await d.click(await d.until("problems link", () => d.find('[data-testid="show-problems"]:not([disabled])')));
  const problems = await d.text(await d.until("problems view", () => d.find('[data-testid="problems"] li')));
  await shot("7-problems");
  check("a broken HEIC shows in Problems with its reason", /IMG_0001\.HEIC/.test(problems) && /cannot decode this HEIF image/.test(problems), problems.replace(/\s+/g, " "));
  await d.closeApp();

  await installChecks({ app, cli, work, check, shot, configDir, photos, photoName: target.image });
  await heatmapChecks({ app, cli, work, check, shot });
  await mapChecks({ app, cli, work, check, shot });
  await tagChecks({ app, cli, work, check, shot });
  await albumChecks({ app, cli, work, check, shot });
  await duplicateChecks({ app, cli, work, check, shot });
  await instanceChecks({ app, cli, work, check, shot, env });
  await libraryStateChecks({ app, cli, work, check, shot });
  await hostileChecks({ app, cli, work, check, shot });
  // Last: the switch leaves a model in the settings file that later checks must not meet.
  await switchChecks({ app, cli, work, check, shot, configDir });
}

let failed = false;
/** The session bus started for the run, stopped with it. */
let sessionBusPid = 0;
try {
  await main();
} catch (e) {
  failed = true;
  console.log(`FAIL ${e.message}`);
  try {
    await shot("failure");
  } catch {}
} finally {
  await d.stopAll();
  if (sessionBusPid) process.kill(sessionBusPid);
}
const passed = results.filter((r) => r.ok).length;
console.log(`desktop e2e: ${passed} passed, ${failed ? 1 : 0} failed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
