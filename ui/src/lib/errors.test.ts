// Tests for error normalisation.
import { describe, expect, it } from 'vitest';
import { toAppError } from './errors';

describe('toAppError', () => {
  it('keeps contract errors', () => {
    expect(toAppError({ code: 'model-not-ready', message: 'No model' })).toEqual({ code: 'model-not-ready', message: 'No model' });
    expect(toAppError({ code: 'invalid', message: 'empty query' }).code).toBe('invalid');
  });
  it('gives codes outside the contract, strings, Errors and odd values the code "unexpected"', () => {
    expect(toAppError({ code: 'model_unavailable', message: 'No model' })).toEqual({ code: 'unexpected', message: 'No model' });
    expect(toAppError('boom')).toEqual({ code: 'unexpected', message: 'boom' });
    expect(toAppError(new TypeError('bad'))).toEqual({ code: 'unexpected', message: 'bad' });
    expect(toAppError(undefined).message).toContain('Unexpected error');
    expect(toAppError({ x: 1 }).message).toBe('Unexpected error: {"x":1}');
  });
});
