// App state and actions (Svelte 5 runes): library state, query, results, selection, errors.
import { api, backendAvailable, events, onFileDrop, pickFolders, type UnlistenFn } from './api';
import { debounce } from './lib/debounce';
import { toAppError } from './lib/errors';
import { applyCutoff, histogram } from './lib/histogram';
import { bytesToBase64, baseName, isAcceptedPasteType, partitionDrop } from './lib/media';
import { addExtra, addFilterToText, buildQuery, DEFAULT_K, extraKey, hasFilters, hasPositive, likeChips, toggleNegative, type ExtraChip } from './lib/query';
import { sortHits, type SortMode } from './lib/sort';
import { StackState } from './stacks.svelte';
import type { AppError, AppState, Explanation, MapPoint, MapProgress, Facets, Failure, FilterKey, Folder, Hit, IndexDone, SavedCount, SavedSearch, ScorePart, Settings, SettingsView, Term } from './lib/types';

export interface Banner extends AppError {
  id: number;
}

const SEARCH_DEBOUNCE_MS = 250;
/** While indexing (paused too), the browsed gallery is refreshed this often, so photos appear as they are indexed. */
const BROWSE_REFRESH_MS = 3000;
const HISTOGRAM_BINS = 30;

export class Store {
  app = $state<AppState | null>(null);
  /** True once the first app_state call has finished (either way). */
  loaded = $state(false);
  errors = $state<Banner[]>([]);

  text = $state('');
  /** The terms of `text` (the chips), as the engine's grammar parsed them. */
  terms = $state.raw<Term[]>([]);
  extras = $state<ExtraChip[]>([]);
  imageWeight = $state(1);
  k = $state(DEFAULT_K);
  /** The folder chosen in the sidebar: browsing and searching stay within it. */
  folder = $state<string | null>(null);
  /** The roots' folder tree with counts, for the sidebar. */
  folders = $state.raw<Folder[]>([]);
  /** The library's cameras, places and years with counts, for the sidebar's filter menus. */
  facets = $state.raw<Facets>({ cameras: [], places: [], years: [] });
  /** Saved searches with the photos each finds now (reloaded with the sidebar). */
  saved = $state.raw<SavedCount[]>([]);
  /** Results reordered for variety (near-identical shots spread out). */
  diverse = $state(false);
  /** Words and images searched apart and their lists fused by rank. */
  lateFusion = $state(false);
  query = $derived(
    buildQuery(this.text, this.extras, { imageWeight: this.imageWeight, k: this.k, folder: this.folder, diverse: this.diverse, lateFusion: this.lateFusion }),
  );

  /** Results of the last completed search, in backend order. */
  hits = $state.raw<Hit[]>([]);
  /** Changes with every new result set (the gallery scrolls back to the top). */
  resultsVersion = $state(0);
  searching = $state(false);
  /** The query that produced `hits` had something to search for. */
  searched = $state(false);
  /** `hits` is the whole library, newest first (the search box is empty). */
  browsing = $state(false);
  /** While browsing: the text's filters choose what is shown. */
  filtered = $state(false);
  sort = $state<SortMode>('relevance');
  /** Minimum score shown; null shows everything. */
  cutoff = $state<number | null>(null);
  /** Said when the model does not read the language of the query's words. */
  languageHint = $state<string | null>(null);
  /** The cut-off the engine chose from the last search's scores (where the gallery opened). */
  defaultCutoff = $state<number | null>(null);
  hist = $derived(histogram(this.hits.map((h) => h.score), HISTOGRAM_BINS));
  sorted = $derived(sortHits(this.hits, this.sort));
  /** The photos above the cut-off. */
  shown = $derived(applyCutoff(this.sorted, this.cutoff));
  /** Near-duplicates of `shown` stacked into one tile each (unless opened): the gallery's tiles. */
  stacks = new StackState((e) => this.report(e));
  stacked = $derived(this.stacks.apply(this.shown));
  visible = $derived(this.stacked.items);

  selectedId = $state<string | null>(null);
  selectedIndex = $derived(this.selectedId === null ? -1 : this.visible.findIndex((h) => h.id === this.selectedId));
  viewerOpen = $state(false);
  /** The open photo's cosine with each part of the query, and which photo that is for. */
  viewerParts = $state.raw<{ id: string; parts: ScorePart[] } | null>(null);
  /** The viewer's heatmap of where the query matches is on (it stays on from photo to photo). */
  heatmap = $state(false);
  /** The heatmap's grid, for the photo and query it was computed for. */
  explanation = $state.raw<{ id: string; key: string; explanation: Explanation } | null>(null);
  /** The open photo's rank in the results (1 = best), whatever the sort. */
  viewerRank = $derived(this.selectedId === null ? 0 : this.hits.findIndex((h) => h.id === this.selectedId) + 1);

  view = $state<'results' | 'problems' | 'map' | 'duplicates'>('results');
  /** The library map's points once loaded, and the progress of its computation meanwhile. */
  mapPoints = $state.raw<MapPoint[] | null>(null);
  mapProgress = $state.raw<MapProgress | null>(null);
  /** The photo opened from the map, when the viewer shows one. */
  mapHit = $state.raw<Hit | null>(null);
  /** The Settings or About panel, when open. */
  panel = $state<'settings' | 'about' | null>(null);
  /** The persisted settings with the values in use (the Settings panel). */
  settings = $state.raw<SettingsView | null>(null);
  failures = $state.raw<Failure[] | null>(null);
  dropActive = $state(false);
  lastRun = $state<IndexDone | null>(null);

  #seq = 0;
  /** The text `terms` belong to. */
  #termsOf = '';
  /** The parse asked for and not answered yet, so that a search waits for it, not for a second. */
  #parsing: { text: string; terms: Promise<Term[]> } | null = null;
  #nextBannerId = 1;
  #lastRefresh = 0;
  #browseTimer: ReturnType<typeof setInterval> | null = null;
  #unlisten: UnlistenFn[] = [];
  #debounced = debounce(() => void this.runSearch(), SEARCH_DEBOUNCE_MS);

  // ---- lifecycle ----------------------------------------------------------------------------

  async init(): Promise<void> {
    if (!backendAvailable()) this.report({ code: 'backend-unavailable', message: 'Backend unavailable: this page is running outside the Iris app.' });
    const subs = await Promise.allSettled([
      events.indexProgress((p) => {
        if (this.app) this.app.indexing = p;
        if (Date.now() - this.#lastRefresh > 3000) void this.refresh();
        this.#followIndexing(true);
      }),
      events.indexDone((d) => {
        this.#followIndexing(false);
        this.lastRun = d;
        void this.refresh();
        void this.loadFolders();
        if (this.view === 'problems') void this.loadFailures();
        void this.runSearch(true);
      }),
      events.indexError((e) => {
        this.#followIndexing(false);
        this.report(e);
      }),
      events.launchedAgain(() => void this.#searchLaunchPhotoOr(() => void this.refresh())),
      events.mapProgress((p) => (this.mapProgress = p)),
      events.mapReady(() => {
        this.mapProgress = null;
        if (this.view === 'map') void this.loadMap();
      }),
      events.modelState((m) => {
        const wasReady = this.app?.model.state === 'ready';
        if (this.app) this.app.model = m;
        if (!wasReady && m.state === 'ready') {
          void this.stacks.load();
          void this.#searchLaunchPhotoOr(() => void this.runSearch(true));
        }
      }),
      events.switchState((s) => {
        const finished = s?.stage === 'done' && this.app?.switch?.stage !== 'done';
        if (this.app) this.app.switch = s;
        // The new model answers from now on: the results and the settings' model follow.
        if (finished) {
          void this.loadSettings();
          void this.runSearch(true);
        }
      }),
      onFileDrop((e) => {
        if (e.type === 'drop') {
          this.dropActive = false;
          this.dropPaths(e.paths);
        } else {
          this.dropActive = e.type !== 'leave';
        }
      }),
    ]);
    for (const s of subs) {
      if (s.status === 'fulfilled') this.#unlisten.push(s.value);
      else this.report(s.reason);
    }
    if (backendAvailable()) await Promise.all([this.refresh(), this.loadSettings(true)]);
    // A run that failed before this window listened (a newer Iris's library, say) says why now.
    if (this.app?.index_error) this.report(this.app.index_error);
    if (backendAvailable() && this.app?.model.state === 'ready') void this.loadFolders();
    this.loaded = true;
    if (this.app?.model.state === 'ready') void this.#searchLaunchPhotoOr(() => void this.runSearch(true));
  }

  /** Searches with the photo the app was started with ("Find similar photos with Iris"), if any; else `otherwise`. */
  async #searchLaunchPhotoOr(otherwise: () => void): Promise<void> {
    const photo = backendAvailable() ? await api.takeLaunchPhoto().catch(() => null) : null;
    if (photo) this.dropPaths([photo]);
    else otherwise();
  }

  // ---- settings -----------------------------------------------------------------------------

  /** Loads the settings; at start (`apply`) the saved sort and "show up to" take effect and a bad settings file is reported. */
  async loadSettings(apply = false): Promise<void> {
    const view = await this.#try(() => api.settings());
    if (!view) return;
    this.settings = view;
    if (!apply) return;
    if (view.saved.sort) this.sort = view.saved.sort;
    if (view.saved.show_up_to) this.k = view.saved.show_up_to;
    if (view.notice) this.report({ code: 'settings', message: view.notice });
  }

  /** Opens the Settings (with the settings read again) or the About panel. */
  openPanel(panel: 'settings' | 'about'): void {
    this.panel = panel;
    if (panel === 'settings') void this.loadSettings();
  }

  /** Saves the settings; `apply` (the Settings panel) puts the sort and "show up to" into effect now. */
  async saveSettings(settings: Settings, apply = false): Promise<boolean> {
    const view = await this.#try(() => api.saveSettings(settings));
    if (!view) return false;
    this.settings = view;
    if (apply) {
      void this.stacks.load();
      this.sort = view.saved.sort ?? 'relevance';
      const k = view.saved.show_up_to ?? DEFAULT_K;
      if (k !== this.k) {
        this.k = k;
        this.searchNow();
      }
    }
    return true;
  }

  /** The sidebar's answer to a model switch: stop it, keep the old model's vectors, or drop them. */
  async switchAction(action: 'cancel' | 'keep' | 'drop'): Promise<void> {
    const column = this.app?.switch?.old_column?.column;
    if (action === 'cancel') await this.#try(() => api.cancelSwitch());
    else if (action === 'drop' && column) await this.dropModelColumn(column);
    else await this.#try(() => api.dismissSwitch());
  }

  /** Drops another model's vectors from the library (Settings, or the offer after a switch). */
  async dropModelColumn(column: string): Promise<void> {
    await this.#try(() => api.dropModelColumn(column));
    void this.loadSettings();
  }

  /** Saves one change to the settings (the sort or "show up to" chosen in the toolbar). */
  #remember(change: Partial<Settings>): void {
    if (this.settings) void this.saveSettings({ ...this.settings.saved, ...change });
  }

  setSort(mode: SortMode): void {
    this.sort = mode;
    this.#remember({ sort: mode });
  }

  /** While a run indexes (or is paused), the counts and the gallery that browses the library (nothing searched, no filters) follow it. */
  #followIndexing(on: boolean): void {
    if (on && this.#browseTimer === null) {
      this.#browseTimer = setInterval(() => {
        void this.refresh(true);
        if (this.view === 'results' && !this.searched && !this.filtered && !this.searching) void this.runSearch(true);
      }, BROWSE_REFRESH_MS);
    } else if (!on && this.#browseTimer !== null) {
      clearInterval(this.#browseTimer);
      this.#browseTimer = null;
    }
  }

  destroy(): void {
    this.#followIndexing(false);
    this.#debounced.cancel();
    for (const u of this.#unlisten) u();
    this.#unlisten = [];
  }

  // ---- errors -------------------------------------------------------------------------------

  report(e: unknown): void {
    const err = toAppError(e);
    if (this.errors.some((b) => b.code === err.code && b.message === err.message)) return;
    this.errors = [...this.errors, { ...err, id: this.#nextBannerId++ }].slice(-5);
  }

  dismiss(id: number): void {
    this.errors = this.errors.filter((b) => b.id !== id);
  }

  /** Runs a command, reporting its error; resolves to undefined on failure. */
  async #try<T>(f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (e) {
      this.report(e);
      return undefined;
    }
  }

  // ---- library ------------------------------------------------------------------------------

  /** Reloads app_state; `quiet` (background polling) does not report failures. */
  async refresh(quiet = false): Promise<void> {
    this.#lastRefresh = Date.now();
    const s = quiet ? await api.appState().catch(() => undefined) : await this.#try(() => api.appState());
    if (s) this.app = s;
  }

  /** Reloads the sidebar's folder tree, filter menus and saved searches, and the gallery's stacks. */
  async loadFolders(): Promise<void> {
    void this.stacks.load();
    const [folders, facets, saved] = await Promise.all([this.#try(() => api.folders()), this.#try(() => api.facets()), this.#try(() => api.savedSearches())]);
    if (folders) this.folders = folders;
    if (facets) this.facets = facets;
    if (saved) this.saved = saved;
  }

  /** Saves the current search (words, filters, folder, similar-to photos, Diverse, a moved cut-off). */
  async saveSearch(name: string): Promise<boolean> {
    const like = this.extras.flatMap((e) => (e.kind === 'like' && !e.negative ? [e.id] : []));
    const search: SavedSearch = {
      name,
      text: this.text,
      folder: this.folder,
      like,
      diverse: this.diverse,
      cutoff: this.cutoff !== this.defaultCutoff ? this.cutoff : null,
    };
    const saved = await this.#try(() => api.saveSearch(search));
    if (saved) this.saved = saved;
    return saved !== undefined;
  }

  async deleteSavedSearch(name: string): Promise<void> {
    const saved = await this.#try(() => api.deleteSavedSearch(name));
    if (saved) this.saved = saved;
  }

  /** Runs a saved search again: its words and filters in the box, its folder and toggles. */
  async runSaved(search: SavedSearch): Promise<void> {
    this.folder = search.folder;
    this.diverse = search.diverse;
    this.extras = likeChips(search.like);
    this.view = 'results';
    this.setText(search.text);
    this.#debounced.cancel();
    await this.runSearch();
    if (search.cutoff !== null && this.searched) this.cutoff = search.cutoff;
  }

  /** Adds filter chips from a sidebar menu (`camera:"Canon EOS 5D"`) and searches. */
  addFilters(filters: [FilterKey, string][]): void {
    let text = this.text;
    for (const [key, value] of filters) text = addFilterToText(text, this.terms, key, value);
    this.setText(text);
    this.searchNow();
  }

  /** Shows one folder (and its subfolders); choosing the chosen one again, or null, shows all. */
  chooseFolder(path: string | null): void {
    this.folder = path === this.folder ? null : path;
    this.view = 'results';
    void this.runSearch();
  }

  async addFolders(): Promise<void> {
    const paths = await this.#try(() => pickFolders(true, 'Add photo folders'));
    if (!paths || paths.length === 0) return;
    const s = await this.#try(() => api.addRoots(paths));
    if (s) this.app = s;
  }

  async chooseModelFolder(): Promise<void> {
    const paths = await this.#try(() => pickFolders(false, 'Choose a CLIP model folder'));
    if (!paths || paths.length === 0) return;
    const s = await this.#try(() => api.useModelFolder(paths[0]));
    if (s) this.app = s;
  }

  async useDemoModel(): Promise<void> {
    const s = await this.#try(() => api.useDemoModel());
    if (s) this.app = s;
  }

  async reindex(): Promise<void> {
    await this.#try(() => api.reindex());
    await this.refresh();
  }

  async setPaused(paused: boolean): Promise<void> {
    const ok = await this.#try(() => (paused ? api.pauseIndexing() : api.resumeIndexing()));
    if (ok !== undefined && this.app) this.app.paused = paused;
    await this.refresh();
  }

  async cancelIndexing(): Promise<void> {
    await this.#try(() => api.cancelIndexing());
    await this.refresh();
  }

  async showProblems(): Promise<void> {
    this.view = 'problems';
    this.viewerOpen = false;
    await this.loadFailures();
  }

  async loadFailures(): Promise<void> {
    const f = await this.#try(() => api.failures());
    if (f) this.failures = f;
  }

  // ---- query --------------------------------------------------------------------------------

  /** The search box changed: its chips now, a search once typing pauses. */
  setText(text: string): void {
    this.text = text;
    void this.#parse();
    this.#debounced();
  }

  /**
   * The terms of the current text from the engine (`parse_query`, per keystroke: the UI has no
   * parser of its own). An answer for a text that has changed since is dropped.
   */
  async #parse(): Promise<Term[]> {
    const text = this.text;
    if (text === this.#termsOf) return this.terms;
    if (this.#parsing?.text !== text) {
      const ask = async () => (text.trim() ? ((await this.#try(() => api.parseQuery(text))) ?? []) : []);
      this.#parsing = { text, terms: ask() };
    }
    const terms = await this.#parsing.terms;
    if (this.text === text) {
      this.terms = terms;
      this.#termsOf = text;
    }
    return terms;
  }

  /** The search bar's Late fusion toggle (words with images): search again. */
  setLateFusion(on: boolean): void {
    this.lateFusion = on;
    this.searchNow();
  }

  /** An image chip becomes "not like this", or back; search again. */
  toggleNegative(chip: ExtraChip): void {
    this.extras = toggleNegative(this.extras, chip);
    this.searchNow();
  }

  /** The toolbar's Diverse toggle: search again with or without it. */
  setDiverse(on: boolean): void {
    this.diverse = on;
    this.searchNow();
  }

  /** Enter in the search box: search now. */
  searchNow(): void {
    this.#debounced.cancel();
    void this.runSearch();
  }

  /** Replaces the search text (chip removal) and searches at once. */
  replaceText(text: string): void {
    this.text = text;
    this.searchNow();
  }

  addChip(chip: ExtraChip): void {
    this.extras = addExtra(this.extras, chip);
    this.searchNow();
  }

  removeChip(chip: ExtraChip): void {
    const key = extraKey(chip);
    this.extras = this.extras.filter((e) => extraKey(e) !== key);
    this.searchNow();
  }

  setImageWeight(w: number): void {
    this.imageWeight = w;
    this.#debounced();
  }

  setK(k: number): void {
    this.k = k;
    this.#remember({ show_up_to: k });
    this.searchNow();
  }

  // ---- the map ------------------------------------------------------------------------------

  /** Shows the map, loading it (computed first if the library has changed). */
  showMap(): void {
    this.view = 'map';
    this.viewerOpen = false;
    void this.loadMap();
  }

  async loadMap(): Promise<void> {
    const points = await this.#try(() => api.map());
    if (points) this.mapPoints = points;
    this.mapProgress = null;
  }

  /** Opens the viewer on a photo of the map: as a result (with its score) when the search found it. */
  async openFromMap(id: string): Promise<void> {
    const hit = this.hits.find((h) => h.id === id) ?? (await this.#try(() => api.photo(id)));
    if (hit) this.mapHit = hit;
  }

  /** Searches for photos like the ones selected on the map (the first 32 as examples), in the gallery. */
  moreLikeThese(ids: readonly string[]): void {
    this.extras = likeChips(ids.slice(0, 32));
    this.view = 'results';
    this.searchNow();
  }

  findSimilar(hit: Hit): void {
    this.view = 'results';
    this.viewerOpen = false;
    this.addChip({ kind: 'like', id: hit.id, name: hit.name });
  }

  /**
   * What a file drop does (also window.__irisDropPaths): image files become query chips;
   * anything else is reported.
   */
  dropPaths(paths: readonly string[]): void {
    const { images, others } = partitionDrop(paths);
    if (others.length > 0) {
      const names = others.map(baseName).join(', ');
      this.report({ code: 'not-an-image', message: `Only image files can be used as a search query (not: ${names}). Use “Add folder” to add photo folders.` });
    }
    if (images.length === 0) return;
    let extras = this.extras;
    for (const path of images) extras = addExtra(extras, { kind: 'file', path, name: baseName(path) });
    this.extras = extras;
    this.view = 'results';
    this.searchNow();
  }

  /** A paste event: the first PNG/JPEG image on the clipboard becomes a query chip. */
  async pasteFrom(data: DataTransfer | null): Promise<boolean> {
    if (!data) return false;
    const item = Array.from(data.items).find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (!item) return false;
    if (!isAcceptedPasteType(item.type)) {
      this.report({ code: 'unsupported-image', message: `Pasted images must be PNG or JPEG (got ${item.type}).` });
      return true;
    }
    const file = item.getAsFile();
    if (!file) return false;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const data64 = bytesToBase64(bytes);
    this.addChip({ kind: 'pasted', data: data64, mime: item.type, key: `${Date.now()}-${bytes.length}` });
    return true;
  }

  async runSearch(keepSelection = false): Promise<void> {
    const seq = ++this.#seq;
    const terms = await this.#parse();
    if (seq !== this.#seq) return; // a newer search has started
    const q = this.query;
    if (!hasPositive(q, terms)) {
      await this.#browse(seq, keepSelection, hasFilters(terms));
      return;
    }
    this.searching = true;
    try {
      const results = await api.search(q);
      if (seq !== this.#seq) return; // a newer search has started
      this.hits = results.hits;
      this.searched = true;
      this.browsing = false;
      this.cutoff = results.cutoff;
      this.defaultCutoff = results.cutoff;
      this.languageHint = results.language_hint;
      this.viewerParts = null;
      if (!keepSelection) {
        this.selectedId = null;
        this.resultsVersion++;
      }
    } catch (e) {
      if (seq === this.#seq) this.report(e);
    } finally {
      if (seq === this.#seq) this.searching = false;
    }
  }

  /**
   * Nothing to search for: the gallery shows the library, newest first (once the model is
   * ready); with filters in the text, what they admit (the engine browses a query of filters).
   */
  async #browse(seq: number, keepSelection: boolean, filtered: boolean): Promise<void> {
    this.searched = false;
    this.searching = false;
    this.cutoff = null;
    this.defaultCutoff = null;
    const ready = backendAvailable() && this.app?.model.state === 'ready';
    const q = this.query;
    this.filtered = filtered;
    const all = ready ? await this.#try(async () => (filtered ? (await api.search(q)).hits : api.browse(this.folder))) : [];
    if (seq !== this.#seq) return;
    this.hits = all ?? [];
    this.browsing = this.hits.length > 0;
    if (!keepSelection) {
      this.selectedId = null;
      this.resultsVersion++;
    }
  }

  // ---- selection & viewer -------------------------------------------------------------------

  select(index: number): void {
    const h = this.visible[index];
    this.selectedId = h ? h.id : null;
  }

  open(index: number): void {
    if (!this.visible[index]) return;
    this.select(index);
    this.viewerOpen = true;
  }

  closeViewer(): void {
    this.viewerOpen = false;
    this.mapHit = null;
  }

  /** The open photo's cosine with each part of the query (once per photo and results). */
  async loadParts(id: string): Promise<void> {
    if (!this.searched || this.viewerParts?.id === id || !backendAvailable()) return;
    const parts = await api.scoreParts(this.query, id).catch(() => null);
    if (parts && this.selectedId === id) this.viewerParts = { id, parts };
  }

  /** Computes the heatmap of photo `id` for the current query, unless it is at hand. */
  async loadExplanation(id: string): Promise<void> {
    if (!this.heatmap || !this.searched || !backendAvailable()) return;
    const key = `${id} ${JSON.stringify(this.query)}`;
    if (this.explanation?.key === key) return;
    const explanation = await this.#try(() => api.explain(this.query, id));
    if (explanation && this.heatmap && `${this.selectedId} ${JSON.stringify(this.query)}` === key) this.explanation = { id, key, explanation };
  }

  async reveal(hit: Hit): Promise<void> {
    await this.#try(() => api.reveal(hit.id));
  }
}

export const store = new Store();
