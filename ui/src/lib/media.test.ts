// Tests for file and image helpers.
import { describe, expect, it } from 'vitest';
import { baseName, bytesToBase64, dirName, isAcceptedPasteType, isImagePath, partitionDrop } from './media';

describe('paths', () => {
  it('baseName handles POSIX, Windows and trailing separators', () => {
    expect(baseName('/home/a/b.jpg')).toBe('b.jpg');
    expect(baseName('C:\\Users\\a\\IMG_1.JPG')).toBe('IMG_1.JPG');
    expect(baseName('/photos/2021/')).toBe('2021');
    expect(baseName('plain')).toBe('plain');
    expect(baseName('')).toBe('');
  });

  it('dirName', () => {
    expect(dirName('/home/a/b.jpg')).toBe('/home/a');
    expect(dirName('/b.jpg')).toBe('/');
    expect(dirName('C:\\x\\y.png')).toBe('C:\\x');
    expect(dirName('y.png')).toBe('');
  });

  it('recognises image extensions case-insensitively', () => {
    expect(isImagePath('/a/B.JPEG')).toBe(true);
    expect(isImagePath('/a/b.tif')).toBe(true);
    expect(isImagePath('/a/IMG_1.HEIC')).toBe(true);
    expect(isImagePath('/a/b.jxl')).toBe(false); // the engine cannot decode JPEG XL yet
    expect(isImagePath('/a/notes.txt')).toBe(false);
    expect(isImagePath('/a/folder')).toBe(false);
    expect(isImagePath('/a/.jpg')).toBe(false);
  });

  it('partitions a drop', () => {
    expect(partitionDrop(['/a.png', '/dir', '/b.jpg', '/c.pdf'])).toEqual({ images: ['/a.png', '/b.jpg'], others: ['/dir', '/c.pdf'] });
    expect(partitionDrop([])).toEqual({ images: [], others: [] });
  });
});

describe('bytesToBase64', () => {
  it('encodes small inputs', () => {
    expect(bytesToBase64(new Uint8Array([]))).toBe('');
    expect(bytesToBase64(new TextEncoder().encode('Man'))).toBe('TWFu');
    expect(bytesToBase64(new Uint8Array([0xff, 0x00]))).toBe('/wA=');
  });

  it('encodes inputs larger than one chunk exactly', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
    const encoded = bytesToBase64(bytes);
    expect(encoded.length).toBe(Math.ceil(100_000 / 3) * 4);
    const decoded = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);
  });
});

describe('isAcceptedPasteType', () => {
  it('accepts PNG and JPEG only', () => {
    expect(isAcceptedPasteType('image/png')).toBe(true);
    expect(isAcceptedPasteType('image/jpeg')).toBe(true);
    expect(isAcceptedPasteType('image/gif')).toBe(false);
  });
});
