//! The grade table: from estimated transaction time and transaction
//! possibility to a grade A-D.
//!
//! The table has one band for each of A, B and C. A band is a time horizon
//! (the expected close date no later than `within` days or months after the
//! as-of date) and a possibility band (at least `min_possibility`, 0-1). An
//! opportunity gets the first band, A then B then C, that holds it, and D
//! otherwise.
//!
//! Defaults (choice, from the source's A-D meaning):
//!
//! | grade | closes within | possibility at least |
//! |---|---|---|
//! | A | 3 months | 0.7 |
//! | B | 6 months | 0.5 |
//! | C | 12 months | 0.3 |
//! | D | otherwise | |
//!
//! Months are calendar months from the as-of date (31 January + 1 month is
//! 28 or 29 February). Horizons must not shrink and minimum possibilities
//! must not rise from A to C, and no band may repeat the one before it; so
//! each band holds the one before it, and bringing the close date nearer or
//! raising the possibility can never lower a grade.
//!
//! A close date before the as-of date is refused by default (choice): the
//! deal should already have closed, so the record is stale and must be
//! updated before it can be graded. With `allow_past_close_date` it counts
//! as closing now.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::config::{check_range, ConfigError, Validate};
use crate::labelled_enum;

use super::Grade;

/// The longest horizon in days (about 100 years).
pub const MAX_DAYS: u32 = 36_525;
/// The longest horizon in months (100 years).
pub const MAX_MONTHS: u32 = 1_200;

labelled_enum! {
    /// The unit of the table's time horizons.
    pub enum HorizonUnit {
        /// Calendar days.
        Days = 0, "days" => ("days", "天"),
        /// Calendar months from the as-of date.
        Months = 1, "months" => ("months", "个月"),
    }
}

/// The day number of `date` (days from the start of the common era, as
/// [`Datelike::num_days_from_ce`]): the close-date column of a batch.
pub fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The day numbers of 1 January for a run of years around a date: a batch
/// turns a close date into its [`day_number`] with a table load instead of
/// calendar arithmetic, and falls back to the arithmetic outside the run.
#[derive(Debug, Clone)]
pub(crate) struct YearStarts {
    first_year: i32,
    /// `day_number` of 1 January of each year from `first_year`.
    starts: [i32; YEAR_STARTS],
}

/// Years in a [`YearStarts`] table.
const YEAR_STARTS: usize = 128;

impl YearStarts {
    /// The table for the years around `date`, kept within the years chrono
    /// can represent.
    pub(crate) fn around(date: NaiveDate) -> Self {
        let half = YEAR_STARTS as i32 / 2;
        let first_year = date
            .year()
            .saturating_sub(half)
            .clamp(NaiveDate::MIN.year() + 1, NaiveDate::MAX.year() - 2 * half);
        let mut starts = [0; YEAR_STARTS];
        for (year, start) in (first_year..).zip(starts.iter_mut()) {
            *start = NaiveDate::from_yo_opt(year, 1).map_or(i32::MIN, day_number);
        }
        YearStarts { first_year, starts }
    }

    /// The [`day_number`] of `date`.
    #[inline(always)]
    pub(crate) fn day_number(&self, date: NaiveDate) -> i32 {
        // A year before the first wraps around to a large offset, which
        // finds no entry.
        let offset = date.year().wrapping_sub(self.first_year) as u32 as usize;
        match self.starts.get(offset) {
            // Every year of the table starts on a date chrono represents,
            // so this adds at most 365 to a valid day number.
            Some(&start) => start.wrapping_add(date.ordinal0() as i32),
            None => day_number(date),
        }
    }
}

/// The date of a day number, if it is within chrono's range.
pub fn date_from_day_number(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day)
}

/// One band of the table: a time horizon and a minimum possibility.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// The expected close date is at most this many units after the as-of
    /// date.
    pub within: u32,
    /// The transaction possibility is at least this (0-1).
    pub min_possibility: f64,
}

/// The table of time horizons and possibility bands that gives the grade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GradeTable {
    /// The unit of every band's `within`.
    pub unit: HorizonUnit,
    /// Grade A's band.
    pub a: GradeBand,
    /// Grade B's band.
    pub b: GradeBand,
    /// Grade C's band.
    pub c: GradeBand,
    /// Whether a close date before the as-of date is graded (as closing
    /// now) instead of refused.
    pub allow_past_close_date: bool,
}

impl Default for GradeTable {
    fn default() -> Self {
        GradeTable {
            unit: HorizonUnit::Months,
            a: GradeBand {
                within: 3,
                min_possibility: 0.7,
            },
            b: GradeBand {
                within: 6,
                min_possibility: 0.5,
            },
            c: GradeBand {
                within: 12,
                min_possibility: 0.3,
            },
            allow_past_close_date: false,
        }
    }
}

impl Validate for GradeTable {
    fn validate(&self) -> Result<(), ConfigError> {
        let max = match self.unit {
            HorizonUnit::Days => MAX_DAYS,
            HorizonUnit::Months => MAX_MONTHS,
        };
        let unit = crate::labels::Labelled::key(&self.unit);
        for (grade, band) in self.bands() {
            let name = grade_key(grade);
            if band.within > max {
                return Err(ConfigError::invalid(
                    format!("{name}.within"),
                    format!("{} {unit} is longer than the {max} allowed", band.within),
                ));
            }
            check_range(
                &format!("{name}.min_possibility"),
                band.min_possibility,
                0.0,
                1.0,
            )?;
        }
        let pairs = [
            (Grade::A, &self.a, Grade::B, &self.b),
            (Grade::B, &self.b, Grade::C, &self.c),
        ];
        for (better, earlier, worse, later) in pairs {
            let (b, w) = (grade_key(better), grade_key(worse));
            if later.within < earlier.within {
                return Err(ConfigError::invalid(
                    format!("{w}.within"),
                    format!(
                        "unordered: {} {unit} is shorter than {b}'s {}; horizons must not shrink from A to C",
                        later.within, earlier.within
                    ),
                ));
            }
            if later.min_possibility > earlier.min_possibility {
                return Err(ConfigError::invalid(
                    format!("{w}.min_possibility"),
                    format!(
                        "unordered: {} is above {b}'s {}; minimum possibilities must not rise from A to C",
                        later.min_possibility, earlier.min_possibility
                    ),
                ));
            }
            if later.within == earlier.within && later.min_possibility == earlier.min_possibility {
                return Err(ConfigError::invalid(
                    w,
                    format!("overlapping: the same band as {b}, so {w} could never be given"),
                ));
            }
        }
        Ok(())
    }
}

fn grade_key(grade: Grade) -> &'static str {
    crate::labels::Labelled::key(&grade)
}

impl GradeTable {
    /// Loads a table from JSON; missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// The bands with their grades, A first.
    pub fn bands(&self) -> [(Grade, GradeBand); 3] {
        [(Grade::A, self.a), (Grade::B, self.b), (Grade::C, self.c)]
    }

    /// The band of `grade`, or `None` for D (which has none).
    pub fn band(&self, grade: Grade) -> Option<GradeBand> {
        match grade {
            Grade::A => Some(self.a),
            Grade::B => Some(self.b),
            Grade::C => Some(self.c),
            Grade::D => None,
        }
    }

    /// How many days after `as_of` the horizon of `band` ends; `None` when
    /// it falls beyond the last date chrono can represent (no limit).
    pub fn horizon_days(&self, band: &GradeBand, as_of: NaiveDate) -> Option<i64> {
        match self.unit {
            HorizonUnit::Days => Some(i64::from(band.within)),
            HorizonUnit::Months => as_of
                .checked_add_months(Months::new(band.within))
                .map(|end| end.signed_duration_since(as_of).num_days()),
        }
    }
}

/// The table reduced to day numbers for one as-of date, so that grading is
/// a handful of comparisons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CompiledTable {
    pub(crate) as_of: NaiveDate,
    pub(crate) as_of_day: i32,
    /// The last close day of each band, A, B, C.
    pub(crate) last_close_day: [i32; 3],
    pub(crate) min_possibility: [f64; 3],
    pub(crate) allow_past_close_date: bool,
}

impl CompiledTable {
    /// Compiles a table that has passed [`Validate`] for `as_of`.
    pub(crate) fn new(table: &GradeTable, as_of: NaiveDate) -> Self {
        let as_of_day = day_number(as_of);
        let bands = table.bands();
        let last_close_day = bands.map(|(_, band)| {
            let end = table
                .horizon_days(&band, as_of)
                .map_or(i64::MAX, |days| i64::from(as_of_day).saturating_add(days));
            i32::try_from(end).unwrap_or(i32::MAX)
        });
        CompiledTable {
            as_of,
            as_of_day,
            last_close_day,
            min_possibility: bands.map(|(_, band)| band.min_possibility),
            allow_past_close_date: table.allow_past_close_date,
        }
    }

    /// The table's limits as doubles, for loops over doubles (a batch).
    #[inline(always)]
    pub(crate) fn in_doubles(&self) -> TableInDoubles {
        TableInDoubles {
            refused_before: if self.allow_past_close_date {
                f64::NEG_INFINITY
            } else {
                f64::from(self.as_of_day)
            },
            last_close_day: self.last_close_day.map(f64::from),
            min_possibility: self.min_possibility,
        }
    }

    /// Whether `close_day` is refused as being in the past.
    pub(crate) fn refuses(&self, close_day: i32) -> bool {
        self.in_doubles().refuses(f64::from(close_day))
    }

    /// How many bands hold the opportunity (0-3); see
    /// [`TableInDoubles::bands_held`].
    pub(crate) fn bands_held(&self, close_day: i32, possibility: f64) -> u8 {
        self.in_doubles()
            .bands_held(f64::from(close_day), possibility) as u8
    }

    /// The grade for a valid close day and possibility.
    pub(crate) fn grade(&self, close_day: i32, possibility: f64) -> Grade {
        match self.bands_held(close_day, possibility) {
            3 => Grade::A,
            2 => Grade::B,
            1 => Grade::C,
            _ => Grade::D,
        }
    }
}

/// A [`CompiledTable`]'s limits as doubles: every `i32` day converts
/// exactly, so a batch can compare close days in the same registers as
/// possibilities, two rows at a time, with no branch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableInDoubles {
    /// Close days before this are refused (minus infinity when the table
    /// allows past close dates).
    refused_before: f64,
    /// The last close day of each band, A, B, C.
    last_close_day: [f64; 3],
    min_possibility: [f64; 3],
}

impl TableInDoubles {
    /// Whether `close_day` (a day number as a double) is refused as being
    /// in the past.
    #[inline(always)]
    pub(crate) fn refuses(self, close_day: f64) -> bool {
        close_day < self.refused_before
    }

    /// How many bands hold the opportunity (0-3, as a double). The bands
    /// are nested (each holds the one before it), so this count gives the
    /// first band that does, without branching: 3 is A, 2 B, 1 C, 0 D.
    #[inline(always)]
    pub(crate) fn bands_held(self, close_day: f64, possibility: f64) -> f64 {
        let mut held = 0.0;
        for (&last, &min) in self.last_close_day.iter().zip(&self.min_possibility) {
            held += if (close_day <= last) & (possibility >= min) {
                1.0
            } else {
                0.0
            };
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn year_starts_give_the_day_number_of_every_date() {
        let centre = date(2026, 12, 4);
        let starts = YearStarts::around(centre);
        let mut day = date(1950, 1, 1);
        while day < date(2100, 12, 31) {
            assert_eq!(starts.day_number(day), day_number(day), "{day}");
            day = day.succ_opt().unwrap();
        }
        for far in [
            NaiveDate::MIN,
            NaiveDate::MAX,
            date(1, 1, 1),
            date(-500, 3, 1),
        ] {
            assert_eq!(starts.day_number(far), day_number(far), "{far}");
        }
        let edge = YearStarts::around(NaiveDate::MAX);
        assert_eq!(edge.day_number(NaiveDate::MAX), day_number(NaiveDate::MAX));
        let edge = YearStarts::around(NaiveDate::MIN);
        assert_eq!(edge.day_number(NaiveDate::MIN), day_number(NaiveDate::MIN));
    }

    fn grade(table: &GradeTable, as_of: NaiveDate, close: NaiveDate, p: f64) -> Grade {
        CompiledTable::new(table, as_of).grade(day_number(close), p)
    }

    #[test]
    fn default_table_on_its_edges() {
        let table = GradeTable::default();
        assert_eq!(table.validate(), Ok(()));
        let as_of = date(2026, 1, 15);
        assert_eq!(grade(&table, as_of, date(2026, 4, 15), 0.7), Grade::A);
        assert_eq!(grade(&table, as_of, date(2026, 4, 16), 0.7), Grade::B);
        assert_eq!(grade(&table, as_of, date(2026, 4, 15), 0.69), Grade::B);
        assert_eq!(grade(&table, as_of, date(2026, 7, 15), 0.5), Grade::B);
        assert_eq!(grade(&table, as_of, date(2026, 7, 16), 0.5), Grade::C);
        assert_eq!(grade(&table, as_of, date(2027, 1, 15), 0.3), Grade::C);
        assert_eq!(grade(&table, as_of, date(2027, 1, 16), 0.9), Grade::D);
        assert_eq!(grade(&table, as_of, date(2026, 2, 1), 0.29), Grade::D);
    }

    #[test]
    fn months_are_calendar_months() {
        let table = GradeTable::default();
        let as_of = date(2026, 11, 30);
        // 30 November + 3 months is 28 February.
        assert_eq!(table.horizon_days(&table.a, as_of), Some(90));
        assert_eq!(grade(&table, as_of, date(2027, 2, 28), 0.8), Grade::A);
        assert_eq!(grade(&table, as_of, date(2027, 3, 1), 0.8), Grade::B);
    }

    #[test]
    fn past_close_dates_refused_unless_allowed() {
        let as_of = date(2026, 1, 15);
        let mut table = GradeTable::default();
        let compiled = CompiledTable::new(&table, as_of);
        assert!(compiled.refuses(day_number(date(2026, 1, 14))));
        assert!(!compiled.refuses(day_number(as_of)));
        table.allow_past_close_date = true;
        let compiled = CompiledTable::new(&table, as_of);
        assert!(!compiled.refuses(day_number(date(2020, 1, 1))));
        assert_eq!(compiled.grade(day_number(date(2020, 1, 1)), 0.8), Grade::A);
    }

    #[test]
    fn refusals_name_the_field() {
        let field = |json: &str| match GradeTable::from_json(json) {
            Err(ConfigError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        };
        assert_eq!(
            field(r#"{"b": {"within": 2, "min_possibility": 0.5}}"#),
            "b.within"
        );
        assert_eq!(
            field(r#"{"c": {"within": 12, "min_possibility": 0.6}}"#),
            "c.min_possibility"
        );
        assert_eq!(
            field(r#"{"b": {"within": 3, "min_possibility": 0.7}}"#),
            "b"
        );
        assert_eq!(
            field(r#"{"a": {"within": 3, "min_possibility": 1.5}}"#),
            "a.min_possibility"
        );
        assert_eq!(
            field(
                r#"{"unit": "days", "a": {"within": 90, "min_possibility": 0.7}, "b": {"within": 180, "min_possibility": 0.5}, "c": {"within": 40000, "min_possibility": 0.3}}"#
            ),
            "c.within"
        );
    }

    #[test]
    fn a_table_in_days_loads() {
        let table = GradeTable::from_json(
            r#"{"unit": "days", "a": {"within": 30, "min_possibility": 0.8}, "b": {"within": 90, "min_possibility": 0.6}, "c": {"within": 365, "min_possibility": 0.2}, "allow_past_close_date": true}"#,
        )
        .unwrap();
        let as_of = date(2026, 1, 1);
        assert_eq!(grade(&table, as_of, date(2026, 1, 31), 0.8), Grade::A);
        assert_eq!(grade(&table, as_of, date(2026, 2, 1), 0.8), Grade::B);
    }
}
