// End-to-end checks of switching models in the real window: another model chosen in Settings
// (the tiny SigLIP parity model, a folder) is switched to in the background while the window
// keeps searching with the demo model; the sidebar shows the switch, then "Now searching
// with" it and the offer to drop the demo model's vectors, which Drop does. A switch to a hub
// model shows its download in the sidebar first (from a local stand-in for the hub). And a
// switch killed mid-way (an `iris switch` under kill -9) is resumed by the app's next start.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as d from "./driver.mjs";
import { startFakeHub } from "./fake_hub.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const siglip = join(here, "../../crates/iris-clip/tests/fixtures/siglip/tiny-siglip");
const demoModel = join(here, "../../assets/demo-model");
const stage = () => d.exec("const s = document.querySelector('[data-testid=\"model-switch\"]'); return s ? s.dataset.stage : null;");
const setField = (css, value) =>
  d.exec(
    "const el = document.querySelector(arguments[0]); el.value = arguments[1];" +
      "el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));",
    [css, value],
  );
const setQuery = (text) =>
  d.exec(
    "const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = arguments[0]; i.dispatchEvent(new Event('input', { bubbles: true }));",
    [text],
  );

/** Runs `iris switch` and kills it (SIGKILL) once it reports its first commit. */
function killedSwitch(cli, library) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ["--model", "demo", "--library", library, "switch", siglip, "--workers", "1"]);
    let said = "";
    child.stderr.on("data", (chunk) => {
      said += chunk;
      const m = /switch: (\d+)\/(\d+) photos/.exec(said);
      if (m && child.exitCode === null) {
        child.kill("SIGKILL");
        resolve({ done: Number(m[1]), total: Number(m[2]) });
      }
    });
    child.on("exit", (code) => reject(new Error(`iris switch ended (${code}) before its first commit: ${said}`)));
  });
}

/** Chooses another model (a folder or a hub id) in the Settings panel and saves. */
async function chooseOtherModel(spec) {
  await d.click(await d.until("settings link", () => d.find('[data-testid="open-settings"]')));
  await d.until("settings panel", () => d.find('[data-testid="settings-panel"]'));
  await setField('[data-testid="set-model"]', "other");
  await d.until("the other-model field", () => d.find('[data-testid="set-model-other"]'));
  await setField('[data-testid="set-model-other"]', spec);
  await d.click(await d.find('[data-testid="save-settings"]'));
  await d.until("saved note", () => d.find('[data-testid="settings-saved"]'));
  await d.click(await d.find('[data-testid="close-panel"]'));
}

/** `ctx`: { app, cli, work, check, shot, configDir }. */
export async function switchChecks({ app, cli, work, check, shot, configDir }) {
  const photos = join(work, "switch-photos");
  execFileSync(cli, ["demo", photos, "--count", "300", "--seed", "21"]);
  const library = join(work, "switch-library");
  await d.openApp(app, ["--library", library, photos]);
  await d.until("indexed with the demo model", async () => {
    const st = await d.invoke("app_state");
    return st.photos === 300 && !st.indexing && st.model.state === "ready";
  }, 180000);
  await setQuery("a red circle");
  await d.until("demo results", async () => (await d.findAll('[data-testid="score"]')).length > 0, 20000);
  const before = (await d.invoke("search", { query: { text: "a red circle", k: 5 } })).hits.map((h) => h.id);

  // Choose the SigLIP folder in Settings and save: the switch starts, search stays on demo.
  await chooseOtherModel(siglip);
  const seen = new Set();
  const done = await d.until("the switch done in the sidebar", async () => {
    const now = await stage();
    if (now) seen.add(now);
    if (now === "embedding" && !seen.has("shot")) {
      seen.add("shot");
      await shot("18a-switching");
    }
    return now === "done" ? await d.text(await d.find('[data-testid="model-switch"]')) : null;
  }, 120000);
  await shot("18b-switched");
  const st = await d.invoke("app_state");
  const savedModel = JSON.parse(readFileSync(join(configDir, "iris", "settings.json"), "utf8")).model;
  check(
    "a model chosen in Settings is switched to in the background, then searches, and the sidebar offers to drop the old vectors",
    /Now searching with tiny-siglip/.test(done) && /demo's vectors of 300 photos/.test(done) && st.model.name === "tiny-siglip" && st.photos === 300 && savedModel === siglip,
    `${[...seen].join(" → ")}; "${done.replace(/\s+/g, " ")}"; model ${st.model.name}; saved ${savedModel}`,
  );
  const after = await d.until("results of the new model", async () => {
    const hits = (await d.invoke("search", { query: { text: "a red circle", k: 5 } })).hits;
    return hits.length === 5 ? hits.map((h) => h.id) : null;
  });
  const shownScores = await d.until("the window's results", async () => ((await d.findAll('[data-testid="score"]')).length > 0 ? true : null), 20000);
  check("after the switch search answers from the new model's vectors", shownScores && JSON.stringify(after) !== JSON.stringify(before), `${before[0]} → ${after[0]}`);

  const columnsBefore = (await d.invoke("settings")).model_columns.length;
  await d.click(await d.find('[data-testid="switch-drop"]'));
  await d.until("the offer gone", async () => (await stage()) === null);
  const columnsAfter = (await d.invoke("settings")).model_columns.map((c) => c.column);
  check("Drop them removes the demo model's vectors from the library", columnsBefore === 2 && columnsAfter.length === 1 && /tiny_siglip/.test(columnsAfter[0]), JSON.stringify(columnsAfter));
  await setQuery("");
  await d.closeApp();

  // A switch to a hub model downloads it first, with its progress in the sidebar. The driver's
  // environment is offline: the app starts through a script pointing it at a stand-in hub.
  const hub = await startFakeHub(demoModel, 1_500_000);
  const online = join(work, "iris-desktop-switch-online.sh");
  writeFileSync(online, `#!/bin/sh\nunset HF_HUB_OFFLINE\nexport HF_ENDPOINT='${hub.endpoint}' HF_HOME='${join(work, "hf-switch")}'\nexec '${app}' "$@"\n`);
  chmodSync(online, 0o755);
  try {
    const few = join(work, "switch-few-photos");
    execFileSync(cli, ["demo", few, "--count", "6", "--seed", "22"]);
    await d.openApp(online, ["--library", join(work, "switch-download-library"), few]);
    await d.until("indexed", async () => {
      const st = await d.invoke("app_state");
      return st.photos === 6 && !st.indexing && st.model.state === "ready";
    }, 60000);
    await chooseOtherModel("iris-test/demo-clip");
    const downloading = await d.until("the download in the sidebar", async () => {
      const el = (await d.findAll('[data-testid="model-switch"][data-stage="loading"]'))[0];
      const text = el ? await d.text(el).catch(() => "") : "";
      return /downloading \d+%/.test(text) ? text : null;
    }, 30000);
    await shot("18d-switch-downloading");
    const switched = await d.until("the switch to the hub model done", async () => ((await stage()) === "done" ? await d.text(await d.find('[data-testid="model-switch"]')) : null), 60000);
    check(
      "a switch to a hub model shows the download's progress in the sidebar, then completes",
      /Switching to iris-test\/demo-clip: downloading \d+%/.test(downloading) && /Now searching with iris-test\/demo-clip/.test(switched),
      `"${downloading.replace(/\s+/g, " ")}" then "${switched.replace(/\s+/g, " ").slice(0, 60)}"`,
    );
  } finally {
    await d.closeApp();
    hub.close();
  }

  // A switch killed after its first commit; the app's next start resumes it.
  const resumed = join(work, "switch-resumed-library");
  execFileSync(cli, ["--model", "demo", "--library", resumed, "index", photos]);
  const killed = await killedSwitch(cli, resumed);
  await d.openApp(app, ["--library", resumed]);
  const text = await d.until("the resumed switch done", async () => ((await stage()) === "done" ? await d.text(await d.find('[data-testid="model-switch"]')) : null), 120000);
  const st2 = await d.invoke("app_state");
  await d.painted('[data-testid="tile"] img');
  await shot("18c-switch-resumed");
  check(
    "a switch killed mid-way is resumed by the next start and completes with every photo",
    killed.done < killed.total && /Now searching with tiny-siglip/.test(text) && st2.model.name === "tiny-siglip" && st2.photos === 300 && !existsSync(join(resumed, "switch.json")),
    `killed at ${killed.done}/${killed.total}; then ${st2.model.name} with ${st2.photos} photos`,
  );
  await d.closeApp();
}
