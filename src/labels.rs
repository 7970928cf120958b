//! Bilingual labels (English and Chinese) for every domain enum.
//!
//! Every enum the crate exposes carries a stable `snake_case` key (used in
//! JSON and CSV), a numeric code (used by the C ABI) and a label in each
//! [`Language`]. The [`labelled_enum!`](crate::labelled_enum) macro writes
//! all of these from one table so they cannot drift apart.

use serde::{Deserialize, Serialize};

/// A language the crate has labels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum Language {
    /// English.
    #[default]
    English = 0,
    /// Simplified Chinese.
    Chinese = 1,
}

/// A domain value with a stable key and labels in English and Chinese.
pub trait Labelled: Copy + 'static {
    /// Every value, in declaration order.
    fn all() -> &'static [Self];
    /// The numeric code (as used by the C ABI); never reused.
    fn code(&self) -> u32;
    /// The stable `snake_case` key, as it appears in JSON.
    fn key(&self) -> &'static str;
    /// The English label.
    fn label_en(&self) -> &'static str;
    /// The Chinese label.
    fn label_zh(&self) -> &'static str;
    /// The label in `language`.
    fn label(&self, language: Language) -> &'static str {
        match language {
            Language::English => self.label_en(),
            Language::Chinese => self.label_zh(),
        }
    }
}

/// Text that fills its column by the width it takes on screen, where a
/// Chinese character takes two columns: `format!("{:<10}", Cell(text))`
/// lines up in either language, while `String`'s own padding counts
/// characters. ASCII text comes out as the plain padding would.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell<'a>(pub &'a str);

impl std::fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::{Alignment, Write as _};
        let Some(target) = f.width() else {
            return f.write_str(self.0);
        };
        let pad = target.saturating_sub(unicode_width::UnicodeWidthStr::width(self.0));
        let (before, after) = match f.align() {
            Some(Alignment::Right) => (pad, 0),
            Some(Alignment::Center) => (pad / 2, pad - pad / 2),
            Some(Alignment::Left) | None => (0, pad),
        };
        let fill = f.fill();
        for _ in 0..before {
            f.write_char(fill)?;
        }
        f.write_str(self.0)?;
        for _ in 0..after {
            f.write_char(fill)?;
        }
        Ok(())
    }
}

/// A text shown to people, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Chinese.
    pub zh: &'static str,
}

impl Text {
    /// The text in `language`.
    pub fn get(&self, language: Language) -> &'static str {
        match language {
            Language::English => self.en,
            Language::Chinese => self.zh,
        }
    }
}

/// The error for a key that names no value of a labelled enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{given}`; expected one of: {expected}")]
pub struct UnknownKey {
    /// Which enum was being parsed.
    pub kind: &'static str,
    /// The key that was given.
    pub given: String,
    /// The valid keys, comma separated.
    pub expected: String,
}

/// Defines a fieldless domain enum with its key, code and both labels.
///
/// Each variant is written `Variant = code, "key" => ("English", "中文")`.
/// The enum gets `ALL`, `from_code`, `code`, `FromStr` (by key), `Display`
/// (English label) and [`Labelled`].
#[macro_export]
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal, $key:literal => ($en:literal, $zh:literal)
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[repr(u32)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $key)]
                $variant = $code,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value with this numeric code (as used by the C ABI).
            pub fn from_code(code: u32) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The numeric code (as used by the C ABI); never reused.
            pub fn code(self) -> u32 {
                self as u32
            }
        }

        impl $crate::labels::Labelled for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(&self) -> u32 {
                *self as u32
            }
            fn key(&self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }
            fn label_en(&self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }
            fn label_zh(&self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str($crate::labels::Labelled::label_en(self))
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::labels::UnknownKey;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($key => Ok($name::$variant),)+
                    _ => Err($crate::labels::UnknownKey {
                        kind: stringify!($name),
                        given: s.to_owned(),
                        expected: [$($key),+].join(", "),
                    }),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Cell;

    #[test]
    fn a_cell_pads_ascii_as_a_string_does() {
        for text in ["", "won", "a longer label than the width"] {
            assert_eq!(format!("{:<10}|", Cell(text)), format!("{text:<10}|"));
            assert_eq!(format!("{:>10}|", Cell(text)), format!("{text:>10}|"));
            assert_eq!(format!("{:^9}|", Cell(text)), format!("{text:^9}|"));
            assert_eq!(format!("{}|", Cell(text)), format!("{text}|"));
        }
    }

    #[test]
    fn a_cell_counts_a_chinese_character_as_two_columns() {
        // Four characters, eight columns wide: two spaces fill ten.
        assert_eq!(format!("{:<10}|", Cell("开发阶段")), "开发阶段  |");
        assert_eq!(format!("{:>10}|", Cell("开发阶段")), "  开发阶段|");
        assert_eq!(format!("{:<4}|", Cell("开发阶段")), "开发阶段|");
    }
}
