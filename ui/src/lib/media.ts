// File and image helpers for drops and pastes: base names, image extensions, base64.
import { IMAGE_EXTENSIONS } from './contract';

/** The last component of a POSIX or Windows path. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

/** The folder part of a path ("" when there is none). */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : i === 0 ? path.slice(0, 1) : '';
}

const IMAGE_EXT: ReadonlySet<string> = new Set(IMAGE_EXTENSIONS);

/** True when the path has an extension of an image the engine decodes (the backend's list). */
export function isImagePath(path: string): boolean {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXT.has(name.slice(dot + 1).toLowerCase());
}

/** Splits dropped paths into image files (query images) and everything else. */
export function partitionDrop(paths: readonly string[]): { images: string[]; others: string[] } {
  const images: string[] = [];
  const others: string[] = [];
  for (const p of paths) (isImagePath(p) ? images : others).push(p);
  return { images, others };
}

/** Standard base64 of bytes, chunked so large images do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Pasted image types the backend accepts. */
export function isAcceptedPasteType(mime: string): boolean {
  return mime === 'image/png' || mime === 'image/jpeg';
}
