// End-to-end check of the Duplicates view in the real window: a demo library with two edited
// copies of one picture (half size, JPEG quality 60, made with ImageMagick) shows the engine's
// groups side by side, the best photo first; "Move to trash" on a copy sends it to the
// desktop's trash (the test's XDG_DATA_HOME), and the group and the library's count follow.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
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
  await d.click(await d.until("the Duplicates view", () => d.find('[data-testid="view-duplicates"]')));
  const shown = await d.until("the groups", async () => {
    const groups = await d.exec("return [...document.querySelectorAll('[data-testid=\"duplicate-group\"]')].map((g) => [...g.querySelectorAll('[data-testid=\"duplicate-photo\"]')].map((p) => p.dataset.id));");
    return groups.length > 0 ? groups : null;
  }, 30000);
  // The thumbnails painted before the screenshot.
  await d.until("thumbnails", () => d.exec("const imgs = [...document.querySelectorAll('[data-testid=\"duplicate-photo\"] img')]; return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0) ? true : null;"), 20000);
  await new Promise((r) => setTimeout(r, 500));
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
