// Tests for the search box chips and SearchQuery building. The grammar itself is the engine's
// (iris_core::grammar, tested there); terms here are what its parse_query returns.
import { describe, expect, it } from 'vitest';
import { addExtra, addFilterToText, buildQuery, filterSource, hasFilters, hasPositive, isMixed, likeChips, phraseChips, removeChipFromText, toggleNegative, type ExtraChip, type TextChip } from './query';

/** A term as the engine returns it: `source` is found in `text` from `from` on. */
function term(text: string, source: string, kind: TextChip['kind'] = 'word', from = 0): TextChip {
  const start = text.indexOf(source, from);
  if (start < 0) throw new Error(`${source} is not in ${text}`);
  const key = kind === 'filter' || kind === 'not-filter' ? (source.replace(/^-/, '').split(':')[0] as TextChip['key']) : null;
  const value = source.replace(/^-/, '').replace(/^[a-z]+:/, '').replace(/"/g, '');
  return { kind, key, text: value, start, end: start + source.length };
}

describe('filters in the text', () => {
  it('quotes a value with spaces and leaves a bare one bare', () => {
    expect(filterSource('camera', 'Canon EOS 5D')).toBe('camera:"Canon EOS 5D"');
    expect(filterSource('place', 'Lisbon')).toBe('place:Lisbon');
    expect(filterSource('in', 'say "hi"')).toBe('in:"say hi"');
  });

  it('adds a filter at the end once', () => {
    const text = 'red circle  ';
    const terms = [term(text, 'red'), term(text, 'circle')];
    const added = addFilterToText(text, terms, 'after', '2019');
    expect(added).toBe('red circle after:2019');
    const again = [...terms, term(added, 'after:2019', 'filter')];
    expect(addFilterToText(added, again, 'after', '2019')).toBe(added);
    expect(addFilterToText('', [], 'place', 'Kyoto')).toBe('place:Kyoto');
  });

  it('knows a filter chip from a word and a filter does not make a query positive', () => {
    const text = 'in:"2019 Lisbon" -type:png';
    const terms = [term(text, 'in:"2019 Lisbon"', 'filter'), term(text, '-type:png', 'not-filter')];
    expect(terms[0]).toMatchObject({ key: 'in', text: '2019 Lisbon' });
    expect(hasFilters(terms)).toBe(true);
    expect(hasFilters([term('red', 'red')])).toBe(false);
    expect(hasPositive(buildQuery(text, []), terms)).toBe(false);
    expect(phraseChips(terms)).toHaveLength(2);
  });
});

describe('removeChipFromText', () => {
  it('removes a middle, first and last chip', () => {
    const text = 'sunset -people beach';
    const chips = [term(text, 'sunset'), term(text, '-people', 'not'), term(text, 'beach')];
    expect(removeChipFromText(text, chips[1])).toBe('sunset beach');
    expect(removeChipFromText(text, chips[0])).toBe('-people beach');
    expect(removeChipFromText(text, chips[2])).toBe('sunset -people ');
  });

  it('removes a quoted phrase', () => {
    const text = 'a "red car" here';
    expect(removeChipFromText(text, term(text, '"red car"'))).toBe('a here');
  });
});

describe('buildQuery', () => {
  it('builds an empty query from nothing', () => {
    const q = buildQuery('', []);
    expect(q).toEqual({
      text: null,
      images: [],
      image_data: [],
      like: [],
      text_weight: 1,
      image_weight: 1,
      k: 1000,
      folder: null,
      diverse: false,
      late_fusion: false,
      not_images: [],
      not_image_data: [],
      not_like: [],
    });
    expect(hasPositive(q, [])).toBe(false);
  });

  it('searches within the folder chosen in the sidebar', () => {
    expect(buildQuery('cat', [], { folder: '/p/2024' }).folder).toBe('/p/2024');
  });

  it('sends the text as typed, for the engine to parse', () => {
    const text = 'dog  asleep -cat "on a sofa"';
    expect(buildQuery(text, []).text).toBe(text);
    expect(buildQuery('  \t', []).text).toBe(null);
  });

  it('negatives alone are not a searchable query', () => {
    const text = '-people';
    expect(hasPositive(buildQuery(text, []), [term(text, '-people', 'not')])).toBe(false);
    expect(hasPositive(buildQuery('cat', []), [term('cat', 'cat')])).toBe(true);
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
    const words = [term('at night', 'at'), term('at night', 'night')];
    expect(hasPositive(q, words)).toBe(true);
    expect(hasPositive(buildQuery('', extras), [])).toBe(true);
    expect(isMixed(q, words)).toBe(true);
    expect(isMixed(buildQuery('', extras), [])).toBe(false);
    expect(isMixed(q, [term('-x', '-x', 'not')])).toBe(false);
  });

  it('sends a "not like this" image apart and it does not count as something to search for', () => {
    let extras: ExtraChip[] = [
      { kind: 'file', path: '/a/b.jpg', name: 'b.jpg' },
      { kind: 'like', id: 'abc', name: 'c.jpg' },
    ];
    extras = toggleNegative(extras, extras[1]);
    const q = buildQuery('dog', extras, { lateFusion: true });
    expect([q.images, q.like, q.not_like, q.not_images]).toEqual([['/a/b.jpg'], [], ['abc'], []]);
    expect(q.late_fusion).toBe(true);
    const onlyNegative = toggleNegative(extras, extras[0]);
    expect(hasPositive(buildQuery('', onlyNegative), [])).toBe(false);
    expect(toggleNegative(onlyNegative, onlyNegative[0])[0].negative).toBe(false);
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
    const terms = ['kids', 'on', 'a', 'beach'].map((w) => term(text, w));
    terms.push(term(text, '-people', 'not'), term(text, 'at', 'word', 24), term(text, 'night'));
    const chips = phraseChips(terms);
    expect(chips.map((c) => [c.kind, c.text])).toEqual([
      ['word', 'kids on a beach'],
      ['not', 'people'],
      ['word', 'at night'],
    ]);
    expect(removeChipFromText(text, chips[0])).toBe('-people at night');
    expect(removeChipFromText(text, chips[2])).toBe('kids on a beach -people ');
  });
});

describe('likeChips', () => {
  it('makes a similar-to chip per photo id, named by the id start', () => {
    expect(likeChips(['0123456789abcdef', 'fedcba98'])).toEqual([
      { kind: 'like', id: '0123456789abcdef', name: '01234567' },
      { kind: 'like', id: 'fedcba98', name: 'fedcba98' },
    ]);
  });
});
