// End-to-end checks of what an installed app adds around search, in the real window: a model
// downloaded on first use with its progress and size shown (from a local stand-in for the hub),
// a first run that explains itself and fills the gallery while the first folder is indexed, settings
// changed in the Settings panel and kept after a restart (with the window's size and place), a
// malformed settings file reported and replaced by defaults with the library untouched, the
// About panel and its diagnostics (copied to the X clipboard, no photo names), and a start with
// a photo as the argument ("Find similar photos with Iris") searching with that photo.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as d from "./driver.mjs";
import { startFakeHub } from "./fake_hub.mjs";

const demoModel = join(dirname(fileURLToPath(import.meta.url)), "../../assets/demo-model");

/** Sets a <select> or text field as a person would (the input and change events fire). */
const setField = (css, value) =>
  d.exec(
    "const el = document.querySelector(arguments[0]); el.value = arguments[1];" +
      "el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));",
    [css, value],
  );
const fieldValue = (css) => d.exec("return document.querySelector(arguments[0]).value;", [css]);
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

async function openSettings() {
  await d.click(await d.until("settings link", () => d.find('[data-testid="open-settings"]')));
  await d.until("settings panel", () => d.find('[data-testid="settings-panel"]'));
}

/**
 * `ctx`: { app, cli, work, check, shot, configDir, photos, photoName } (photos: an indexed
 * folder of the driver's library; photoName: a one-object demo photo in it).
 */
export async function installChecks({ app, cli, work, check, shot, configDir, photos, photoName }) {
  const settingsFile = join(configDir, "iris", "settings.json");

  // A hub model on first use: the app downloads it, showing the file's progress and size. The
  // driver's environment is offline, so the app starts through a script that points it at the
  // stand-in hub with an empty cache.
  const hub = await startFakeHub(demoModel, 1_500_000);
  const online = join(work, "iris-desktop-online.sh");
  writeFileSync(online, `#!/bin/sh\nunset HF_HUB_OFFLINE\nexport HF_ENDPOINT='${hub.endpoint}' HF_HOME='${join(work, "hf-download")}'\nexec '${app}' "$@"\n`);
  chmodSync(online, 0o755);
  try {
    await d.openApp(online, ["--model", "iris-test/demo-clip", "--library", join(work, "download-library")]);
    // The weights and the tokenizer are the two large files (3.5 MB each); catch one mid-way.
    const size = await d.until("download size of a large file", async () => {
      const el = (await d.findAll('[data-testid="download-size"]'))[0];
      const text = el ? await d.text(el).catch(() => "") : "";
      return / of 3\.5 MB$/.test(text) && !text.startsWith("3.5 MB") ? text : null;
    }, 30000);
    await shot("0a-downloading");
    const ready = await d.until("downloaded model ready", async () => {
      const st = await d.invoke("app_state");
      return st.model?.state === "ready" ? st.model : null;
    }, 60000);
    check(
      "a hub model downloads on first use with its progress and size shown, then is ready",
      /^[\d.]+ (B|KB|MB) of 3\.5 MB$/.test(size) && ready.name === "iris-test/demo-clip",
      `"${size}", then ${ready.state}`,
    );
  } finally {
    await d.closeApp();
    hub.close();
  }

  // First run on a new library: the welcome screen, then a first small folder, then a large
  // one, paused early: what is indexed so far is in the gallery. A search just before holds
  // the run to its threads while searching (1 of 2), which the progress says.
  mkdirSync(join(configDir, "iris"), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ index_threads: 2, index_threads_while_searching: 1 }));
  const firstFolder = join(work, "first-folder");
  const many = join(work, "large-folder");
  execFileSync(cli, ["demo", firstFolder, "--count", "5", "--seed", "12"]);
  execFileSync(cli, ["demo", many, "--count", "600", "--seed", "13"]);
  await d.openApp(app, ["--library", join(work, "first-run-library")]);
  const welcome = await d.text(await d.until("welcome", () => d.find('[data-testid="welcome"]')));
  await d.until("model ready on the welcome screen", async () => (await d.text(await d.find('[data-testid="model-state"]'))).includes("Model ready"));
  check("the first run says what Iris does and offers to add folders", /Find photos by what is in them/.test(welcome) && /Add photo folders/.test(welcome), welcome.replace(/\s+/g, " ").slice(0, 120));
  await d.invoke("add_roots", { paths: [firstFolder] });
  await d.until("the first folder's photos", async () => /All 5 photos/.test(await d.text(await d.find('[data-testid="browse-count"]'))), 30000);
  await d.type(await d.find('[data-testid="search-input"]'), "a red circle");
  await d.until("the search's results", () => d.find('[data-testid="tile"] [data-testid="score"]'), 10000);
  await d.invoke("add_roots", { paths: [many] });
  const progress = await d.text(await d.until("indexing progress", async () => {
    const el = await d.find('[data-testid="progress"]');
    return el && /thread/.test(await d.text(el)) ? el : null;
  }, 30000));
  // Back to browsing (the search box emptied), then paused.
  await d.exec("const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
  await d.click(await d.until("pause button", () => d.find('[data-testid="pause-indexing"]')));
  const following = await d.until("the gallery showing what is indexed so far", async () => {
    const st = await d.invoke("app_state");
    const el = (await d.findAll('[data-testid="browse-count"]'))[0];
    const shown = el ? parseInt((await d.text(el)).replace(/[^0-9]/g, ""), 10) : 0;
    const counted = parseInt((await d.text(await d.find('[data-testid="photo-count"]'))).replace(/[^0-9]/g, ""), 10);
    return st.indexing && shown > 5 && shown === st.photos && counted === st.photos ? { shown } : null;
  }, 20000);
  await shot("2h-first-run-indexing");
  check(
    "after the first folders: progress with time left and the run's threads (1 of 2 while searching), and photos in the gallery while indexing goes on",
    /ETA/.test(progress) && /\b1 thread\b/.test(progress) && following.shown < 605,
    `${progress.replace(/\s+/g, " ")}; ${following.shown} of 605 shown while paused`,
  );
  await d.click(await d.find('[data-testid="cancel-indexing"]'));
  await d.closeApp();
  writeFileSync(settingsFile, "{}");

  await d.openApp(app);
  await d.until("gallery", () => d.find('[data-testid="tile"]'));
  await openSettings();
  // The model choice lists the models Iris knows, with family, languages and size; choosing
  // one shows its published figure. Put back before saving: this run has no network. (The
  // settings file is empty, so the choice shows the default model.)
  const inUse = await fieldValue('[data-testid="set-model"]');
  const options = await d.exec("return [...document.querySelectorAll('[data-testid=\"set-model\"] option')].map((o) => o.textContent);");
  await setField('[data-testid="set-model"]', "OFA-Sys/chinese-clip-vit-base-patch16");
  const detail = await d.until("the chosen model's detail", async () => {
    const text = await d.exec("const p = document.querySelector('[data-testid=\"model-detail\"]'); return p ? p.textContent : '';");
    return /RoBERTa/.test(text) ? text : null;
  });
  await new Promise((r) => setTimeout(r, 300)); // the new text painted before the screenshot
  await shot("8a-model-choice");
  check(
    "the model choice lists Chinese-CLIP and SigLIP with languages and sizes, and shows the chosen one's detail",
    inUse === "openai/clip-vit-base-patch32" && options.some((o) => /chinese-clip-vit-base-patch16 · Chinese-CLIP, Chinese, 752 MB/.test(o)) && options.some((o) => /siglip2.* · SigLIP, English, Chinese/.test(o)) && /RoBERTa-wwm-base, 512-wide vectors/.test(detail),
    `${options.length} options; ${detail}`,
  );
  await setField('[data-testid="set-model"]', inUse);
  await setField('[data-testid="set-sort"]', "date");
  await setField('[data-testid="set-k"]', "500");
  await setField('[data-testid="set-threads"]', "1");
  await setField('[data-testid="set-threads-searching"]', "1");
  await d.click(await d.find('[data-testid="save-settings"]'));
  await d.until("saved note", () => d.find('[data-testid="settings-saved"]'));
  const saved = readJson(settingsFile);
  await shot("8-settings");
  check("the Settings panel writes the settings file", saved.sort === "date" && saved.show_up_to === 500 && saved.index_threads === 1 && saved.index_threads_while_searching === 1, JSON.stringify(saved));
  await d.click(await d.find('[data-testid="close-panel"]'));
  await d.setRect({ x: 30, y: 20, width: 1100, height: 720 });
  const placed = await d.until("window place saved", () => {
    const w = existsSync(settingsFile) && readJson(settingsFile).window;
    return w && w.width === 1100 ? w : null;
  }, 10000);
  check("a resized window is recorded", placed.height === 720 && placed.x === 30 && placed.y === 20, JSON.stringify(placed));
  await d.closeApp();

  await d.openApp(app);
  await d.until("gallery after restart", () => d.find('[data-testid="tile"]'));
  const rect = await d.getRect();
  await openSettings();
  const after = {
    sort: await fieldValue('[data-testid="set-sort"]'),
    k: await fieldValue('[data-testid="set-k"]'),
    threads: await fieldValue('[data-testid="set-threads"]'),
    whileSearching: await fieldValue('[data-testid="set-threads-searching"]'),
  };
  check(
    "settings are kept after a restart: the panel's values and the window's size and place",
    after.sort === "date" && after.k === "500" && after.threads === "1" && after.whileSearching === "1" && rect.width === 1100 && rect.height === 720 && rect.x === 30 && rect.y === 20,
    `${JSON.stringify(after)}, window ${JSON.stringify(rect)}`,
  );
  await d.click(await d.find('[data-testid="close-panel"]'));
  const photosBefore = (await d.invoke("app_state")).photos;
  await d.closeApp();

  const broken = '{"sort": "date", "show_up_to": ';
  writeFileSync(settingsFile, broken);
  await d.openApp(app);
  const banner = await d.text(await d.until("settings notice", () => d.find('[data-testid="error-banner"]')));
  await d.until("gallery with a malformed settings file", () => d.find('[data-testid="tile"]'));
  const state = await d.invoke("app_state");
  const sortShown = await fieldValue('[data-testid="sort"]').catch(() => "relevance");
  await shot("8a-settings-malformed");
  check(
    "a malformed settings file is reported, kept aside, and the app starts on defaults with its library",
    /malformed/.test(banner) && readFileSync(settingsFile + ".malformed", "utf8") === broken && state.photos === photosBefore && sortShown === "relevance",
    `${banner.replace(/\s+/g, " ").slice(0, 140)}; ${state.photos} photos`,
  );

  await d.click(await d.find('[data-testid="open-about"]'));
  const diagnostics = await d.text(await d.until("diagnostics", () => d.find('[data-testid="diagnostics"]')));
  const counts = await d.text(await d.find('[data-testid="about-counts"]'));
  const names = readdirSync(photos).filter((n) => /\.(png|jpe?g|heic)$/i.test(n));
  const leaked = names.filter((n) => diagnostics.includes(n));
  // Default settings here: indexing on every core, half of them while searching, at nice 10.
  const cores = Number((diagnostics.match(/CPU: .* \((\d+) threads\)/) ?? [])[1]);
  const indexing = `indexing threads: ${cores} (${Math.max(1, Math.floor(cores / 2))} while searching), nice 10`;
  // The default precision: int8 where the CPU has AVX2 (VNNI's kernel where it has that too).
  const features = (diagnostics.match(/CPU features: ([^\n]*)/) ?? ["", ""])[1];
  const matmuls = !/avx2/.test(features) ? "f32" : /avx512vnni/.test(features) && /avx512bw/.test(features) ? "int8 (AVX512-VNNI)" : "int8 (AVX2, 6-bit weights for images)";
  check(
    "About shows the version, model and counts; diagnostics name the encoder path and its precision, the indexing threads and no photo",
    /^Iris \d+\.\d+\.\d+/.test(diagnostics) && /Encoder kernels: (avx512f|avx2|neon|portable)/.test(diagnostics) && /Model: demo/.test(diagnostics) && diagnostics.includes(indexing) &&
      diagnostics.replace(/\s+/g, " ").includes(`matmuls: ${matmuls}`) &&
      counts.startsWith(`${state.photos.toLocaleString("en-US")} indexed`) && names.length > 0 && leaked.length === 0,
    `${counts}; ${(diagnostics.replace(/\s+/g, " ").match(/matmuls: [^;]*/) ?? ["no matmuls"])[0]}; ${(diagnostics.match(/indexing threads: [^\n]*/) ?? ["no indexing threads"])[0]}; ${leaked.length} of ${names.length} photo names in the text`,
  );
  await d.click(await d.find('[data-testid="copy-diagnostics"]'));
  await d.until("copied note", () => d.find('[data-testid="diagnostics-copied"]'), 10000);
  const clipboard = execFileSync("xclip", ["-o", "-selection", "clipboard"], { env: { ...process.env, DISPLAY: d.DISPLAY } }).toString();
  await shot("9-about");
  check("Copy diagnostics puts the text on the clipboard", clipboard.trim() === diagnostics.trim(), `${clipboard.length} characters`);
  await d.closeApp();

  // "Find similar photos with Iris": the file manager starts the app with the photo's path.
  await d.openApp(app, [join(photos, photoName)]);
  await d.until("image chip from the command line", async () => (await d.findAll('[data-testid="chip"][data-kind="file"]')).length === 1);
  const first = await d.until("results of the launch photo", async () => {
    const id = await d.exec("const t = document.querySelector('[data-testid=\"tile\"]'); return t ? t.dataset.id : null;");
    const score = await d.exec("const s = document.querySelector('[data-testid=\"score\"]'); return s ? s.textContent : null;");
    return id && score && parseFloat(score) >= 0.99 ? { id, score } : null;
  });
  const { hits } = await d.invoke("search", { query: { images: [join(photos, photoName)], k: 1 } });
  await shot("10-launch-photo");
  check("started with a photo, the window searches with it", hits[0].name === photoName && first.id === hits[0].id, `first ${hits[0].name}, score ${first.score}`);
  await d.closeApp();
}
