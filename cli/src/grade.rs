//! `techsales grade`: a CSV of deals in, the same CSV with the grading out.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use techsales::grading::{Factor, Grader, GradingConfig, ItemStatus, Opportunity, Ratings};
use techsales::labels::{Labelled, Language};

use crate::{parse_day, parse_share, read, read_text, Failure, LanguageArg};

/// `techsales grade`.
#[derive(Debug, Args)]
#[command(after_long_help = COLUMNS)]
pub struct GradeArgs {
    /// The deals (CSV with a header row; see the columns below).
    pub deals: PathBuf,
    /// The day the grading is as of (close dates are counted from it).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: NaiveDate,
    /// A grading configuration (JSON); the built-in model when left out.
    #[arg(long, value_name = "GRADING.json")]
    pub config: Option<PathBuf>,
    /// Where to write the graded CSV (standard output when left out).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of the explanation column.
    #[arg(long, value_enum, default_value_t = LanguageArg::En)]
    pub language: LanguageArg,
    /// Fail (exit code 3) when more than this share of rows is refused.
    /// Every row refused always fails.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub max_refused: Option<f64>,
}

const COLUMNS: &str = "\
Input columns (header names, any order; other columns are copied through):
  project_level, capital_status, technical_requirements, customer_relationship,
  customer_reputation, competition_products, competition_prices,
  competition_technical_solutions, competition_after_sales   ratings 0-10
                   (an empty cell is unknown)
  expected_close   YYYY-MM-DD
  possibility      0-1, how likely the transaction is (optional column; an
                   empty cell or no column: derived from the evaluation score)
Columns added: grade (A-D, empty when not graded), score (0-10), status
(graded, lower_contact_level, give_up, invalid_rating, invalid_possibility,
close_date_in_past, unreadable) and explanation.";

/// The columns the grader reads, found in the header.
struct Positions {
    ratings: [usize; 9],
    expected_close: usize,
    possibility: Option<usize>,
}

/// Where the header names `name` (any case, spaces around ignored).
pub fn column(header: &csv::StringRecord, name: &str) -> Result<usize, String> {
    header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("the header has no `{name}` column"))
}

/// Where the header names the nine rating columns, in [`Factor::ALL`] order.
pub fn rating_columns(header: &csv::StringRecord) -> Result<[usize; 9], String> {
    let mut ratings = [0usize; 9];
    for (slot, factor) in ratings.iter_mut().zip(Factor::ALL) {
        *slot = column(header, factor.key())?;
    }
    Ok(ratings)
}

/// Reads the nine ratings of one row: an empty cell is unknown (NaN), any
/// other cell must be a number.
pub fn read_ratings(row: &csv::StringRecord, at: &[usize; 9]) -> Result<Ratings, String> {
    let mut values = [f64::NAN; 9];
    for ((value, &i), factor) in values.iter_mut().zip(at).zip(Factor::ALL) {
        let cell = row.get(i).unwrap_or("").trim();
        if !cell.is_empty() {
            *value = cell
                .parse()
                .map_err(|_| format!("{} `{cell}` is not a number", factor.key()))?;
        }
    }
    Ok(Ratings::from_array(values))
}

fn positions(header: &csv::StringRecord) -> Result<Positions, String> {
    Ok(Positions {
        ratings: rating_columns(header)?,
        expected_close: column(header, "expected_close")?,
        possibility: column(header, "possibility").ok(),
    })
}

/// Reads one row into an opportunity, or says which cell is unreadable.
fn opportunity(row: &csv::StringRecord, at: &Positions) -> Result<Opportunity, String> {
    let cell = |i: usize| row.get(i).unwrap_or("").trim();
    let ratings = read_ratings(row, &at.ratings)?;
    let close = cell(at.expected_close);
    let expected_close = NaiveDate::parse_from_str(close, "%Y-%m-%d")
        .map_err(|_| format!("expected_close `{close}` is not a date like 2026-06-30"))?;
    let possibility = match at.possibility.map(cell) {
        None | Some("") => None,
        Some(given) => Some(
            given
                .parse()
                .map_err(|_| format!("possibility `{given}` is not a number"))?,
        ),
    };
    Ok(Opportunity {
        ratings,
        expected_close,
        possibility,
    })
}

/// `techsales grade`.
pub fn run(args: &GradeArgs) -> Result<(), Failure> {
    let grader = match &args.config {
        Some(path) => GradingConfig::from_json(&read_text(path)?)
            .and_then(Grader::new)
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?,
        None => Grader::default(),
    };
    let language: Language = args.language.into();
    let bytes = read(&args.deals)?;
    let input_error = |e: csv::Error| Failure::Input(format!("{}: {e}", args.deals.display()));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = reader.headers().map_err(input_error)?.clone();
    let at =
        positions(&header).map_err(|e| Failure::Input(format!("{}: {e}", args.deals.display())))?;

    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut out_header = header.clone();
    for name in ["grade", "score", "status", "explanation"] {
        out_header.push_field(name);
    }
    let write_error = |e: csv::Error| Failure::Input(format!("cannot write the graded CSV: {e}"));
    writer.write_record(&out_header).map_err(write_error)?;
    let (mut rows, mut refused) = (0usize, 0usize);
    for row in reader.records() {
        let mut row = row.map_err(input_error)?;
        rows += 1;
        let graded = opportunity(&row, &at).map(|o| grader.explain(&o, args.as_of));
        let (grade, score, status, explanation) = match graded {
            Ok(Ok(explanation)) => (
                explanation.grade.map_or("", |g| g.key()).to_owned(),
                format!("{:.2}", explanation.score),
                ItemStatus::from_verdict(explanation.verdict)
                    .key()
                    .to_owned(),
                explanation.render(language).trim().replace('\n', "; "),
            ),
            Ok(Err(e)) => {
                refused += 1;
                (
                    String::new(),
                    String::new(),
                    e.status().key().to_owned(),
                    e.to_string(),
                )
            }
            Err(message) => {
                refused += 1;
                (
                    String::new(),
                    String::new(),
                    "unreadable".to_owned(),
                    message,
                )
            }
        };
        for field in [grade, score, status, explanation] {
            row.push_field(&field);
        }
        writer.write_record(&row).map_err(write_error)?;
    }
    let csv = writer
        .into_inner()
        .map_err(|e| Failure::Input(format!("cannot write the graded CSV: {e}")))?;
    match &args.output {
        Some(path) => crate::write_file(path, &csv)?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(&csv)
                .map_err(|e| Failure::Input(format!("cannot write the graded CSV: {e}")))?;
        }
    }
    eprintln!(
        "graded {} of {rows} rows; {refused} refused",
        rows - refused
    );
    if rows > 0 && refused == rows {
        return Err(Failure::Refused(format!(
            "every one of the {rows} rows was refused"
        )));
    }
    if let Some(max) = args.max_refused {
        if rows > 0 && refused as f64 / rows as f64 > max {
            return Err(Failure::Refused(format!(
                "{refused} of {rows} rows refused, more than --max-refused {:.1}%",
                max * 100.0
            )));
        }
    }
    Ok(())
}
