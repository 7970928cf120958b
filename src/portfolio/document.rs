//! The portfolio document: a whole book of accounts and deals, as one
//! versioned JSON document.
//!
//! A [`Portfolio`] holds the accounts (each a [`Customer`] with its type
//! history and the [`ActionLog`] of its differentiation actions), the
//! opportunities (each with its amount, expected close date, optional
//! grading inputs and its [`KeyAccountProcess`]: state and journal), and the
//! [`Definitions`] in use. Definitions are held once for the whole
//! portfolio, never per opportunity.
//!
//! The document carries a `format_version`; any other version is refused
//! with a message saying which one was found and which one this library
//! reads. Loading ([`Portfolio::from_json`], [`Portfolio::from_slice`])
//! checks consistency: every journal is replayed and must rebuild the
//! stored state, every opportunity must name a known account, ids are
//! unique, and every definition is valid. Saving and loading again loses
//! nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::analytics::AnalyticsConfig;
use crate::config::{ConfigError, Validate};
use crate::customer::{Customer, CustomerType};
use crate::differentiation::{ActionLog, ActionStatus, PlannerConfig};
use crate::grading::{Assessment, GradeError, Grader, GradingConfig, Opportunity, Ratings};
use crate::journal::Entry;
use crate::key_account::{
    KeyAccountError, KeyAccountEvent, KeyAccountProcess, ProcessDefinition, ReplayError,
};
use crate::labels::Labelled;

/// The version of the portfolio document this library writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The most digits a currency's minor unit may have (kept out of the
/// public constants, which the C header lists).
pub(crate) const MAX_MINOR_DIGITS: u8 = 4;

/// The stored portfolio document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PortfolioDocument;

impl crate::format::Document for PortfolioDocument {
    const NAME: &'static str = "portfolio";
    const SCHEMA_NAME: &'static str = "PortfolioFormatVersion";
    const VERSION: u32 = FORMAT_VERSION;
}

type FormatVersion = crate::format::FormatVersion<PortfolioDocument>;

/// Every definition a portfolio is analysed under, held once for the whole
/// document. Fields left out take their defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Definitions {
    /// Customer-type thresholds, readiness rule and action effects.
    pub planner: PlannerConfig,
    /// The six-stage process: bases, key nodes, penalty, coverage, grade
    /// factors.
    pub process: ProcessDefinition,
    /// Evaluation model, grade table and resource policies.
    pub grading: GradingConfig,
    /// Stalled-deal limits and calibration prior.
    pub analytics: AnalyticsConfig,
}

impl Validate for Definitions {
    fn validate(&self) -> Result<(), ConfigError> {
        self.planner
            .validate()
            .map_err(|e| prefixed("planner", e))?;
        self.process
            .validate()
            .map_err(|e| prefixed("process", e))?;
        self.grading
            .validate()
            .map_err(|e| prefixed("grading", e))?;
        self.analytics
            .validate()
            .map_err(|e| prefixed("analytics", e))
    }
}

impl Definitions {
    /// Loads definitions from JSON; missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }
}

pub(crate) fn prefixed(parent: &str, e: ConfigError) -> ConfigError {
    match e {
        ConfigError::Invalid { field, reason } => ConfigError::Invalid {
            field: format!("{parent}.{field}"),
            reason,
        },
        other => other,
    }
}

/// One account: the customer record and the differentiation actions applied
/// to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The customer, its type and its dated type history.
    pub customer: Customer,
    /// The differentiation actions applied to the account, oldest first.
    #[serde(default, skip_serializing_if = "no_actions")]
    pub actions: ActionLog,
}

fn no_actions(log: &ActionLog) -> bool {
    log.records().is_empty()
}

impl Account {
    /// An account with no action recorded yet.
    pub fn new(customer: Customer) -> Self {
        Account {
            customer,
            actions: ActionLog::new(),
        }
    }

    /// The account's id (its customer's id).
    pub fn id(&self) -> &str {
        self.customer.id()
    }
}

/// The inputs the opportunity is graded from (the close date is the
/// opportunity's own).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradingInputs {
    /// Its rating on each evaluation factor (0-10).
    pub ratings: Ratings,
    /// How likely the transaction is (0-1).
    pub possibility: f64,
}

/// One opportunity: what it is worth, when it should close, how it grades,
/// and where its six-stage process stands. Kept lean: ids up to 24 bytes
/// are stored inline and definitions are the portfolio's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityRecord {
    /// The CRM's id for the opportunity (unique in the portfolio).
    #[schemars(with = "String")]
    pub id: CompactString,
    /// The id of the account it belongs to.
    #[schemars(with = "String")]
    pub account: CompactString,
    /// What is being sold, as shown to users.
    pub name: String,
    /// The amount, in minor units of the portfolio's currency (cents for
    /// euros): exact, never rounded.
    pub amount_minor: u64,
    /// When the deal is expected to close.
    pub expected_close: NaiveDate,
    /// The grading inputs, when the opportunity was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<Box<GradingInputs>>,
    /// The key-account process: state and journal.
    pub process: KeyAccountProcess,
}

impl OpportunityRecord {
    /// A new opportunity whose process opens at `opened_at`.
    pub fn new(
        id: impl Into<CompactString>,
        account: impl Into<CompactString>,
        name: impl Into<String>,
        amount_minor: u64,
        expected_close: NaiveDate,
        opened_at: DateTime<Utc>,
    ) -> Self {
        OpportunityRecord {
            id: id.into(),
            account: account.into(),
            name: name.into(),
            amount_minor,
            expected_close,
            grading: None,
            process: KeyAccountProcess::new(opened_at),
        }
    }

    /// The opportunity as the grader sees it, when it has grading inputs.
    pub fn grading_opportunity(&self) -> Option<Opportunity> {
        self.grading.as_deref().map(|g| Opportunity {
            ratings: g.ratings,
            expected_close: self.expected_close,
            possibility: g.possibility,
        })
    }

    /// When the last event happened (the opening if there is none).
    pub fn last_activity(&self) -> DateTime<Utc> {
        self.process
            .journal()
            .last_at()
            .unwrap_or(self.process.state().opened_at())
    }
}

/// Why a portfolio was refused. Nothing is loaded or changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PortfolioError {
    /// The text is not valid JSON for a portfolio document.
    #[error("invalid portfolio JSON: {message}")]
    Json {
        /// serde_json's description, with line and column.
        message: String,
        /// The line serde_json stopped at (1-based).
        line: usize,
        /// The column serde_json stopped at (1-based).
        column: usize,
    },
    /// The document has a format version this library does not read.
    #[error(
        "unsupported portfolio format version {found}; this library reads version {supported}"
    )]
    UnsupportedVersion {
        /// The version found in the document, as written there.
        found: String,
        /// The version this library reads.
        supported: u32,
    },
    /// A definition is invalid; the field is the dotted path from
    /// `definitions`.
    #[error("invalid definitions: {0}")]
    Definition(ConfigError),
    /// The currency code is not three capital letters, or has too many
    /// minor digits.
    #[error("invalid currency `{code}` with {minor_digits} minor digits: expected three capital letters (ISO 4217) and at most 4 minor digits")]
    Currency {
        /// The code given.
        code: String,
        /// The minor digits given.
        minor_digits: u8,
    },
    /// An account id is empty.
    #[error("account {index} has an empty id")]
    EmptyAccountId {
        /// The account's position in the document (0 is the first).
        index: usize,
    },
    /// Two accounts share an id.
    #[error("account id `{id}` appears more than once")]
    DuplicateAccount {
        /// The id.
        id: String,
    },
    /// An account's type history is inconsistent.
    #[error("account `{account}`: {reason}")]
    AccountHistory {
        /// The account's id.
        account: String,
        /// What is inconsistent.
        reason: String,
    },
    /// An opportunity id is empty.
    #[error("opportunity {index} has an empty id")]
    EmptyOpportunityId {
        /// The opportunity's position in the document (0 is the first).
        index: usize,
    },
    /// Two opportunities share an id.
    #[error("opportunity id `{id}` appears more than once")]
    DuplicateOpportunity {
        /// The id.
        id: String,
    },
    /// An opportunity names an account the portfolio does not have.
    #[error("opportunity `{opportunity}` refers to unknown account `{account}`")]
    UnknownAccount {
        /// The opportunity's id.
        opportunity: String,
        /// The account id it names.
        account: String,
    },
    /// An opportunity's grading inputs are invalid.
    #[error("opportunity `{opportunity}`: invalid grading inputs: {error}")]
    GradingInputs {
        /// The opportunity's id.
        opportunity: String,
        /// What is wrong with them.
        error: GradeError,
    },
    /// An opportunity's journal does not replay under the portfolio's
    /// process definition.
    #[error("opportunity `{opportunity}`: {error}")]
    JournalRefused {
        /// The opportunity's id.
        opportunity: String,
        /// The refused entry and why.
        error: ReplayError,
    },
    /// Replaying an opportunity's journal gives another state than the
    /// stored one.
    #[error("opportunity `{opportunity}`: the stored process state differs from the state its journal rebuilds (stored stage {stored}, rebuilt stage {rebuilt})")]
    StateMismatch {
        /// The opportunity's id.
        opportunity: String,
        /// The stage in the stored state.
        stored: crate::key_account::Stage,
        /// The stage the journal rebuilds.
        rebuilt: crate::key_account::Stage,
    },
    /// No opportunity has this id.
    #[error("no opportunity with id `{id}`")]
    UnknownOpportunity {
        /// The id given.
        id: String,
    },
    /// The event was refused by the opportunity's process.
    #[error("opportunity `{opportunity}`: {error}")]
    EventRefused {
        /// The opportunity's id.
        opportunity: String,
        /// Why the process refused it.
        error: KeyAccountError,
    },
}

/// A whole book of accounts and deals, with the definitions they are
/// analysed under, as of one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Portfolio {
    format_version: FormatVersion,
    name: String,
    as_of: DateTime<Utc>,
    currency: String,
    #[serde(default = "default_minor_digits")]
    minor_digits: u8,
    #[serde(default)]
    definitions: Definitions,
    #[serde(default)]
    accounts: Vec<Account>,
    #[serde(default)]
    opportunities: Vec<OpportunityRecord>,
}

fn default_minor_digits() -> u8 {
    2
}

/// Appends `items` to `list`, taking `items`' buffer over when `list` is
/// empty: a portfolio built in one go then never holds two copies of its
/// records at once.
fn append<T>(list: &mut Vec<T>, mut items: Vec<T>) {
    if list.is_empty() {
        *list = items;
    } else {
        list.append(&mut items);
    }
}

impl Portfolio {
    /// An empty portfolio as of `as_of`, in `currency` (ISO 4217 code with
    /// two minor digits; see [`with_minor_digits`](Self::with_minor_digits)).
    pub fn new(
        name: impl Into<String>,
        as_of: DateTime<Utc>,
        currency: impl Into<String>,
        definitions: Definitions,
    ) -> Result<Self, PortfolioError> {
        let portfolio = Portfolio {
            format_version: FormatVersion::CURRENT,
            name: name.into(),
            as_of,
            currency: currency.into(),
            minor_digits: default_minor_digits(),
            definitions,
            accounts: Vec::new(),
            opportunities: Vec::new(),
        };
        portfolio.check_header()?;
        Ok(portfolio)
    }

    /// The same portfolio with `digits` minor digits for its currency (0 for
    /// yen, 3 for dinars).
    pub fn with_minor_digits(mut self, digits: u8) -> Result<Self, PortfolioError> {
        self.minor_digits = digits;
        self.check_header()?;
        Ok(self)
    }

    /// The same portfolio with `accounts` and `opportunities` added, all or
    /// nothing: the whole document is checked once (linear in its size).
    pub fn with_records(
        mut self,
        accounts: Vec<Account>,
        opportunities: Vec<OpportunityRecord>,
    ) -> Result<Self, PortfolioError> {
        append(&mut self.accounts, accounts);
        append(&mut self.opportunities, opportunities);
        self.check()?;
        Ok(self)
    }

    /// Loads and checks a portfolio from JSON text.
    pub fn from_json(json: &str) -> Result<Self, PortfolioError> {
        Self::from_slice(json.as_bytes())
    }

    /// Loads and checks a portfolio from JSON bytes: parses the whole
    /// document, then runs [`check`](Self::check).
    pub fn from_slice(json: &[u8]) -> Result<Self, PortfolioError> {
        let portfolio = Self::parse_slice(json)?;
        portfolio.check()?;
        Ok(portfolio)
    }

    /// Parses a portfolio from JSON bytes without the consistency check
    /// (refusing unknown format versions all the same). Call
    /// [`check`](Self::check) before trusting it.
    pub fn parse_slice(json: &[u8]) -> Result<Self, PortfolioError> {
        serde_json::from_slice(json).map_err(|e| {
            match crate::format::other_version::<PortfolioDocument>(json) {
                Some(found) => PortfolioError::UnsupportedVersion {
                    found: found.to_string(),
                    supported: FORMAT_VERSION,
                },
                None => PortfolioError::Json {
                    message: e.to_string(),
                    line: e.line(),
                    column: e.column(),
                },
            }
        })
    }

    /// The document as compact JSON.
    pub fn to_json(&self) -> String {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The document as indented JSON, for files people read.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the whole document: currency, definitions, accounts and their
    /// histories, opportunities, their accounts and grading inputs, and that
    /// every journal replays to its stored state.
    pub fn check(&self) -> Result<(), PortfolioError> {
        self.check_header()?;
        let mut accounts = HashSet::with_capacity(self.accounts.len());
        for (index, account) in self.accounts.iter().enumerate() {
            self.check_account(index, account)?;
            if !accounts.insert(account.id()) {
                return Err(PortfolioError::DuplicateAccount {
                    id: account.id().to_owned(),
                });
            }
        }
        let grader = self.grader()?;
        let mut opportunities = HashSet::with_capacity(self.opportunities.len());
        for (index, record) in self.opportunities.iter().enumerate() {
            self.check_opportunity(index, record, &grader, |id| accounts.contains(id))?;
            if !opportunities.insert(record.id.as_str()) {
                return Err(PortfolioError::DuplicateOpportunity {
                    id: record.id.to_string(),
                });
            }
        }
        Ok(())
    }

    fn check_header(&self) -> Result<(), PortfolioError> {
        let code_ok =
            self.currency.len() == 3 && self.currency.bytes().all(|b| b.is_ascii_uppercase());
        if !code_ok || self.minor_digits > MAX_MINOR_DIGITS {
            return Err(PortfolioError::Currency {
                code: self.currency.clone(),
                minor_digits: self.minor_digits,
            });
        }
        self.definitions
            .validate()
            .map_err(|e| PortfolioError::Definition(prefixed("definitions", e)))
    }

    fn check_account(&self, index: usize, account: &Account) -> Result<(), PortfolioError> {
        let customer = &account.customer;
        if customer.id().trim().is_empty() {
            return Err(PortfolioError::EmptyAccountId { index });
        }
        let problem = |reason: String| PortfolioError::AccountHistory {
            account: customer.id().to_owned(),
            reason,
        };
        let mut previous: Option<(DateTime<Utc>, CustomerType)> = None;
        for movement in customer.history() {
            if movement.from == movement.to {
                return Err(problem(format!(
                    "a movement at {} goes from {} to the same type",
                    movement.at,
                    movement.from.key()
                )));
            }
            if let Some((at, to)) = previous {
                if movement.at < at {
                    return Err(problem(format!(
                        "movement at {} is recorded after a later one at {at}",
                        movement.at
                    )));
                }
                if movement.from != to {
                    return Err(problem(format!(
                        "movement at {} starts from {} but the type was {}",
                        movement.at,
                        movement.from.key(),
                        to.key()
                    )));
                }
            }
            previous = Some((movement.at, movement.to));
        }
        if let Some((at, to)) = previous {
            if to != customer.customer_type() {
                return Err(problem(format!(
                    "the last movement ends in {} but the type is {}",
                    to.key(),
                    customer.customer_type().key()
                )));
            }
            if customer.classified_at() < at {
                return Err(problem(format!(
                    "classified at {} but moved later, at {at}",
                    customer.classified_at()
                )));
            }
        }
        if let Some(scores) = customer.scores() {
            let by_scores = self.definitions.planner.thresholds.classify(&scores);
            if by_scores != customer.customer_type() {
                return Err(problem(format!(
                    "its scores (assistance {}, loyalty {}) make it {} under the portfolio's thresholds, but its type is {}",
                    scores.assistance(),
                    scores.loyalty(),
                    by_scores.key(),
                    customer.customer_type().key()
                )));
            }
        }
        let mut running = HashSet::new();
        for record in account.actions.records() {
            let ended_ok = match (record.status, record.ended) {
                (ActionStatus::InProgress, None) => true,
                (ActionStatus::InProgress, Some(_)) | (_, None) => false,
                (_, Some(ended)) => ended >= record.started,
            };
            if !ended_ok {
                return Err(problem(format!(
                    "action {} started at {} has status {} with an end date that does not fit",
                    record.action.key(),
                    record.started,
                    record.status.key()
                )));
            }
            if record.status == ActionStatus::InProgress && !running.insert(record.action) {
                return Err(problem(format!(
                    "action {} is in progress twice",
                    record.action.key()
                )));
            }
        }
        Ok(())
    }

    fn check_opportunity(
        &self,
        index: usize,
        record: &OpportunityRecord,
        grader: &Grader,
        known_account: impl Fn(&str) -> bool,
    ) -> Result<(), PortfolioError> {
        if record.id.trim().is_empty() {
            return Err(PortfolioError::EmptyOpportunityId { index });
        }
        let id = || record.id.to_string();
        if !known_account(&record.account) {
            return Err(PortfolioError::UnknownAccount {
                opportunity: id(),
                account: record.account.to_string(),
            });
        }
        if let Some(inputs) = &record.grading {
            grader
                .evaluate(&inputs.ratings)
                .map_err(|error| PortfolioError::GradingInputs {
                    opportunity: id(),
                    error,
                })?;
            let p = inputs.possibility;
            let error = if !p.is_finite() {
                Some(GradeError::PossibilityNotFinite { value: p })
            } else if !(0.0..=1.0).contains(&p) {
                Some(GradeError::PossibilityOutOfRange { value: p })
            } else {
                None
            };
            if let Some(error) = error {
                return Err(PortfolioError::GradingInputs {
                    opportunity: id(),
                    error,
                });
            }
        }
        let rebuilt = record
            .process
            .rebuilt(&self.definitions.process)
            .map_err(|error| PortfolioError::JournalRefused {
                opportunity: id(),
                error,
            })?;
        if rebuilt != record.process {
            return Err(PortfolioError::StateMismatch {
                opportunity: id(),
                stored: record.process.state().stage(),
                rebuilt: rebuilt.state().stage(),
            });
        }
        Ok(())
    }

    /// The portfolio's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The moment every figure is computed as of.
    pub fn as_of(&self) -> DateTime<Utc> {
        self.as_of
    }

    /// Moves the as-of moment (for example to re-run a report later).
    pub fn set_as_of(&mut self, as_of: DateTime<Utc>) {
        self.as_of = as_of;
    }

    /// The ISO 4217 code of the currency every amount is in.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// How many minor digits the currency has (2: amounts are in cents).
    pub fn minor_digits(&self) -> u8 {
        self.minor_digits
    }

    /// The definitions in use.
    pub fn definitions(&self) -> &Definitions {
        &self.definitions
    }

    /// A grader for the portfolio's grading configuration.
    pub fn grader(&self) -> Result<Grader, PortfolioError> {
        Grader::new(self.definitions.grading.clone()).map_err(|e| {
            PortfolioError::Definition(prefixed("definitions", prefixed("grading", e)))
        })
    }

    /// Every account, in document order.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// Every opportunity, in document order.
    pub fn opportunities(&self) -> &[OpportunityRecord] {
        &self.opportunities
    }

    /// The account with `id`.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id() == id)
    }

    /// The account with `id`, to record actions or reclassify it.
    pub fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.id() == id)
    }

    /// The opportunity with `id`.
    pub fn opportunity(&self, id: &str) -> Option<&OpportunityRecord> {
        self.opportunities.iter().find(|o| o.id == id)
    }

    /// An index from account id to position in [`accounts`](Self::accounts).
    pub fn account_index(&self) -> HashMap<&str, usize> {
        self.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id(), i))
            .collect()
    }

    /// Adds an account; refused (and nothing changes) when its id is empty
    /// or taken, or its history does not fit the portfolio's thresholds.
    pub fn add_account(&mut self, account: Account) -> Result<(), PortfolioError> {
        self.check_account(self.accounts.len(), &account)?;
        if self.account(account.id()).is_some() {
            return Err(PortfolioError::DuplicateAccount {
                id: account.id().to_owned(),
            });
        }
        self.accounts.push(account);
        Ok(())
    }

    /// Adds an opportunity; refused (and nothing changes) when its id is
    /// empty or taken, its account unknown, its grading inputs invalid or its
    /// journal inconsistent.
    pub fn add_opportunity(&mut self, record: OpportunityRecord) -> Result<(), PortfolioError> {
        let grader = self.grader()?;
        self.check_opportunity(self.opportunities.len(), &record, &grader, |id| {
            self.account(id).is_some()
        })?;
        if self.opportunity(&record.id).is_some() {
            return Err(PortfolioError::DuplicateOpportunity {
                id: record.id.to_string(),
            });
        }
        self.opportunities.push(record);
        Ok(())
    }

    /// Applies one event to the opportunity `id`'s process, under the
    /// portfolio's process definition. On refusal nothing changes.
    pub fn apply(&mut self, id: &str, entry: Entry<KeyAccountEvent>) -> Result<(), PortfolioError> {
        let definition = &self.definitions.process;
        let record = self
            .opportunities
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or_else(|| PortfolioError::UnknownOpportunity { id: id.to_owned() })?;
        record
            .process
            .apply(definition, entry)
            .map_err(|error| PortfolioError::EventRefused {
                opportunity: id.to_owned(),
                error,
            })
    }

    /// Grades the opportunity as of the portfolio's date, when it has
    /// grading inputs.
    pub fn assess(
        &self,
        grader: &Grader,
        record: &OpportunityRecord,
    ) -> Option<Result<Assessment, GradeError>> {
        record
            .grading_opportunity()
            .map(|o| grader.grade(&o, self.as_of.date_naive()))
    }

    /// The amount in minor units, written in major units with the
    /// currency's minor digits (`1234567` cents is `12345.67`).
    pub fn format_amount(&self, amount_minor: u128) -> String {
        format_minor(amount_minor, self.minor_digits)
    }
}

/// Writes `amount_minor` in major units with `digits` decimals.
pub fn format_minor(amount_minor: u128, digits: u8) -> String {
    if digits == 0 {
        return amount_minor.to_string();
    }
    let scale = 10u128.pow(u32::from(digits));
    format!(
        "{}.{:0width$}",
        amount_minor / scale,
        amount_minor % scale,
        width = usize::from(digits)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, 9, 0, 0).unwrap()
    }

    #[test]
    fn amounts_are_written_with_the_minor_digits() {
        assert_eq!(format_minor(1_234_567, 2), "12345.67");
        assert_eq!(format_minor(5, 2), "0.05");
        assert_eq!(format_minor(5, 0), "5");
        assert_eq!(format_minor(1_000, 3), "1.000");
    }

    #[test]
    fn currency_must_be_an_iso_code() {
        for code in ["eur", "EURO", "", "E1R"] {
            assert!(matches!(
                Portfolio::new("p", at(1), code, Definitions::default()),
                Err(PortfolioError::Currency { .. })
            ));
        }
        let p = Portfolio::new("p", at(1), "JPY", Definitions::default()).unwrap();
        assert!(p.clone().with_minor_digits(0).is_ok());
        assert!(p.with_minor_digits(5).is_err());
    }

    #[test]
    fn bad_definitions_name_the_field_from_definitions() {
        let json = r#"{"process": {"forcing_penalty": 2}}"#;
        let definitions: Definitions = serde_json::from_str(json).unwrap();
        match Portfolio::new("p", at(1), "EUR", definitions) {
            Err(PortfolioError::Definition(ConfigError::Invalid { field, .. })) => {
                assert_eq!(field, "definitions.process.forcing_penalty")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn adding_refuses_unknown_accounts_and_duplicates() {
        let mut p = Portfolio::new("p", at(1), "EUR", Definitions::default()).unwrap();
        let acme = Customer::from_type("C-1", "Acme", CustomerType::Loyal, at(1)).unwrap();
        p.add_account(Account::new(acme.clone())).unwrap();
        assert_eq!(
            p.add_account(Account::new(acme)),
            Err(PortfolioError::DuplicateAccount { id: "C-1".into() })
        );
        let close = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let deal = OpportunityRecord::new("O-1", "C-9", "Pumps", 100, close, at(2));
        assert_eq!(
            p.add_opportunity(deal.clone()),
            Err(PortfolioError::UnknownAccount {
                opportunity: "O-1".into(),
                account: "C-9".into()
            })
        );
        let deal = OpportunityRecord {
            account: "C-1".into(),
            ..deal
        };
        p.add_opportunity(deal.clone()).unwrap();
        assert!(matches!(
            p.add_opportunity(deal),
            Err(PortfolioError::DuplicateOpportunity { .. })
        ));
        assert!(matches!(
            p.apply("O-2", Entry::new(at(3), "li", KeyAccountEvent::Advanced)),
            Err(PortfolioError::UnknownOpportunity { .. })
        ));
        assert!(matches!(
            p.apply("O-1", Entry::new(at(3), "li", KeyAccountEvent::Advanced)),
            Err(PortfolioError::EventRefused { .. })
        ));
        assert!(p.opportunity("O-1").unwrap().process.journal().is_empty());
    }
}
