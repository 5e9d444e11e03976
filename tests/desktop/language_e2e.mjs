// End-to-end check of the language hint: a Chinese query on the demo model (which reads
// English only) says so above the results and names a Chinese-CLIP model; an English query
// then shows no hint. Leaves the search box empty.
import * as d from "./driver.mjs";

const setQuery = (text) =>
  d.exec(
    "const i = document.querySelector('[data-testid=\"search-input\"]'); i.value = arguments[0]; i.dispatchEvent(new Event('input', { bubbles: true }));",
    [text],
  );
const hint = () => d.exec("const h = document.querySelector('[data-testid=\"language-hint\"]'); return h ? h.textContent : null;");
const scored = () => d.exec("return document.querySelectorAll('[data-testid=\"score\"]').length;");

/** `ctx`: { check, shot }. */
export async function languageHintChecks({ check, shot }) {
  await setQuery("红色的圆");
  const said = await d.until("the language hint", async () => ((await scored()) > 0 ? await hint() : null), 20000);
  await shot("2h-language-hint");
  check(
    "a Chinese query on an English-only model says so and names a Chinese-CLIP model",
    /reads English only/.test(said) && /Chinese-CLIP/.test(said) && /chinese-clip-vit-base-patch16/.test(said),
    said,
  );
  await setQuery("a red circle");
  const after = await d.until("the English results", async () => {
    const h = await hint();
    return (await scored()) > 0 && h === null ? "none" : null;
  }, 20000);
  check("an English query on it shows no language hint", after === "none");
  await setQuery("");
}
