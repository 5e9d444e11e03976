// Drives the desktop app over WebDriver: an Xvfb display, tauri-driver with WebKitWebDriver,
// one session on the app binary, and small helpers (find, invoke a Tauri command, screenshot).
// Used by e2e.mjs (the end-to-end test) and measure.mjs (launch, latency and memory figures).
import { spawn, execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DISPLAY = ":99";
const base = "http://127.0.0.1:4444";
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const children = [];
let session;

/**
 * Whether the app paints through WebKitGTK's shared-memory path: the user chose it, or the
 * machine has no GPU render node and the app chose it (src-tauri/src/paint_path.rs). There
 * WebKitWebDriver's screenshot can wait forever for a frame (seen: 5 minutes, then the
 * connection dropped), so the screenshots are taken of the X screen instead.
 */
const sharedMemoryPaint = (() => {
  const chosen = process.env.WEBKIT_DISABLE_DMABUF_RENDERER;
  if (chosen !== undefined) return chosen !== "0";
  try {
    return !readdirSync("/dev/dri").some((name) => name.startsWith("renderD"));
  } catch {
    return true;
  }
})();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns something truthy (errors count as not yet). */
export async function until(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (${last})`);
}

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

const s = (path) => `/session/${session}${path}`;

/** Starts Xvfb and tauri-driver with `env` (IRIS_MODEL, IRIS_LIBRARY, ...). */
export async function startDriver(env) {
  children.push(spawn("Xvfb", [DISPLAY, "-screen", "0", "1400x900x24"], { stdio: "ignore" }));
  await sleep(1000);
  const full = { ...process.env, ...env, DISPLAY };
  children.push(spawn("tauri-driver", ["--native-driver", "/usr/bin/WebKitWebDriver"], { env: full, stdio: "ignore" }));
  await until("tauri-driver", async () => (await fetch(base + "/status")).ok, 20000);
}

/** Opens the app (a new process) in a WebDriver session, with extra command-line arguments. */
export async function openApp(app, args = []) {
  session = (await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app, args } } },
  })).sessionId;
  await wd("POST", s("/timeouts"), { script: 300000 });
}

export async function closeApp() {
  if (session) await wd("DELETE", s(""));
  session = undefined;
}

/** Ends the session and every process started here. */
export async function stopAll() {
  try {
    await closeApp();
  } catch {}
  for (const c of children.reverse()) c.kill("SIGTERM");
}

export const find = async (css) => (await wd("POST", s("/element"), { using: "css selector", value: css }))[ELEMENT];
export const findAll = async (css) =>
  (await wd("POST", s("/elements"), { using: "css selector", value: css })).map((e) => e[ELEMENT]);
export const text = (el) => wd("GET", s(`/element/${el}/text`));
export const click = (el) => wd("POST", s(`/element/${el}/click`), {});
export const type = (el, value) => wd("POST", s(`/element/${el}/value`), { text: value });
export const getRect = () => wd("GET", s("/window/rect"));
export const setRect = (rect) => wd("POST", s("/window/rect"), rect);
export const windowHandles = () => wd("GET", s("/window/handles"));
export const exec = (script, args = []) => wd("POST", s("/execute/sync"), { script, args });
export const execAsync = (script, args = []) => wd("POST", s("/execute/async"), { script, args });

/** Mouse actions at viewport points: each step is ["move", x, y], ["down"] or ["up"]. */
export const mouse = (steps) =>
  wd("POST", s("/actions"), {
    actions: [{
      type: "pointer", id: "mouse", parameters: { pointerType: "mouse" },
      actions: steps.map(([kind, x, y]) =>
        kind === "move" ? { type: "pointerMove", duration: 0, origin: "viewport", x: Math.round(x), y: Math.round(y) }
          : { type: kind === "down" ? "pointerDown" : "pointerUp", button: 0 }),
    }],
  });

/** Presses and releases one key (a WebDriver key value, e.g. "\uE00C" for Escape). */
export const press = (key) =>
  wd("POST", s("/actions"), {
    actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: key }, { type: "keyUp", value: key }] }],
  });

/** Calls a Tauri command from the page; a rejected call resolves to {error}. */
export const invoke = (cmd, args = {}) =>
  execAsync(
    "const done = arguments[arguments.length - 1];" +
      "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(done, e => done({error: e}));",
    [cmd, args],
  );

/** Waits until the images under `selector` have loaded, then a moment for them to paint (before a screenshot). */
export async function painted(selector) {
  await until("thumbnails", () => exec(`const imgs = [...document.querySelectorAll(arguments[0])]; return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0) ? true : null;`, [selector]), 20000);
  await sleep(500);
}

/**
 * Saves the page (WebDriver) and the whole screen (imagemagick) as PNGs in `dir`; with the
 * shared-memory paint path, only the screen, as `name`.png.
 */
export async function screenshot(dir, name) {
  const screen = () =>
    execFileSync("import", ["-window", "root", join(dir, sharedMemoryPaint ? `${name}.png` : `${name}-screen.png`)], {
      env: { ...process.env, DISPLAY },
    });
  if (sharedMemoryPaint) {
    screen();
    return;
  }
  const png = await wd("GET", s("/screenshot"));
  writeFileSync(join(dir, `${name}.png`), Buffer.from(png, "base64"));
  try {
    screen();
  } catch {
    // imagemagick is optional here; the WebDriver screenshot is the artifact that matters.
  }
}
