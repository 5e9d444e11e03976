import { describe, expect, it } from 'vitest';
import { reporting } from './attempt';

describe('reporting', () => {
  it('resolves to the result, or reports the failure and resolves to undefined', async () => {
    const reported: unknown[] = [];
    const attempt = reporting((e) => reported.push(e));
    expect(await attempt(async () => 3)).toBe(3);
    expect(await attempt(async () => Promise.reject({ code: 'x' }))).toBeUndefined();
    expect(reported).toEqual([{ code: 'x' }]);
  });
});
