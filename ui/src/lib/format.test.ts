// Tests for display formatting.
import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatDimensions, formatEta, formatPercent, formatRate, formatScore, formatSize, formatThreads } from './format';

describe('formatDate', () => {
  it('formats unix seconds as the UTC wall-clock time', () => {
    expect(formatDate(0)).toBe('1 Jan 1970, 00:00');
    expect(formatDate(1615557900)).toBe('12 Mar 2021, 14:05');
  });
  it('says Unknown for missing or invalid dates', () => {
    expect(formatDate(null)).toBe('Unknown');
    expect(formatDate(undefined)).toBe('Unknown');
    expect(formatDate(NaN)).toBe('Unknown');
    expect(formatDate(1e20)).toBe('Unknown');
  });
});

describe('formatSize', () => {
  it('uses binary units', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(12.3 * 1024 * 1024)).toBe('12 MB');
    expect(formatSize(3.25 * 1024 ** 3)).toBe('3.3 GB');
    expect(formatSize(-1)).toBe('—');
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(10000)).toBe('10,000');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-4200)).toBe('-4,200');
  });
});

describe('formatEta', () => {
  it('picks seconds, minutes or hours', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(42.4)).toBe('42s');
    expect(formatEta(185)).toBe('3m 05s');
    expect(formatEta(3600 + 7 * 60 + 30)).toBe('1h 07m');
    expect(formatEta(Infinity)).toBe('—');
  });
});

describe('formatRate / formatScore / formatDimensions / formatPercent', () => {
  it('formats', () => {
    expect(formatRate(3.44)).toBe('3.4/s');
    expect(formatRate(120.4)).toBe('120/s');
    expect(formatRate(0)).toBe('—');
    expect(formatScore(0.2567)).toBe('0.26');
    expect(formatScore(-0.1)).toBe('-0.10');
    expect(formatScore(NaN)).toBe('—');
    expect(formatDimensions(4032, 3024)).toBe('4032 × 3024');
    expect(formatDimensions(null, 10)).toBe('Unknown');
    expect(formatPercent(0.424)).toBe('42%');
    expect(formatPercent(1.5)).toBe('100%');
    expect(formatPercent(null)).toBe('');
  });
});

describe('formatThreads', () => {
  it('names the count, singular for one, nothing for none', () => {
    expect(formatThreads(1)).toBe('1 thread');
    expect(formatThreads(16)).toBe('16 threads');
    expect(formatThreads(0)).toBe('');
    expect(formatThreads(Number.NaN)).toBe('');
  });
});
