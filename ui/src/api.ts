// The backend bridge: typed wrappers over Tauri's invoke/listen, dialogs and window drops.
// The only module that imports @tauri-apps/*. Outside Tauri (a plain browser) every command
// rejects with {code: "backend-unavailable"} and every subscription is a no-op.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open } from '@tauri-apps/plugin-dialog';
import { toAppError } from './lib/errors';
import type { About, AlbumSummary, UiAlbum, UiDuplicateGroup, TrashReport, AppError, AppState, Explanation, MapPoint, MapProgress, Facets, Failure, Folder, Hit, IndexDone, ModelState, PhotoTag, Progress, SavedCount, SavedSearch, ScorePart, SearchQuery, SearchResults, Settings, SettingsView, SwitchState, TagCount, TaggedPhoto, Term } from './lib/types';

export type * from './lib/types';
export type { UnlistenFn };

export const BACKEND_UNAVAILABLE: AppError = {
  code: 'backend-unavailable',
  message: 'Backend unavailable: this page is running outside the Iris app.',
};

/** True inside the Tauri webview (the IPC bridge is injected as window.__TAURI_INTERNALS__). */
export function backendAvailable(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Invokes a command; rejects with an AppError ({code, message}) whatever went wrong. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  if (!backendAvailable()) throw BACKEND_UNAVAILABLE;
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const api = {
  appState: () => call<AppState>('app_state'),
  addRoots: (paths: string[]) => call<AppState>('add_roots', { paths }),
  reindex: () => call<null>('reindex'),
  pauseIndexing: () => call<null>('pause_indexing'),
  resumeIndexing: () => call<null>('resume_indexing'),
  cancelIndexing: () => call<null>('cancel_indexing'),
  useModelFolder: (path: string) => call<AppState>('use_model_folder', { path }),
  useDemoModel: () => call<AppState>('use_demo_model'),
  parseQuery: (text: string) => call<Term[]>('parse_query', { text }),
  search: (query: SearchQuery) => call<SearchResults>('search', { query }),
  browse: (folder: string | null) => call<Hit[]>('browse', { folder }),
  folders: () => call<Folder[]>('folders'),
  facets: () => call<Facets>('facets'),
  scoreParts: (query: SearchQuery, id: string) => call<ScorePart[]>('score_parts', { query, id }),
  savedSearches: () => call<SavedCount[]>('saved_searches'),
  saveSearch: (search: SavedSearch) => call<SavedCount[]>('save_search', { search }),
  deleteSavedSearch: (name: string) => call<SavedCount[]>('delete_saved_search', { name }),
  failures: () => call<Failure[]>('failures'),
  reveal: (id: string) => call<null>('reveal', { id }),
  takeLaunchPhoto: () => call<string | null>('take_launch_photo'),
  settings: () => call<SettingsView>('settings'),
  saveSettings: (settings: Settings) => call<SettingsView>('save_settings', { settings }),
  cancelSwitch: () => call<null>('cancel_switch'),
  dropModelColumn: (column: string) => call<null>('drop_model_column', { column }),
  dismissSwitch: () => call<null>('dismiss_switch'),
  about: () => call<About>('about'),
  explain: (query: SearchQuery, id: string) => call<Explanation>('explain', { query, id }),
  tags: () => call<TagCount[]>('tags'),
  photoTags: (id: string) => call<PhotoTag[]>('photo_tags', { id }),
  taggedPhotos: (name: string) => call<TaggedPhoto[]>('tagged_photos', { name }),
  addTag: (name: string) => call<TagCount[]>('add_tag', { name }),
  removeTag: (name: string) => call<TagCount[]>('remove_tag', { name }),
  albums: () => call<AlbumSummary[]>('albums'),
  album: (name: string) => call<UiAlbum>('album', { name }),
  createAlbum: (name: string, positives: string[], negatives: string[]) => call<UiAlbum>('create_album', { name, positives, negatives }),
  albumFeedback: (name: string, accept: string[], reject: string[]) => call<UiAlbum>('album_feedback', { name, accept, reject }),
  renameAlbum: (name: string, newName: string) => call<null>('rename_album', { name, newName }),
  deleteAlbum: (name: string) => call<null>('delete_album', { name }),
  duplicates: () => call<UiDuplicateGroup[]>('duplicates'),
  duplicateStacks: () => call<string[][]>('duplicate_stacks'),
  trash: (paths: string[]) => call<TrashReport>('trash', { paths }),
  map: () => call<MapPoint[]>('map'),
  photo: (id: string) => call<Hit>('photo', { id }),
};

/** Native folder picker; returns the chosen folders (empty when cancelled). */
export async function pickFolders(multiple: boolean, title: string): Promise<string[]> {
  if (!backendAvailable()) throw BACKEND_UNAVAILABLE;
  try {
    const picked = await open({ directory: true, multiple, title });
    if (picked === null || picked === undefined) return [];
    return Array.isArray(picked) ? picked : [picked];
  } catch (e) {
    throw toAppError(e);
  }
}

async function on<T>(event: string, cb: (payload: T) => void): Promise<UnlistenFn> {
  if (!backendAvailable()) return () => {};
  return listen<T>(event, (e) => cb(e.payload));
}

export const events = {
  indexProgress: (cb: (p: Progress) => void) => on<Progress>('index-progress', cb),
  indexDone: (cb: (d: IndexDone) => void) => on<IndexDone>('index-done', cb),
  indexError: (cb: (e: AppError) => void) => on<AppError>('index-error', cb),
  modelState: (cb: (m: ModelState) => void) => on<ModelState>('model-state', cb),
  /** A switch to another model moved on (null: it ended or was dismissed). */
  switchState: (cb: (s: SwitchState | null) => void) => on<SwitchState | null>('switch-state', cb),
  mapProgress: (cb: (p: MapProgress) => void) => on<MapProgress>('map-progress', cb),
  mapReady: (cb: (count: number) => void) => on<number>('map-ready', cb),
  tagsReady: (cb: (count: number) => void) => on<number>('tags-ready', cb),
  /** The app was launched again on this library: its photo (take_launch_photo) or folders are this window's now. */
  launchedAgain: (cb: () => void) => on<null>('launched-again', () => cb()),
};

export type DropEvent = { type: 'enter' | 'over' | 'leave' } | { type: 'drop'; paths: string[] };

/** Files dragged onto the window (Tauri's webview drag-drop event, with native paths). */
export async function onFileDrop(cb: (e: DropEvent) => void): Promise<UnlistenFn> {
  if (!backendAvailable()) return () => {};
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    if (p.type === 'drop') cb({ type: 'drop', paths: p.paths });
    else cb({ type: p.type });
  });
}
