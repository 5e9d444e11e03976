// The tags' state beside the main store: the library's tags with counts (the sidebar's list,
// reloaded when the backend says tagging finished), the open photo's tags with scores (the
// viewer's "what the model sees"), one tag's photos (the map's colour by tag), and adding or
// removing the user's own tags.
import { api, backendAvailable } from './api';
import type { PhotoTag, TagCount } from './lib/types';
import { reporting } from './lib/attempt';

export class TagState {
  list = $state.raw<TagCount[]>([]);
  /** The tags of the photo the viewer shows, by its id. */
  photo = $state.raw<{ id: string; tags: PhotoTag[] } | null>(null);
  #try: <T>(f: () => Promise<T>) => Promise<T | undefined>;
  /** The photo the viewer shows, whose tags are wanted. */
  #wanted: string | null = null;

  constructor(report: (e: unknown) => void) {
    this.#try = reporting(report);
  }

  async load(): Promise<void> {
    if (!backendAvailable()) return;
    const list = await this.#try(() => api.tags());
    if (list) this.list = list;
    // A new vocabulary or new photos may change the open photo's tags too.
    this.#reloadPhoto();
  }

  #reloadPhoto(): void {
    this.photo = null;
    if (this.#wanted) void this.loadPhoto(this.#wanted);
  }

  /** Loads the tags of photo `id`, unless they are at hand. */
  async loadPhoto(id: string): Promise<void> {
    this.#wanted = id;
    if (!backendAvailable() || this.photo?.id === id) return;
    const tags = await this.#try(() => api.photoTags(id));
    if (tags && this.#wanted === id) this.photo = { id, tags };
  }

  /** The photos given tag `name`: their cosine with it, by photo id (undefined on an error, reported). */
  async photosOf(name: string): Promise<Map<string, number> | undefined> {
    const list = await this.#try(() => api.taggedPhotos(name));
    return list && new Map(list.map((p) => [p.id, p.cosine]));
  }

  /** Adds a tag of the user's; whether it was added. */
  async add(name: string): Promise<boolean> {
    const list = await this.#try(() => api.addTag(name));
    if (!list) return false;
    this.list = list;
    this.#reloadPhoto();
    return true;
  }

  async remove(name: string): Promise<void> {
    const list = await this.#try(() => api.removeTag(name));
    if (list) this.list = list;
    this.#reloadPhoto();
  }
}
