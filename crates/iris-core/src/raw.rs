//! Camera RAW files through their embedded preview JPEG: every RAW format Iris takes carries a
//! camera-made JPEG (often full size), which is what the model and the gallery need; a full
//! raw development is not. Found without a RAW library:
//!
//! - TIFF-based RAWs (DNG, CR2, NEF, NRW, ARW, PEF, SRW, ORF, RW2): every IFD reachable from
//!   the first (the IFD chain, SubIFDs, the EXIF IFD) is read for JPEG data: the
//!   JPEGInterchangeFormat pair, a single JPEG-compressed strip, or RW2's JpgFromRaw.
//! - CR3 (ISO media): the JPEG in the `PRVW` box.
//! - RAF: the JPEG whose offset and length the header gives.
//!
//! Of the candidates, the largest that is a real baseline or progressive JPEG wins (lossless
//! JPEG, which DNG uses for the raw data itself, is not a preview). One whose long edge is
//! under [`MIN_PREVIEW_EDGE`] is too small to stand for the photo: such a RAW is a failed row.

/// The long edge a preview needs to be used (a 160x120 thumbnail is not a photo).
pub const MIN_PREVIEW_EDGE: u32 = 320;

/// IFDs visited at most, against loops in a corrupt file.
const MAX_IFDS: usize = 64;

/// The embedded preview JPEG of a RAW file with its pixel size, or the reason there is none.
pub(crate) fn preview(bytes: &[u8], format: &str) -> Result<(Vec<u8>, (u32, u32)), String> {
    let mut candidates = Vec::new();
    if let Some(tiff) = Tiff::new(bytes) {
        tiff.jpegs(&mut candidates);
    } else if bytes.starts_with(b"FUJIFILMCCD-RAW ") && bytes.len() >= 92 {
        let offset = be32(&bytes[84..88]) as usize;
        let length = be32(&bytes[88..92]) as usize;
        candidates.push((offset, length));
    } else if let Some(at) = find(bytes, b"PRVW") {
        if let Some(start) = find(&bytes[at..(at + 64).min(bytes.len())], &[0xFF, 0xD8, 0xFF]) {
            let start = at + start;
            if let Some(end) = jpeg_end(bytes, start) {
                candidates.push((start, end - start));
            }
        }
    }
    let best = candidates
        .into_iter()
        .filter_map(|(offset, length)| {
            let data = bytes.get(offset..offset.checked_add(length)?)?;
            jpeg_size(data).map(|size| (data, size))
        })
        .max_by_key(|(_, (w, h))| u64::from(*w) * u64::from(*h));
    match best {
        Some((data, (w, h))) if w.max(h) >= MIN_PREVIEW_EDGE => Ok((data.to_vec(), (w, h))),
        Some((_, (w, h))) => Err(format!(
            "{format} has no usable preview: its largest embedded JPEG is {w}x{h}"
        )),
        None => Err(format!("{format} has no usable preview (no embedded JPEG)")),
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The size of a baseline or progressive JPEG from its frame header; None for anything else
/// (lossless JPEG included).
fn jpeg_size(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    while i + 4 <= data.len() {
        if data[i] != 0xFF {
            return None;
        }
        let marker = data[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        match marker {
            0xC0..=0xC2 => {
                let f = data.get(i + 5..i + 9)?;
                let (h, w) = (
                    u16::from_be_bytes([f[0], f[1]]),
                    u16::from_be_bytes([f[2], f[3]]),
                );
                return (w > 0 && h > 0).then_some((u32::from(w), u32::from(h)));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA => return None,
            _ => i += 2 + len,
        }
    }
    None
}

/// Where a JPEG starting at `start` ends (after its EOI marker), for a preview whose length no
/// header gives.
fn jpeg_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 2;
    // Marker segments up to the start of scan, then entropy-coded data up to EOI.
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        i += 2 + len;
        if marker == 0xDA {
            break;
        }
    }
    while i + 1 < bytes.len() {
        if bytes[i] == 0xFF && bytes[i + 1] == 0xD9 {
            return Some(i + 2);
        }
        i += 1;
    }
    None
}

/// A TIFF structure (also ORF's "IIRO"/"MMOR" and RW2's "IIU" variants).
struct Tiff<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl<'a> Tiff<'a> {
    fn new(bytes: &'a [u8]) -> Option<Self> {
        let little = match bytes.get(..4)? {
            b"II*\0" | b"IIRO" | b"IIRS" | b"IIU\0" => true,
            b"MM\0*" | b"MMOR" => false,
            _ => return None,
        };
        Some(Self { bytes, little })
    }

    fn u16_at(&self, at: usize) -> Option<u16> {
        let b = self.bytes.get(at..at + 2)?;
        Some(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b = self.bytes.get(at..at + 4)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// The values of an IFD entry of type SHORT or LONG (the first `max` of them).
    fn values(&self, entry: usize, max: usize) -> Vec<u32> {
        let (Some(kind), Some(count)) = (self.u16_at(entry + 2), self.u32_at(entry + 4)) else {
            return Vec::new();
        };
        let size = match kind {
            3 => 2,
            4 | 13 => 4,
            _ => return Vec::new(),
        };
        let count = (count as usize).min(max);
        let base = if count * size <= 4 {
            entry + 8
        } else {
            match self.u32_at(entry + 8) {
                Some(offset) => offset as usize,
                None => return Vec::new(),
            }
        };
        (0..count)
            .filter_map(|i| match size {
                2 => self.u16_at(base + i * 2).map(u32::from),
                _ => self.u32_at(base + i * 4),
            })
            .collect()
    }

    /// Every JPEG region (offset, length) the IFDs point at.
    fn jpegs(&self, out: &mut Vec<(usize, usize)>) {
        let mut pending: Vec<usize> = self.u32_at(4).map(|o| o as usize).into_iter().collect();
        let mut seen = Vec::new();
        while let Some(ifd) = pending.pop() {
            if ifd == 0 || seen.contains(&ifd) || seen.len() >= MAX_IFDS {
                continue;
            }
            seen.push(ifd);
            let Some(n) = self.u16_at(ifd) else { continue };
            let (mut jpeg_at, mut jpeg_len, mut strips, mut strip_lens, mut compression) =
                (None, None, Vec::new(), Vec::new(), 0);
            for k in 0..n as usize {
                let entry = ifd + 2 + k * 12;
                let Some(tag) = self.u16_at(entry) else { break };
                let first = || self.values(entry, 1).first().copied();
                match tag {
                    0x0103 => compression = first().unwrap_or(0),
                    0x0111 => strips = self.values(entry, 2),
                    0x0117 => strip_lens = self.values(entry, 2),
                    0x0201 => jpeg_at = first(),
                    0x0202 => jpeg_len = first(),
                    0x014A => {
                        pending.extend(self.values(entry, 16).into_iter().map(|o| o as usize))
                    }
                    0x8769 => pending.extend(first().map(|o| o as usize)),
                    // RW2's JpgFromRaw: the JPEG is the entry's data.
                    0x002E => {
                        if let (Some(len), Some(at)) =
                            (self.u32_at(entry + 4), self.u32_at(entry + 8))
                        {
                            out.push((at as usize, len as usize));
                        }
                    }
                    _ => {}
                }
            }
            if let (Some(at), Some(len)) = (jpeg_at, jpeg_len) {
                out.push((at as usize, len as usize));
            }
            if matches!(compression, 6 | 7) && strips.len() == 1 && strip_lens.len() == 1 {
                out.push((strips[0] as usize, strip_lens[0] as usize));
            }
            let next_at = ifd + 2 + n as usize * 12;
            pending.extend(self.u32_at(next_at).map(|o| o as usize));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn jpeg_frames_give_sizes_and_lossless_ones_do_not() {
        assert_eq!(jpeg_size(&jpeg(64, 48)), Some((64, 48)));
        let mut lossless = jpeg(8, 8);
        let sof = lossless.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        lossless[sof + 1] = 0xC3;
        assert_eq!(jpeg_size(&lossless), None);
        assert_eq!(jpeg_size(b"not a jpeg"), None);
    }

    #[test]
    fn a_cr3_preview_box_and_a_raf_header_lead_to_their_jpeg() {
        let preview = jpeg(400, 300);
        let mut cr3 = b"\0\0\0\x18ftypcrx \0\0\0\x01crx isom".to_vec();
        cr3.extend_from_slice(b"\0\0\0\0PRVW\0\0\0\0\0\0\x01\x90\x01\x2c\0\0");
        cr3.extend_from_slice(&preview);
        cr3.extend_from_slice(&[0; 32]);
        assert_eq!(preview_of(&cr3), preview);

        let mut raf = b"FUJIFILMCCD-RAW 0201FF383501".to_vec();
        raf.resize(84, 0);
        raf.extend_from_slice(&100u32.to_be_bytes());
        raf.extend_from_slice(&(preview.len() as u32).to_be_bytes());
        raf.resize(100, 0);
        raf.extend_from_slice(&preview);
        assert_eq!(preview_of(&raf), preview);
    }

    fn preview_of(bytes: &[u8]) -> Vec<u8> {
        preview(bytes, "RAW").unwrap().0
    }

    #[test]
    fn garbage_and_tiny_previews_are_reasons() {
        let err = preview(b"II*\0\x08\0\0\0\x00\x00", "RAW (NEF)").unwrap_err();
        assert_eq!(err, "RAW (NEF) has no usable preview (no embedded JPEG)");
        let mut raf = b"FUJIFILMCCD-RAW ".to_vec();
        let thumb = jpeg(160, 120);
        raf.resize(84, 0);
        raf.extend_from_slice(&92u32.to_be_bytes());
        raf.extend_from_slice(&(thumb.len() as u32).to_be_bytes());
        raf.extend_from_slice(&thumb);
        let err = preview(&raf, "RAW (RAF)").unwrap_err();
        assert!(err.contains("160x120"), "{err}");
        // Offsets past the end, loops of IFDs: reasons, never a panic.
        let mut looping = b"II*\0\x08\0\0\0".to_vec();
        looping.extend_from_slice(&1u16.to_le_bytes());
        looping.extend_from_slice(&[0x01, 0x02, 4, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]);
        looping.extend_from_slice(&8u32.to_le_bytes());
        assert!(preview(&looping, "RAW (DNG)").is_err());
    }
}
