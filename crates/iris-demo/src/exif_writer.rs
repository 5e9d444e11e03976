//! A minimal EXIF writer for the demo library's JPEGs: camera make and model, the date taken
//! and a GPS position, as a big-endian TIFF block in an APP1 segment right after the JPEG's
//! start marker (what cameras write; readers such as exiftool and Iris's own read it back).

/// What a photo's EXIF says.
pub struct Exif {
    pub make: &'static str,
    pub model: &'static str,
    /// "YYYY:MM:DD HH:MM:SS", the camera's local time.
    pub taken: String,
    /// Latitude and longitude in degrees, if known.
    pub gps: Option<(f64, f64)>,
}

enum Value {
    Ascii(String),
    Long(u32),
    Rationals(Vec<(u32, u32)>),
}

impl Value {
    /// TIFF type and count.
    fn kind(&self) -> (u16, u32) {
        match self {
            Self::Ascii(s) => (2, s.len() as u32 + 1),
            Self::Long(_) => (4, 1),
            Self::Rationals(v) => (5, v.len() as u32),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Ascii(s) => s.bytes().chain([0]).collect(),
            Self::Long(v) => v.to_be_bytes().to_vec(),
            Self::Rationals(v) => v
                .iter()
                .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
                .collect(),
        }
    }
}

/// The bytes of an IFD placed at offset `at` of the TIFF block, its values longer than four
/// bytes right after it; no next IFD.
fn ifd(entries: &[(u16, Value)], at: u32) -> Vec<u8> {
    let mut head = (entries.len() as u16).to_be_bytes().to_vec();
    let mut data = Vec::new();
    let data_at = at + 2 + 12 * entries.len() as u32 + 4;
    for (tag, value) in entries {
        let (kind, count) = value.kind();
        head.extend(tag.to_be_bytes());
        head.extend(kind.to_be_bytes());
        head.extend(count.to_be_bytes());
        let mut bytes = value.bytes();
        if bytes.len() <= 4 {
            bytes.resize(4, 0);
            head.extend(bytes);
        } else {
            head.extend((data_at + data.len() as u32).to_be_bytes());
            if bytes.len() % 2 == 1 {
                bytes.push(0);
            }
            data.extend(bytes);
        }
    }
    head.extend([0, 0, 0, 0]);
    head.extend(data);
    head
}

/// Degrees as degrees, minutes and seconds (hundredths).
fn sexagesimal(degrees: f64) -> Vec<(u32, u32)> {
    let d = degrees.abs();
    let whole = d.floor();
    let minutes = (d - whole) * 60.0;
    let seconds = (minutes - minutes.floor()) * 60.0;
    vec![
        (whole as u32, 1),
        (minutes.floor() as u32, 1),
        ((seconds * 100.0).round() as u32, 100),
    ]
}

/// The TIFF block of `exif`.
fn tiff(exif: &Exif) -> Vec<u8> {
    const HEADER: u32 = 8;
    let ifd0 = |exif_at: u32, gps_at: u32| {
        let mut entries = vec![
            (0x010F, Value::Ascii(exif.make.into())),
            (0x0110, Value::Ascii(exif.model.into())),
            (0x8769, Value::Long(exif_at)),
        ];
        if exif.gps.is_some() {
            entries.push((0x8825, Value::Long(gps_at)));
        }
        entries
    };
    let len0 = ifd(&ifd0(0, 0), HEADER).len() as u32;
    let exif_entries = [(0x9003, Value::Ascii(exif.taken.clone()))];
    let exif_at = HEADER + len0;
    let exif_ifd = ifd(&exif_entries, exif_at);
    let gps_at = exif_at + exif_ifd.len() as u32;
    let mut out = b"MM\0\x2a".to_vec();
    out.extend(HEADER.to_be_bytes());
    out.extend(ifd(&ifd0(exif_at, gps_at), HEADER));
    out.extend(exif_ifd);
    if let Some((lat, lon)) = exif.gps {
        let gps = [
            (
                0x0001,
                Value::Ascii(if lat < 0.0 { "S" } else { "N" }.into()),
            ),
            (0x0002, Value::Rationals(sexagesimal(lat))),
            (
                0x0003,
                Value::Ascii(if lon < 0.0 { "W" } else { "E" }.into()),
            ),
            (0x0004, Value::Rationals(sexagesimal(lon))),
        ];
        out.extend(ifd(&gps, gps_at));
    }
    out
}

/// The JPEG with an APP1 EXIF segment of `exif` after its start marker.
pub fn insert(jpeg: &[u8], exif: &Exif) -> Vec<u8> {
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff(exif));
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifds_point_past_themselves_to_long_values() {
        let bytes = ifd(
            &[
                (1, Value::Ascii("N".into())),
                (2, Value::Ascii("Canon".into())),
            ],
            8,
        );
        assert_eq!(&bytes[..2], &[0, 2]);
        // The second entry's value sits after the two entries and the next-IFD link.
        let offset = u32::from_be_bytes(bytes[2 + 12 + 8..2 + 12 + 12].try_into().unwrap());
        assert_eq!(offset, 8 + 2 + 24 + 4);
        assert_eq!(&bytes[2 + 8..2 + 10], b"N\0", "short values inline");
        assert_eq!(&bytes[30..36], b"Canon\0");
    }

    #[test]
    fn positions_become_degrees_minutes_seconds() {
        assert_eq!(sexagesimal(-9.1393), vec![(9, 1), (8, 1), (2148, 100)]);
    }
}
