//! The main job: load a whole portfolio, analyse it and report.
//!
//! ```text
//! cargo run --release --example portfolio                      # the bundled sample
//! cargo run --release --example portfolio -- book.json         # another portfolio
//! cargo run --release --example portfolio -- export.csv map.json   # a CRM export
//! options: --svg PATH   where to write the charts (default target/portfolio.svg)
//!          --as-of YYYY-MM-DD   report as of that day instead of the document's date
//!          --top N      how many top deals to diagnose (default 5)
//! ```
//!
//! Prints the report (quadrant, pipeline by stage, grade and customer type,
//! forecast by month, conversion and time in stage, stalled deals, the
//! diagnosis and next actions of the top deals, calibration and the
//! differentiation plan of each account) and writes an SVG with the
//! customer quadrant and the pipeline funnel. A bad input file gives a
//! clear message and a non-zero exit.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use techsales::portfolio::{
    import_csv, import_csv_files, render_report, render_svg, CsvMapping, Portfolio, ReportOptions,
};

const USAGE: &str = "usage: portfolio [PORTFOLIO.json | EXPORT.csv MAPPING.json] [--svg PATH] [--as-of YYYY-MM-DD] [--top N]";

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A portfolio document.
    Portfolio(PathBuf),
    /// A CRM export and its column mapping.
    Csv {
        /// The export.
        csv: PathBuf,
        /// The mapping, as JSON.
        mapping: PathBuf,
    },
}

/// The command line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// What to read.
    pub input: Input,
    /// Where to write the SVG.
    pub svg: PathBuf,
    /// The day to report as of, instead of the document's.
    pub as_of: Option<NaiveDate>,
    /// How many top deals to diagnose.
    pub top: usize,
}

/// Why the job stopped.
#[derive(Debug)]
pub enum Failure {
    /// The command line is wrong (exit code 2).
    Usage(String),
    /// An input could not be read or is invalid (exit code 1).
    Input(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(message) => write!(f, "{message}\n{USAGE}"),
            Failure::Input(message) => f.write_str(message),
        }
    }
}

fn data_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("data")
        .join(name)
}

/// Reads the command line (without the program name).
pub fn parse_args(args: &[String]) -> Result<Args, Failure> {
    let mut positional = Vec::new();
    let mut svg = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("portfolio.svg");
    let mut as_of = None;
    let mut top = 5;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--svg" => svg = PathBuf::from(value("--svg")?),
            "--as-of" => {
                let text = value("--as-of")?;
                as_of = Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    Failure::Usage(format!("--as-of: `{text}` is not a date like 2026-06-30"))
                })?);
            }
            "--top" => {
                let text = value("--top")?;
                top = text.parse().map_err(|_| {
                    Failure::Usage(format!("--top: `{text}` is not a whole number"))
                })?;
            }
            "-h" | "--help" => {
                return Err(Failure::Usage(
                    "portfolio: analyse a portfolio and report".into(),
                ))
            }
            flag if flag.starts_with("--") => {
                return Err(Failure::Usage(format!("unknown option {flag}")))
            }
            path => positional.push(PathBuf::from(path)),
        }
    }
    let input = match positional.as_slice() {
        [] => Input::Portfolio(data_path("portfolio.json")),
        [path]
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            return Err(Failure::Usage(format!(
                "{} looks like a CSV export: give its column mapping (JSON) after it",
                path.display()
            )))
        }
        [path] => Input::Portfolio(path.clone()),
        [csv, mapping] => Input::Csv {
            csv: csv.clone(),
            mapping: mapping.clone(),
        },
        _ => return Err(Failure::Usage("too many paths".into())),
    };
    Ok(Args {
        input,
        svg,
        as_of,
        top,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))
}

/// Loads the input named by `args`, writing what the import reports to
/// `out`.
pub fn load(args: &Args, out: &mut dyn Write) -> Result<Portfolio, Failure> {
    let io = |e: std::io::Error| Failure::Input(format!("cannot write the report: {e}"));
    match &args.input {
        Input::Portfolio(path) => Portfolio::from_slice(&read(path)?)
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display()))),
        Input::Csv { csv, mapping } => {
            let mapping_text = String::from_utf8(read(mapping)?)
                .map_err(|_| Failure::Input(format!("{}: not UTF-8 text", mapping.display())))?;
            let mapping_value = CsvMapping::from_json(&mapping_text)
                .map_err(|e| Failure::Input(format!("{}: {e}", mapping.display())))?;
            let deals = read(csv)?;
            let import = match mapping_value
                .accounts
                .as_ref()
                .and_then(|a| a.file.as_ref())
            {
                // The accounts file sits where the mapping says, relative to it.
                Some(file) => {
                    let path = mapping.parent().unwrap_or(Path::new(".")).join(file);
                    import_csv_files(deals.as_slice(), read(&path)?.as_slice(), &mapping_value)
                }
                None => import_csv(deals.as_slice(), &mapping_value),
            }
            .map_err(|e| Failure::Input(format!("{}: {e}", csv.display())))?;
            writeln!(
                out,
                "IMPORT {}: {} rows read, {} imported, {} refused, {} warnings",
                csv.display(),
                import.rows,
                import.imported,
                import.rejected_deals(),
                import.warnings.len()
            )
            .map_err(io)?;
            out.write_all(import.summary().as_bytes()).map_err(io)?;
            for rejected in &import.rejected {
                writeln!(out, "  refused {rejected}").map_err(io)?;
            }
            for warning in &import.warnings {
                writeln!(out, "  warning {warning}").map_err(io)?;
            }
            writeln!(out).map_err(io)?;
            Ok(import.portfolio)
        }
    }
}

/// The whole job: parse the arguments, load, report to `out`, write the
/// SVG. Returns where the SVG went.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<PathBuf, Failure> {
    let args = parse_args(args)?;
    let mut portfolio = load(&args, out)?;
    if let Some(day) = args.as_of {
        portfolio.set_as_of(day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc());
    }
    let options = ReportOptions {
        top_deals: args.top,
        ..ReportOptions::default()
    };
    let io = |e: std::io::Error| Failure::Input(format!("cannot write the report: {e}"));
    out.write_all(render_report(&portfolio, &options).as_bytes())
        .map_err(io)?;
    if let Some(dir) = args.svg.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Input(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(&args.svg, render_svg(&portfolio))
        .map_err(|e| Failure::Input(format!("cannot write {}: {e}", args.svg.display())))?;
    writeln!(out, "\nchart written to {}", args.svg.display()).map_err(io)?;
    Ok(args.svg)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match run(&args, &mut out) {
        Ok(_) => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = out.flush();
            eprintln!("error: {failure}");
            match failure {
                Failure::Usage(_) => ExitCode::from(2),
                Failure::Input(_) => ExitCode::from(1),
            }
        }
    }
}
