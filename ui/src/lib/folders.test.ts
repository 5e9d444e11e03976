import { describe, expect, it } from 'vitest';
import { visibleFolders } from './folders';
import type { Folder } from './types';

const f = (path: string, depth: number, has_children = false): Folder => ({ path, name: path.split('/').pop()!, depth, photos: 1, has_children });
const tree = [f('/p', 0, true), f('/p/2024', 1, true), f('/p/2024/summer', 2), f('/p/scans', 1), f('/q', 0, true), f('/q/a', 1)];

describe('visibleFolders', () => {
  it('shows a folder only when every folder above it is open', () => {
    const open = new Set(['/p', '/q']);
    const shown = visibleFolders(tree, (x) => open.has(x.path));
    expect(shown.map((s) => s.folder.path)).toEqual(['/p', '/p/2024', '/p/scans', '/q', '/q/a']);
    open.add('/p/2024');
    expect(visibleFolders(tree, (x) => open.has(x.path)).map((s) => s.folder.path)).toContain('/p/2024/summer');
    open.delete('/p');
    const closed = visibleFolders(tree, (x) => open.has(x.path)).map((s) => s.folder.path);
    expect(closed).toEqual(['/p', '/q', '/q/a']);
  });

  it('names the root of every folder', () => {
    const shown = visibleFolders(tree, () => true);
    expect(shown.map((s) => s.root)).toEqual(['/p', '/p', '/p', '/p', '/q', '/q']);
    expect(shown.find((s) => s.folder.path === '/p/2024')!.open).toBe(true);
  });
});
