import { describe, expect, it } from 'vitest';
import { clickSelection, EMPTY_SELECTION, selectedInOrder, type Selection } from './selection';

const ids = ['a', 'b', 'c', 'd', 'e'];
const plain = { toggle: false, range: false };
const ctrl = { toggle: true, range: false };
const shift = { toggle: false, range: true };

function click(sel: Selection, index: number, mods = plain): Selection {
  const next = clickSelection(sel, index, ids, mods);
  if (next === 'open') throw new Error('opened');
  return next;
}

describe('clickSelection', () => {
  it('opens the viewer on a plain click when nothing is selected', () => {
    expect(clickSelection(EMPTY_SELECTION, 1, ids, plain)).toBe('open');
  });
  it('toggles with Ctrl/Cmd, then plain clicks toggle too', () => {
    let sel = click(EMPTY_SELECTION, 1, ctrl);
    expect([...sel.ids]).toEqual(['b']);
    sel = click(sel, 3);
    expect(selectedInOrder(sel, ids)).toEqual(['b', 'd']);
    sel = click(sel, 1);
    expect(selectedInOrder(sel, ids)).toEqual(['d']);
  });
  it('adds the run from the anchor with Shift, in either direction', () => {
    let sel = click(EMPTY_SELECTION, 3, ctrl);
    sel = click(sel, 1, shift);
    expect(selectedInOrder(sel, ids)).toEqual(['b', 'c', 'd']);
    sel = click(sel, 4, shift);
    expect(selectedInOrder(sel, ids)).toEqual(['b', 'c', 'd', 'e']);
  });
  it('Shift with no anchor selects the one photo', () => {
    expect(selectedInOrder(click(EMPTY_SELECTION, 2, shift), ids)).toEqual(['c']);
  });
  it('ignores a click outside the photos', () => {
    expect(click(EMPTY_SELECTION, 9, ctrl)).toBe(EMPTY_SELECTION);
  });
});
