//! `techsales learn`: a CSV of closed deals in, a learned grading
//! configuration and its report out.

use std::path::PathBuf;

use clap::Args;
use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
use techsales::grading::{Grader, GradingConfig};
use techsales::labels::{Labelled, Language};

use crate::grade::{column, rating_columns, read_ratings};
use crate::{parse_share, read, read_text, write_file, Failure, LanguageArg};

/// `techsales learn`.
#[derive(Debug, Args)]
#[command(after_long_help = COLUMNS)]
pub struct LearnArgs {
    /// The closed deals (CSV with a header row; see the columns below).
    pub deals: PathBuf,
    /// The grading configuration to start from (JSON); the built-in model
    /// when left out.
    #[arg(long, value_name = "CURRENT.json")]
    pub config: Option<PathBuf>,
    /// Where to write the learned configuration (standard output when left
    /// out).
    #[arg(short, long, value_name = "LEARNED.json")]
    pub output: Option<PathBuf>,
    /// Also write the learn report as JSON.
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Cross-validation folds (2 or more).
    #[arg(long, value_name = "K", default_value_t = LearnOptions::default().folds)]
    pub folds: usize,
    /// The L2 penalty on the fitted weights (0 or more).
    #[arg(long, value_name = "X", default_value_t = LearnOptions::default().l2)]
    pub l2: f64,
    /// The fewest usable closed deals to learn from.
    #[arg(long, value_name = "N", default_value_t = LearnOptions::default().min_deals)]
    pub min_deals: usize,
    /// The column that holds each deal's outcome.
    #[arg(long, value_name = "NAME", default_value = "outcome")]
    pub outcome_column: String,
    /// The outcome values that mean won (any case; repeat the option or separate
    /// values with commas).
    #[arg(long, value_name = "VALUE", action = clap::ArgAction::Append, value_delimiter = ',', default_values = ["won"])]
    pub won: Vec<String>,
    /// The outcome values that mean lost (any case; repeat the option or separate
    /// values with commas).
    #[arg(long, value_name = "VALUE", action = clap::ArgAction::Append, value_delimiter = ',', default_values = ["lost"])]
    pub lost: Vec<String>,
    /// The outcome values that mean withdrawn (any case; repeat the option or separate
    /// values with commas).
    #[arg(long, value_name = "VALUE", action = clap::ArgAction::Append, value_delimiter = ',', default_values = ["withdrawn"])]
    pub withdrawn: Vec<String>,
    /// Count withdrawn deals as lost instead of leaving them out.
    #[arg(long)]
    pub withdrawn_as_lost: bool,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = LanguageArg::En)]
    pub language: LanguageArg,
    /// Fail (exit code 3) when more than this share of rows is refused.
    /// Every row refused always fails.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub max_refused: Option<f64>,
}

const COLUMNS: &str = "\
Input columns (header names, any order; other columns are ignored):
  project_level, capital_status, technical_requirements, customer_relationship,
  customer_reputation, competition_products, competition_prices,
  competition_technical_solutions, competition_after_sales   ratings 0-10
                   (an empty cell is unknown)
  outcome          won, lost or withdrawn (see --outcome-column, --won,
                   --lost, --withdrawn); withdrawn deals are left out unless
                   --withdrawn-as-lost
A row that cannot be read is listed with its line and left out.";

/// What one row of the CSV says.
enum Outcome {
    Won,
    Lost,
    Withdrawn,
}

impl LearnArgs {
    fn outcome(&self, cell: &str) -> Result<Outcome, String> {
        let is = |values: &[String]| values.iter().any(|v| v.trim().eq_ignore_ascii_case(cell));
        if is(&self.won) {
            Ok(Outcome::Won)
        } else if is(&self.lost) {
            Ok(Outcome::Lost)
        } else if is(&self.withdrawn) {
            Ok(Outcome::Withdrawn)
        } else {
            Err(format!(
                "{} `{cell}` is none of won ({}), lost ({}) or withdrawn ({})",
                self.outcome_column,
                self.won.join(", "),
                self.lost.join(", "),
                self.withdrawn.join(", ")
            ))
        }
    }
}

/// The closed deals read from the CSV, the line each came from, and the
/// rows left out.
struct Read {
    deals: Vec<ClosedDeal>,
    lines: Vec<u64>,
    rows: usize,
    withdrawn: usize,
    unreadable: Vec<(u64, String)>,
}

fn read_deals(args: &LearnArgs) -> Result<Read, Failure> {
    let bytes = read(&args.deals)?;
    let input_error = |e: String| Failure::Input(format!("{}: {e}", args.deals.display()));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .map_err(|e| input_error(e.to_string()))?
        .clone();
    let ratings_at = rating_columns(&header).map_err(input_error)?;
    let outcome_at = column(&header, &args.outcome_column).map_err(input_error)?;
    let mut read = Read {
        deals: Vec::new(),
        lines: Vec::new(),
        rows: 0,
        withdrawn: 0,
        unreadable: Vec::new(),
    };
    for row in reader.records() {
        read.rows += 1;
        let row = match row {
            Ok(row) => row,
            Err(e) => match e.position() {
                Some(at) => {
                    read.unreadable.push((at.line(), e.to_string()));
                    continue;
                }
                None => return Err(input_error(e.to_string())),
            },
        };
        // The csv reader counts lines from 1, as an editor does, and a
        // quoted newline inside a cell moves it on.
        let line = row.position().map_or(0, |p| p.line());
        let outcome = args.outcome(row.get(outcome_at).unwrap_or("").trim());
        let outcome = match outcome {
            Ok(Outcome::Won) => techsales::key_account::Outcome::Won,
            Ok(Outcome::Lost) => techsales::key_account::Outcome::Lost,
            Ok(Outcome::Withdrawn) if args.withdrawn_as_lost => {
                techsales::key_account::Outcome::Withdrawn
            }
            Ok(Outcome::Withdrawn) => {
                read.withdrawn += 1;
                continue;
            }
            Err(reason) => {
                read.unreadable.push((line, reason));
                continue;
            }
        };
        match read_ratings(&row, &ratings_at) {
            Ok(ratings) => {
                read.deals.push(ClosedDeal { ratings, outcome });
                read.lines.push(line);
            }
            Err(reason) => read.unreadable.push((line, reason)),
        }
    }
    Ok(read)
}

/// `techsales learn`.
pub fn run(args: &LearnArgs) -> Result<(), Failure> {
    let current = match &args.config {
        Some(path) => {
            let config = GradingConfig::from_json(&read_text(path)?)
                .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
            Grader::new(config)
                .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?
                .config()
                .clone()
        }
        None => Grader::default().config().clone(),
    };
    let language: Language = args.language.into();
    let read = read_deals(args)?;
    for (line, reason) in &read.unreadable {
        eprintln!("line {line}: {reason}; left out");
    }
    let options = LearnOptions {
        folds: args.folds,
        l2: args.l2,
        min_deals: args.min_deals,
        withdrawn_as_lost: args.withdrawn_as_lost,
        ..LearnOptions::default()
    };
    let learned = learn(&read.deals, &current, &options);
    // Rows the library refuses for an out-of-range rating count as refused
    // rows too, named by their line.
    let out_of_range = learned
        .as_ref()
        .map_or(Vec::new(), |l| l.report.refused.clone());
    for refused in &out_of_range {
        let line = read.lines.get(refused.index).copied().unwrap_or(0);
        eprintln!(
            "line {line}: {} {} is outside 0-10; left out",
            refused.factor.key(),
            refused.value
        );
    }
    let rows = read.rows - read.withdrawn;
    let refused = read.unreadable.len() + out_of_range.len();
    eprintln!(
        "read {} of {} rows: {} closed deals used, {} withdrawn left out, {refused} refused",
        read.rows - refused - read.withdrawn,
        read.rows,
        read.deals.len() - out_of_range.len(),
        read.withdrawn
    );
    if rows > 0 && refused == rows {
        return Err(Failure::Refused(format!(
            "every one of the {rows} closed rows was refused"
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
    let learned = learned
        .map_err(|e| Failure::Input(format!("{}: nothing learned: {e}", args.deals.display())))?;

    let json_error = |e: serde_json::Error| Failure::Input(format!("cannot write JSON: {e}"));
    let mut config = serde_json::to_string_pretty(&learned.config).map_err(json_error)?;
    config.push('\n');
    if let Some(path) = &args.report_json {
        let mut report = serde_json::to_string_pretty(&learned.report).map_err(json_error)?;
        report.push('\n');
        write_file(path, report.as_bytes())?;
    }
    match &args.output {
        Some(path) => write_file(path, config.as_bytes())?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(config.as_bytes())
                .map_err(|e| Failure::Input(format!("cannot write the configuration: {e}")))?;
        }
    }
    eprint!("{}", learned.report.render(language));
    Ok(())
}
