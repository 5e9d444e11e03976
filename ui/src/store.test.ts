// Tests for the app store's actions against a mocked backend (drops, search sequencing, cut-off).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState, Hit, SavedCount, SavedSearch, SearchQuery, SearchResults, Term } from './lib/types';

const search = vi.fn<(q: SearchQuery) => Promise<SearchResults>>();
/** Search results as the engine returns them. */
const results = (hits: Hit[], cutoff: number | null = null, language_hint: string | null = null): SearchResults => ({ hits, cutoff, language_hint });
/** The backend's parse_query, as a fixture: one word term, or one negative for a leading "-". */
function oneTerm(text: string): Term[] {
  const negative = text.startsWith('-');
  return [{ kind: negative ? 'not' : 'word', key: null, text: negative ? text.slice(1) : text, start: 0, end: text.length }];
}
const parseQuery = vi.fn<(text: string) => Promise<Term[]>>();
const browse = vi.fn<() => Promise<Hit[]>>();
const available = vi.fn(() => false);
const saveSearch = vi.fn<(s: SavedSearch) => Promise<SavedCount[]>>();
vi.mock('./api', () => ({
  api: {
    search: (q: SearchQuery) => search(q),
    parseQuery: (t: string) => parseQuery(t),
    browse: () => browse(),
    saveSearch: (s: SavedSearch) => saveSearch(s),
    appState: vi.fn(),
    reveal: vi.fn(),
  },
  backendAvailable: () => available(),
  events: {},
  onFileDrop: vi.fn(),
  pickFolders: vi.fn(),
}));

const { Store } = await import('./store.svelte');

function hit(id: string, score: number, taken: number | null = null): Hit {
  return { id, path: '/p/' + id + '.jpg', name: id + '.jpg', score, width: 3, height: 2, taken, camera: null, lens: null, place: null, raw_sibling: null, format: 'JPEG', size: 1, modified: 0, online: true, matched: false };
}

describe('Store', () => {
  beforeEach(() => {
    search.mockReset();
    browse.mockReset();
    available.mockReturnValue(false);
    parseQuery.mockReset();
    parseQuery.mockImplementation(async (text) => oneTerm(text));
  });

  it('shows the library when there is nothing to search for, once the model is ready', async () => {
    available.mockReturnValue(true);
    browse.mockResolvedValue([hit('newest', 0), hit('older', 0)]);
    const s = new Store();
    s.app = { model: { state: 'loading' } } as AppState;
    await s.runSearch();
    expect(browse).not.toHaveBeenCalled();
    s.app = { model: { state: 'ready' } } as AppState;
    await s.runSearch();
    expect(browse).toHaveBeenCalledTimes(1);
    expect(search).not.toHaveBeenCalled();
    expect([s.browsing, s.searched]).toEqual([true, false]);
    expect(s.visible.map((h) => h.id)).toEqual(['newest', 'older']);
    search.mockResolvedValue(results([hit('cat', 0.3)]));
    s.text = 'cat';
    await s.runSearch();
    expect([s.browsing, s.searched]).toEqual([false, true]);
    expect(s.visible.map((h) => h.id)).toEqual(['cat']);
  });

  it('takes the chips from the engine and drops an answer for an older text', async () => {
    search.mockResolvedValue(results([]));
    let resolveFirst!: (t: Term[]) => void;
    parseQuery.mockImplementationOnce(() => new Promise((r) => (resolveFirst = r)));
    const s = new Store();
    s.setText('do');
    s.setText('dog');
    await vi.waitFor(() => expect(s.terms).toEqual(oneTerm('dog')));
    resolveFirst(oneTerm('do'));
    await Promise.resolve();
    expect(s.terms).toEqual(oneTerm('dog'));
    expect(parseQuery.mock.calls.map((c) => c[0])).toEqual(['do', 'dog']);
    // Typing paused: one search, for the latest text.
    await vi.waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    expect(search.mock.calls[0][0].text).toBe('dog');
  });

  it('a search started while the text is being parsed waits for that parse, not a second one', async () => {
    search.mockResolvedValue(results([]));
    const s = new Store();
    s.setText('cat');
    s.searchNow();
    await vi.waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    expect(parseQuery.mock.calls.map((c) => c[0])).toEqual(['cat']);
  });

  it('asks the engine to parse before a search it starts at once', async () => {
    search.mockResolvedValue(results([hit('a', 0.3)]));
    const s = new Store();
    s.replaceText('-people');
    await vi.waitFor(() => expect(s.terms).toEqual(oneTerm('-people')));
    expect(search).not.toHaveBeenCalled();
    s.replaceText('people');
    await vi.waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    expect(search.mock.calls[0][0].text).toBe('people');
  });

  it('does not call the backend for an empty or negatives-only query', async () => {
    const s = new Store();
    s.text = '-people';
    await s.runSearch();
    expect(search).not.toHaveBeenCalled();
    expect(s.hits).toEqual([]);
    expect(s.searched).toBe(false);
  });

  it('drops: image files become chips and are searched together with the text', async () => {
    search.mockResolvedValue(results([hit('a', 0.3)]));
    const s = new Store();
    s.text = 'at night';
    s.dropPaths(['/x/dog.JPG', '/x/folder', '/x/dog.JPG']);
    await vi.waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    const q = search.mock.calls[0][0];
    expect(q.text).toBe('at night');
    expect(q.images).toEqual(['/x/dog.JPG']);
    expect(s.extras).toEqual([{ kind: 'file', path: '/x/dog.JPG', name: 'dog.JPG' }]);
    expect(s.errors.map((e) => e.code)).toEqual(['not-an-image']);
  });

  it('ignores a slower, older search response', async () => {
    let resolveFirst!: (r: SearchResults) => void;
    search.mockImplementationOnce(() => new Promise((r) => (resolveFirst = r)));
    search.mockImplementationOnce(() => Promise.resolve(results([hit('new', 0.5)])));
    const s = new Store();
    s.text = 'first';
    const first = s.runSearch();
    await vi.waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    s.text = 'second';
    await s.runSearch();
    resolveFirst(results([hit('old', 0.9)]));
    await first;
    expect(s.hits.map((h) => h.id)).toEqual(['new']);
    expect(s.searching).toBe(false);
  });

  it('reports a rejected search as a banner and keeps going', async () => {
    search.mockRejectedValue({ code: 'model-not-ready', message: 'Model not loaded' });
    const s = new Store();
    s.text = 'cat';
    await s.runSearch();
    await s.runSearch();
    expect(s.errors.length).toBe(1);
    expect(s.errors[0].message).toBe('Model not loaded');
    s.dismiss(s.errors[0].id);
    expect(s.errors).toEqual([]);
  });

  it('sorts, cuts off and keeps the selection by id', async () => {
    search.mockResolvedValue(results([hit('a', 0.1, 300), hit('b', 0.3, null), hit('c', 0.2, 500)]));
    const s = new Store();
    s.text = 'x';
    await s.runSearch();
    expect(s.visible.map((h) => h.id)).toEqual(['a', 'b', 'c']);
    s.select(2);
    expect(s.selectedId).toBe('c');
    s.sort = 'date';
    expect(s.visible.map((h) => h.id)).toEqual(['c', 'a', 'b']);
    expect(s.selectedIndex).toBe(0);
    s.cutoff = 0.15;
    expect(s.visible.map((h) => h.id)).toEqual(['c', 'b']);
    s.cutoff = 0.25;
    expect(s.selectedIndex).toBe(-1);
    expect(s.hist.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("keeps each search's language hint, and none once a search needs none", async () => {
    search.mockResolvedValueOnce(results([hit('a', 0.1)], null, 'This model reads English only'));
    const s = new Store();
    s.text = '红色的圆';
    await s.runSearch();
    expect(s.languageHint).toBe('This model reads English only');
    search.mockResolvedValueOnce(results([hit('a', 0.1)]));
    s.text = 'red circle';
    await s.runSearch();
    expect(s.languageHint).toBeNull();
  });

  it('saves a search with a moved cut-off only, and runs a saved one with its settings', async () => {
    search.mockResolvedValue(results([hit('a', 0.4), hit('b', 0.35), hit('c', 0.1), hit('d', 0.09)], 0.35));
    saveSearch.mockImplementation(async (s) => [{ search: s, photos: 2, problem: null }]);
    const s = new Store();
    s.text = 'red circle after:2019';
    s.folder = '/p/trips';
    await s.runSearch();
    expect(await s.saveSearch('circles')).toBe(true);
    expect(saveSearch.mock.calls[0][0]).toEqual({ name: 'circles', text: 'red circle after:2019', folder: '/p/trips', like: [], diverse: false, cutoff: null });
    s.cutoff = 0.1;
    await s.saveSearch('wide');
    expect(saveSearch.mock.calls[1][0].cutoff).toBe(0.1);
    expect(s.saved.map((x) => x.photos)).toEqual([2]);
    const t = new Store();
    await t.runSaved({ name: 'wide', text: 'red circle', folder: null, like: ['abc'], diverse: true, cutoff: 0.1 });
    const q = search.mock.calls.at(-1)![0];
    expect([q.text, q.diverse, q.like, q.folder]).toEqual(['red circle', true, ['abc'], null]);
    expect(t.cutoff).toBe(0.1);
    expect(t.visible).toHaveLength(3);
  });

  it('opens the gallery at the cut-off the engine chose, one click from everything', async () => {
    search.mockResolvedValue(results([hit('a', 0.4), hit('b', 0.35), hit('c', 0.1), hit('d', 0.09)], 0.35));
    const s = new Store();
    s.text = 'x';
    await s.runSearch();
    expect([s.cutoff, s.defaultCutoff]).toEqual([0.35, 0.35]);
    expect(s.visible.map((h) => h.id)).toEqual(['a', 'b']);
    s.cutoff = null;
    expect(s.visible).toHaveLength(4);
  });

  it('find similar adds a like chip once', async () => {
    search.mockResolvedValue(results([]));
    const s = new Store();
    s.findSimilar(hit('q', 1));
    s.findSimilar(hit('q', 1));
    await vi.waitFor(() => expect(search).toHaveBeenCalled());
    expect(s.extras).toEqual([{ kind: 'like', id: 'q', name: 'q.jpg' }]);
    expect(search.mock.calls.at(-1)![0].like).toEqual(['q']);
  });
});
