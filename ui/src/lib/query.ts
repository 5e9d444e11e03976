// Search query model: the search box chips (terms parsed by the engine) and the SearchQuery.
import { MAX_RESULTS } from './contract';
import type { FilterKey, SearchQuery, Term } from './types';

/**
 * A chip parsed from the search box text by the engine's grammar (`parse_query`, the one parser:
 * iris_core::grammar); start/end are offsets into that text.
 */
export type TextChip = Term;

/**
 * A chip that does not come from the text: a dropped file, a pasted image, a "like" photo;
 * `negative` turns it into "not like this".
 */
export type ExtraChip = (
  | { kind: 'file'; path: string; name: string }
  | { kind: 'pasted'; data: string; mime: string; key: string }
  | { kind: 'like'; id: string; name: string }
) & { negative?: boolean };

export interface QueryOptions {
  textWeight?: number;
  imageWeight?: number;
  k?: number;
  /** Only photos in this folder or below it. */
  folder?: string | null;
  /** Reorder the first results for variety. */
  diverse?: boolean;
  /** Fuse the words' and the images' result lists by rank. */
  lateFusion?: boolean;
}

/** Results asked for by default: a gallery's worth, within the backend's limit. */
export const DEFAULT_K = Math.min(1000, MAX_RESULTS);
/** The "show up to" choices of the toolbar and the Settings panel. */
export const K_CHOICES: readonly number[] = [100, 500, 1000, 5000, 10000].filter((k) => k <= MAX_RESULTS);

/**
 * The chips shown under the search box: each run of consecutive positive words becomes one
 * phrase chip ("kids on a beach"), negatives stay one chip each. The words search together as
 * one text, so one chip says so, and removing it removes the phrase.
 */
export function phraseChips(chips: TextChip[]): TextChip[] {
  const out: TextChip[] = [];
  for (const c of chips) {
    const last = out[out.length - 1];
    if (c.kind === 'word' && last?.kind === 'word') {
      out[out.length - 1] = { kind: 'word', key: null, text: `${last.text} ${c.text}`, start: last.start, end: c.end };
    } else {
      out.push({ ...c });
    }
  }
  return out;
}

/** True when the text's terms hold a filter (`in:`, `after:`, ...). */
export function hasFilters(terms: readonly Term[]): boolean {
  return terms.some((t) => t.kind === 'filter' || t.kind === 'not-filter');
}

/** A filter as the grammar writes it: `camera:"Canon EOS 5D"`, `place:Lisbon`. */
export function filterSource(key: FilterKey, value: string): string {
  const bare = /^[^\s"]+$/.test(value);
  return `${key}:${bare ? value : `"${value.replaceAll('"', '')}"`}`;
}

/**
 * The search text with a filter added at its end, unless the same filter is already in it
 * (then the text is unchanged).
 */
export function addFilterToText(text: string, terms: readonly Term[], key: FilterKey, value: string): string {
  const present = terms.some((t) => t.kind === 'filter' && t.key === key && t.text === value);
  if (present) return text;
  const source = filterSource(key, value);
  return text.trim() ? `${text.replace(/\s+$/, '')} ${source}` : source;
}

/** Removes the chip's source text from the search text, tidying the whitespace around it. */
export function removeChipFromText(text: string, chip: TextChip): string {
  const before = text.slice(0, chip.start).replace(/\s+$/, '');
  const after = text.slice(chip.end).replace(/^\s+/, '');
  if (!before) return after;
  if (!after) return before + ' ';
  return before + ' ' + after;
}

/** "Similar to" chips for indexed photos, named by the start of their ids. */
export function likeChips(ids: readonly string[]): ExtraChip[] {
  return ids.map((id) => ({ kind: 'like', id, name: id.slice(0, 8) }));
}

/** Adds an extra chip unless an equal one is already there. */
export function addExtra(extras: ExtraChip[], chip: ExtraChip): ExtraChip[] {
  const same = extras.some((e) => extraKey(e) === extraKey(chip));
  return same ? extras : [...extras, chip];
}

/** A stable identity for an extra chip (used for de-duplication and keyed lists). */
export function extraKey(chip: ExtraChip): string {
  switch (chip.kind) {
    case 'file':
      return 'file:' + chip.path;
    case 'pasted':
      return 'pasted:' + chip.key;
    case 'like':
      return 'like:' + chip.id;
  }
}

/** The chip as "not like this", or back. */
export function toggleNegative(extras: ExtraChip[], chip: ExtraChip): ExtraChip[] {
  const key = extraKey(chip);
  return extras.map((e) => (extraKey(e) === key ? { ...e, negative: !e.negative } : e));
}

/** Whether the query has positive images (negative ones do not count). */
function hasImages(q: SearchQuery): boolean {
  return q.images.length + q.image_data.length + q.like.length > 0;
}

function hasWords(terms: readonly Term[]): boolean {
  return terms.some((t) => t.kind === 'word');
}

/**
 * True when the query has something to search for: a positive word among the text's terms or an
 * image (negatives alone do not count).
 */
export function hasPositive(q: SearchQuery, terms: readonly Term[]): boolean {
  return hasWords(terms) || hasImages(q);
}

/** True when the query mixes words with any image input (the weight slider matters then). */
export function isMixed(q: SearchQuery, terms: readonly Term[]): boolean {
  return hasWords(terms) && hasImages(q);
}

/**
 * Builds the backend query from the search text and the extra chips. The text goes as typed:
 * the engine parses it with the same grammar that made the chips.
 */
export function buildQuery(text: string, extras: ExtraChip[], opts: QueryOptions = {}): SearchQuery {
  const positive = { images: [] as string[], data: [] as string[], like: [] as string[] };
  const negative = { images: [] as string[], data: [] as string[], like: [] as string[] };
  for (const e of extras) {
    const into = e.negative ? negative : positive;
    if (e.kind === 'file') into.images.push(e.path);
    else if (e.kind === 'pasted') into.data.push(e.data);
    else into.like.push(e.id);
  }
  const [images, imageData, like] = [positive.images, positive.data, positive.like];
  return {
    text: text.trim() ? text : null,
    images,
    image_data: imageData,
    like,
    text_weight: opts.textWeight ?? 1,
    image_weight: opts.imageWeight ?? 1,
    k: opts.k ?? DEFAULT_K,
    folder: opts.folder ?? null,
    diverse: opts.diverse ?? false,
    late_fusion: opts.lateFusion ?? false,
    not_images: negative.images,
    not_image_data: negative.data,
    not_like: negative.like,
  };
}
