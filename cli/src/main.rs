//! `techsales`: the portfolio report, CRM imports, grading, learning,
//! diagnosis, validation and schemas from the command line.
//!
//! Exit codes: 0 done; 1 bad input (a file missing, unreadable or invalid,
//! or closed deals that nothing can be learned from); 2 usage (an unknown
//! option, a missing or malformed argument); 3 every row of an import, a
//! grading or a learning refused, or more than `--max-refused` of them.

mod commands;
mod grade;
mod learn;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

/// How the command line describes its exit codes, under `--help`.
const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  bad input: a file missing, unreadable or invalid (or nothing to
     learn from: too few closed deals, only one outcome)
  2  usage: an unknown option, a missing or malformed argument
  3  every row refused (or more than --max-refused of them)";

/// The rules of technical B2B sales over a CRM's book: reports, imports,
/// grading and diagnosis.
#[derive(Debug, Parser)]
#[command(name = "techsales", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report on a portfolio (or on a CRM export read through its column
    /// mapping): text on standard output, optionally HTML, SVG and JSON.
    #[command(after_help = EXIT_CODES)]
    Report(commands::ReportArgs),
    /// Import a CRM export through its column mapping into a portfolio
    /// document, with the import summary on standard error.
    #[command(after_help = EXIT_CODES)]
    Import(commands::ImportArgs),
    /// Grade a CSV of deals with their nine ratings, expected close date
    /// and possibility: the same CSV comes back with grade, score, status
    /// and explanation columns.
    #[command(after_help = EXIT_CODES)]
    Grade(grade::GradeArgs),
    /// Learn a grading configuration (weights, pass threshold, possibility
    /// curve) from a CSV of closed deals, cross-validated against the
    /// current one, with the learn report on standard error.
    #[command(after_help = EXIT_CODES)]
    Learn(learn::LearnArgs),
    /// Diagnose one deal of a portfolio: win probability, verdict, what is
    /// missing to move on and the next actions.
    #[command(after_help = EXIT_CODES)]
    Diagnose(commands::DiagnoseArgs),
    /// Check a portfolio, a column mapping or a definitions file and list
    /// every problem found.
    #[command(after_help = EXIT_CODES)]
    Validate(validate::ValidateArgs),
    /// Print the JSON Schema of a document the tool reads.
    #[command(after_help = EXIT_CODES)]
    Schema(commands::SchemaArgs),
}

/// The language of the HTML report and of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LanguageArg {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl From<LanguageArg> for techsales::labels::Language {
    fn from(language: LanguageArg) -> Self {
        match language {
            LanguageArg::En => techsales::labels::Language::English,
            LanguageArg::Zh => techsales::labels::Language::Chinese,
        }
    }
}

/// Why a command stopped, and the exit code that says so.
#[derive(Debug)]
pub enum Failure {
    /// A file is missing, unreadable or invalid (exit code 1).
    Input(String),
    /// An argument is wrong (exit code 2).
    Usage(String),
    /// Every row was refused, or more than the share allowed (exit code 3).
    Refused(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Refused(_) => 3,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Input(m) | Failure::Usage(m) | Failure::Refused(m) => m,
        }
    }
}

/// Parses `YYYY-MM-DD`, for clap.
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date like 2026-06-30"))
}

/// Parses a share between 0 and 1, for clap.
pub fn parse_share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "`{text}` is not a share between 0 and 1 (0.05 is 5%)"
        )),
    }
}

/// Reads a whole file, naming it when it cannot be read.
pub fn read(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))
}

/// Reads a whole UTF-8 text file.
pub fn read_text(path: &std::path::Path) -> Result<String, Failure> {
    String::from_utf8(read(path)?)
        .map_err(|_| Failure::Input(format!("{}: not UTF-8 text", path.display())))
}

/// Writes `bytes` to `path`, refusing to create missing folders.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(Failure::Input(format!(
                "cannot write {}: the folder {} does not exist",
                path.display(),
                dir.display()
            )));
        }
    }
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Input(format!("cannot write {}: {e}", path.display())))
}

/// The sample portfolio bundled with the sources, reported when no input is
/// given.
pub fn bundled_sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("examples")
        .join("data")
        .join("portfolio.json")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(args) => commands::report(&args),
        Command::Import(args) => commands::import(&args),
        Command::Grade(args) => grade::run(&args),
        Command::Learn(args) => learn::run(&args),
        Command::Diagnose(args) => commands::diagnose(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Schema(args) => commands::schema(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}
