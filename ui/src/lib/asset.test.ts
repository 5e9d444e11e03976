// Tests for asset URLs.
import { describe, expect, it } from 'vitest';
import { assetUrl } from './asset';

describe('assetUrl', () => {
  it('uses the iris:// form outside Windows', () => {
    expect(assetUrl('thumb', 'abc123', 'Mozilla/5.0 (X11; Linux x86_64)')).toBe('iris://localhost/thumb/abc123');
    expect(assetUrl('photo', 'abc123', 'Mozilla/5.0 (Macintosh)')).toBe('iris://localhost/photo/abc123');
  });
  it('uses http://iris.localhost on Windows', () => {
    expect(assetUrl('photo', 'abc', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)')).toBe('http://iris.localhost/photo/abc');
  });
  it('escapes ids so they stay one path segment', () => {
    expect(assetUrl('thumb', 'a/b?c#d', '')).toBe('iris://localhost/thumb/a%2Fb%3Fc%23d');
  });
});
