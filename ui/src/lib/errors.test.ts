// Tests for error normalisation.
import { describe, expect, it } from 'vitest';
import { toAppError } from './errors';

describe('toAppError', () => {
  it('keeps contract errors', () => {
    expect(toAppError({ code: 'model_unavailable', message: 'No model' })).toEqual({ code: 'model_unavailable', message: 'No model' });
  });
  it('wraps strings, Errors and odd values', () => {
    expect(toAppError('boom')).toEqual({ code: 'error', message: 'boom' });
    expect(toAppError(new TypeError('bad'))).toEqual({ code: 'TypeError', message: 'bad' });
    expect(toAppError(undefined).message).toContain('Unexpected error');
    expect(toAppError({ x: 1 }).message).toBe('Unexpected error: {"x":1}');
  });
});
