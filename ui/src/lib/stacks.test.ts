import { describe, expect, it } from 'vitest';
import { stack, stackIndex } from './stacks';

const items = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
// Groups best first: {e, b, d} under key e; {f, x} (x not in the list); {c} alone.
const groupOf = stackIndex([['e', 'b', 'd'], ['f', 'x'], ['c']]);

describe('stack', () => {
  it('leaves a list without groups as it is', () => {
    const s = stack(items, new Map(), new Set());
    expect(ids(s.items)).toEqual(ids(items));
    expect(s.marks.size).toBe(0);
  });
  it("puts a group's photos into one tile at the place of its first photo in the list", () => {
    const s = stack(items, groupOf, new Set());
    expect(ids(s.items)).toEqual(['a', 'b', 'c', 'f']);
    expect(s.marks.get('b')).toEqual({ key: 'e', count: 3, expanded: false, lead: true });
    expect(s.marks.has('d')).toBe(false);
  });
  it('stacks nothing for a group with one photo in the list', () => {
    const s = stack(items, groupOf, new Set());
    expect(s.marks.has('f')).toBe(false);
    expect(s.marks.has('c')).toBe(false);
  });
  it("gathers an expanded group's photos in place, after its first, in list order", () => {
    const s = stack(items, groupOf, new Set(['e']));
    expect(ids(s.items)).toEqual(['a', 'b', 'd', 'e', 'c', 'f']);
    expect(s.marks.get('b')).toEqual({ key: 'e', count: 3, expanded: true, lead: true });
    expect(s.marks.get('d')).toEqual({ key: 'e', count: 3, expanded: true, lead: false });
    expect(s.marks.get('e')?.lead).toBe(false);
  });
  it('keeps every photo exactly once when expanded', () => {
    const s = stack(items, groupOf, new Set(['e', 'f']));
    expect([...ids(s.items)].sort()).toEqual(ids(items));
  });
});
