// End-to-end test of the desktop app in a real window: Xvfb + tauri-driver + WebKitWebDriver.
// Starts with an empty library and the demo model, adds a folder of demo photos (the same
// command the folder picker's button sends), waits for indexing, searches by text, searches
// by image exactly as a drop does, opens the viewer, and checks results and scores. Saves
// screenshots under $IRIS_ARTIFACTS (default target dir/e2e). Prints a summary line.
//
//   node tests/desktop/e2e.mjs APP_BINARY IRIS_CLI_BINARY
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [app, cli] = process.argv.slice(2);
const artifacts = process.env.IRIS_ARTIFACTS || join(tmpdir(), "iris-e2e");
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "iris-e2e-"));
const photos = join(work, "photos");
const library = join(work, "library");
const results = [];
const children = [];

function check(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}`);
  if (!ok) throw new Error(`${name} failed ${detail}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what} (${last})`);
}

const base = "http://127.0.0.1:4444";
async function wd(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

let session;
const s = (path) => `/session/${session}${path}`;
const ELEMENT = "element-6066-11e4-a23a-4b6d27d83e7a";
const find = async (css) => (await wd("POST", s("/element"), { using: "css selector", value: css }))[ELEMENT];
const findAll = async (css) =>
  (await wd("POST", s("/elements"), { using: "css selector", value: css })).map((e) => e[ELEMENT]);
const text = (el) => wd("GET", s(`/element/${el}/text`));
const exec = (script, args = []) => wd("POST", s("/execute/sync"), { script, args });
const execAsync = (script, args = []) => wd("POST", s("/execute/async"), { script, args });
const invoke = (cmd, args = {}) =>
  execAsync(
    "const done = arguments[arguments.length - 1];" +
      "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(done, e => done({error: e}));",
    [cmd, args],
  );

async function screenshot(name) {
  const png = await wd("GET", s("/screenshot"));
  writeFileSync(join(artifacts, `${name}.png`), Buffer.from(png, "base64"));
  try {
    execFileSync("import", ["-window", "root", join(artifacts, `${name}-screen.png`)], {
      env: { ...process.env, DISPLAY: ":99" },
    });
  } catch {
    // imagemagick is optional; the WebDriver screenshot is the artifact that matters.
  }
}

async function main() {
  execFileSync(cli, ["demo", photos, "--count", "48", "--seed", "7"]);
  const captions = readFileSync(join(photos, "captions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const redCircle = captions.find((c) => /^a (small |large )?red circle$/.test(c.caption));

  children.push(spawn("Xvfb", [":99", "-screen", "0", "1400x900x24"], { stdio: "ignore" }));
  await sleep(1000);
  const env = { ...process.env, DISPLAY: ":99", IRIS_MODEL: "demo", IRIS_LIBRARY: library };
  children.push(spawn("tauri-driver", ["--native-driver", "/usr/bin/WebKitWebDriver"], { env, stdio: "inherit" }));
  await until("tauri-driver", async () => (await fetch(base + "/status")).ok, 20000);

  const started = Date.now();
  session = (await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
  })).sessionId;
  await until("welcome screen", () => find('[data-testid="welcome"]'));
  const launchMs = Date.now() - started;
  check("app starts empty on the welcome screen", true, `window interactive after ${launchMs} ms`);
  await until("model ready", async () => (await invoke("app_state")).model?.state === "ready");
  await screenshot("1-welcome");

  const state = await invoke("add_roots", { paths: [photos] });
  check("add_roots accepted the folder", !state.error, JSON.stringify(state.error ?? ""));
  const indexed = await until("indexing", async () => {
    const st = await invoke("app_state");
    return st.photos === 48 && !st.indexing ? st : null;
  }, 120000);
  check("indexing finished", indexed.photos === 48, `${indexed.photos} photos`);
  await screenshot("2-indexed");

  const input = await until("search box", () => find('[data-testid="search-input"]'));
  await wd("POST", s(`/element/${input}/value`), { text: "a red circle" });
  const tiles = await until("text results", async () => {
    const t = await findAll('[data-testid="tile"]');
    return t.length > 0 ? t : null;
  });
  const scores = await Promise.all((await findAll('[data-testid="score"]')).map(text));
  check("text query shows tiles with scores", tiles.length > 0 && scores.every((x) => /\d\.\d\d/.test(x)), `${tiles.length} tiles, top score ${scores[0]}`);
  const hits = await invoke("search", { query: { text: "a red circle", k: 5 } });
  const top = captions.filter((c) => c.image.endsWith(hits[0].name)).map((c) => c.caption).join(" | ");
  check("the top text result is a red circle", /red circle/.test(top), top);
  await screenshot("3-text-results");

  if (redCircle) {
    // An image query on its own, as a drop from the file manager does it.
    await wd("POST", s(`/element/${input}/clear`), {});
    await exec("window.__irisDropPaths(arguments[0]);", [[join(photos, redCircle.image)]]);
    await until("image chip", async () => (await findAll('[data-testid="chip"]')).length > 0);
    const first = await until("image results", async () => {
      const sc = await Promise.all((await findAll('[data-testid="score"]')).map(text));
      return sc.length > 0 && parseFloat(sc[0]) >= 0.99 ? sc : null;
    });
    check("an image query (as a drop) finds the photo first", parseFloat(first[0]) >= 0.99, `top score ${first[0]}`);
    await screenshot("4-image-results");
  }

  const firstTile = (await findAll('[data-testid="tile"]'))[0];
  await wd("POST", s(`/element/${firstTile}/click`), {});
  const viewer = await until("viewer", () => find('[data-testid="viewer"]'));
  const viewerScore = await text(await find('[data-testid="viewer-score"]'));
  check("the viewer opens with the score", Boolean(viewer) && /\d\.\d/.test(viewerScore), viewerScore);
  await screenshot("5-viewer");
  await wd("DELETE", s(""));
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.log(`FAIL ${e.message}`);
  try {
    if (session) await screenshot("failure");
  } catch {}
} finally {
  for (const c of children.reverse()) c.kill("SIGTERM");
}
const passed = results.filter((r) => r.ok).length;
console.log(`desktop e2e: ${passed} passed, ${failed ? 1 : 0} failed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
