// Tests for key mapping and grid navigation.
import { describe, expect, it } from 'vitest';
import { keyAction, moveInGrid, moveInList } from './keynav';
import type { LayoutRow } from './layout';

// Row 0: items 0,1,2 (widths 100 each); row 1: items 3 (wide), 4; row 2: item 5.
const rows: LayoutRow[] = [
  { y: 0, height: 100, items: [{ index: 0, x: 0, width: 100 }, { index: 1, x: 104, width: 100 }, { index: 2, x: 208, width: 100 }] },
  { y: 104, height: 100, items: [{ index: 3, x: 0, width: 200 }, { index: 4, x: 204, width: 104 }] },
  { y: 208, height: 100, items: [{ index: 5, x: 0, width: 150 }] },
];

describe('moveInGrid', () => {
  it('returns -1 for an empty grid', () => {
    expect(moveInGrid([], 0, -1, 'down')).toBe(-1);
  });

  it('selects the first item when nothing is selected', () => {
    expect(moveInGrid(rows, 6, -1, 'right')).toBe(0);
    expect(moveInGrid(rows, 6, -1, 'down')).toBe(0);
    expect(moveInGrid(rows, 6, -1, 'last')).toBe(5);
  });

  it('moves left/right across row ends and clamps at the ends', () => {
    expect(moveInGrid(rows, 6, 2, 'right')).toBe(3);
    expect(moveInGrid(rows, 6, 3, 'left')).toBe(2);
    expect(moveInGrid(rows, 6, 0, 'left')).toBe(0);
    expect(moveInGrid(rows, 6, 5, 'right')).toBe(5);
  });

  it('moves up/down to the horizontally nearest item', () => {
    expect(moveInGrid(rows, 6, 1, 'down')).toBe(3); // centre 154 -> item 3 centre 100 vs item 4 centre 256
    expect(moveInGrid(rows, 6, 2, 'down')).toBe(4);
    expect(moveInGrid(rows, 6, 4, 'up')).toBe(2);
    expect(moveInGrid(rows, 6, 4, 'down')).toBe(5);
  });

  it('stays put at the top and bottom rows', () => {
    expect(moveInGrid(rows, 6, 1, 'up')).toBe(1);
    expect(moveInGrid(rows, 6, 5, 'down')).toBe(5);
  });

  it('handles first/last', () => {
    expect(moveInGrid(rows, 6, 3, 'first')).toBe(0);
    expect(moveInGrid(rows, 6, 3, 'last')).toBe(5);
  });
});

describe('moveInList', () => {
  it('steps and clamps', () => {
    expect(moveInList(3, 0, 'left')).toBe(0);
    expect(moveInList(3, 0, 'right')).toBe(1);
    expect(moveInList(3, 2, 'right')).toBe(2);
    expect(moveInList(0, 0, 'right')).toBe(-1);
  });
});

describe('keyAction', () => {
  const base = { inText: false, viewerOpen: false };
  it('maps gallery keys', () => {
    expect(keyAction({ ...base, key: 'ArrowUp' })).toEqual({ type: 'move', dir: 'up' });
    expect(keyAction({ ...base, key: 'Enter' })).toEqual({ type: 'open' });
    expect(keyAction({ ...base, key: 'Escape' })).toEqual({ type: 'clear' });
    expect(keyAction({ ...base, key: '/' })).toEqual({ type: 'focus-search' });
    expect(keyAction({ ...base, key: 'x' })).toBeNull();
  });

  it('leaves typing in the search box alone', () => {
    const t = { inText: true, viewerOpen: false };
    expect(keyAction({ ...t, key: '/' })).toBeNull();
    expect(keyAction({ ...t, key: 'ArrowLeft' })).toBeNull();
    expect(keyAction({ ...t, key: 'Enter' })).toBeNull();
    expect(keyAction({ ...t, key: 'Escape' })).toEqual({ type: 'clear' });
    expect(keyAction({ ...t, key: 'ArrowDown' })).toEqual({ type: 'enter-results' });
  });

  it('maps viewer keys', () => {
    const v = { inText: false, viewerOpen: true };
    expect(keyAction({ ...v, key: 'Escape' })).toEqual({ type: 'close-viewer' });
    expect(keyAction({ ...v, key: 'ArrowRight' })).toEqual({ type: 'move', dir: 'right' });
    expect(keyAction({ ...v, key: 'ArrowDown' })).toBeNull();
    expect(keyAction({ ...v, key: 'Enter' })).toBeNull();
  });

  it('ignores keys with modifiers', () => {
    expect(keyAction({ ...base, key: 'ArrowLeft', altKey: true })).toBeNull();
    expect(keyAction({ ...base, key: '/', ctrlKey: true })).toBeNull();
  });
});
