// Stacks of near-duplicates in a gallery: the photos of one group in a result list become one
// tile, at the place of the group's first photo in the list, with a count; an expanded group
// shows all its photos in place, right after that first one.

/** A tile's place in a stack. */
export interface StackMark {
  /** The group's key (its best photo's id). */
  key: string;
  /** How many of the list's photos the stack holds. */
  count: number;
  expanded: boolean;
  /** The stack's first tile: it carries the count and the toggle. */
  lead: boolean;
}

export interface Stacked<T> {
  items: T[];
  /** The stacked tiles' marks, by photo id (photos in no stack have none). */
  marks: Map<string, StackMark>;
}

/** Each photo's group key, from the groups' photo ids (best first). */
export function stackIndex(groups: readonly (readonly string[])[]): Map<string, string> {
  const groupOf = new Map<string, string>();
  for (const ids of groups) for (const id of ids) groupOf.set(id, ids[0]);
  return groupOf;
}

/** `items` with each group's photos stacked (or, when its key is in `expanded`, gathered in place). */
export function stack<T extends { id: string }>(items: readonly T[], groupOf: ReadonlyMap<string, string>, expanded: ReadonlySet<string>): Stacked<T> {
  const members = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf.get(item.id);
    if (key !== undefined) members.set(key, [...(members.get(key) ?? []), item]);
  }
  const marks = new Map<string, StackMark>();
  const out: T[] = [];
  const placed = new Set<string>();
  for (const item of items) {
    const key = groupOf.get(item.id);
    const group = key === undefined ? undefined : members.get(key);
    if (key === undefined || !group || group.length < 2) {
      out.push(item);
      continue;
    }
    if (placed.has(key)) continue;
    placed.add(key);
    const open = expanded.has(key);
    for (const [i, member] of (open ? group : group.slice(0, 1)).entries()) {
      marks.set(member.id, { key, count: group.length, expanded: open, lead: i === 0 });
      out.push(member);
    }
  }
  return { items: out, marks };
}
