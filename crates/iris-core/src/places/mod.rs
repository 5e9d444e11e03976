//! GPS to place names, offline: the nearest GeoNames place of 1000+ people (the table the
//! reverse_geocoder crate carries, CC BY 4.0, loaded once per process on the first photo with
//! a position) gives city, region and country. No network call, ever.

use reverse_geocoder::ReverseGeocoder;
use std::sync::OnceLock;

/// Within this distance of the nearest place, the photo is in that city.
const CITY_KM: f64 = 25.0;
/// Within this distance, it is still in that place's region and country (countryside, parks);
/// beyond it (at sea, on the ice), no place is claimed.
const REGION_KM: f64 = 150.0;
const EARTH_RADIUS_KM: f64 = 6371.0;

/// Where a photo was taken, in words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
}

impl Place {
    /// "Honolulu, Hawaii, United States", leaving out what is unknown.
    pub fn label(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.city, &self.region, &self.country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

fn geocoder() -> &'static ReverseGeocoder {
    static GEOCODER: OnceLock<ReverseGeocoder> = OnceLock::new();
    GEOCODER.get_or_init(ReverseGeocoder::new)
}

/// The country's name by its ISO 3166-1 alpha-2 code (the code itself when unknown).
fn country_name(code: &str) -> String {
    include_str!("countries.tsv")
        .lines()
        .find_map(|line| line.strip_prefix(code).and_then(|r| r.strip_prefix('\t')))
        .unwrap_or(code)
        .to_string()
}

/// The place at a position, or None far from any (or for a position that is not one).
pub fn place_of(lat: f64, lon: f64) -> Option<Place> {
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return None;
    }
    let nearest = geocoder().search((lat, lon));
    // The tree measures squared chords on the unit sphere.
    let chord = nearest.distance.max(0.0).sqrt();
    let km = 2.0 * (chord / 2.0).min(1.0).asin() * EARTH_RADIUS_KM;
    if km > REGION_KM {
        return None;
    }
    let record = nearest.record;
    let named = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    Some(Place {
        city: (km <= CITY_KM).then(|| named(&record.name)).flatten(),
        region: named(&record.admin1),
        country: named(&record.cc).map(|cc| country_name(&cc)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_city_region_and_country() {
        let honolulu = place_of(21.3069, -157.8583).unwrap();
        assert_eq!(honolulu.label().unwrap(), "Honolulu, Hawaii, United States");
        let kyoto = place_of(35.0116, 135.7681).unwrap();
        assert_eq!(kyoto.country.as_deref(), Some("Japan"));
        assert!(kyoto.city.is_some());
    }

    #[test]
    fn the_open_sea_and_non_positions_are_no_place() {
        assert_eq!(place_of(-40.0, -120.0), None, "the South Pacific");
        assert_eq!(place_of(f64::NAN, 0.0), None);
        assert_eq!(place_of(91.0, 0.0), None);
    }

    #[test]
    fn country_codes_read_as_names_people_use() {
        assert_eq!(country_name("US"), "United States");
        assert_eq!(country_name("KR"), "South Korea");
        assert_eq!(country_name("ZZ"), "ZZ");
    }
}
