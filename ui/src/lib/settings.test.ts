import { describe, expect, it } from 'vitest';
import { formFrom, modelChoice, settingsFrom } from './settings';
import type { Settings } from './types';

const fallback = 'openai/clip-vit-base-patch32';
const empty: Settings = { library: null, model: null, index_threads: null, sort: null, show_up_to: null, window: null, duplicates: null, stack_duplicates: null };
const defaults = { min_cosine: 0.9, max_hash_distance: 12, burst_seconds: 10 };

describe('modelChoice', () => {
  it('reads no spec and the default id as the default', () => {
    expect(modelChoice(null, fallback)).toBe('default');
    expect(modelChoice('  ', fallback)).toBe('default');
    expect(modelChoice(fallback, fallback)).toBe('default');
  });
  it('tells the demo model from any other id or folder', () => {
    expect(modelChoice('demo', fallback)).toBe('demo');
    expect(modelChoice('/models/clip-b16', fallback)).toBe('other');
    expect(modelChoice('laion/CLIP-ViT-B-32-laion2B-s34B-b79K', fallback)).toBe('other');
  });
});

describe('the settings form', () => {
  it('shows empty settings as blank fields and gives them back unchanged', () => {
    const form = formFrom(empty, fallback);
    expect(form).toEqual({
      library: '',
      choice: 'default',
      customModel: '',
      threads: '',
      sort: 'relevance',
      showUpTo: 0,
      stackDuplicates: true,
      minCosine: '',
      maxHashDistance: '',
      burstSeconds: '',
    });
    expect(settingsFrom(form, empty, defaults)).toEqual({ ...empty, sort: 'relevance' });
  });

  it('round-trips every field and keeps the window place it does not show', () => {
    const saved: Settings = {
      library: '/data/iris',
      model: '/models/clip-b16',
      index_threads: 3,
      sort: 'date',
      show_up_to: 500,
      window: { x: 10, y: 20, width: 1200, height: 800 },
      duplicates: { min_cosine: 0.95, max_hash_distance: 6, burst_seconds: 2 },
      stack_duplicates: false,
    };
    const form = formFrom(saved, fallback);
    expect(form.choice).toBe('other');
    expect(form.customModel).toBe('/models/clip-b16');
    expect(settingsFrom(form, saved, defaults)).toEqual(saved);
  });

  it('reads blank or bad thread counts as "all cores" and trims paths', () => {
    const form = { ...formFrom(empty, fallback), library: '  /photos/lib ', threads: '0', choice: 'demo' as const };
    const out = settingsFrom(form, empty, defaults);
    expect(out.library).toBe('/photos/lib');
    expect(out.index_threads).toBeNull();
    expect(out.model).toBe('demo');
    expect(settingsFrom({ ...form, threads: 'many' }, empty, defaults).index_threads).toBeNull();
    expect(settingsFrom({ ...form, choice: 'other', customModel: '  ' }, empty, defaults).model).toBeNull();
  });

  it('fills blank or unreadable near-duplicate thresholds with their defaults once one is set', () => {
    const form = { ...formFrom(empty, fallback), minCosine: '0.95', burstSeconds: 'soon' };
    expect(settingsFrom(form, empty, defaults).duplicates).toEqual({ min_cosine: 0.95, max_hash_distance: 12, burst_seconds: 10 });
  });
});
