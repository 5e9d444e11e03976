// End-to-end checks of hostile input in the real window (the torture suite's items 7-9): file
// names and EXIF fields holding markup and script show as text in the gallery's viewer and in
// Problems and run nothing; a photo whose name is not UTF-8 (Latin-1 "café") opens in the
// viewer; the window cannot be navigated to a remote address, nor open a second window.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as d from "./driver.mjs";

/** Markup that sets `window.__pwned` to `n` if it ever runs. */
const img = (n) => `<img src=x onerror="window.__pwned=${n}">`;
const script = (n) => `<script>window.__pwned=${n}</script>`;
/** The same for a file name, which cannot hold the "/" of a closing tag. */
const svg = (n) => `<svg onload="window.__pwned=${n}">`;

/** `ctx`: { app, cli, work, check, shot }. */
export async function hostileChecks({ app, cli, work, check, shot }) {
  const source = join(work, "hostile-source");
  execFileSync(cli, ["demo", source, "--count", "4", "--seed", "11"]);
  const pngs = readdirSync(source).filter((n) => n.endsWith(".png")).sort();
  const photos = join(work, "hostile");
  mkdirSync(photos, { recursive: true });
  copyFileSync(join(source, pngs[0]), join(photos, `${img(1)}.png`));
  copyFileSync(join(source, pngs[1]), join(photos, `${svg(2)}.png`));
  // "café.png" with é as the one byte 0xE9: a name that is not UTF-8.
  copyFileSync(join(source, pngs[2]), Buffer.concat([Buffer.from(`${photos}/caf`), Buffer.from([0xe9]), Buffer.from(".png")]));
  const exif = join(photos, "exif.jpg");
  execFileSync("convert", [join(source, pngs[3]), exif]);
  execFileSync("exiftool", ["-q", "-overwrite_original", `-Make=${img(3)}`, `-Model=${script(4)}`, `-LensModel=${"<b>long</b> ".repeat(200)}`, exif]);
  writeFileSync(join(photos, `${img(5)}.jpg`), "not a photo");

  await d.openApp(app, ["--library", join(work, "hostile-library"), photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 4 && st.failed === 1 && !st.indexing ? st : null;
  }, 120000);
  const scripts = await d.exec("return document.scripts.length;");
  const tiles = await d.until("four tiles", async () => {
    const t = await d.findAll('[data-testid="tile"]');
    return t.length === 4 ? t : null;
  });
  const shown = [];
  for (let i = 0; i < tiles.length; i++) {
    await d.click((await d.findAll('[data-testid="tile"]'))[i]);
    await d.until("viewer", () => d.find('[data-testid="viewer"]'));
    const loaded = await d.until("the photo loads", () =>
      d.exec(`const p = document.querySelector('[data-testid="viewer"] img.photo');
        return p && p.complete && p.naturalWidth > 0 ? p.naturalWidth : document.querySelector('[data-testid="viewer"] .missing') ? -1 : 0;`), 20000);
    const name = await d.exec(`return document.querySelector('[data-testid="viewer"] h2.name').textContent;`);
    const facts = await d.text(await d.find('[data-testid="viewer"] dl'));
    shown.push({ name, loaded, facts });
    if (name.startsWith("caf")) await shot("12a-viewer-latin1-name");
    if (name === "exif.jpg") await shot("12b-viewer-hostile-exif");
    await d.click(await d.find('[data-testid="viewer"] button.close'));
    await d.until("viewer closed", async () => (await d.findAll('[data-testid="viewer"]')).length === 0);
  }
  const names = shown.map((s) => s.name);
  check(
    "file names with markup and script show as text in the viewer, and every photo loads",
    names.includes(`${img(1)}.png`) && names.includes(`${svg(2)}.png`) && shown.every((s) => s.loaded > 0),
    JSON.stringify(shown.map((s) => [s.name, s.loaded])),
  );
  const latin1 = shown.find((s) => /^caf.\.png$/u.test(s.name));
  check("a photo whose name is not UTF-8 opens in the viewer", latin1 !== undefined && latin1.loaded > 0, latin1 ? `${latin1.name} ${latin1.loaded} px wide` : names.join(" | "));
  const exifShown = shown.find((s) => s.name === "exif.jpg");
  check(
    "EXIF camera and lens holding markup show as text",
    exifShown !== undefined && exifShown.facts.includes(img(3)) && exifShown.facts.includes(script(4)) && exifShown.facts.includes("<b>long</b>"),
    exifShown ? exifShown.facts.replace(/\s+/g, " ").slice(0, 200) : "no exif.jpg in the viewer",
  );
  await d.click(await d.until("problems link", () => d.find('[data-testid="show-problems"]:not([disabled])')));
  const problems = await d.text(await d.until("problems view", () => d.find('[data-testid="problems"] li')));
  await shot("12c-problems-hostile-name");
  check("a failed file named with markup shows as text in Problems", problems.includes(`${img(5)}.jpg`), problems.replace(/\s+/g, " "));
  const page = await d.exec(`return {
    pwned: window.__pwned === undefined ? null : window.__pwned,
    injected: document.querySelectorAll('img[src="x"], svg[onload], b').length,
    scripts: document.scripts.length,
    fetched: performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /\\/x$/.test(u)),
  };`);
  check(
    "no markup from names or EXIF became elements, no script ran, nothing was fetched for it",
    page.pwned === null && page.injected === 0 && page.scripts === scripts && page.fetched.length === 0,
    JSON.stringify(page),
  );

  // Item 9: the window stays on the app.
  const before = await d.exec("return location.href;");
  const handles = (await d.windowHandles()).length;
  const opened = await d.exec("return window.open('https://example.com/') === null;");
  await d.exec("location.href = 'https://example.com/'; return true;");
  await d.sleep(1500);
  const after = await d.until("the page answers", () => d.exec("return location.href;"), 10000);
  const stillApp = await d.invoke("app_state").then((st) => st.photos === 4, () => false);
  check(
    "the window can neither navigate to a remote address nor open another window",
    after === before && stillApp && opened && (await d.windowHandles()).length === handles,
    `before ${before}, after ${after}, window.open null: ${opened}, windows ${handles}`,
  );
  await d.closeApp();
}
