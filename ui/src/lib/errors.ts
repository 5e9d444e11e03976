// Normalises anything a command can reject with into the contract's {code, message}: a code
// of the backend's or the UI's set, or "unexpected" for anything else.
import type { AppError } from './types';

const KNOWN_CODES: ReadonlySet<string> = new Set<AppError['code']>([
  'model-not-ready',
  'invalid',
  'failed',
  'backend-unavailable',
  'not-an-image',
  'unsupported-image',
  'clipboard',
  'settings',
  'unexpected',
]);

function knownCode(code: unknown): AppError['code'] {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? (code as AppError['code']) : 'unexpected';
}

export function toAppError(e: unknown): AppError {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string') return { code: knownCode(o.code), message: o.message };
  }
  if (typeof e === 'string') return { code: 'unexpected', message: e };
  return { code: 'unexpected', message: 'Unexpected error: ' + safeString(e) };
}

function safeString(e: unknown): string {
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}
