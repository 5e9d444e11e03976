// End-to-end check of one window per library: launching the app again on the library that is
// open, with a photo (as a file manager's "Open with Iris" does), hands the photo to the
// running window, which searches with it, and the second launch exits at once; a folder
// handed over so becomes a root. Needs the session bus that e2e.mjs starts.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as d from "./driver.mjs";

/** `ctx`: { app, cli, work, check, shot, env } (`env`: the environment the app runs in). */
export async function instanceChecks({ app, cli, work, check, shot, env }) {
  const photos = join(work, "instance-photos");
  const library = join(work, "instance-library");
  spawnSync(cli, ["demo", photos, "--count", "6", "--seed", "16"]);
  await d.openApp(app, ["--library", library, photos]);
  await d.until("indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 6 && !st.indexing;
  }, 120000);
  const photo = join(photos, "000003.png");
  const started = Date.now();
  const second = spawnSync(app, ["--library", library, photo], { env: { ...process.env, ...env, DISPLAY: d.DISPLAY }, timeout: 60000, encoding: "utf8" });
  const seconds = (Date.now() - started) / 1000;
  const chip = await d.until("the photo as the query", () => d.exec(`return [...document.querySelectorAll('[data-testid="chip"]')].map((c) => c.textContent).find((t) => t.includes("000003.png")) ?? null;`), 20000);
  await d.until("results", () => d.find('[data-testid="score"]'), 20000);
  await new Promise((r) => setTimeout(r, 500));
  await shot("16a-second-launch");
  check(
    "a second launch on the open library hands its photo to the window and exits",
    second.status === 0 && second.error === undefined && Boolean(chip),
    `exit ${second.status} after ${seconds.toFixed(1)} s${second.error ? ` (${second.error.message})` : ""}, chip ${JSON.stringify(chip)}`,
  );

  // A folder handed over the same way becomes a root of the open library and is indexed.
  const more = join(work, "instance-more");
  spawnSync(cli, ["demo", more, "--count", "3", "--seed", "17"]);
  const again = spawnSync(app, ["--library", library, more], { env: { ...process.env, ...env, DISPLAY: d.DISPLAY }, timeout: 60000 });
  const grown = await d.until("the folder indexed", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 9 && !st.indexing ? st : null;
  }, 60000);
  check(
    "a second launch with a folder adds it to the open library",
    again.status === 0 && grown.roots.some((r) => r.path === more && r.photos === 3),
    `exit ${again.status}, roots ${JSON.stringify(grown.roots)}`,
  );
  await d.closeApp();
}
