// Multi-select in the gallery, as photo apps do it: Ctrl/Cmd-click toggles a photo,
// Shift-click adds the run from the last toggled photo, and while anything is selected a plain
// click toggles too (a plain click on an unselected gallery opens the viewer). Pure, so the
// rules are tested apart from the component.

export type Selection = { ids: ReadonlySet<string>; anchor: number | null };

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

export type Modifiers = { toggle: boolean; range: boolean };

/** What a click on tile `index` (of photos `ids`, in gallery order) does: a new selection, or 'open'. */
export function clickSelection(sel: Selection, index: number, ids: readonly string[], mods: Modifiers): Selection | 'open' {
  const id = ids[index];
  if (id === undefined) return sel;
  if (mods.range && sel.anchor !== null) {
    const [from, to] = sel.anchor <= index ? [sel.anchor, index] : [index, sel.anchor];
    const next = new Set(sel.ids);
    for (let i = from; i <= to; i++) if (ids[i] !== undefined) next.add(ids[i]);
    return { ids: next, anchor: sel.anchor };
  }
  if (mods.toggle || mods.range || sel.ids.size > 0) {
    const next = new Set(sel.ids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { ids: next, anchor: index };
  }
  return 'open';
}

/** The selected ids in gallery order. */
export function selectedInOrder(sel: Selection, ids: readonly string[]): string[] {
  return ids.filter((id) => sel.ids.has(id));
}
