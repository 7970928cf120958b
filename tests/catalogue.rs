//! Every domain enum has distinct keys and codes and labels in both languages.

use std::collections::BTreeSet;

use techsales::catalogue::EnumKind;
use techsales::labels::Labelled;

#[test]
fn every_enum_in_the_catalogue_has_distinct_keys_codes_and_both_labels() {
    let mut kinds = BTreeSet::new();
    for kind in EnumKind::ALL {
        assert!(kinds.insert(kind.key()), "kind key {} repeated", kind.key());
        let values = kind.values();
        assert!(!values.is_empty(), "{} has no values", kind.key());
        let mut keys = BTreeSet::new();
        let mut codes = BTreeSet::new();
        for v in &values {
            assert!(keys.insert(v.key), "{}: key {} repeated", kind.key(), v.key);
            assert!(
                codes.insert(v.code),
                "{}: code {} repeated",
                kind.key(),
                v.code
            );
            assert!(
                !v.en.trim().is_empty() && !v.zh.trim().is_empty(),
                "{}.{} lacks a label",
                kind.key(),
                v.key
            );
            assert!(
                v.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{} is not snake_case",
                v.key
            );
            assert_eq!(kind.value(v.code), Some(*v));
        }
        let past_end = values.iter().map(|v| v.code).max().unwrap_or(0) + 1;
        assert_eq!(kind.value(past_end), None);
    }
}
