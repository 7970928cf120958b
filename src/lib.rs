//! # techsales
//!
//! The rules and state machines of technical B2B sales, for CRMs to enforce
//! and explain: which type a customer is (supplier assistance x customer
//! loyalty), which continuous-differentiation actions move it toward the
//! loyalty network, and (in the modules that follow) where each deal stands
//! in its sales process, whether it may move on, its grade and its win
//! probability.
//!
//! The CRM keeps the records; this crate holds the rules. Everything it
//! holds is serialisable with serde, and time always comes in as an
//! argument, so the same inputs always give the same answer.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use techsales::customer::{Customer, CustomerType, Scores, Thresholds};
//! use techsales::differentiation::{PlanInput, PlannerConfig};
//!
//! let at = Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap();
//! let thresholds = Thresholds::default();
//! let acme = Customer::from_scores("C-1", "Acme", Scores::new(72.0, 35.0)?, &thresholds, at)?;
//! assert_eq!(acme.customer_type(), CustomerType::Opportunity);
//!
//! let plan = PlannerConfig::default().plan(PlanInput {
//!     customer_type: acme.customer_type(),
//!     scores: acme.scores(),
//!     readiness: &acme.readiness,
//!     in_progress: &[],
//! });
//! // An opportunity customer lacks loyalty: every action raises it.
//! assert!(plan.recommendations().iter().all(|r| r.axis == techsales::customer::Axis::Loyalty));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]

/// A hash map with a fast, per-process seeded hasher, for the ids and names
/// that imports and checks look up by the million.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set with the hasher of [`FastMap`].
pub(crate) type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// Whether `text` is empty or only whitespace: the same answer as
/// `text.trim().is_empty()`. It runs on every journal entry, and most texts
/// start with a visible ASCII character, which settles it on the first byte
/// without a call.
#[inline(always)]
pub(crate) fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(byte) if byte.is_ascii_graphic() => false,
        _ => only_whitespace(text),
    }
}

/// The rest of [`is_blank`]: it stops at the first visible character.
#[inline(never)]
fn only_whitespace(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod blank_tests {
    use proptest::prelude::*;

    use super::is_blank;

    #[test]
    fn blank_texts_are_empty_or_only_whitespace() {
        for blank in [
            "",
            " ",
            "\t\n\u{b}\u{c}\r",
            "\u{85}\u{a0}",
            "\u{3000}",
            "\u{2028} ",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for filled in ["a", " a", "a ", "\u{1f}", "\u{200b}", "\u{3000}需求", "需"] {
            assert!(!is_blank(filled), "{filled:?}");
        }
    }

    proptest! {
        /// The blank test answers as `trim().is_empty()` does, whatever the
        /// mix of ASCII and Unicode whitespace and visible characters.
        #[test]
        fn blank_test_agrees_with_trim(chars in prop::collection::vec(
            prop::sample::select(vec![
                ' ', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{85}', '\u{a0}',
                '\u{200b}', '\u{2028}', '\u{3000}', 'a', '~', '需',
            ]),
            0..6,
        )) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(is_blank(&text), text.trim().is_empty());
        }
    }
}

pub mod catalogue;
pub mod config;
pub mod customer;
pub mod cycle;
pub mod differentiation;
pub mod ffi;
mod format;
pub mod grading;
pub mod journal;
pub mod key_account;
pub mod labels;
pub mod limits;
pub mod parallel;
pub mod portfolio;

pub use config::ConfigError;
pub use labels::{Labelled, Language, Text};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
