//! `report`, `import`, `diagnose` and `schema`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use techsales::key_account::{diagnose as diagnose_state, win_probability};
use techsales::labels::{Labelled, Language};
use techsales::portfolio::{
    account_plans, calibrate, import_csv_with, learn_from, pipeline, pipeline_with, render_html,
    render_report_in, render_svg, stalled, CsvFiles, CsvImport, CsvMapping, Definitions,
    ImportFile, Portfolio, ReportOptions, Weights, LEARNED_CONFIG_FILE,
};

use crate::{parse_day, parse_share, read, read_text, write_file, Failure, LanguageArg};

/// Which win probabilities weigh the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WeightsArg {
    /// The portfolio's own process definition.
    Current,
    /// Fitted from the portfolio's closed deals.
    Calibrated,
}

/// `techsales report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A portfolio document (JSON), or a CRM export (CSV) followed by its
    /// column mapping (JSON); the bundled sample when left out.
    #[arg(value_name = "PORTFOLIO.json | EXPORT.csv MAPPING.json", num_args = 0..=2)]
    pub inputs: Vec<PathBuf>,
    /// Also write the report as one self-contained HTML page with charts.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the quadrant and funnel charts as SVG, and beside them
    /// (same folder) the grading configuration learned from the closed
    /// deals' ratings as learned-grading.json, when there are enough.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Also write the figures as JSON: the pipeline under both weights,
    /// the calibration, every stalled deal and every account's full plan.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Report as of the end of this day instead of the document's date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// How many top deals to diagnose.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// How many entries long lists (stalled deals, refused rows, accounts
    /// whose plan differs) show before "and N more".
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub list: usize,
    /// Which win probabilities weigh the pipeline and forecast.
    #[arg(long, value_enum, default_value_t = WeightsArg::Current)]
    pub weights: WeightsArg,
    /// Language of the text and HTML reports.
    #[arg(long, value_enum, default_value_t = LanguageArg::En)]
    pub language: LanguageArg,
    /// With an export: fail (exit code 3) when more than this share of
    /// rows is refused. Every row refused always fails.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub max_refused: Option<f64>,
}

/// `techsales import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CRM export (CSV).
    pub export: PathBuf,
    /// Its column mapping (JSON).
    pub mapping: PathBuf,
    /// Where to write the portfolio document (standard output when left
    /// out).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How many refused rows and warnings to list before "and N more".
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub list: usize,
    /// Fail (exit code 3) when more than this share of rows is refused.
    /// Every row refused always fails.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub max_refused: Option<f64>,
}

/// `techsales diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The portfolio document (JSON).
    pub portfolio: PathBuf,
    /// The id of the deal.
    pub deal: String,
    /// Language of the diagnosis.
    #[arg(long, value_enum, default_value_t = LanguageArg::En)]
    pub language: LanguageArg,
}

/// The documents `schema` can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The portfolio document.
    Portfolio,
    /// The column mapping of a CRM export.
    Mapping,
    /// The definitions a portfolio is analysed under.
    Definitions,
}

/// `techsales schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which document.
    #[arg(value_enum, default_value_t = SchemaKind::Portfolio)]
    pub kind: SchemaKind,
}

/// A spinner on standard error while `work` runs, when that is a terminal.
fn with_spinner<T>(message: &str, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let spinner = ProgressBar::new_spinner().with_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(100));
    let result = work();
    spinner.finish_and_clear();
    result
}

/// Reads a CRM export through its mapping, with a byte-count progress bar
/// on standard error when that is a terminal.
fn run_import(export: &Path, mapping: &Path) -> Result<CsvImport, Failure> {
    let mapping_value = CsvMapping::from_json(&read_text(mapping)?)
        .map_err(|e| Failure::Input(format!("{}: {e}", mapping.display())))?;
    let file = std::fs::File::open(export)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", export.display())))?;
    let bar = if std::io::stderr().is_terminal() {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = ProgressBar::new(len);
        if let Ok(style) =
            ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} {eta}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let deals = bar.wrap_read(std::io::BufReader::new(file));
    // The files beside the deals sit where the mapping says, relative to
    // the mapping.
    let beside = |file: ImportFile| -> Result<Option<Vec<u8>>, Failure> {
        mapping_value
            .declared_path(file)
            .map(|path| read(&mapping.parent().unwrap_or(Path::new(".")).join(path)))
            .transpose()
    };
    let accounts = beside(ImportFile::Accounts)?;
    let contacts = beside(ImportFile::Contacts)?;
    let products = beside(ImportFile::Products)?;
    let files = CsvFiles {
        accounts: accounts.as_deref(),
        contacts: contacts.as_deref(),
        products: products.as_deref(),
    };
    let result = import_csv_with(deals, files, &mapping_value);
    bar.finish_and_clear();
    result.map_err(|e| Failure::Input(format!("{}: {e}", export.display())))
}

/// Writes the import summary: counts, then the first `list` refused rows
/// and warnings.
fn write_summary(
    out: &mut dyn Write,
    export: &Path,
    import: &CsvImport,
    list: usize,
) -> std::io::Result<()> {
    writeln!(
        out,
        "IMPORT {}: {} rows read, {} imported, {} refused, {} warnings",
        export.display(),
        import.rows,
        import.imported,
        import.rejected_deals(),
        import.warnings.len()
    )?;
    out.write_all(import.summary().as_bytes())?;
    for rejected in import.rejected.iter().take(list) {
        writeln!(out, "  refused {rejected}")?;
    }
    if import.rejected.len() > list {
        writeln!(
            out,
            "  and {} more refused rows",
            import.rejected.len() - list
        )?;
    }
    for warning in import.warnings.iter().take(list) {
        writeln!(out, "  warning {warning}")?;
    }
    if import.warnings.len() > list {
        writeln!(out, "  and {} more warnings", import.warnings.len() - list)?;
    }
    Ok(())
}

/// Exit code 3 when every row, or more than `max_refused` of them, was
/// refused.
fn check_refused(import: &CsvImport, max_refused: Option<f64>) -> Result<(), Failure> {
    let refused = import.rejected_deals();
    if import.rows > 0 && refused == import.rows {
        return Err(Failure::Refused(format!(
            "every one of the {} rows was refused; nothing to report",
            import.rows
        )));
    }
    if let Some(max) = max_refused {
        let share = if import.rows == 0 {
            0.0
        } else {
            refused as f64 / import.rows as f64
        };
        if share > max {
            return Err(Failure::Refused(format!(
                "{refused} of {} rows refused ({:.1}%), more than --max-refused {:.1}%",
                import.rows,
                share * 100.0,
                max * 100.0
            )));
        }
    }
    Ok(())
}

/// Loads the portfolio as the file is read, never holding its whole text,
/// and says on stderr what migrating an older format version changed.
fn load_portfolio(path: &Path) -> Result<Portfolio, Failure> {
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))?;
    let (portfolio, migration) =
        with_spinner("loading the portfolio", || Portfolio::load_reader(file))
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
    for note in migration.iter().flat_map(|m| m.notes()) {
        eprintln!("{}: {note}", path.display());
    }
    Ok(portfolio)
}

/// Moves the report date to the end of `day`, refusing a day before the
/// book's first deal opened: every deal would be in its own future.
fn set_as_of(portfolio: &mut Portfolio, day: NaiveDate) -> Result<(), Failure> {
    let first_opened = portfolio
        .opportunities()
        .iter()
        .map(|r| r.process.state().opened_at())
        .min();
    if let Some(first) = first_opened {
        if day < first.date_naive() {
            return Err(Failure::Usage(format!(
                "--as-of {day} is before the first deal of the book opened ({})",
                first.date_naive()
            )));
        }
    }
    let end_of_day = day
        .and_hms_opt(23, 59, 59)
        .ok_or_else(|| Failure::Usage(format!("--as-of {day} has no end of day")))?;
    portfolio.set_as_of(end_of_day.and_utc());
    Ok(())
}

/// `techsales report`.
pub fn report(args: &ReportArgs) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let io = |e: std::io::Error| Failure::Input(format!("cannot write the report: {e}"));
    let mut portfolio = match args.inputs.as_slice() {
        [] => load_portfolio(&crate::bundled_sample())?,
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
        [path] => load_portfolio(path)?,
        [export, mapping] => {
            let import = run_import(export, mapping)?;
            write_summary(&mut out, export, &import, args.list).map_err(io)?;
            writeln!(out).map_err(io)?;
            check_refused(&import, args.max_refused)?;
            import.portfolio
        }
        _ => return Err(Failure::Usage("at most two inputs".into())),
    };
    if let Some(day) = args.as_of {
        set_as_of(&mut portfolio, day)?;
    }
    let options = ReportOptions {
        top_deals: args.top,
        list_limit: args.list,
        weights: match args.weights {
            WeightsArg::Current => Weights::Current,
            WeightsArg::Calibrated => Weights::Calibrated,
        },
        ..ReportOptions::default()
    };
    let text = with_spinner("writing the report", || {
        render_report_in(&portfolio, &options, args.language.into())
    });
    out.write_all(text.as_bytes()).map_err(io)?;
    if let Some(path) = &args.html {
        let page = with_spinner("writing the HTML report", || {
            render_html(&portfolio, &options, args.language.into())
        });
        write_file(path, page.as_bytes())?;
        writeln!(out, "\nHTML report written to {}", path.display()).map_err(io)?;
    }
    if let Some(path) = &args.json {
        write_file(path, figures_json(&portfolio, args.weights).as_bytes())?;
        writeln!(out, "\nfigures written to {}", path.display()).map_err(io)?;
    }
    if let Some(path) = &args.svg {
        write_file(path, render_svg(&portfolio).as_bytes())?;
        writeln!(out, "\ncharts written to {}", path.display()).map_err(io)?;
        // The learned grading configuration goes beside the charts, under
        // a fixed name, when there was enough history to learn it.
        let folder = path.parent().unwrap_or(std::path::Path::new(""));
        let learned_path = folder.join(LEARNED_CONFIG_FILE);
        match learn_from(&portfolio).result {
            Ok(learned) => {
                let mut json = serde_json::to_string_pretty(&learned.config)
                    .map_err(|e| Failure::Input(format!("cannot write JSON: {e}")))?;
                json.push('\n');
                write_file(&learned_path, json.as_bytes())?;
                writeln!(
                    out,
                    "learned grading configuration written to {}",
                    learned_path.display()
                )
                .map_err(io)?;
            }
            Err(e) => writeln!(
                out,
                "no learned grading configuration written ({}): {e}",
                learned_path.display()
            )
            .map_err(io)?,
        }
    }
    Ok(())
}

/// The report's figures as JSON, with every list in full.
fn figures_json(portfolio: &Portfolio, weights: WeightsArg) -> String {
    let calibration = calibrate(portfolio);
    let calibrated = calibration.definition(&portfolio.definitions().process);
    let plans: Vec<serde_json::Value> = portfolio
        .accounts()
        .iter()
        .zip(account_plans(portfolio))
        .map(|(account, plan)| serde_json::json!({ "account": account.id(), "plan": plan }))
        .collect();
    let value = serde_json::json!({
        "portfolio": portfolio.name(),
        "as_of": portfolio.as_of(),
        "currency": portfolio.currency(),
        "weights": match weights {
            WeightsArg::Current => "current",
            WeightsArg::Calibrated => "calibrated",
        },
        "pipeline_current": pipeline(portfolio),
        "pipeline_calibrated": pipeline_with(portfolio, &calibrated),
        "calibration": calibration,
        "stalled": stalled(portfolio),
        "plans": plans,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `techsales import`.
pub fn import(args: &ImportArgs) -> Result<(), Failure> {
    let import = run_import(&args.export, &args.mapping)?;
    let mut err = std::io::stderr().lock();
    let _ = write_summary(&mut err, &args.export, &import, args.list);
    check_refused(&import, args.max_refused)?;
    let mut json = import.portfolio.to_json_pretty();
    json.push('\n');
    match &args.output {
        Some(path) => write_file(path, json.as_bytes()),
        None => std::io::stdout()
            .lock()
            .write_all(json.as_bytes())
            .map_err(|e| Failure::Input(format!("cannot write the portfolio: {e}"))),
    }
}

/// `techsales diagnose`.
pub fn diagnose(args: &DiagnoseArgs) -> Result<(), Failure> {
    let portfolio = load_portfolio(&args.portfolio)?;
    let record = portfolio.opportunity(&args.deal).ok_or_else(|| {
        Failure::Input(format!(
            "{}: no deal with id `{}`",
            args.portfolio.display(),
            args.deal
        ))
    })?;
    let language: Language = args.language.into();
    let definition = &portfolio.definitions().process;
    let state = record.process.state();
    let mut out = String::new();
    out.push_str(&format!(
        "{} \"{}\" ({}), {}, closes {}\n",
        record.id,
        record.name,
        record.account_id().unwrap_or("no account"),
        record.amount_minor.map_or_else(
            || "amount unknown".to_owned(),
            |a| format!(
                "{} {}",
                portfolio.format_amount(u128::from(a)),
                portfolio.currency()
            )
        ),
        record
            .expected_close
            .map_or_else(|| "unknown".to_owned(), |d| d.to_string())
    ));
    out.push_str(&format!(
        "stage {}, grade {}\n",
        state.stage().label(language),
        state.grade().map_or("-", |g| g.label(language))
    ));
    out.push_str(&win_probability(state, definition).explain(language));
    out.push('\n');
    let diagnosis = diagnose_state(state, definition);
    out.push_str(&format!(
        "diagnosis: {}\n",
        diagnosis.verdict.label(language)
    ));
    if !diagnosis.missing_to_advance.is_empty() {
        let missing: Vec<&str> = diagnosis
            .missing_to_advance
            .iter()
            .map(|n| n.label(language))
            .collect();
        out.push_str(&format!("to move on: {}\n", missing.join(", ")));
    }
    // The grade's policy comes before any next action.
    if let Some(policy) = &diagnosis.policy {
        out.push_str(&format!("policy: {}\n", policy.describe(language)));
    }
    for action in &diagnosis.next_actions {
        out.push_str(&format!(
            "next: {} ({})\n",
            action.item.label(language),
            action.stage.label(language)
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Failure::Input(format!("cannot write the diagnosis: {e}")))
}

/// The JSON Schema (draft 2020-12) of `T`, as it is read.
fn schema_of<T: schemars::JsonSchema>() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// `techsales schema`.
pub fn schema(args: &SchemaArgs) -> Result<(), Failure> {
    let value = match args.kind {
        SchemaKind::Portfolio => techsales::portfolio::json_schema(),
        SchemaKind::Mapping => schema_of::<CsvMapping>(),
        SchemaKind::Definitions => schema_of::<Definitions>(),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Failure::Input(format!("cannot write the schema: {e}")))
}
