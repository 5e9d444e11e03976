//! What a photo's EXIF says: orientation, date taken (the camera's local time, and its UTC
//! offset where the camera wrote one), camera, lens and GPS position. A missing or broken EXIF
//! block reads as "nothing known", never as an error.

use std::io::Cursor;

/// The EXIF facts Iris keeps.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Exif {
    /// 1-8; 1 when absent.
    pub orientation: u32,
    /// DateTimeOriginal (else DateTime) as seconds since the epoch, local time read as UTC.
    pub taken: Option<i64>,
    /// OffsetTimeOriginal (else OffsetTime): minutes east of UTC of `taken`.
    pub offset_minutes: Option<i32>,
    pub camera: Option<String>,
    pub lens: Option<String>,
    /// Latitude and longitude in degrees.
    pub gps: Option<(f64, f64)>,
}

impl Default for Exif {
    fn default() -> Self {
        Self {
            orientation: 1,
            taken: None,
            offset_minutes: None,
            camera: None,
            lens: None,
            gps: None,
        }
    }
}

/// Reads the EXIF of a JPEG, TIFF, PNG, WebP or HEIF container.
pub(crate) fn read(bytes: &[u8]) -> Exif {
    let mut out = Exif::default();
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return out;
    };
    let field = |tag| exif.get_field(tag, exif::In::PRIMARY);
    let text = |tag| field(tag).and_then(|f| ascii(&f.value));
    if let Some(o) = field(exif::Tag::Orientation).and_then(|f| f.value.get_uint(0)) {
        out.orientation = o;
    }
    let taken = text(exif::Tag::DateTimeOriginal).or_else(|| text(exif::Tag::DateTime));
    if let Some(dt) = taken.and_then(|a| exif::DateTime::from_ascii(a.as_bytes()).ok()) {
        let days = crate::calendar::days_from_civil(dt.year as i64, dt.month as i64, dt.day as i64);
        out.taken =
            Some(days * 86_400 + dt.hour as i64 * 3600 + dt.minute as i64 * 60 + dt.second as i64);
    }
    out.offset_minutes = text(exif::Tag::OffsetTimeOriginal)
        .or_else(|| text(exif::Tag::OffsetTime))
        .and_then(|o| parse_offset(&o));
    let (make, model) = (text(exif::Tag::Make), text(exif::Tag::Model));
    out.camera = match (make, model) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    out.lens = text(exif::Tag::LensModel);
    let degrees = |tag, reference, negative: u8| {
        let value = field(tag).and_then(|f| sexagesimal(&f.value))?;
        let sign = match field(reference).map(|f| &f.value) {
            Some(exif::Value::Ascii(r)) if r.first().and_then(|r| r.first()) == Some(&negative) => {
                -1.0
            }
            _ => 1.0,
        };
        Some(sign * value)
    };
    let lat = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b'S');
    let lon = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b'W');
    out.gps = match (lat, lon) {
        // 0,0 is what a phone writes without a fix ("Null Island"), not a place.
        (Some(lat), Some(lon)) if lat == 0.0 && lon == 0.0 => None,
        (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => Some((lat, lon)),
        _ => None,
    };
    out
}

/// An ASCII field's first string, trimmed; None when empty.
fn ascii(value: &exif::Value) -> Option<String> {
    let exif::Value::Ascii(parts) = value else {
        return None;
    };
    let s = String::from_utf8_lossy(parts.first()?);
    let s = s.trim_matches(char::from(0)).trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Degrees, minutes, seconds (three rationals) to degrees.
fn sexagesimal(value: &exif::Value) -> Option<f64> {
    let exif::Value::Rational(parts) = value else {
        return None;
    };
    let part = |i: usize| {
        parts
            .get(i)
            .filter(|r| r.denom != 0)
            .map_or(0.0, |r| r.num as f64 / r.denom as f64)
    };
    parts.first().filter(|r| r.denom != 0)?;
    let degrees = part(0) + part(1) / 60.0 + part(2) / 3600.0;
    degrees.is_finite().then_some(degrees)
}

/// "+09:00", "-05:30" or "+0100" to minutes east of UTC.
fn parse_offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_minutes_east_of_utc() {
        assert_eq!(parse_offset("+09:00"), Some(540));
        assert_eq!(parse_offset("-05:30"), Some(-330));
        assert_eq!(parse_offset("+0100"), Some(60));
        for bad in ["", "09:00", "+9:00", "+25:00", "+01:75", "+ab:cd"] {
            assert_eq!(parse_offset(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn degrees_minutes_seconds_become_degrees() {
        let r = |num, denom| exif::Rational { num, denom };
        let v = exif::Value::Rational(vec![r(21, 1), r(18, 1), r(3600, 100)]);
        assert!((sexagesimal(&v).unwrap() - 21.31).abs() < 1e-9);
        assert_eq!(sexagesimal(&exif::Value::Rational(vec![r(1, 0)])), None);
        assert_eq!(sexagesimal(&exif::Value::Rational(vec![])), None);
    }

    #[test]
    fn garbage_is_no_exif() {
        assert_eq!(read(b"not a photo"), Exif::default());
    }
}
