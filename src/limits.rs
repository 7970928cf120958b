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
    /// A text read from a stream goes on past the limit.
    #[error("the JSON text is longer than {limit} bytes, the most accepted")]
    LongerThan {
        /// The limit in force.
        limit: usize,
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
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return blocks::check(text);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return scan_from(text, 0, 0);
}

/// The byte-by-byte check of `text` from `at`, outside any string, at
/// nesting `depth`: the reference the faster scans give the same result as.
fn scan_from(text: &[u8], mut at: usize, mut depth: usize) -> Result<(), LimitError> {
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

/// The check of [`scan_from`], 64 bytes at a time: a mask of the bytes that
/// matter (quotes, backslashes, brackets) is built with SSE2, which every
/// x86-64 processor has, and only those bytes are looked at. A string with
/// an escape, a string too long and a string left open are handed to
/// [`string_end`], so that every error is the byte-by-byte scan's.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod blocks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    use super::{scan_from, string_end, LimitError, MAX_NESTING_DEPTH, MAX_TEXT_BYTES};

    pub(super) const BLOCK: usize = 64;

    /// Bit `i` set when byte `i` of `block` is a quote, a backslash or a
    /// bracket.
    #[allow(unsafe_code)]
    pub(super) fn special(block: &[u8; BLOCK]) -> u64 {
        let mut mask = 0u64;
        // SAFETY: SSE2 is enabled (this module is built only then), and
        // each unaligned load reads 16 of the 64 bytes `block` borrows.
        unsafe {
            let [quote, backslash, open_square, close_square, open_curly, close_curly] =
                [b'"', b'\\', b'[', b']', b'{', b'}'].map(|b| _mm_set1_epi8(b as i8));
            for i in 0..BLOCK / 16 {
                let bytes = _mm_loadu_si128(block.as_ptr().add(16 * i).cast::<__m128i>());
                let text = _mm_or_si128(
                    _mm_cmpeq_epi8(bytes, quote),
                    _mm_cmpeq_epi8(bytes, backslash),
                );
                let square = _mm_or_si128(
                    _mm_cmpeq_epi8(bytes, open_square),
                    _mm_cmpeq_epi8(bytes, close_square),
                );
                let curly = _mm_or_si128(
                    _mm_cmpeq_epi8(bytes, open_curly),
                    _mm_cmpeq_epi8(bytes, close_curly),
                );
                let hits = _mm_or_si128(text, _mm_or_si128(square, curly));
                mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * i);
            }
        }
        mask
    }

    pub(super) fn check(text: &[u8]) -> Result<(), LimitError> {
        let mut depth = 0usize;
        // The opening quote of the string the scan is in.
        let mut open: Option<usize> = None;
        let mut base = 0usize;
        'blocks: while let Some(block) = text
            .get(base..base + BLOCK)
            .and_then(|b| <&[u8; BLOCK]>::try_from(b).ok())
        {
            let mut mask = special(block);
            while mask != 0 {
                let offset = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let at = base + offset;
                let byte = block[offset];
                match (open, byte) {
                    (Some(start), b'"') => {
                        if at - start - 1 > MAX_TEXT_BYTES {
                            string_end(text, start)?;
                        }
                        open = None;
                    }
                    (Some(start), b'\\') => {
                        // Rare: the byte-by-byte scan finishes the string.
                        base = string_end(text, start)?;
                        open = None;
                        continue 'blocks;
                    }
                    (Some(_), _) => {}
                    (None, b'"') => open = Some(at),
                    (None, b'[' | b'{') => {
                        depth += 1;
                        if depth > MAX_NESTING_DEPTH {
                            return Err(LimitError::TooDeep { at_byte: at });
                        }
                    }
                    (None, b']' | b'}') => depth = depth.saturating_sub(1),
                    (None, _) => {}
                }
            }
            base += BLOCK;
        }
        // The tail, shorter than a block, byte by byte.
        if let Some(start) = open {
            base = string_end(text, start)?;
        }
        scan_from(text, base, depth)
    }
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

/// A reader that holds the JSON text passing through it to the limits of
/// [`check_json`] (with its own size limit) as it is read, without keeping
/// it: the first read past a limit fails with the [`LimitError`] as its
/// inner error (see [`LimitError::from_io`]).
pub(crate) struct LimitedJson<R> {
    inner: R,
    limit: usize,
    /// Bytes read so far: the position of the next one.
    at: usize,
    depth: usize,
    scan: Scan,
}

/// Where the scan of [`LimitedJson`] stands.
#[derive(Clone, Copy)]
enum Scan {
    /// Outside any string.
    Structure,
    /// In the string opened at `start`.
    Text { start: usize },
    /// Just after a backslash in the string opened at `start`.
    Escape { start: usize, backslash: usize },
    /// After `\u` and `zeros` zeros of a possible `\u0000`.
    Unicode {
        start: usize,
        backslash: usize,
        zeros: u8,
    },
}

impl<R> LimitedJson<R> {
    /// `inner` held to at most `limit` bytes and the other limits.
    pub(crate) fn new(inner: R, limit: usize) -> Self {
        LimitedJson {
            inner,
            limit,
            at: 0,
            depth: 0,
            scan: Scan::Structure,
        }
    }

    fn check(&mut self, bytes: &[u8]) -> Result<(), LimitError> {
        if bytes.len() > self.limit - self.at {
            return Err(LimitError::LongerThan { limit: self.limit });
        }
        let mut i = 0;
        while let Some(&byte) = bytes.get(i) {
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            if matches!(self.scan, Scan::Structure | Scan::Text { .. }) {
                let block = bytes.get(i..i + blocks::BLOCK);
                if let Some(block) = block.and_then(|b| <&[u8; blocks::BLOCK]>::try_from(b).ok()) {
                    i += self.check_block(block)?;
                    continue;
                }
            }
            self.scan = self.step(byte)?;
            self.at += 1;
            i += 1;
        }
        Ok(())
    }

    /// Checks the bytes of `block` that matter (see [`blocks`]) with
    /// [`step`](Self::step), and how many bytes of it were checked: all of
    /// them, or those up to an escape, whose next bytes the caller takes
    /// one by one. Between two such bytes nothing changes but the length
    /// of a string, which the next one checked (or the block's last byte)
    /// is the furthest of, so the errors are those of a byte-by-byte scan.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn check_block(&mut self, block: &[u8; blocks::BLOCK]) -> Result<usize, LimitError> {
        let base = self.at;
        let mut mask = blocks::special(block);
        while mask != 0 {
            let offset = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            self.at = base + offset;
            self.scan = self.step(block[offset])?;
            self.at += 1;
            if !matches!(self.scan, Scan::Structure | Scan::Text { .. }) {
                return Ok(offset + 1);
            }
        }
        let last = base + blocks::BLOCK - 1;
        if let Scan::Text { start } = self.scan {
            if last > start + 1 + MAX_TEXT_BYTES {
                return Err(LimitError::TextTooLong { at_byte: start });
            }
        }
        self.at = last + 1;
        Ok(blocks::BLOCK)
    }

    /// The scan after `byte`, read at `self.at`; the same rules as
    /// [`check_json_within`].
    fn step(&mut self, byte: u8) -> Result<Scan, LimitError> {
        let at = self.at;
        let in_text = |start: usize, byte: u8| -> Result<Scan, LimitError> {
            if at - start - 1 > MAX_TEXT_BYTES {
                return Err(LimitError::TextTooLong { at_byte: start });
            }
            Ok(match byte {
                b'"' => Scan::Structure,
                b'\\' => Scan::Escape {
                    start,
                    backslash: at,
                },
                _ => Scan::Text { start },
            })
        };
        match self.scan {
            Scan::Structure => {
                match byte {
                    b'[' | b'{' => {
                        self.depth += 1;
                        if self.depth > MAX_NESTING_DEPTH {
                            return Err(LimitError::TooDeep { at_byte: at });
                        }
                    }
                    b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                    b'"' => return Ok(Scan::Text { start: at }),
                    _ => {}
                }
                Ok(Scan::Structure)
            }
            Scan::Text { start } => in_text(start, byte),
            Scan::Escape { start, backslash } => Ok(if byte == b'u' {
                Scan::Unicode {
                    start,
                    backslash,
                    zeros: 0,
                }
            } else {
                Scan::Text { start }
            }),
            Scan::Unicode {
                start,
                backslash,
                zeros,
            } => match (byte, zeros) {
                (b'0', 3) => Err(LimitError::NulInText { at_byte: backslash }),
                (b'0', _) => Ok(Scan::Unicode {
                    start,
                    backslash,
                    zeros: zeros + 1,
                }),
                // Not `\u0000`: the byte is read as any other in the text.
                _ => in_text(start, byte),
            },
        }
    }
}

impl<R: std::io::Read> std::io::Read for LimitedJson<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        let bytes = buf.get(..read).unwrap_or_default();
        self.check(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(read)
    }
}

impl LimitError {
    /// The limit a read through a limit-holding reader was refused for,
    /// if that is why it failed.
    pub(crate) fn from_io(error: &std::io::Error) -> Option<LimitError> {
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<LimitError>())
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed check over `text`, read `chunk` bytes at a time.
    fn streamed(text: &[u8], limit: usize, chunk: usize) -> Result<(), LimitError> {
        use std::io::Read;
        let mut reader = LimitedJson::new(text, limit);
        let mut buf = vec![0; chunk];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) => return Err(LimitError::from_io(&e).expect("a limit error")),
            }
        }
    }

    #[test]
    fn the_streamed_check_finds_what_the_whole_text_check_finds() {
        let deep = "[".repeat(MAX_NESTING_DEPTH + 1);
        let long = format!("[\"{}\"]", "x".repeat(MAX_TEXT_BYTES + 1));
        // Strings left open about the text limit, to the end of the text.
        let open: Vec<String> = (0..3)
            .map(|extra| format!("[\"{}", "x".repeat(MAX_TEXT_BYTES + extra)))
            .collect();
        let texts: [&[u8]; 10] = [
            open[0].as_bytes(),
            open[1].as_bytes(),
            open[2].as_bytes(),
            br#"{"id": "O-1", "notes": ["first call", "a\\u0000"]}"#,
            br#"["a\\\u0000"]"#,
            br#"["\u00", "\u0001", "\u000"]"#,
            br#"{"nul": "\u0000"}"#,
            deep.as_bytes(),
            long.as_bytes(),
            br#"["[[[[[[[[[[", {"a": "}}}}"}]"#,
        ];
        for text in texts {
            let whole = check_json_within(text, MAX_JSON_BYTES);
            for chunk in [1, 3, 4096] {
                assert_eq!(streamed(text, MAX_JSON_BYTES, chunk), whole, "{chunk}");
            }
        }
        assert_eq!(
            streamed(b"[1, 2]", 5, 2),
            Err(LimitError::LongerThan { limit: 5 })
        );
        assert_eq!(streamed(b"[1, 2]", 6, 2), Ok(()));
    }

    proptest::proptest! {
        /// The whole-text scan finds what the streamed scan finds, byte
        /// for byte, on any mix of the bytes that matter to it.
        #[test]
        fn the_whole_text_scan_agrees_with_the_streamed_one(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"[]{}\"\\u0x :,".to_vec()),
                0..300,
            ),
        ) {
            let depth_run = "[".repeat(MAX_NESTING_DEPTH - 2);
            for text in [bytes.clone(), [depth_run.as_bytes(), &bytes].concat()] {
                let whole = check_json_within(&text, MAX_JSON_BYTES);
                for chunk in [7, 100, 4096] {
                    proptest::prop_assert_eq!(streamed(&text, MAX_JSON_BYTES, chunk), whole.clone());
                }
            }
        }
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// The block scan finds what the byte-by-byte scan finds, at every
        /// offset into its 64-byte blocks.
        #[test]
        fn the_block_scan_agrees_with_the_byte_by_byte_one(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"[]{}\"\\u0x :,".to_vec()).prop_map(|b| vec![b]),
                    (1usize..90).prop_map(|n| vec![b'a'; n]),
                    (1usize..70).prop_map(|n| vec![b'['; n]),
                ],
                0..60,
            ),
            shift in 0usize..64,
        ) {
            let text = [vec![b' '; shift], parts.concat()].concat();
            let bytewise = scan_from(&text, 0, 0);
            proptest::prop_assert_eq!(check_json_within(&text, MAX_JSON_BYTES), bytewise.clone());
            for chunk in [5, 64, 130, 4096] {
                proptest::prop_assert_eq!(streamed(&text, MAX_JSON_BYTES, chunk), bytewise.clone());
            }
        }
    }

    #[test]
    fn strings_too_long_or_escaped_across_blocks_are_found_as_byte_by_byte() {
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        let texts = [
            format!("[\"{long}\"]"),
            format!("[\"{}\\\"\"]", "x".repeat(MAX_TEXT_BYTES)),
            format!("{}[\"a\\u0000\"]", " ".repeat(61)),
            format!("{}[\"{}\\", " ".repeat(10), "b".repeat(100)),
            format!("[\"{long}"),
            // Left open, ending on a block's last byte.
            format!("[\"{}", "x".repeat(64 * (MAX_TEXT_BYTES / 64 + 1) - 2)),
        ];
        for text in texts {
            let bytewise = scan_from(text.as_bytes(), 0, 0);
            assert_eq!(
                check_json_within(text.as_bytes(), MAX_JSON_BYTES),
                bytewise,
                "{}",
                &text[..text.len().min(80)]
            );
            for chunk in [64, 1000, 1 << 16] {
                assert_eq!(streamed(text.as_bytes(), MAX_JSON_BYTES, chunk), bytewise);
            }
        }
    }

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
