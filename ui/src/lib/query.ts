// Search query model: parses the search box text into word chips and builds the SearchQuery.
import { MAX_RESULTS } from './contract';
import type { SearchQuery } from './types';

/** A chip parsed from the search box text; start/end are offsets into that text. */
export interface TextChip {
  kind: 'word' | 'not';
  text: string;
  start: number;
  end: number;
}

/** A chip that does not come from the text: a dropped file, a pasted image, a "like" photo. */
export type ExtraChip =
  | { kind: 'file'; path: string; name: string }
  | { kind: 'pasted'; data: string; mime: string; key: string }
  | { kind: 'like'; id: string; name: string };

export interface QueryOptions {
  textWeight?: number;
  imageWeight?: number;
  k?: number;
}

/** Results asked for by default: a gallery's worth, within the backend's limit. */
export const DEFAULT_K = Math.min(1000, MAX_RESULTS);

/**
 * Splits text into chips. Words separated by whitespace; "double quoted phrases" are one chip;
 * a leading "-" makes a negative chip (`-people`, `-"busy street"`). A lone "-" or empty quotes
 * give nothing. Dashes inside a word ("co-op") are kept.
 */
export function parseText(text: string): TextChip[] {
  const chips: TextChip[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) break;
    const start = i;
    let negative = false;
    if (text[i] === '-') {
      negative = true;
      i++;
    }
    let value: string;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      const end = close === -1 ? n : close;
      value = text.slice(i + 1, end);
      i = close === -1 ? n : close + 1;
    } else {
      const wordStart = i;
      while (i < n && !/\s/.test(text[i])) i++;
      value = text.slice(wordStart, i);
    }
    value = value.trim().replace(/\s+/g, ' ');
    if (negative) value = value.replace(/^-+/, '');
    if (value.length > 0) chips.push({ kind: negative ? 'not' : 'word', text: value, start, end: i });
  }
  return chips;
}

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
      out[out.length - 1] = { kind: 'word', text: `${last.text} ${c.text}`, start: last.start, end: c.end };
    } else {
      out.push({ ...c });
    }
  }
  return out;
}

/** Removes the chip's source text from the search text, tidying the whitespace around it. */
export function removeChipFromText(text: string, chip: TextChip): string {
  const before = text.slice(0, chip.start).replace(/\s+$/, '');
  const after = text.slice(chip.end).replace(/^\s+/, '');
  if (!before) return after;
  if (!after) return before + ' ';
  return before + ' ' + after;
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

/** True when the query has something to search for (negatives alone do not count). */
export function hasPositive(q: SearchQuery): boolean {
  return q.text !== null || q.images.length > 0 || q.image_data.length > 0 || q.like.length > 0;
}

/** True when the query mixes text with any image input (the weight slider matters then). */
export function isMixed(q: SearchQuery): boolean {
  return q.text !== null && q.images.length + q.image_data.length + q.like.length > 0;
}

/** Builds the backend query from the search text and the extra chips. */
export function buildQuery(text: string, extras: ExtraChip[], opts: QueryOptions = {}): SearchQuery {
  const chips = parseText(text);
  const words = chips.filter((c) => c.kind === 'word').map((c) => c.text);
  const negatives = dedupe(chips.filter((c) => c.kind === 'not').map((c) => c.text));
  const images: string[] = [];
  const imageData: string[] = [];
  const like: string[] = [];
  for (const e of extras) {
    if (e.kind === 'file') images.push(e.path);
    else if (e.kind === 'pasted') imageData.push(e.data);
    else like.push(e.id);
  }
  return {
    text: words.length ? words.join(' ') : null,
    negatives,
    images,
    image_data: imageData,
    like,
    text_weight: opts.textWeight ?? 1,
    image_weight: opts.imageWeight ?? 1,
    k: opts.k ?? DEFAULT_K,
  };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
