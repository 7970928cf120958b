//! The portfolio: a whole book of accounts and deals, as a CRM integrator
//! runs it every day.
//!
//! - [`document`]: the versioned interchange document (accounts with their
//!   history and differentiation actions, opportunities with their process
//!   state and journal, the definitions in use), checked on load;
//! - [`analytics`]: weighted pipeline and forecast, conversion and time in
//!   stage, stalled deals, the customer quadrant, actions in progress and
//!   the calibration of win probabilities from closed deals;
//! - [`lifecycle`]: the forecast by category, bookings and delivery,
//!   win/loss by reason, stage, customer type and grade, slipped close
//!   dates, amount changes and the probability trend of a deal;
//! - [`csv_import`]: opportunities and accounts from a CRM export in CSV,
//!   through a column mapping, with every refused row reported;
//! - [`cycles`]: the technical-sale cycles by stage and variant, their
//!   objections, trials, implementations, follow-ups and lessons;
//! - [`learned`]: the evaluation model learned from the closed deals,
//!   against the current one;
//! - [`report`], [`html`] and [`svg`]: the text report, the HTML report
//!   with its charts, and the charts alone.
//!
//! [`json_schema`] gives the JSON Schema of the document, for CRMs in other
//! languages to validate what they send.

pub mod analytics;
pub mod csv_import;
pub mod cycles;
pub mod document;
pub mod html;
pub mod learned;
pub mod lifecycle;
pub mod report;
pub mod svg;

pub use analytics::{
    actions_in_progress, calibrate, pipeline, pipeline_with, quadrant, stage_durations,
    stage_flows, stalled, top_deals, top_deals_with, ActionsInProgress, Amounts, AnalyticsConfig,
    BucketCalibration, Calibration, GradeCalibration, MovementCount, Pipeline, Quadrant,
    StageCalibration, StageDurations, StageFlow, StalledDeal, YearMonth,
};
pub use csv_import::{
    import_csv, import_csv_files, import_csv_with, mapping_json_schema, mapping_json_schema_text,
    AccountColumns, AccountsFile, ColumnMapping, ContactColumns, ContactsFile, CsvError, CsvFiles,
    CsvImport, CsvMapping, ImportFile, MappingVersion, OutcomeRule, ProbabilityScale,
    ProductColumns, ProductsFile, RatingColumns, RowError, RowProblem, RowWarning, StageTarget,
    WarningKind, MAPPING_FORMAT_VERSION,
};
pub use cycles::{cycle_analytics, CycleAnalytics};
pub use document::{
    format_minor, Account, CycleRecord, Definitions, GradingInputs, OpportunityRecord, Portfolio,
    PortfolioError, ProductDetails, VariantOffer, FORMAT_VERSION,
};
pub use html::render as render_html;
pub use learned::{closed_deals, learn_from, LearnedModel, LEARNED_CONFIG_FILE};
pub use lifecycle::{
    amount_changes, bookings, forecast, probability_trend, slipped_deals, win_loss, AmountChange,
    Bookings, CloseDateChange, Forecast, SlippedDeal, WinLoss, WinLossCount,
};
pub use report::{
    account_plans, render as render_report, render_in as render_report_in, ReportOptions, Weights,
};
pub use svg::render as render_svg;

/// The JSON Schema (draft 2020-12) of the portfolio document, as CRMs
/// should send it.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    generator.into_root_schema_for::<Portfolio>().to_value()
}

/// [`json_schema`] as indented JSON text ending in a newline, as checked in
/// at `schema/portfolio.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}
