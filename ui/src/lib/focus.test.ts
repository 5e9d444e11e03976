// Tests for the dialog focus trap's order.
import { describe, expect, it } from 'vitest';
import { nextFocusIndex } from './focus';

describe('nextFocusIndex', () => {
  it('wraps forwards and backwards', () => {
    expect(nextFocusIndex(3, 0, false)).toBe(1);
    expect(nextFocusIndex(3, 2, false)).toBe(0);
    expect(nextFocusIndex(3, 0, true)).toBe(2);
    expect(nextFocusIndex(3, 1, true)).toBe(0);
  });
  it('enters from outside at either end, and has nowhere to go without elements', () => {
    expect(nextFocusIndex(4, -1, false)).toBe(0);
    expect(nextFocusIndex(4, -1, true)).toBe(3);
    expect(nextFocusIndex(0, -1, false)).toBe(-1);
  });
});
