// Tests for search text parsing and SearchQuery building.
import { describe, expect, it } from 'vitest';
import { addExtra, buildQuery, hasPositive, isMixed, parseText, phraseChips, removeChipFromText, type ExtraChip } from './query';

describe('parseText', () => {
  it('returns nothing for empty or blank text', () => {
    expect(parseText('')).toEqual([]);
    expect(parseText('   \t ')).toEqual([]);
  });

  it('splits words and negatives', () => {
    const chips = parseText('kids on a beach -people');
    expect(chips.map((c) => [c.kind, c.text])).toEqual([
      ['word', 'kids'],
      ['word', 'on'],
      ['word', 'a'],
      ['word', 'beach'],
      ['not', 'people'],
    ]);
  });

  it('keeps quoted phrases together, also negated', () => {
    const chips = parseText('"red  car" -"busy street" night');
    expect(chips.map((c) => [c.kind, c.text])).toEqual([
      ['word', 'red car'],
      ['not', 'busy street'],
      ['word', 'night'],
    ]);
  });

  it('handles an unclosed quote to the end of the text', () => {
    expect(parseText('"dog on sofa').map((c) => c.text)).toEqual(['dog on sofa']);
  });

  it('ignores a lone dash and empty quotes, keeps inner dashes', () => {
    expect(parseText('- "" -"" co-op').map((c) => [c.kind, c.text])).toEqual([['word', 'co-op']]);
  });

  it('records offsets that point at the source text', () => {
    const text = 'cat  -dog';
    const [a, b] = parseText(text);
    expect(text.slice(a.start, a.end)).toBe('cat');
    expect(text.slice(b.start, b.end)).toBe('-dog');
  });
});

describe('removeChipFromText', () => {
  it('removes a middle, first and last chip', () => {
    const text = 'sunset -people beach';
    const chips = parseText(text);
    expect(removeChipFromText(text, chips[1])).toBe('sunset beach');
    expect(removeChipFromText(text, chips[0])).toBe('-people beach');
    expect(removeChipFromText(text, chips[2])).toBe('sunset -people ');
  });

  it('removes a quoted phrase', () => {
    const text = 'a "red car" here';
    expect(removeChipFromText(text, parseText(text)[1])).toBe('a here');
  });
});

describe('buildQuery', () => {
  it('builds an empty query from nothing', () => {
    const q = buildQuery('', []);
    expect(q).toEqual({
      text: null,
      negatives: [],
      images: [],
      image_data: [],
      like: [],
      text_weight: 1,
      image_weight: 1,
      k: 1000,
    });
    expect(hasPositive(q)).toBe(false);
  });

  it('joins positive words and collects unique negatives', () => {
    const q = buildQuery('dog  asleep -cat -cat "on a sofa"', []);
    expect(q.text).toBe('dog asleep on a sofa');
    expect(q.negatives).toEqual(['cat']);
  });

  it('negatives alone are not a searchable query', () => {
    expect(hasPositive(buildQuery('-people', []))).toBe(false);
  });

  it('sends text and images together', () => {
    const extras: ExtraChip[] = [
      { kind: 'file', path: '/a/b.jpg', name: 'b.jpg' },
      { kind: 'pasted', data: 'AAAA', mime: 'image/png', key: '1' },
      { kind: 'like', id: 'abc', name: 'c.jpg' },
    ];
    const q = buildQuery('at night', extras, { imageWeight: 2, k: 50 });
    expect(q.text).toBe('at night');
    expect(q.images).toEqual(['/a/b.jpg']);
    expect(q.image_data).toEqual(['AAAA']);
    expect(q.like).toEqual(['abc']);
    expect(q.image_weight).toBe(2);
    expect(q.k).toBe(50);
    expect(hasPositive(q)).toBe(true);
    expect(isMixed(q)).toBe(true);
    expect(isMixed(buildQuery('', extras))).toBe(false);
  });
});

describe('addExtra', () => {
  it('does not add the same file or photo twice', () => {
    let xs: ExtraChip[] = [];
    xs = addExtra(xs, { kind: 'file', path: '/x.jpg', name: 'x.jpg' });
    xs = addExtra(xs, { kind: 'file', path: '/x.jpg', name: 'x.jpg' });
    xs = addExtra(xs, { kind: 'like', id: '1', name: 'a' });
    xs = addExtra(xs, { kind: 'like', id: '1', name: 'a' });
    xs = addExtra(xs, { kind: 'like', id: '2', name: 'b' });
    expect(xs.length).toBe(3);
  });
});

describe('phraseChips', () => {
  it('joins runs of positive words into one chip and keeps negatives apart', () => {
    const text = 'kids on a beach -people at night';
    const chips = phraseChips(parseText(text));
    expect(chips.map((c) => [c.kind, c.text])).toEqual([
      ['word', 'kids on a beach'],
      ['not', 'people'],
      ['word', 'at night'],
    ]);
    expect(removeChipFromText(text, chips[0])).toBe('-people at night');
    expect(removeChipFromText(text, chips[2])).toBe('kids on a beach -people ');
  });
});
