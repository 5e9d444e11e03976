// The sidebar's folder tree: which folders of the flat tree-ordered list show, given which are
// open (a folder shows when every folder above it is open), with the root each belongs to.
import type { Folder } from './types';

export interface ShownFolder {
  folder: Folder;
  /** Path of the root (depth 0) the folder is under. */
  root: string;
  depth: number;
  open: boolean;
}

/** The folders to show, in tree order; `isOpen` says whether a folder's children show. */
export function visibleFolders(folders: readonly Folder[], isOpen: (f: Folder) => boolean): ShownFolder[] {
  const out: ShownFolder[] = [];
  // The open state of the folder at each depth on the path to the current one.
  const openAt: boolean[] = [];
  let root = '';
  for (const folder of folders) {
    if (folder.depth === 0) root = folder.path;
    openAt.length = folder.depth;
    const visible = openAt.every(Boolean);
    const open = isOpen(folder);
    openAt.push(open);
    if (visible) out.push({ folder, root, depth: folder.depth, open });
  }
  return out;
}
