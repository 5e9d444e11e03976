// Copies text to the system clipboard: the async Clipboard API where the webview allows it,
// else the selection of an element on the page and the copy command.

/** Resolves to whether the text reached the clipboard. */
export async function copyText(text: string, fallbackElement?: HTMLElement): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, insecure context): try the selection below.
  }
  if (!fallbackElement) return false;
  const selection = window.getSelection();
  if (!selection) return false;
  const range = document.createRange();
  range.selectNodeContents(fallbackElement);
  selection.removeAllRanges();
  selection.addRange(range);
  // The only synchronous way left in a webview without the Clipboard API.
  const copied = document.execCommand('copy');
  selection.removeAllRanges();
  return copied;
}
