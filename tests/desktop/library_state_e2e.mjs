// End-to-end checks of libraries the app must not write: one written by a newer Iris (the
// window shows its photos and says why it does not index them; nothing in it changes) and one
// whose folder is deleted while the app has it open (Rescan says so, the window goes on, and
// nothing makes the folder again).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as d from "./driver.mjs";

const banners = () => d.exec("return [...document.querySelectorAll('[data-testid=\"error-banner\"] .message')].map((m) => m.textContent).join(' | ');");
const galleryCount = () => d.exec("const g = document.querySelector('[data-testid=\"gallery\"]'); return g ? Number(g.dataset.count) : 0;");

/** `ctx`: { app, cli, work, check, shot }. */
export async function libraryStateChecks({ app, cli, work, check, shot }) {
  const photos = join(work, "state-photos");
  execFileSync(cli, ["demo", photos, "--count", "6", "--seed", "18"]);

  // A newer Iris's library, and two new photos it must not take in.
  const newer = join(work, "newer-library");
  execFileSync(cli, ["--model", "demo", "--library", newer, "index", photos]);
  const stampPath = join(newer, "schema.json");
  const future = JSON.stringify({ schema: JSON.parse(readFileSync(stampPath, "utf8")).schema + 1, written_by: "iris 99.0.0" });
  writeFileSync(stampPath, future);
  execFileSync(cli, ["demo", join(photos, "later"), "--count", "2", "--seed", "19"]);
  await d.openApp(app, ["--library", newer]);
  const said = await d.until("the reason in the window", async () => {
    const text = await banners();
    return /newer Iris/.test(text) ? text : null;
  }, 60000);
  const shown = await d.until("its photos", async () => ((await galleryCount()) === 6 ? 6 : null), 20000);
  await d.painted('[data-testid="tile"] img');
  await shot("17a-newer-library");
  await d.closeApp();
  const status = JSON.parse(execFileSync(cli, ["--model", "demo", "--library", newer, "--json", "status"], { encoding: "utf8" }));
  check(
    "a newer Iris's library: the window shows its photos, says why it does not index, and changes nothing",
    shown === 6 && status.photos === 6 && readFileSync(stampPath, "utf8") === future,
    `${said.slice(0, 160)}; ${status.photos} photos in the catalog`,
  );

  // A library folder deleted while the app has it open.
  const doomed = join(work, "doomed-library");
  await d.openApp(app, ["--library", doomed, photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 8 && !st.indexing ? true : null;
  }, 120000);
  // The work that follows a run (tags, map, stacks) ends first: a read under way when the
  // folder goes fails on one of its files in LanceDB's words (left alone; see the README).
  await new Promise((r) => setTimeout(r, 3000));
  rmSync(doomed, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  await d.click(await d.find('[data-testid="rescan"]'));
  const gone = await d.until("the reason in the window", async () => {
    const text = await banners();
    return /is gone/.test(text) ? text : null;
  }, 30000);
  await new Promise((r) => setTimeout(r, 2000));
  const alive = await d.exec("return document.querySelector('[data-testid=\"rescan\"]') !== null;");
  await shot("17b-library-deleted");
  // Every message says the same, in words (not the catalog's "not found" on one of its files).
  const messages = (await banners()).split(" | ");
  check(
    "a library folder deleted while the app runs: Rescan says so, the window goes on, and the folder is not made again",
    alive && !existsSync(doomed) && messages.every((m) => /is gone/.test(m)),
    `${messages.length} message(s): ${messages.join(" / ").slice(0, 300)}; folder exists: ${existsSync(doomed)}`,
  );
  await d.closeApp();
}
