// Keeping keyboard focus inside a modal dialog: where Tab goes from the focused element.

/** The index Tab (or Shift+Tab) moves to among `count` focusable elements, wrapping at both
 * ends; from outside them (`current` -1) Tab enters at the first and Shift+Tab at the last. */
export function nextFocusIndex(count: number, current: number, backwards: boolean): number {
  if (count <= 0) return -1;
  if (current < 0) return backwards ? count - 1 : 0;
  return (current + (backwards ? count - 1 : 1)) % count;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/** Handles Tab inside `container`: focus cycles through its focusable elements only. */
export function trapTab(container: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const items = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE));
  const next = nextFocusIndex(items.length, items.indexOf(document.activeElement as HTMLElement), e.shiftKey);
  e.preventDefault();
  items[next]?.focus();
}
