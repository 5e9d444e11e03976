// The albums' state beside the main store: the sidebar's list, the album shown in the gallery
// (its photos with the classifier's scores), and the gallery's multi-selection, which makes an
// album ("Make album from these") or, inside an album, accepts or rejects its suggestions.
import { api, backendAvailable } from './api';
import { clickSelection, EMPTY_SELECTION, selectedInOrder, type Modifiers, type Selection } from './lib/selection';
import type { AlbumSummary, UiAlbum } from './lib/types';
import { reporting } from './lib/attempt';

export class AlbumState {
  list = $state.raw<AlbumSummary[]>([]);
  /** The album shown in the gallery, if any. */
  open = $state.raw<UiAlbum | null>(null);
  selection = $state.raw<Selection>(EMPTY_SELECTION);
  #try: <T>(f: () => Promise<T>) => Promise<T | undefined>;

  constructor(report: (e: unknown) => void) {
    this.#try = reporting(report);
  }

  async load(): Promise<void> {
    if (!backendAvailable()) return;
    const list = await this.#try(() => api.albums());
    if (list) this.list = list;
  }

  /** A click on gallery tile `index` of `ids`: changes the selection, or says to open the viewer. */
  click(index: number, ids: readonly string[], mods: Modifiers): 'open' | null {
    const next = clickSelection(this.selection, index, ids, mods);
    if (next === 'open') return 'open';
    this.selection = next;
    return null;
  }

  clearSelection(): void {
    this.selection = EMPTY_SELECTION;
  }

  selected(ids: readonly string[]): string[] {
    return selectedInOrder(this.selection, ids);
  }

  /** Makes an album of the selected photos and shows it; whether it was made. */
  async create(name: string, ids: string[]): Promise<boolean> {
    const view = await this.#try(() => api.createAlbum(name, ids, []));
    if (!view) return false;
    this.open = view;
    this.clearSelection();
    await this.load();
    return true;
  }

  async show(name: string): Promise<void> {
    const view = await this.#try(() => api.album(name));
    if (view) {
      this.open = view;
      this.clearSelection();
    }
  }

  close(): void {
    this.open = null;
    this.clearSelection();
  }

  /** Accepts or rejects the selected photos of the open album; it is ranked again. */
  async feedback(accept: string[], reject: string[]): Promise<void> {
    const name = this.open?.name;
    if (!name) return;
    const view = await this.#try(() => api.albumFeedback(name, accept, reject));
    if (view) {
      this.open = view;
      this.clearSelection();
      await this.load();
    }
  }

  async rename(newName: string): Promise<void> {
    const name = this.open?.name;
    if (!name || (await this.#try(() => api.renameAlbum(name, newName))) === undefined) return;
    await this.show(newName.trim());
    await this.load();
  }

  async remove(): Promise<void> {
    const name = this.open?.name;
    if (!name || (await this.#try(() => api.deleteAlbum(name))) === undefined) return;
    this.close();
    await this.load();
  }
}
