//! Importing opportunities and accounts from a CRM export in CSV.
//!
//! A [`CsvMapping`], given as JSON, says which column holds what (id,
//! account, stage, amount, dates, and optionally grade, owner, currency,
//! account name, customer type and scores) and how the export's stage
//! names map onto the six stages and the three outcomes. Each row becomes
//! an opportunity whose journal walks it to its stage: the key nodes of
//! the stages it has passed are recorded as met by the import, with the
//! export's stage name as evidence, so the deal is not penalised for
//! forcing.
//!
//! Nothing is dropped silently: a row that cannot be imported is reported
//! with its line number and the reason, and every other row is imported.
//! Rows whose account details disagree with an earlier row of the same
//! account are imported and reported as warnings. Only a broken mapping or
//! a missing column refuses the whole file.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::document::{
    prefixed, Account, Definitions, OpportunityRecord, Portfolio, PortfolioError,
};
use crate::config::{ConfigError, Validate};
use crate::customer::record::CustomerError;
use crate::customer::{Customer, CustomerType, ScoreError, Scores};
use crate::grading::Grade;
use crate::journal::Entry;
use crate::key_account::reason::{Reason, OTHER_REASON};
use crate::key_account::{
    KeyAccountError, KeyAccountEvent, KeyAccountProcess, KeyNode, Outcome, Stage,
};
use crate::labels::Labelled;

/// Which column of the export holds each field, by header name. Optional
/// columns may be left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    /// The opportunity id (unique in the file).
    pub id: String,
    /// The account id.
    pub account: String,
    /// The stage, in the export's own words (see [`CsvMapping::stages`]).
    pub stage: String,
    /// The amount, in major units (`12,500.00`).
    pub amount: String,
    /// The expected close date.
    pub expected_close: String,
    /// When the opportunity was created.
    pub opened: String,
    /// The opportunity's name (default: its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The account's name (default: its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// When the opportunity entered its current stage (default: opened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_since: Option<String>,
    /// When a closed opportunity closed (default: its expected close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// Who owns the opportunity: the actor of its imported events (default:
    /// [`CsvMapping::actor`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The opportunity's grade (A-D, or as mapped in [`CsvMapping::grades`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// The amount's currency; rows in another currency than the mapping's
    /// are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The account's customer type (our keys, or as mapped in
    /// [`CsvMapping::customer_types`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_type: Option<String>,
    /// The account's assistance score, 0-100 (with `loyalty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistance: Option<String>,
    /// The account's loyalty score, 0-100 (with `assistance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<String>,
}

/// Where an export's stage name puts a deal: an open stage, or the stage it
/// closed in with its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageTarget {
    /// The stage (for a won deal, project implementation).
    pub stage: Stage,
    /// How the deal ended, for closed stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// How to read one CRM export: columns, formats and the meaning of its
/// stage names. Loaded from JSON and refused whole, naming the field, when
/// inconsistent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CsvMapping {
    /// The name of the imported portfolio.
    #[serde(default = "default_portfolio_name")]
    pub portfolio_name: String,
    /// The ISO 4217 code of the amounts.
    pub currency: String,
    /// Minor digits of the currency (2: cents).
    #[serde(default = "default_minor_digits")]
    pub minor_digits: u8,
    /// The as-of moment of the portfolio (default: the latest date in the
    /// imported rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
    /// The field delimiter (one ASCII character).
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    /// The date format, in chrono's `strftime` syntax.
    #[serde(default = "default_date_format")]
    pub date_format: String,
    /// The decimal separator of amounts and scores.
    #[serde(default = "default_decimal_separator")]
    pub decimal_separator: char,
    /// The thousands separator of amounts, if any (removed before parsing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thousands_separator: Option<char>,
    /// The actor of imported events when no owner column is given or the
    /// owner is empty.
    #[serde(default = "default_actor")]
    pub actor: String,
    /// Which column holds what.
    pub columns: ColumnMapping,
    /// The export's stage names (matched ignoring case and surrounding
    /// spaces) and where each puts a deal.
    pub stages: BTreeMap<String, StageTarget>,
    /// The export's customer-type values, when they are not our keys.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub customer_types: BTreeMap<String, CustomerType>,
    /// The export's grade values, when they are not A-D.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grades: BTreeMap<String, Grade>,
    /// The type of accounts with neither a type nor scores in the export
    /// (when absent such rows are refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_customer_type: Option<CustomerType>,
    /// The definitions of the imported portfolio.
    #[serde(default)]
    pub definitions: Definitions,
}

fn default_portfolio_name() -> String {
    "CRM import".into()
}
fn default_minor_digits() -> u8 {
    2
}
fn default_delimiter() -> char {
    ','
}
fn default_date_format() -> String {
    "%Y-%m-%d".into()
}
fn default_decimal_separator() -> char {
    '.'
}
fn default_actor() -> String {
    "crm-import".into()
}

fn normalise(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Checks that no two keys of `map` are equal once normalised.
fn unique_keys<V>(field: &str, map: &BTreeMap<String, V>) -> Result<(), ConfigError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for key in map.keys() {
        if let Some(first) = seen.insert(normalise(key), key) {
            return Err(ConfigError::invalid(
                field,
                format!("`{first}` and `{key}` are the same name once case and spaces are ignored"),
            ));
        }
    }
    Ok(())
}

impl Validate for CsvMapping {
    fn validate(&self) -> Result<(), ConfigError> {
        if !self.delimiter.is_ascii() {
            return Err(ConfigError::invalid(
                "delimiter",
                "must be one ASCII character",
            ));
        }
        if Some(self.decimal_separator) == self.thousands_separator {
            return Err(ConfigError::invalid(
                "thousands_separator",
                "must differ from the decimal separator",
            ));
        }
        if StrftimeItems::new(&self.date_format).any(|item| matches!(item, Item::Error)) {
            return Err(ConfigError::invalid(
                "date_format",
                format!("`{}` is not a valid date format", self.date_format),
            ));
        }
        if self.minor_digits > super::document::MAX_MINOR_DIGITS {
            return Err(ConfigError::invalid(
                "minor_digits",
                format!(
                    "{} is more than {}",
                    self.minor_digits,
                    super::document::MAX_MINOR_DIGITS
                ),
            ));
        }
        if self.actor.trim().is_empty() {
            return Err(ConfigError::invalid("actor", "must not be empty"));
        }
        if self.stages.is_empty() {
            return Err(ConfigError::invalid(
                "stages",
                "must map at least one stage name",
            ));
        }
        unique_keys("stages", &self.stages)?;
        unique_keys("customer_types", &self.customer_types)?;
        unique_keys("grades", &self.grades)?;
        for (name, target) in &self.stages {
            if target.outcome == Some(Outcome::Won) && target.stage != Stage::LAST {
                return Err(ConfigError::invalid(
                    format!("stages.{name}.stage"),
                    "a won deal ends in project_implementation",
                ));
            }
        }
        for (field, name) in self.columns.named() {
            if name.trim().is_empty() {
                return Err(ConfigError::invalid(
                    format!("columns.{field}"),
                    "must name a column",
                ));
            }
        }
        if self.columns.assistance.is_some() != self.columns.loyalty.is_some() {
            return Err(ConfigError::invalid(
                "columns.loyalty",
                "assistance and loyalty columns go together",
            ));
        }
        self.definitions
            .validate()
            .map_err(|e| prefixed("definitions", e))
    }
}

impl ColumnMapping {
    /// Every mapped column as (field, header name).
    fn named(&self) -> Vec<(&'static str, &str)> {
        let mut named = vec![
            ("id", self.id.as_str()),
            ("account", self.account.as_str()),
            ("stage", self.stage.as_str()),
            ("amount", self.amount.as_str()),
            ("expected_close", self.expected_close.as_str()),
            ("opened", self.opened.as_str()),
        ];
        let optional = [
            ("name", &self.name),
            ("account_name", &self.account_name),
            ("stage_since", &self.stage_since),
            ("closed", &self.closed),
            ("owner", &self.owner),
            ("grade", &self.grade),
            ("currency", &self.currency),
            ("customer_type", &self.customer_type),
            ("assistance", &self.assistance),
            ("loyalty", &self.loyalty),
        ];
        named.extend(
            optional
                .into_iter()
                .filter_map(|(field, name)| name.as_deref().map(|n| (field, n))),
        );
        named
    }
}

impl CsvMapping {
    /// Loads a mapping from JSON, refused whole (naming the field) when
    /// inconsistent.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }
}

/// Why a whole file could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The mapping is invalid.
    #[error("invalid CSV mapping: {0}")]
    Mapping(ConfigError),
    /// The header row could not be read.
    #[error("cannot read the CSV header: {message}")]
    Header {
        /// What the CSV reader said.
        message: String,
    },
    /// A column the mapping names is not in the header.
    #[error("column `{column}` (mapped as {field}) is not in the CSV header")]
    MissingColumn {
        /// The mapped field.
        field: &'static str,
        /// The header name the mapping gives.
        column: String,
    },
    /// The file could not be read.
    #[error("cannot read the CSV: {message}")]
    Read {
        /// What the reader said.
        message: String,
    },
    /// The imported rows do not make a valid portfolio (for example an
    /// invalid currency in the mapping).
    #[error(transparent)]
    Portfolio(PortfolioError),
}

/// Why one row was not imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// The row is not well-formed CSV (for example the wrong number of
    /// fields).
    #[error("malformed row: {message}")]
    Malformed {
        /// What the CSV reader said.
        message: String,
    },
    /// A required value is empty.
    #[error("no value in column `{column}`")]
    Missing {
        /// The column's header name.
        column: String,
    },
    /// The stage name is not in the mapping.
    #[error("stage `{value}` is not in the mapping's stages")]
    UnknownStage {
        /// The stage name in the row.
        value: String,
    },
    /// The amount cannot be read exactly.
    #[error("amount `{value}`: {reason}")]
    BadAmount {
        /// The text in the row.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A date does not match the mapping's date format.
    #[error("`{value}` in column `{column}` is not a date in the format {format}")]
    BadDate {
        /// The column's header name.
        column: String,
        /// The text in the row.
        value: String,
        /// The format expected.
        format: String,
    },
    /// The dates are in an impossible order.
    #[error("{0}")]
    DatesOutOfOrder(String),
    /// A score is not a number.
    #[error("score `{value}` in column `{column}` is not a number")]
    BadScore {
        /// The column's header name.
        column: String,
        /// The text in the row.
        value: String,
    },
    /// A score is outside 0-100.
    #[error(transparent)]
    Score(ScoreError),
    /// The customer-type value is unknown.
    #[error("customer type `{value}` is neither a key ({expected}) nor in the mapping")]
    UnknownCustomerType {
        /// The text in the row.
        value: String,
        /// Our keys.
        expected: String,
    },
    /// The account has no type, no scores, and the mapping no default type.
    #[error("account `{account}` has no customer type or scores and the mapping gives no default_customer_type")]
    NoCustomerType {
        /// The account id.
        account: String,
    },
    /// The grade value is unknown.
    #[error("grade `{value}` is neither A-D nor in the mapping")]
    UnknownGrade {
        /// The text in the row.
        value: String,
    },
    /// The row's currency is not the mapping's.
    #[error("currency `{value}` differs from the portfolio's {expected}")]
    CurrencyMismatch {
        /// The row's currency.
        value: String,
        /// The mapping's currency.
        expected: String,
    },
    /// An earlier row has the same opportunity id.
    #[error("opportunity id `{id}` already imported from line {first_line}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The line of the first row with it.
        first_line: u64,
    },
    /// The account could not be created.
    #[error("account: {0}")]
    Account(CustomerError),
    /// The process refused an imported event.
    #[error("the process refused the imported history: {0}")]
    Refused(KeyAccountError),
}

/// A row that was not imported, with its line in the file (the header is
/// line 1).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct RowError {
    /// The line the row starts on.
    pub line: u64,
    /// The row's opportunity id, when it could be read.
    pub id: Option<String>,
    /// Why it was not imported.
    pub problem: RowProblem,
}

/// A row that was imported with something worth knowing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowWarning {
    /// The line the row starts on.
    pub line: u64,
    /// What is worth knowing.
    pub message: String,
}

impl core::fmt::Display for RowWarning {
    /// `line N: message`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The result of an import: the portfolio of every importable row, and a
/// report of every other row.
#[derive(Debug, Clone)]
pub struct CsvImport {
    /// The imported portfolio.
    pub portfolio: Portfolio,
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// Rows imported as opportunities.
    pub imported: usize,
    /// Rows not imported, in file order.
    pub rejected: Vec<RowError>,
    /// Imported rows with something worth knowing, in file order.
    pub warnings: Vec<RowWarning>,
}

/// Column positions found in the header.
struct Columns {
    id: usize,
    account: usize,
    stage: usize,
    amount: usize,
    expected_close: usize,
    opened: usize,
    name: Option<usize>,
    account_name: Option<usize>,
    stage_since: Option<usize>,
    closed: Option<usize>,
    owner: Option<usize>,
    grade: Option<usize>,
    currency: Option<usize>,
    customer_type: Option<usize>,
    assistance: Option<usize>,
    loyalty: Option<usize>,
}

/// The mapping with its lookups prepared.
struct Compiled<'a> {
    mapping: &'a CsvMapping,
    columns: Columns,
    stages: HashMap<String, StageTarget>,
    customer_types: HashMap<String, CustomerType>,
    grades: HashMap<String, Grade>,
}

/// What one row says about its account.
#[derive(Debug, Clone, PartialEq)]
struct AccountInfo {
    name: Option<String>,
    customer_type: Option<CustomerType>,
    scores: Option<Scores>,
}

impl AccountInfo {
    /// Whether every detail this row gives matches `first` (details left
    /// empty agree with anything).
    fn agrees_with(&self, first: &AccountInfo) -> bool {
        fn same<T: PartialEq>(later: &Option<T>, first: &Option<T>) -> bool {
            later.is_none() || later == first
        }
        same(&self.name, &first.name)
            && same(&self.customer_type, &first.customer_type)
            && same(&self.scores, &first.scores)
    }
}

/// Imports the CSV export read from `reader` through `mapping`.
pub fn import_csv<R: Read>(reader: R, mapping: &CsvMapping) -> Result<CsvImport, CsvError> {
    mapping.validate().map_err(CsvError::Mapping)?;
    let delimiter = u8::try_from(mapping.delimiter).unwrap_or(b',');
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .from_reader(reader);
    let headers = csv
        .headers()
        .map_err(|e| CsvError::Header {
            message: e.to_string(),
        })?
        .clone();
    let compiled = Compiled::new(mapping, &headers)?;

    let mut rows = 0usize;
    let mut rejected = Vec::new();
    let mut warnings = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    let mut accounts: Vec<Account> = Vec::new();
    let mut account_info: HashMap<String, (usize, AccountInfo, u64)> = HashMap::new();
    let mut opportunities: Vec<OpportunityRecord> = Vec::new();
    let mut latest: Option<DateTime<Utc>> = None;

    for (ordinal, result) in csv.records().enumerate() {
        rows += 1;
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(CsvError::Read {
                        message: e.to_string(),
                    });
                }
                // The header is line 1; without a position, count rows.
                let line = e.position().map_or(ordinal as u64 + 2, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("{len} fields where the header has {expected_len}"),
                    _ => e.to_string(),
                };
                rejected.push(RowError {
                    line,
                    id: None,
                    problem: RowProblem::Malformed { message },
                });
                continue;
            }
        };
        let line = record.position().map_or(ordinal as u64 + 2, |p| p.line());
        let row = match compiled.read_row(&record) {
            Ok(row) => row,
            Err((id, problem)) => {
                rejected.push(RowError { line, id, problem });
                continue;
            }
        };
        if let Some(&first_line) = first_line_of.get(&row.id) {
            rejected.push(RowError {
                line,
                id: Some(row.id.clone()),
                problem: RowProblem::DuplicateId {
                    id: row.id,
                    first_line,
                },
            });
            continue;
        }
        let reject = |problem| RowError {
            line,
            id: Some(row.id.clone()),
            problem,
        };
        // Settle the account before committing anything.
        let new_account = match account_info.get(&row.account) {
            Some((_, first, first_line)) => {
                if !row.account_info.agrees_with(first) {
                    warnings.push(RowWarning {
                        line,
                        message: format!(
                            "account `{}` details differ from line {first_line}; the first row's are kept",
                            row.account
                        ),
                    });
                }
                None
            }
            None => match compiled.new_account(&row) {
                Ok(account) => Some(account),
                Err(problem) => {
                    rejected.push(reject(problem));
                    continue;
                }
            },
        };
        let record = match compiled.build_opportunity(&row) {
            Ok(record) => record,
            Err(problem) => {
                rejected.push(reject(problem));
                continue;
            }
        };
        let last = record.last_activity();
        latest = Some(latest.map_or(last, |l| l.max(last)));
        if let Some(account) = new_account {
            account_info.insert(
                row.account.clone(),
                (accounts.len(), row.account_info.clone(), line),
            );
            accounts.push(account);
        }
        first_line_of.insert(row.id.clone(), line);
        opportunities.push(record);
    }

    let as_of = mapping
        .as_of
        .or(latest)
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let imported = opportunities.len();
    let portfolio = Portfolio::new(
        mapping.portfolio_name.clone(),
        as_of,
        mapping.currency.clone(),
        mapping.definitions.clone(),
    )
    .and_then(|p| p.with_minor_digits(mapping.minor_digits))
    .and_then(|p| p.with_records(accounts, opportunities))
    .map_err(CsvError::Portfolio)?;
    Ok(CsvImport {
        portfolio,
        rows,
        imported,
        rejected,
        warnings,
    })
}

/// One row, read and parsed.
struct Row {
    id: String,
    account: String,
    account_info: AccountInfo,
    name: String,
    stage_name: String,
    target: StageTarget,
    amount_minor: u64,
    expected_close: NaiveDate,
    opened: DateTime<Utc>,
    stage_since: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
    owner: String,
    grade: Option<Grade>,
}

type RowResult<T> = Result<T, RowProblem>;

impl<'a> Compiled<'a> {
    fn new(mapping: &'a CsvMapping, headers: &csv::StringRecord) -> Result<Self, CsvError> {
        let find = |field: &'static str, name: &str| -> Result<usize, CsvError> {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').trim() == name.trim())
                .ok_or_else(|| CsvError::MissingColumn {
                    field,
                    column: name.to_owned(),
                })
        };
        let optional =
            |field: &'static str, name: &Option<String>| -> Result<Option<usize>, CsvError> {
                name.as_deref().map(|n| find(field, n)).transpose()
            };
        let c = &mapping.columns;
        let columns = Columns {
            id: find("id", &c.id)?,
            account: find("account", &c.account)?,
            stage: find("stage", &c.stage)?,
            amount: find("amount", &c.amount)?,
            expected_close: find("expected_close", &c.expected_close)?,
            opened: find("opened", &c.opened)?,
            name: optional("name", &c.name)?,
            account_name: optional("account_name", &c.account_name)?,
            stage_since: optional("stage_since", &c.stage_since)?,
            closed: optional("closed", &c.closed)?,
            owner: optional("owner", &c.owner)?,
            grade: optional("grade", &c.grade)?,
            currency: optional("currency", &c.currency)?,
            customer_type: optional("customer_type", &c.customer_type)?,
            assistance: optional("assistance", &c.assistance)?,
            loyalty: optional("loyalty", &c.loyalty)?,
        };
        Ok(Compiled {
            mapping,
            columns,
            stages: mapping
                .stages
                .iter()
                .map(|(k, v)| (normalise(k), *v))
                .collect(),
            customer_types: mapping
                .customer_types
                .iter()
                .map(|(k, v)| (normalise(k), *v))
                .collect(),
            grades: mapping
                .grades
                .iter()
                .map(|(k, v)| (normalise(k), *v))
                .collect(),
        })
    }

    /// Reads and parses one row; on failure, the id if it could be read.
    fn read_row(&self, record: &csv::StringRecord) -> Result<Row, (Option<String>, RowProblem)> {
        let c = &self.columns;
        let names = &self.mapping.columns;
        let value = |i: usize| record.get(i).map(str::trim).filter(|v| !v.is_empty());
        let optional = |i: Option<usize>| i.and_then(value);
        let required = |i: usize, column: &str| {
            value(i).ok_or_else(|| RowProblem::Missing {
                column: column.to_owned(),
            })
        };
        let id = required(c.id, &names.id).map_err(|p| (None, p))?.to_owned();
        let with_id = |p: RowProblem| (Some(id.clone()), p);
        let parse = || -> RowResult<Row> {
            let account = required(c.account, &names.account)?.to_owned();
            let stage_name = required(c.stage, &names.stage)?.to_owned();
            let target = *self.stages.get(&normalise(&stage_name)).ok_or_else(|| {
                RowProblem::UnknownStage {
                    value: stage_name.clone(),
                }
            })?;
            if let Some(currency) = optional(c.currency) {
                if !currency.eq_ignore_ascii_case(&self.mapping.currency) {
                    return Err(RowProblem::CurrencyMismatch {
                        value: currency.to_owned(),
                        expected: self.mapping.currency.clone(),
                    });
                }
            }
            let amount_minor = parse_amount(
                required(c.amount, &names.amount)?,
                self.mapping.decimal_separator,
                self.mapping.thousands_separator,
                self.mapping.minor_digits,
            )?;
            let date = |i: usize, column: &str| -> RowResult<NaiveDate> {
                let text = required(i, column)?;
                NaiveDate::parse_from_str(text, &self.mapping.date_format).map_err(|_| {
                    RowProblem::BadDate {
                        column: column.to_owned(),
                        value: text.to_owned(),
                        format: self.mapping.date_format.clone(),
                    }
                })
            };
            let optional_date =
                |i: Option<usize>, column: &Option<String>| -> RowResult<Option<NaiveDate>> {
                    match (i, column) {
                        (Some(i), Some(column)) if value(i).is_some() => date(i, column).map(Some),
                        _ => Ok(None),
                    }
                };
            let expected_close = date(c.expected_close, &names.expected_close)?;
            let opened = midnight(date(c.opened, &names.opened)?);
            let stage_since =
                optional_date(c.stage_since, &names.stage_since)?.map_or(opened, midnight);
            if stage_since < opened {
                return Err(RowProblem::DatesOutOfOrder(format!(
                    "entered its stage on {} before it was opened on {}",
                    stage_since.date_naive(),
                    opened.date_naive()
                )));
            }
            let closed = match target.outcome {
                None => None,
                Some(_) => {
                    let at = optional_date(c.closed, &names.closed)?
                        .map_or(midnight(expected_close), midnight);
                    if at < stage_since {
                        return Err(RowProblem::DatesOutOfOrder(format!(
                            "closed on {} before it entered its stage on {}",
                            at.date_naive(),
                            stage_since.date_naive()
                        )));
                    }
                    Some(at)
                }
            };
            let grade = optional(c.grade).map(|g| self.grade(g)).transpose()?;
            let account_info = AccountInfo {
                name: optional(c.account_name).map(str::to_owned),
                customer_type: optional(c.customer_type)
                    .map(|t| self.customer_type(t))
                    .transpose()?,
                scores: self.scores(record)?,
            };
            Ok(Row {
                name: optional(c.name).unwrap_or(&id).to_owned(),
                owner: optional(c.owner).unwrap_or(&self.mapping.actor).to_owned(),
                id: id.clone(),
                account,
                account_info,
                stage_name,
                target,
                amount_minor,
                expected_close,
                opened,
                stage_since,
                closed,
                grade,
            })
        };
        parse().map_err(with_id)
    }

    fn grade(&self, text: &str) -> RowResult<Grade> {
        let key = normalise(text);
        self.grades
            .get(&key)
            .copied()
            .or_else(|| key.parse().ok())
            .ok_or_else(|| RowProblem::UnknownGrade {
                value: text.to_owned(),
            })
    }

    fn customer_type(&self, text: &str) -> RowResult<CustomerType> {
        let key = normalise(text);
        self.customer_types
            .get(&key)
            .copied()
            .or_else(|| key.parse().ok())
            .ok_or_else(|| RowProblem::UnknownCustomerType {
                value: text.to_owned(),
                expected: CustomerType::ALL
                    .iter()
                    .map(|t| t.key())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    fn scores(&self, record: &csv::StringRecord) -> RowResult<Option<Scores>> {
        let (Some(a), Some(l)) = (self.columns.assistance, self.columns.loyalty) else {
            return Ok(None);
        };
        let names = &self.mapping.columns;
        let read = |i: usize, column: &Option<String>| -> RowResult<Option<f64>> {
            let Some(text) = record.get(i).map(str::trim).filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            let normal = text.replace(self.mapping.decimal_separator, ".");
            normal
                .parse::<f64>()
                .map(Some)
                .map_err(|_| RowProblem::BadScore {
                    column: column.clone().unwrap_or_default(),
                    value: text.to_owned(),
                })
        };
        match (read(a, &names.assistance)?, read(l, &names.loyalty)?) {
            (Some(assistance), Some(loyalty)) => Scores::new(assistance, loyalty)
                .map(Some)
                .map_err(RowProblem::Score),
            _ => Ok(None),
        }
    }

    fn new_account(&self, row: &Row) -> RowResult<Account> {
        let info = &row.account_info;
        let name = info.name.clone().unwrap_or_else(|| row.account.clone());
        let thresholds = &self.mapping.definitions.planner.thresholds;
        let customer = match (
            info.scores,
            info.customer_type,
            self.mapping.default_customer_type,
        ) {
            (Some(scores), _, _) => {
                Customer::from_scores(&row.account, name, scores, thresholds, row.opened)
            }
            (None, Some(t), _) | (None, None, Some(t)) => {
                Customer::from_type(&row.account, name, t, row.opened)
            }
            (None, None, None) => {
                return Err(RowProblem::NoCustomerType {
                    account: row.account.clone(),
                })
            }
        };
        customer.map(Account::new).map_err(RowProblem::Account)
    }

    fn build_opportunity(&self, row: &Row) -> RowResult<OpportunityRecord> {
        let definition = &self.mapping.definitions.process;
        let mut process = KeyAccountProcess::new(row.opened);
        let evidence = format!("imported from CRM stage \"{}\"", row.stage_name);
        let mut apply = |at: DateTime<Utc>, event: KeyAccountEvent| {
            process
                .apply(definition, Entry::new(at, row.owner.as_str(), event))
                .map_err(RowProblem::Refused)
        };
        let met = |node: KeyNode, grade: Option<Grade>| KeyAccountEvent::KeyNodeMet {
            node,
            evidence: evidence.clone(),
            grade,
        };
        let mut done = crate::key_account::KeyNodeSet::EMPTY;
        if let Some(grade) = row.grade {
            apply(row.opened, met(KeyNode::OpportunityGraded, Some(grade)))?;
            done.insert(KeyNode::OpportunityGraded);
        }
        let mut against_policy = row
            .grade
            .is_some_and(|g| !definition.policies.get(g).enter_sales_process);
        let walk_to = row.target.stage;
        for stage in Stage::FIRST.through(walk_to) {
            let last = stage == walk_to;
            // The last stage's work is not done yet; a won deal is booked
            // on entering it, and its delivery is not known.
            if last {
                break;
            }
            let at = row.stage_since;
            for node in definition.required(stage).difference(done).iter() {
                // The grading node is met only by a grade; an export without
                // one leaves it unmet and the deal moves on forced.
                if node == KeyNode::OpportunityGraded {
                    continue;
                }
                apply(at, met(node, None))?;
                done.insert(node);
            }
            let nodes_met = definition.required(stage).difference(done).is_empty();
            if nodes_met && !against_policy {
                apply(at, KeyAccountEvent::Advanced)?;
            } else {
                let reason = if nodes_met {
                    format!(
                        "imported from CRM stage \"{}\" against the grade's policy",
                        row.stage_name
                    )
                } else {
                    format!(
                        "imported from CRM stage \"{}\" without a grade",
                        row.stage_name
                    )
                };
                apply(at, KeyAccountEvent::ForcedAdvance { reason })?;
                // The override holds for the grade from now on.
                against_policy = false;
            }
        }
        if let (Some(outcome), Some(at)) = (row.target.outcome, row.closed) {
            let reason = || {
                Box::new(
                    Reason::new(OTHER_REASON)
                        .with_note(format!("CRM stage \"{}\"", row.stage_name)),
                )
            };
            let event = match outcome {
                Outcome::Won => KeyAccountEvent::Booked {
                    booked_on: at.date_naive(),
                    amount_minor: None,
                },
                Outcome::Lost => KeyAccountEvent::Lost { reason: reason() },
                Outcome::Withdrawn => KeyAccountEvent::Withdrawn { reason: reason() },
            };
            apply(at, event)?;
        }
        let mut record = OpportunityRecord::new(
            row.id.as_str(),
            row.account.as_str(),
            row.name.clone(),
            row.amount_minor,
            row.expected_close,
            row.opened,
        );
        record.process = process;
        Ok(record)
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Reads a non-negative amount in major units as exact minor units.
pub fn parse_amount(
    text: &str,
    decimal_separator: char,
    thousands_separator: Option<char>,
    minor_digits: u8,
) -> Result<u64, RowProblem> {
    let bad = |reason: &str| RowProblem::BadAmount {
        value: text.to_owned(),
        reason: reason.to_owned(),
    };
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|&ch| Some(ch) != thousands_separator)
        .collect();
    if cleaned.starts_with('-') {
        return Err(bad("a deal's amount cannot be negative"));
    }
    let (whole, fraction) = match cleaned.split_once(decimal_separator) {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let whole = whole.strip_prefix('+').unwrap_or(whole);
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) {
        return Err(bad(&format!(
            "expected digits with `{decimal_separator}` as the decimal separator"
        )));
    }
    let digits = usize::from(minor_digits);
    let (kept, dropped) = fraction.split_at(fraction.len().min(digits));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(bad(&format!("more than {minor_digits} decimals")));
    }
    let scale = 10u64.pow(u32::from(minor_digits));
    let whole_value: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad("too large"))?
    };
    let kept_value: u64 = if kept.is_empty() {
        0
    } else {
        kept.parse().map_err(|_| bad("too large"))?
    };
    let kept_scaled = kept_value * 10u64.pow((digits - kept.len()) as u32);
    whole_value
        .checked_mul(scale)
        .and_then(|v| v.checked_add(kept_scaled))
        .ok_or_else(|| bad("too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        let read = |t: &str| parse_amount(t, '.', Some(','), 2);
        assert_eq!(read("12,500.00"), Ok(1_250_000));
        assert_eq!(read("0.1"), Ok(10));
        assert_eq!(read("7"), Ok(700));
        assert_eq!(read(".5"), Ok(50));
        assert_eq!(read("1.230"), Ok(123));
        assert!(read("1.234").is_err());
        assert!(read("-5").is_err());
        assert!(read("12a").is_err());
        assert!(read("").is_err());
        assert!(read(".").is_err());
        assert!(read("99999999999999999999").is_err());
        assert_eq!(parse_amount("1.250,5", ',', Some('.'), 2), Ok(125_050));
        assert_eq!(parse_amount("300", '.', None, 0), Ok(300));
    }
}
