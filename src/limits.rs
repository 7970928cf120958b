//! The largest inputs the library accepts, and the check that holds JSON
//! text to them.
//!
//! A CRM hands the library whole documents, journals and column batches
//! that it did not write itself. Each limit below is far above what a real
//! book of deals needs and low enough that no input can exhaust the stack
//! or make the library allocate a size the caller merely claims. Beyond a
//! limit the input is refused with its own [`LimitError`], before any of
//! it is used.
//!
//! The C ABI holds every JSON text it is given to [`check_json`]; the
//! portfolio is held to [`MAX_PORTFOLIO_BYTES`] and the same checks.
//!
//! ```
//! use techsales::limits::{check_json, LimitError, MAX_NESTING_DEPTH};
//!
//! assert!(check_json(r#"{"id": "O-1", "notes": ["first call"]}"#).is_ok());
//! let deep = "[".repeat(MAX_NESTING_DEPTH + 1);
//! assert!(matches!(check_json(&deep), Err(LimitError::TooDeep { .. })));
//! let nul = r#"{"id": "O-\u0000"}"#;
//! assert!(matches!(check_json(nul), Err(LimitError::NulInText { .. })));
//! ```

/// The largest JSON text, in bytes, for one deal, sale, customer, journal
/// entry or configuration.
pub const MAX_JSON_BYTES: usize = 64 << 20;

/// The largest portfolio document, in bytes (a million deals with their
/// journals take about 2.2 GB).
pub const MAX_PORTFOLIO_BYTES: usize = 4 << 30;

/// The deepest nesting of arrays and objects in a JSON text. The documents
/// themselves nest less than 16 deep.
pub const MAX_NESTING_DEPTH: usize = 64;

/// The longest text field (a JSON string as written, escapes included), in
/// bytes.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// The most rows one call of column-batch grading takes.
pub const MAX_BATCH_ROWS: usize = 1 << 30;

/// The most buying influences (contacts) one key-account deal holds.
pub const MAX_CONTACTS: usize = 1_000;

/// The most objections one iteration of a technical sale holds.
pub const MAX_OBJECTIONS: usize = 1_000;

/// Why an input was refused for its size or shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// The text is longer than the limit.
    #[error("the JSON text is {bytes} bytes long; at most {limit} are accepted")]
    TooLarge {
        /// The text's length in bytes.
        bytes: usize,
        /// The limit in force.
        limit: usize,
    },
    /// Arrays and objects nest deeper than [`MAX_NESTING_DEPTH`].
    #[error(
        "the JSON text nests deeper than {} levels (at byte {at_byte})",
        MAX_NESTING_DEPTH
    )]
    TooDeep {
        /// Where the level beyond the limit opens.
        at_byte: usize,
    },
    /// A string is longer than [`MAX_TEXT_BYTES`].
    #[error(
        "a text field starting at byte {at_byte} is longer than {} bytes",
        MAX_TEXT_BYTES
    )]
    TextTooLong {
        /// Where the string starts.
        at_byte: usize,
    },
    /// A string holds U+0000, which no C string can give back.
    #[error("a text field holds the NUL character (U+0000) at byte {at_byte}")]
    NulInText {
        /// Where the `\u0000` escape starts.
        at_byte: usize,
    },
    /// A batch has more rows than [`MAX_BATCH_ROWS`].
    #[error("a batch of {rows} rows; at most {} are accepted", MAX_BATCH_ROWS)]
    TooManyRows {
        /// The rows given.
        rows: usize,
    },
}

/// Checks JSON text against [`MAX_JSON_BYTES`], [`MAX_NESTING_DEPTH`],
/// [`MAX_TEXT_BYTES`] and for NUL in any string, in one pass. Anything
/// else wrong with the text is left for the JSON parser to report.
pub fn check_json(text: &str) -> Result<(), LimitError> {
    check_json_within(text.as_bytes(), MAX_JSON_BYTES)
}

/// [`check_json`] with another size limit.
pub(crate) fn check_json_within(text: &[u8], limit: usize) -> Result<(), LimitError> {
    if text.len() > limit {
        return Err(LimitError::TooLarge {
            bytes: text.len(),
            limit,
        });
    }
    let mut depth = 0usize;
    let mut at = 0usize;
    while let Some(&byte) = text.get(at) {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Err(LimitError::TooDeep { at_byte: at });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' => {
                at = string_end(text, at)?;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    Ok(())
}

/// The position after the string that opens at `start` (or the end of the
/// text, for a string left open), checking its length and for NUL.
fn string_end(text: &[u8], start: usize) -> Result<usize, LimitError> {
    let mut at = start + 1;
    while let Some(&byte) = text.get(at) {
        // The bytes between the opening quote and this one.
        if at - start - 1 > MAX_TEXT_BYTES {
            return Err(LimitError::TextTooLong { at_byte: start });
        }
        match byte {
            b'"' => return Ok(at + 1),
            b'\\' => {
                if text.get(at + 1) == Some(&b'u') && is_nul_escape(text.get(at + 2..at + 6)) {
                    return Err(LimitError::NulInText { at_byte: at });
                }
                at += 2;
            }
            _ => at += 1,
        }
    }
    Ok(text.len())
}

fn is_nul_escape(hex: Option<&[u8]>) -> bool {
    hex == Some(b"0000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escaped_backslash_before_u0000_is_no_nul() {
        assert_eq!(check_json(r#"["a\\u0000"]"#), Ok(()));
        assert_eq!(
            check_json(r#"["a\\\u0000"]"#),
            Err(LimitError::NulInText { at_byte: 5 })
        );
    }

    #[test]
    fn brackets_inside_strings_do_not_nest() {
        let text = format!("[\"{}\"]", "[".repeat(MAX_NESTING_DEPTH * 2));
        assert_eq!(check_json(&text), Ok(()));
    }

    #[test]
    fn each_limit_has_its_own_error() {
        let at_limit = "[".repeat(MAX_NESTING_DEPTH);
        assert_eq!(check_json(&at_limit), Ok(()));
        let long = format!("\"{}\"", "x".repeat(MAX_TEXT_BYTES));
        assert_eq!(check_json(&long), Ok(()));
        let too_long = format!("[\"{}\"]", "x".repeat(MAX_TEXT_BYTES + 1));
        assert_eq!(
            check_json(&too_long),
            Err(LimitError::TextTooLong { at_byte: 1 })
        );
        assert_eq!(
            check_json_within(b"[1, 2]", 5),
            Err(LimitError::TooLarge { bytes: 6, limit: 5 })
        );
    }
}
