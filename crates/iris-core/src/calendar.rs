//! Calendar arithmetic on the catalog's clock, where a photo's date is its camera's local wall
//! time read as UTC (see [`crate::exif_meta`]): days since the epoch, the periods a search's
//! `after:`/`before:` name (a year, a month or a day), and the date words of the keyword index
//! (year, month name, season).

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day since the epoch; the inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    let next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, i64::from(m) + 1, 1)
    };
    (next - days_from_civil(y, i64::from(m), 1)) as u32
}

/// A year, a month or a day, as the half-open span of seconds `[start, end)` it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

/// Reads `2019`, `2019-07` or `2019-07-14` (also with `/` or `.` between the parts).
pub fn parse_period(text: &str) -> Option<Period> {
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    let first: &str = parts.first()?;
    let year = number(first, 4..=4)?;
    let day_start = |y, m, d| days_from_civil(y, m, d) * 86_400;
    match parts[1..] {
        [] => Some(Period {
            start: day_start(year, 1, 1),
            end: day_start(year + 1, 1, 1),
        }),
        [month] => {
            let m = number(month, 1..=2).filter(|m| (1..=12).contains(m))?;
            let end = if m == 12 {
                day_start(year + 1, 1, 1)
            } else {
                day_start(year, m + 1, 1)
            };
            Some(Period {
                start: day_start(year, m, 1),
                end,
            })
        }
        [month, day] => {
            let m = number(month, 1..=2).filter(|m| (1..=12).contains(m))?;
            let d = number(day, 1..=2)
                .filter(|d| *d >= 1 && *d <= i64::from(days_in_month(year, m as u32)))?;
            let start = day_start(year, m, d);
            Some(Period {
                start,
                end: start + 86_400,
            })
        }
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The season of a month where the photo was taken: meteorological seasons, turned round
/// south of the equator (a July photo in Sydney is winter); north when the place is unknown.
fn season(month: u32, southern: bool) -> &'static str {
    const NORTH: [&str; 4] = ["winter", "spring", "summer", "autumn"];
    let index = (month % 12 / 3) as usize;
    NORTH[if southern { (index + 2) % 4 } else { index }]
}

/// The words a date is found by: its year, its month's name and its season ("2019 july
/// summer"). `lat` is where it was taken, if known.
pub(crate) fn date_words(seconds: i64, lat: Option<f64>) -> String {
    let (y, m, _) = civil_from_days(seconds.div_euclid(86_400));
    let southern = lat.is_some_and(|l| l < 0.0);
    format!("{y} {} {}", MONTHS[m as usize - 1], season(m, southern))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_convert_to_epoch_days_and_back() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        for days in [-800_000, -1, 0, 11_016, 19_782, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m.into(), d.into()), days);
        }
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn periods_are_a_year_a_month_or_a_day() {
        let day = |y, m, d| days_from_civil(y, m, d) * 86_400;
        assert_eq!(
            parse_period("2019"),
            Some(Period {
                start: day(2019, 1, 1),
                end: day(2020, 1, 1)
            })
        );
        assert_eq!(
            parse_period("2019-12"),
            Some(Period {
                start: day(2019, 12, 1),
                end: day(2020, 1, 1)
            })
        );
        assert_eq!(parse_period("2019/7").unwrap().start, day(2019, 7, 1));
        assert_eq!(
            parse_period("2024-02-29"),
            Some(Period {
                start: day(2024, 2, 29),
                end: day(2024, 3, 1)
            })
        );
        for bad in [
            "",
            "19",
            "2019-13",
            "2019-00",
            "2023-02-29",
            "2019-07-32",
            "2019-07-14-1",
            "20x9",
            "2019-",
            "yesterday",
        ] {
            assert_eq!(parse_period(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn date_words_name_the_year_month_and_the_local_season() {
        let july = days_from_civil(2019, 7, 14) * 86_400 + 3600;
        assert_eq!(date_words(july, None), "2019 july summer");
        assert_eq!(date_words(july, Some(-33.9)), "2019 july winter");
        let december = days_from_civil(2018, 12, 31) * 86_400;
        assert_eq!(date_words(december, Some(48.0)), "2018 december winter");
        assert_eq!(
            date_words(days_from_civil(2020, 4, 1) * 86_400, None),
            "2020 april spring"
        );
    }
}
