// Keyboard handling: maps key presses to app actions and moves the selection in a justified grid.
import type { LayoutRow } from './layout';
import { rowOf } from './layout';

export type Direction = 'left' | 'right' | 'up' | 'down' | 'first' | 'last';

export type KeyAction =
  | { type: 'move'; dir: Direction }
  | { type: 'open' }
  | { type: 'close-viewer' }
  | { type: 'clear' }
  | { type: 'focus-search' }
  | { type: 'enter-results' }
  | null;

export interface KeyContext {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Focus is in a text field (the search box or another input). */
  inText: boolean;
  viewerOpen: boolean;
}

const ARROWS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  Home: 'first',
  End: 'last',
};

/** What a key press means in the current context (null: let the browser handle it). */
export function keyAction(e: KeyContext): KeyAction {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.viewerOpen) {
    if (e.key === 'Escape') return { type: 'close-viewer' };
    if (e.key === 'ArrowLeft') return { type: 'move', dir: 'left' };
    if (e.key === 'ArrowRight') return { type: 'move', dir: 'right' };
    if (e.key === '/') return { type: 'focus-search' };
    return null;
  }
  if (e.inText) {
    if (e.key === 'Escape') return { type: 'clear' };
    if (e.key === 'ArrowDown') return { type: 'enter-results' };
    return null;
  }
  if (e.key === '/') return { type: 'focus-search' };
  if (e.key === 'Escape') return { type: 'clear' };
  if (e.key === 'Enter') return { type: 'open' };
  const dir = ARROWS[e.key];
  return dir ? { type: 'move', dir } : null;
}

/**
 * The index after moving from `current` in a grid of rows (`count` items in all). Left/right
 * step through items in order (wrapping across rows); up/down go to the item in the row above
 * or below whose centre is nearest horizontally. With no selection (-1) any move selects the
 * first item. The result is clamped to the list; -1 only when the list is empty.
 */
export function moveInGrid(rows: readonly LayoutRow[], count: number, current: number, dir: Direction): number {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return dir === 'last' ? count - 1 : 0;
  switch (dir) {
    case 'first':
      return 0;
    case 'last':
      return count - 1;
    case 'left':
      return Math.max(0, current - 1);
    case 'right':
      return Math.min(count - 1, current + 1);
  }
  const r = rowOf(rows, current);
  if (r < 0) return current;
  const target = dir === 'up' ? r - 1 : r + 1;
  if (target < 0) return current;
  if (target >= rows.length) return current;
  const item = rows[r].items.find((it) => it.index === current)!;
  const centre = item.x + item.width / 2;
  let best = rows[target].items[0];
  let bestDist = Infinity;
  for (const it of rows[target].items) {
    const d = Math.abs(it.x + it.width / 2 - centre);
    if (d < bestDist) {
      bestDist = d;
      best = it;
    }
  }
  return best.index;
}

/** Linear movement for the viewer (no grid): left/right by one, clamped. */
export function moveInList(count: number, current: number, dir: Direction): number {
  if (count <= 0) return -1;
  if (dir === 'first') return 0;
  if (dir === 'last') return count - 1;
  const step = dir === 'left' || dir === 'up' ? -1 : 1;
  return Math.min(count - 1, Math.max(0, current + step));
}
