// Normalises anything a command can reject with into the contract's {code, message}.
import type { AppError } from './types';

export function toAppError(e: unknown): AppError {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string') {
      return { code: typeof o.code === 'string' ? o.code : e instanceof Error ? e.name : 'error', message: o.message };
    }
  }
  if (typeof e === 'string') return { code: 'error', message: e };
  return { code: 'error', message: 'Unexpected error: ' + safeString(e) };
}

function safeString(e: unknown): string {
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}
