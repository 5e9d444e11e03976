import { describe, expect, it } from 'vitest';
import { gridRange, heatColour, HEAT_GRADIENT } from './heat';

describe('heat colours', () => {
  it('run from blue to red and clamp outside [0, 1]', () => {
    const [r0, , b0] = heatColour(0);
    const [r1, , b1] = heatColour(1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(heatColour(-2)).toEqual(heatColour(0));
    expect(heatColour(5)).toEqual(heatColour(1));
    expect(heatColour(Number.NaN)).toEqual(heatColour(0));
  });
  it('match the overlay of iris explain at its stops', () => {
    expect(heatColour(0)).toEqual([49, 54, 149]);
    expect(heatColour(1)).toEqual([165, 0, 38]);
    expect(heatColour(0.6)).toEqual([254, 224, 144]);
  });
  it('give the legend a gradient of every stop', () => {
    expect(HEAT_GRADIENT.match(/rgb\(/g)?.length).toBe(6);
  });
});

describe('gridRange', () => {
  it('finds the least and greatest cell', () => {
    expect(gridRange([[0.1, 0.4], [-0.2, 0.3]])).toEqual({ lo: -0.2, hi: 0.4 });
    expect(gridRange([])).toEqual({ lo: 0, hi: 0 });
  });
});
