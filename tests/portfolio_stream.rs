//! Loading a portfolio from a reader (`Portfolio::from_reader`): the same
//! portfolio, or the same refusal, as loading its whole text; each deal
//! checked as it arrives and named when refused; the input limits held on
//! the stream.

#[path = "support/portfolio_fixtures.rs"]
mod fixtures;

use std::io::Read;

use proptest::prelude::*;
use techsales::key_account::Stage;
use techsales::labels::Labelled;
use techsales::limits::{LimitError, MAX_NESTING_DEPTH};
use techsales::portfolio::{Portfolio, PortfolioError, FORMAT_VERSION};

/// A reader that gives at most `chunk` bytes a read, as a socket may.
struct Chunked<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn streamed(text: &str, chunk: usize) -> Result<Portfolio, PortfolioError> {
    Portfolio::from_reader(Chunked {
        bytes: text.as_bytes(),
        chunk,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A portfolio read from a stream, in reads of any size, is the one its
    /// whole text loads to.
    #[test]
    fn a_streamed_load_gives_the_portfolio_of_the_whole_text(
        portfolio in fixtures::portfolios(),
        chunk in 1usize..5000,
        pretty in any::<bool>(),
    ) {
        let text = if pretty { portfolio.to_json_pretty() } else { portfolio.to_json() };
        let loaded = streamed(&text, chunk).unwrap();
        prop_assert_eq!(&loaded, &Portfolio::from_json(&text).unwrap());
        prop_assert_eq!(&loaded, &portfolio);
    }

    /// A document whose first deal's stored stage its journal does not
    /// rebuild is refused from a stream as from its text, naming the deal.
    #[test]
    fn a_streamed_load_refuses_what_the_whole_text_load_refuses(
        portfolio in fixtures::portfolios(),
        chunk in 1usize..5000,
    ) {
        let text = portfolio.to_json();
        let Some(at) = text.find("\"stage\":\"development\"") else {
            return Ok(());
        };
        let tampered = format!(
            "{}\"stage\":\"bidding\"{}",
            &text[..at],
            &text[at + "\"stage\":\"development\"".len()..]
        );
        let whole = Portfolio::from_json(&tampered).unwrap_err();
        prop_assert_eq!(streamed(&tampered, chunk).unwrap_err(), whole);
    }
}

#[test]
fn a_deal_its_journal_does_not_rebuild_stops_the_reading_and_is_named() {
    let portfolio = fixtures::two_deals();
    let first = &portfolio.opportunities()[0];
    let stage = first.process.state().stage();
    let other = if stage == Stage::Bidding {
        Stage::Proposal
    } else {
        Stage::Bidding
    };
    let text = portfolio.to_json();
    let stored = format!("\"stage\":\"{}\"", stage.key());
    let tampered = text.replacen(&stored, &format!("\"stage\":\"{}\"", other.key()), 1);
    assert_ne!(tampered, text);
    match streamed(&tampered, 4096).unwrap_err() {
        PortfolioError::StateMismatch {
            opportunity,
            stored,
            rebuilt,
        } => {
            assert_eq!(opportunity, first.id.as_str());
            assert_eq!((stored, rebuilt), (other, stage));
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_deal_that_is_not_a_deal_is_named_by_its_position() {
    let portfolio = fixtures::two_deals();
    assert!(portfolio.opportunities().len() >= 2);
    let second = portfolio.opportunities()[1].id.to_string();
    let text = portfolio.to_json();
    let tampered = text.replacen(
        &format!("\"id\":\"{second}\""),
        &format!("\"id\":\"{second}\",\"colour\":\"red\""),
        1,
    );
    assert_ne!(tampered, text);
    match streamed(&tampered, 4096).unwrap_err() {
        PortfolioError::Json { message, .. } => {
            assert!(message.starts_with("opportunity 1: "), "{message}");
            assert!(message.contains("colour"), "{message}");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn deals_written_before_the_definitions_are_checked_once_all_is_read() {
    let portfolio = fixtures::two_deals();
    let value = serde_json::to_value(&portfolio).unwrap();
    let object = value.as_object().unwrap();
    let mut parts = vec![format!(
        "\"opportunities\":{}",
        serde_json::to_string(&object["opportunities"]).unwrap()
    )];
    for (key, field) in object.iter().filter(|(k, _)| *k != "opportunities") {
        parts.push(format!(
            "\"{key}\":{}",
            serde_json::to_string(field).unwrap()
        ));
    }
    let reordered = format!("{{{}}}", parts.join(","));
    assert!(reordered.starts_with("{\"opportunities\""));
    assert_eq!(streamed(&reordered, 777).unwrap(), portfolio);
}

#[test]
fn a_version_1_document_is_migrated_from_a_stream_as_from_its_text() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/portfolio_v1.json");
    let text = std::fs::read(path).unwrap();
    let whole = Portfolio::load(&text).unwrap();
    let read = Portfolio::load_reader(std::fs::File::open(path).unwrap()).unwrap();
    assert!(read.1.is_some());
    assert_eq!(read, whole);
}

#[test]
fn other_versions_are_refused_from_a_stream() {
    let text = fixtures::two_deals().to_json().replacen(
        &format!("\"format_version\":{FORMAT_VERSION}"),
        "\"format_version\":7",
        1,
    );
    assert_eq!(
        streamed(&text, 64).unwrap_err(),
        PortfolioError::UnsupportedVersion {
            found: "7".into(),
            supported: FORMAT_VERSION
        }
    );
}

#[test]
fn the_input_limits_hold_on_a_stream() {
    let book = fixtures::two_deals();
    let text = book.to_json();
    // A document that nests deeper than the limit, and a deal's name that
    // holds NUL.
    let deep = format!(
        "{{\"format_version\":2,\"nested\":{}",
        "[".repeat(MAX_NESTING_DEPTH + 1)
    );
    assert!(matches!(
        streamed(&deep, 4096).unwrap_err(),
        PortfolioError::Limit(LimitError::TooDeep { .. })
    ));
    let name = &book.opportunities()[0].name;
    let nul = text.replacen(&format!("\"name\":\"{name}\""), "\"name\":\"a\\u0000b\"", 1);
    assert_ne!(nul, text);
    assert!(matches!(
        streamed(&nul, 4096).unwrap_err(),
        PortfolioError::Limit(LimitError::NulInText { .. })
    ));
}

/// A reader that fails after giving `left` bytes.
struct Failing<'a> {
    bytes: &'a [u8],
    left: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("connection reset"));
        }
        let n = self.left.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn a_reader_that_fails_is_reported_as_such() {
    let text = fixtures::two_deals().to_json();
    let e = Portfolio::from_reader(Failing {
        bytes: text.as_bytes(),
        left: text.len() / 2,
    })
    .unwrap_err();
    assert_eq!(
        e,
        PortfolioError::Read {
            message: "connection reset".into()
        }
    );
}
