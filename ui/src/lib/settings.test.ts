import { describe, expect, it } from 'vitest';
import { columnLabel, formFrom, modelChoice, modelFigure, modelSummary, settingsFrom } from './settings';
import type { ModelListing, Settings } from './types';

const fallback = 'openai/clip-vit-base-patch32';
const empty: Settings = { library: null, model: null, index_threads: null, index_threads_while_searching: null, sort: null, show_up_to: null, window: null, duplicates: null, stack_duplicates: null };
const defaults = { min_cosine: 0.9, max_hash_distance: 12, burst_seconds: 10 };

const chinese = 'OFA-Sys/chinese-clip-vit-base-patch16';
const known = ['demo', fallback, chinese];

describe('modelChoice', () => {
  it('reads no spec and the default id as the default', () => {
    expect(modelChoice(null, fallback, known)).toBe(fallback);
    expect(modelChoice('  ', fallback, known)).toBe(fallback);
    expect(modelChoice(fallback, fallback, known)).toBe(fallback);
  });
  it('tells the known models from any other id or folder', () => {
    expect(modelChoice('demo', fallback, known)).toBe('demo');
    expect(modelChoice(chinese, fallback, known)).toBe(chinese);
    expect(modelChoice('/models/clip-b16', fallback, known)).toBe('other');
    expect(modelChoice('laion/CLIP-ViT-B-32-laion2B-s34B-b79K', fallback, known)).toBe('other');
  });
});

describe('the model list', () => {
  const listing: ModelListing = {
    id: chinese,
    family: 'Chinese-CLIP',
    architecture: 'ViT-B/16 + RoBERTa-wwm-base',
    dim: 512,
    languages: ['zh'],
    download_bytes: 752_000_000,
    zero_shot: null,
    downloaded: false,
    disk_bytes: null,
    current: false,
  };
  it('sums a model up in one line, on-disk size once it is here', () => {
    expect(modelSummary(listing)).toBe('Chinese-CLIP, Chinese, 752 MB');
    expect(modelSummary({ ...listing, downloaded: true, disk_bytes: 1_624_000_000 })).toBe('Chinese-CLIP, Chinese, 1.6 GB, downloaded');
  });
  it('names the published figure and its source, or says there is none', () => {
    expect(modelFigure(listing)).toContain('No published zero-shot figure');
    const figure = modelFigure({ ...listing, zero_shot: { benchmark: 'ImageNet zero-shot top-1 (%)', value: 63.2, source: 'Radford et al. 2021' } });
    expect(figure).toBe('ViT-B/16 + RoBERTa-wwm-base, 512-wide vectors. ImageNet zero-shot top-1 (%): 63.2 (Radford et al. 2021).');
  });
});

describe('the settings form', () => {
  it('shows empty settings as blank fields and gives them back unchanged', () => {
    const form = formFrom(empty, fallback);
    expect(form).toEqual({
      library: '',
      choice: fallback,
      customModel: '',
      threads: '',
      threadsSearching: '',
      sort: 'relevance',
      showUpTo: 0,
      stackDuplicates: true,
      minCosine: '',
      maxHashDistance: '',
      burstSeconds: '',
    });
    expect(settingsFrom(form, empty, defaults, fallback)).toEqual({ ...empty, sort: 'relevance' });
  });

  it('round-trips every field and keeps the window place it does not show', () => {
    const saved: Settings = {
      library: '/data/iris',
      model: '/models/clip-b16',
      index_threads: 3,
      index_threads_while_searching: 1,
      sort: 'date',
      show_up_to: 500,
      window: { x: 10, y: 20, width: 1200, height: 800 },
      duplicates: { min_cosine: 0.95, max_hash_distance: 6, burst_seconds: 2 },
      stack_duplicates: false,
    };
    const form = formFrom(saved, fallback);
    expect(form.choice).toBe('other');
    expect(form.customModel).toBe('/models/clip-b16');
    expect(settingsFrom(form, saved, defaults, fallback)).toEqual(saved);
  });

  it('reads blank or bad thread counts as "all cores" and trims paths', () => {
    const form = { ...formFrom(empty, fallback), library: '  /photos/lib ', threads: '0', choice: 'demo' };
    const out = settingsFrom(form, empty, defaults, fallback);
    expect(out.library).toBe('/photos/lib');
    expect(out.index_threads).toBeNull();
    expect(out.model).toBe('demo');
    expect(settingsFrom({ ...form, threads: 'many' }, empty, defaults, fallback).index_threads).toBeNull();
    expect(out.index_threads_while_searching).toBeNull();
    expect(settingsFrom({ ...form, threadsSearching: '-2' }, empty, defaults, fallback).index_threads_while_searching).toBeNull();
    expect(settingsFrom({ ...form, threadsSearching: '1' }, empty, defaults, fallback).index_threads_while_searching).toBe(1);
    expect(settingsFrom({ ...form, choice: 'other', customModel: '  ' }, empty, defaults, fallback).model).toBeNull();
    expect(settingsFrom({ ...form, choice: chinese }, empty, defaults, fallback).model).toBe(chinese);
    expect(settingsFrom({ ...form, choice: fallback }, empty, defaults, fallback).model).toBeNull();
  });

  it('fills blank or unreadable near-duplicate thresholds with their defaults once one is set', () => {
    const form = { ...formFrom(empty, fallback), minCosine: '0.95', burstSeconds: 'soon' };
    expect(settingsFrom(form, empty, defaults, fallback).duplicates).toEqual({ min_cosine: 0.95, max_hash_distance: 12, burst_seconds: 10 });
  });
});

describe('columnLabel', () => {
  it('names a model column by its model and width', () => {
    expect(columnLabel('vec_tiny_siglip_32')).toBe('tiny_siglip, 32-wide');
    expect(columnLabel('vec_openai_clip_vit_base_patch32_512')).toBe('openai_clip_vit_base_patch32, 512-wide');
  });
  it('leaves a name of another shape as it is', () => {
    expect(columnLabel('vector')).toBe('vector');
  });
});
