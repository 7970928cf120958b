//! The portfolio document: a whole book of accounts and deals, as one
//! versioned JSON document.
//!
//! A [`Portfolio`] holds the accounts (each a [`Customer`] with its type
//! history and the [`ActionLog`] of its differentiation actions), the
//! opportunities (each with its amount, expected close date, optional
//! grading inputs and its [`KeyAccountProcess`]: state and journal), and the
//! [`Definitions`] in use. Definitions are held once for the whole
//! portfolio, never per opportunity. It also holds the five-stage
//! technical-sale cycles run with the accounts ([`CycleRecord`]: the
//! variant in use, state and journal, and the key-account deal it belongs
//! to where there is one); a document without `cycles` has none.
//!
//! The document carries a `format_version`. Version 1 is migrated on
//! loading (its won deals become booked and completed, moves the grade
//! policy now forbids become recorded forcings, free-text reasons become
//! notes of the `other` reason), and so is version 2 (a definition that
//! leaves the coverage rule's key roles out keeps the economic buyer alone,
//! the default of those versions); [`Portfolio::load`] says what changed;
//! any other version is refused with a message saying which one was found
//! and which one this library reads. Loading ([`Portfolio::from_json`],
//! [`Portfolio::from_slice`]) checks consistency: every journal
//! (key-account and technical-sale) is replayed and must rebuild the
//! stored state, every opportunity must name a known account, ids are
//! unique, and every definition is valid. Saving and loading again loses
//! nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

mod stream;

use super::analytics::AnalyticsConfig;
use crate::config::{ConfigError, Validate};
use crate::customer::record::CustomerError;
use crate::customer::{Customer, CustomerType, Scores};
use crate::cycle::{CycleError, CycleEvent, CycleVariant, CycleVariants, TechnicalSale};
use crate::differentiation::{ActionLog, ActionStatus, PlannerConfig};
use crate::grading::{Assessment, GradeError, Grader, GradingConfig, Opportunity, Ratings};
use crate::journal::Entry;
use crate::key_account::process::ReplayMismatch;
use crate::key_account::{
    KeyAccountError, KeyAccountEvent, KeyAccountProcess, Migration, ProcessDefinition, ReplayError,
};
use crate::labels::Labelled;
use crate::{FastMap, FastSet};

/// The version of the portfolio document this library writes and reads
/// (versions 1 and 2 are migrated when read: see [`Portfolio::load`]).
/// Version 3 changed the default coverage rule: a version-2 definition
/// that leaves `key_roles` out keeps the economic buyer alone.
pub const FORMAT_VERSION: u32 = 3;

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
    /// The technical-sale cycle variant of each customer type, offered to
    /// an account's cycles when the account changes type.
    pub cycles: CycleVariants,
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
            .map_err(|e| prefixed("analytics", e))?;
        if self.process.policies != self.grading.policies {
            return Err(ConfigError::invalid(
                "process.policies",
                "must be the same as grading.policies: the grade's policy gates the process",
            ));
        }
        self.cycles.validate().map_err(|e| prefixed("cycles", e))
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
    /// The account's industry (its market), in the CRM's words; `None`
    /// when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// The account's size class (headcount or revenue band), in the CRM's
    /// words; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The account's region, in the CRM's words; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
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
            industry: None,
            size: None,
            region: None,
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
    /// Its rating on each evaluation factor (0-10; `null` where unknown).
    pub ratings: Ratings,
    /// How likely the transaction is (0-1), as the CRM gives it; left out
    /// when it gives none, and the grade then rests on the possibility the
    /// evaluation score derives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possibility: Option<f64>,
}

/// What a CRM's products file says of a deal's product beyond its name,
/// kept as the CRM writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductDetails {
    /// The product line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// The market the product serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
}

/// One opportunity: what it is worth, when it should close, how it grades,
/// and where its six-stage process stands. Kept lean: ids up to 24 bytes
/// are stored inline and definitions are the portfolio's.
///
/// What the CRM did not say stays unknown: a deal may have no account, no
/// amount, no expected close date or no known opening, and the analytics
/// count such deals apart instead of reading them as zero or as a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityRecord {
    /// The CRM's id for the opportunity (unique in the portfolio).
    #[schemars(with = "String")]
    pub id: CompactString,
    /// The id of the account it belongs to; `None` when the CRM names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub account: Option<CompactString>,
    /// What is being sold, as shown to users.
    pub name: String,
    /// The amount, in minor units of the portfolio's currency (cents for
    /// euros): exact, never rounded; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<u64>,
    /// When the deal is expected to close; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_close: Option<NaiveDate>,
    /// Whether the CRM left out when the deal opened or entered its stage:
    /// the process then starts at the first date the CRM gave, and
    /// time-in-stage and stalled-deal figures leave the deal out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub timeline_unknown: bool,
    /// Whether the CRM closed the deal (lost or withdrawn) without saying
    /// at which stage: its process ends where it started, which is not the
    /// stage where it was lost, and win/loss counts it apart.
    #[serde(default, skip_serializing_if = "is_false")]
    pub closed_stage_unknown: bool,
    /// The CRM's own win probability for this deal (0-1), shown beside ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_probability: Option<f64>,
    /// The product or product line sold, when the CRM names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The product's line and market, when a products file gives them.
    // Boxed: most deals have none, and every record stays small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_details: Option<Box<ProductDetails>>,
    /// The grading inputs, when the opportunity was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<Box<GradingInputs>>,
    /// The key-account process: state and journal.
    pub process: KeyAccountProcess,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl OpportunityRecord {
    /// A new opportunity of `account` worth `amount_minor`, expected to
    /// close on `expected_close`, whose process opens at `opened_at`.
    pub fn new(
        id: impl Into<CompactString>,
        account: impl Into<CompactString>,
        name: impl Into<String>,
        amount_minor: u64,
        expected_close: NaiveDate,
        opened_at: DateTime<Utc>,
    ) -> Self {
        let mut record = Self::unknown(id, name, opened_at);
        record.account = Some(account.into());
        record.amount_minor = Some(amount_minor);
        record.expected_close = Some(expected_close);
        record
    }

    /// A new opportunity of which only the id, the name and the opening are
    /// known: no account, amount or close date.
    pub fn unknown(
        id: impl Into<CompactString>,
        name: impl Into<String>,
        opened_at: DateTime<Utc>,
    ) -> Self {
        OpportunityRecord {
            id: id.into(),
            account: None,
            name: name.into(),
            amount_minor: None,
            expected_close: None,
            timeline_unknown: false,
            closed_stage_unknown: false,
            crm_probability: None,
            product: None,
            product_details: None,
            grading: None,
            process: KeyAccountProcess::new(opened_at),
        }
    }

    /// The account id, `None` when the CRM names none.
    pub fn account_id(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The opportunity as the grader sees it, when it has grading inputs
    /// and an expected close date.
    pub fn grading_opportunity(&self) -> Option<Opportunity> {
        let expected_close = self.expected_close?;
        self.grading.as_deref().map(|g| Opportunity {
            ratings: g.ratings,
            expected_close,
            possibility: g.possibility,
        })
    }

    /// The booked amount, for a booked deal: the booking's own amount, or
    /// the opportunity's when the booking gave none; `None` when the deal
    /// is not booked or neither amount is known.
    pub fn booked_amount_minor(&self) -> Option<u64> {
        self.process
            .state()
            .booking()
            .and_then(|b| b.amount_minor.or(self.amount_minor))
    }

    /// When the last event happened (the opening if there is none).
    pub fn last_activity(&self) -> DateTime<Utc> {
        self.process
            .journal()
            .last_at()
            .unwrap_or(self.process.state().opened_at())
    }
}

/// One five-stage technical-sale cycle run with an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleRecord {
    /// The CRM's id for the cycle (unique in the portfolio).
    #[schemars(with = "String")]
    pub id: CompactString,
    /// The id of the account it is run with.
    #[schemars(with = "String")]
    pub account: CompactString,
    /// The id of the key-account deal it belongs to, when there is one (of
    /// the same account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub opportunity: Option<CompactString>,
    /// The sale: the variant in use, state and journal.
    pub sale: TechnicalSale,
    /// The variant offered for the next iteration since the account
    /// changed type; the running iteration keeps its own. The offer is
    /// adopted when the next iteration starts (recorded in the journal as
    /// [`CycleEvent::VariantAdopted`]) unless declined first
    /// ([`Portfolio::decline_variant_offer`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_variant: Option<Box<VariantOffer>>,
}

impl CycleRecord {
    /// A cycle record for `sale` as given, with no offer; see
    /// [`Portfolio::start_cycle`] for a new cycle under the portfolio's
    /// variant for the account's type.
    pub fn new(
        id: impl Into<CompactString>,
        account: impl Into<CompactString>,
        opportunity: Option<CompactString>,
        sale: TechnicalSale,
    ) -> Self {
        CycleRecord {
            id: id.into(),
            account: account.into(),
            opportunity,
            sale,
            offered_variant: None,
        }
    }
}

/// The variant of a new customer type, offered to a running cycle for its
/// next iteration when the account changed type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantOffer {
    /// When the account changed type.
    pub at: DateTime<Utc>,
    /// The type whose variant the running iteration keeps.
    pub from: CustomerType,
    /// The account's new type.
    pub to: CustomerType,
    /// The iteration the offer is for (the one after the running one).
    pub for_iteration: u32,
    /// The new type's variant, as the portfolio defined it then.
    pub variant: CycleVariant,
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
    /// An opportunity's CRM probability is outside 0-1.
    #[error("opportunity `{opportunity}`: CRM probability {value} is outside 0-1")]
    CrmProbability {
        /// The opportunity's id.
        opportunity: String,
        /// The value.
        value: f64,
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
    /// A value the deal's history recorded is not the record's.
    #[error("opportunity `{opportunity}`: its history last recorded {field} {history}, but the record holds {stored}")]
    HistoryDiffers {
        /// The opportunity's id.
        opportunity: String,
        /// Which field.
        field: &'static str,
        /// The value the history recorded last.
        history: String,
        /// The value the record holds.
        stored: String,
    },
    /// A version-1 document could not be migrated.
    #[error("opportunity `{opportunity}`: format version 1 could not be migrated: {error}")]
    Migration {
        /// The opportunity's id.
        opportunity: String,
        /// Why.
        error: crate::key_account::LoadError,
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
    /// A cycle id is empty.
    #[error("cycle {index} has an empty id")]
    EmptyCycleId {
        /// The cycle's position in the document (0 is the first).
        index: usize,
    },
    /// Two cycles share an id.
    #[error("cycle id `{id}` appears more than once")]
    DuplicateCycle {
        /// The id.
        id: String,
    },
    /// A cycle names an account the portfolio does not have.
    #[error("cycle `{cycle}` refers to unknown account `{account}`")]
    CycleAccount {
        /// The cycle's id.
        cycle: String,
        /// The account id it names.
        account: String,
    },
    /// A cycle names a deal the portfolio does not have, or one of another
    /// account.
    #[error("cycle `{cycle}` of account `{account}` refers to opportunity `{opportunity}`, which the portfolio does not hold for that account")]
    CycleOpportunity {
        /// The cycle's id.
        cycle: String,
        /// The cycle's account.
        account: String,
        /// The opportunity id it names.
        opportunity: String,
    },
    /// A cycle ending's listed reason is not in the reason list, or not
    /// one for that ending.
    #[error("cycle `{cycle}`: {reason}")]
    CycleReason {
        /// The cycle's id.
        cycle: String,
        /// What was wrong.
        reason: String,
    },
    /// A decline was asked for a cycle with no variant offered.
    #[error("cycle `{cycle}` has no variant offered to decline")]
    NoVariantOffer {
        /// The cycle's id.
        cycle: String,
    },
    /// A cycle's offered variant is invalid or not of the type it names.
    #[error("cycle `{cycle}`: invalid offered variant: {reason}")]
    CycleOffer {
        /// The cycle's id.
        cycle: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No cycle has this id.
    #[error("no cycle with id `{id}`")]
    UnknownCycle {
        /// The id given.
        id: String,
    },
    /// The event was refused by the cycle.
    #[error("cycle `{cycle}`: {error}")]
    CycleEventRefused {
        /// The cycle's id.
        cycle: String,
        /// Why the cycle refused it.
        error: CycleError,
    },
    /// The document goes past an input limit ([`crate::limits`]).
    #[error("the portfolio document is refused: {0}")]
    Limit(crate::limits::LimitError),
    /// The document could not be read to its end.
    #[error("the portfolio document could not be read: {message}")]
    Read {
        /// The reader's description of what failed.
        message: String,
    },
    /// No account has this id.
    #[error("no account with id `{id}`")]
    UnknownAccountId {
        /// The id given.
        id: String,
    },
    /// The account refused the change of type.
    #[error("account `{account}`: {error}")]
    AccountRefused {
        /// The account's id.
        account: String,
        /// Why.
        error: CustomerError,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cycles: Vec<CycleRecord>,
}

fn default_minor_digits() -> u8 {
    2
}

/// The coverage rule's key roles before format version 3, when left out.
pub(super) const V2_KEY_ROLES: [&str; 1] = ["economic_buyer"];

/// Writes the key roles a document before format version 3 meant into a
/// definition that leaves them out (`document` is the whole document);
/// whether it did.
pub(super) fn keep_v2_coverage_rule(document: &mut serde_json::Value) -> bool {
    let Some(object) = document.as_object_mut() else {
        return false;
    };
    let definitions = object
        .entry("definitions")
        .or_insert_with(|| serde_json::json!({}));
    keep_v2_key_roles(definitions)
}

/// [`keep_v2_coverage_rule`] for the `definitions` object alone.
pub(super) fn keep_v2_key_roles(definitions: &mut serde_json::Value) -> bool {
    let Some(definitions) = definitions.as_object_mut() else {
        return false;
    };
    let process = definitions
        .entry("process")
        .or_insert_with(|| serde_json::json!({}));
    let Some(process) = process.as_object_mut() else {
        return false;
    };
    let coverage = process
        .entry("coverage")
        .or_insert_with(|| serde_json::json!({}));
    let Some(coverage) = coverage.as_object_mut() else {
        return false;
    };
    if coverage.contains_key("key_roles") {
        return false;
    }
    coverage.insert("key_roles".into(), serde_json::json!(V2_KEY_ROLES));
    true
}

fn v1_json_error(e: serde_json::Error) -> PortfolioError {
    PortfolioError::Json {
        message: format!("format version 1: {e}"),
        line: e.line(),
        column: e.column(),
    }
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
            cycles: Vec::new(),
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

    /// [`with_records`](Self::with_records) for records whose processes
    /// were built here by applying their events under this portfolio's
    /// process definition: everything is checked but the replay of each
    /// journal, which would only rebuild the state applying already built.
    pub(crate) fn with_built_records(
        mut self,
        accounts: Vec<Account>,
        opportunities: Vec<OpportunityRecord>,
    ) -> Result<Self, PortfolioError> {
        append(&mut self.accounts, accounts);
        append(&mut self.opportunities, opportunities);
        self.check_all_but_journals()?;
        Ok(self)
    }

    /// Loads and checks a portfolio from JSON text.
    pub fn from_json(json: &str) -> Result<Self, PortfolioError> {
        Self::from_slice(json.as_bytes())
    }

    /// Loads and checks a portfolio from JSON bytes (migrating a version-1
    /// one), with the checks of [`check`](Self::check): each deal is
    /// checked as it is parsed, so that the load's peak stays near the
    /// structures it leaves.
    pub fn from_slice(json: &[u8]) -> Result<Self, PortfolioError> {
        Self::load(json).map(|(portfolio, _)| portfolio)
    }

    /// Loads and checks a portfolio like [`from_slice`](Self::from_slice),
    /// and says what migrating it from an older format version changed
    /// (`None` for a current document).
    pub fn load(json: &[u8]) -> Result<(Self, Option<Migration>), PortfolioError> {
        // Checking each deal as it is parsed keeps the peak near the final
        // structures; a refused document is read again whole, so that the
        // error is the one the whole-document check reports.
        if let Ok(loaded) = Self::load_slice_checked(json) {
            return Ok(loaded);
        }
        let (portfolio, migration) = match Self::parse_slice(json) {
            Ok(mut portfolio) => {
                portfolio.complete_stored_states();
                (portfolio, None)
            }
            Err(PortfolioError::UnsupportedVersion { found, .. }) if found == "1" => {
                let (portfolio, migration) = Self::from_v1(json)?;
                (portfolio, Some(migration))
            }
            Err(PortfolioError::UnsupportedVersion { found, .. }) if found == "2" => {
                let (portfolio, migration) = Self::from_v2(json)?;
                (portfolio, Some(migration))
            }
            Err(e) => return Err(e),
        };
        Ok((portfolio.into_checked()?, migration))
    }

    /// Reads a version-1 document: the definitions and records keep their
    /// meaning, and each journal is replayed under today's rules.
    fn from_v1(json: &[u8]) -> Result<(Self, Migration), PortfolioError> {
        let value: serde_json::Value = serde_json::from_slice(json).map_err(v1_json_error)?;
        Self::from_v1_value(value)
    }

    /// Reads a version-2 document: only the default coverage rule changed
    /// since, so a definition that leaves it out keeps the old one.
    fn from_v2(json: &[u8]) -> Result<(Self, Migration), PortfolioError> {
        let json_error = |e: serde_json::Error| PortfolioError::Json {
            message: format!("format version 2: {e}"),
            line: e.line(),
            column: e.column(),
        };
        let mut value: serde_json::Value = serde_json::from_slice(json).map_err(json_error)?;
        let migration = Migration {
            from_version: 2,
            coverage_rule_kept: keep_v2_coverage_rule(&mut value),
            ..Migration::default()
        };
        value["format_version"] = FORMAT_VERSION.into();
        let mut portfolio: Self = serde_json::from_value(value).map_err(json_error)?;
        portfolio.complete_stored_states();
        Ok((portfolio, migration))
    }

    /// [`from_v1`](Self::from_v1) for a document already parsed.
    fn from_v1_value(mut value: serde_json::Value) -> Result<(Self, Migration), PortfolioError> {
        let json_error = v1_json_error;
        let coverage_rule_kept = keep_v2_coverage_rule(&mut value);
        // Version 1 held the grade policies only with the grading; they now
        // gate the process too.
        let policies = value.pointer("/definitions/grading/policies").cloned();
        if let (Some(policies), Some(definitions)) = (policies, value.get_mut("definitions")) {
            if let Some(d) = definitions.as_object_mut() {
                let process = d.entry("process").or_insert_with(|| serde_json::json!({}));
                if let Some(process) = process.as_object_mut() {
                    process.insert("policies".into(), policies);
                }
            }
        }
        let definitions: Definitions = match value.get("definitions") {
            Some(d) => serde_json::from_value(d.clone()).map_err(json_error)?,
            None => Definitions::default(),
        };
        let mut migration = Migration {
            from_version: 1,
            coverage_rule_kept,
            ..Migration::default()
        };
        if let Some(records) = value
            .get_mut("opportunities")
            .and_then(serde_json::Value::as_array_mut)
        {
            for record in records {
                let id = record
                    .get("id")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let Some(process) = record.get_mut("process") else {
                    continue;
                };
                let (migrated, changes) = crate::key_account::migration::from_v1(
                    process.take(),
                    &definitions.process,
                    &id,
                )
                .map_err(|error| PortfolioError::Migration {
                    opportunity: id.clone(),
                    error,
                })?;
                migration.absorb(changes);
                *process = serde_json::to_value(&migrated).map_err(json_error)?;
            }
        }
        value["format_version"] = FORMAT_VERSION.into();
        let portfolio = serde_json::from_value(value).map_err(json_error)?;
        Ok((portfolio, migration))
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
                None => {
                    // Text that is not JSON at all is named where it breaks,
                    // not where an older version was refused.
                    let e = serde_json::from_slice::<serde::de::IgnoredAny>(json)
                        .err()
                        .unwrap_or(e);
                    PortfolioError::Json {
                        message: e.to_string(),
                        line: e.line(),
                        column: e.column(),
                    }
                }
            }
        })
    }

    /// Fills in what stored states written before it was kept leave out:
    /// the step when we first engaged
    /// ([`crate::key_account::ProcessState::entry_step`]), from each deal's
    /// replay. Only deals that observed a procurement step and lack it are
    /// replayed; a journal that does not replay is left for the check to
    /// refuse.
    fn complete_stored_states(&mut self) {
        let definition = &self.definitions.process;
        for record in &mut self.opportunities {
            if record.process.may_lack_entry_step() {
                if let Ok(rebuilt) = record.process.rebuilt(definition) {
                    record.process.complete_stored_state(&rebuilt);
                }
            }
        }
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
    /// every journal replays to its stored state, and the cycles: their
    /// accounts, deals and offers (a cycle's journal is replayed when it is
    /// read).
    pub fn check(&self) -> Result<(), PortfolioError> {
        self.check_parts(true)
    }

    /// [`check`](Self::check) for a document whose deals' journals were
    /// checked as they were read.
    fn check_all_but_journals(&self) -> Result<(), PortfolioError> {
        self.check_parts(false)
    }

    fn check_parts(&self, journals: bool) -> Result<(), PortfolioError> {
        self.check_header()?;
        let accounts = self.check_accounts()?;
        let grader = self.grader()?;
        let mut opportunities =
            FastSet::with_capacity_and_hasher(self.opportunities.len(), Default::default());
        for (index, record) in self.opportunities.iter().enumerate() {
            Self::check_opportunity_fields(index, record, &grader, |id| accounts.contains(id))?;
            if journals {
                self.check_journal(record)?;
            }
            if !opportunities.insert(record.id.as_str()) {
                return Err(PortfolioError::DuplicateOpportunity {
                    id: record.id.to_string(),
                });
            }
        }
        // Only cycles need the map; without them it would be the check's
        // largest allocation.
        let deal_accounts: FastMap<&str, &str> = if self.cycles.is_empty() {
            FastMap::default()
        } else {
            self.opportunities
                .iter()
                // A deal without an account matches no cycle's account.
                .map(|o| (o.id.as_str(), o.account_id().unwrap_or_default()))
                .collect()
        };
        let mut cycles = FastSet::with_capacity_and_hasher(self.cycles.len(), Default::default());
        for (index, record) in self.cycles.iter().enumerate() {
            check_cycle(
                index,
                record,
                |id| accounts.contains(id),
                |id| deal_accounts.get(id).copied(),
            )?;
            if !cycles.insert(record.id.as_str()) {
                return Err(PortfolioError::DuplicateCycle {
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
        self.check_definitions()
    }

    fn check_definitions(&self) -> Result<(), PortfolioError> {
        self.definitions
            .validate()
            .map_err(|e| PortfolioError::Definition(prefixed("definitions", e)))
    }

    /// Checks every account and that no two share an id; gives their ids.
    fn check_accounts(&self) -> Result<FastSet<&str>, PortfolioError> {
        let mut accounts =
            FastSet::with_capacity_and_hasher(self.accounts.len(), Default::default());
        for (index, account) in self.accounts.iter().enumerate() {
            self.check_account(index, account)?;
            if !accounts.insert(account.id()) {
                return Err(PortfolioError::DuplicateAccount {
                    id: account.id().to_owned(),
                });
            }
        }
        Ok(accounts)
    }

    /// A portfolio holding only `definitions` and `accounts`, to check
    /// deals against while the rest of the document is read.
    fn shell(definitions: Definitions, accounts: Vec<Account>) -> Self {
        Portfolio {
            format_version: FormatVersion::CURRENT,
            name: String::new(),
            as_of: DateTime::UNIX_EPOCH,
            currency: String::new(),
            minor_digits: default_minor_digits(),
            definitions,
            accounts,
            opportunities: Vec::new(),
            cycles: Vec::new(),
        }
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

    /// Checks one opportunity, its fields and its journal.
    fn check_opportunity(
        &self,
        index: usize,
        record: &OpportunityRecord,
        grader: &Grader,
        known_account: impl Fn(&str) -> bool,
    ) -> Result<(), PortfolioError> {
        Self::check_opportunity_fields(index, record, grader, known_account)?;
        self.check_journal(record)
    }

    /// [`check_opportunity`](Self::check_opportunity) for a deal that may
    /// be changed: its journal is replayed without a copy, and the deal
    /// rebuilt from it (equal to the stored one, its key-node records
    /// pointing into the journal) takes the stored one's place.
    fn check_in_place(
        &self,
        index: usize,
        record: &mut OpportunityRecord,
        grader: &Grader,
        known_account: impl Fn(&str) -> bool,
    ) -> Result<(), PortfolioError> {
        Self::check_opportunity_fields(index, record, grader, known_account)?;
        let stored = std::mem::replace(
            &mut record.process,
            KeyAccountProcess::new(DateTime::UNIX_EPOCH),
        );
        record.process = stored
            .into_replayed(&self.definitions.process)
            .map_err(|mismatch| match mismatch {
                ReplayMismatch::Refused(error) => PortfolioError::JournalRefused {
                    opportunity: record.id.to_string(),
                    error,
                },
                ReplayMismatch::State { stored, rebuilt } => PortfolioError::StateMismatch {
                    opportunity: record.id.to_string(),
                    stored,
                    rebuilt,
                },
            })?;
        Ok(())
    }

    /// Checks the whole document as [`check`](Self::check) does, keeping
    /// each deal as its journal rebuilds it (see
    /// [`check_in_place`](Self::check_in_place)).
    fn into_checked(mut self) -> Result<Self, PortfolioError> {
        let mut deals = std::mem::take(&mut self.opportunities);
        self.check_header()?;
        {
            let accounts = self.check_accounts()?;
            let grader = self.grader()?;
            for (index, record) in deals.iter_mut().enumerate() {
                self.check_in_place(index, record, &grader, |id| accounts.contains(id))?;
            }
        }
        self.opportunities = deals;
        self.check_all_but_journals()?;
        Ok(self)
    }

    /// The opportunity's fields (not its journal): id, account, CRM
    /// probability, grading inputs and the values its history recorded.
    fn check_opportunity_fields(
        index: usize,
        record: &OpportunityRecord,
        grader: &Grader,
        known_account: impl Fn(&str) -> bool,
    ) -> Result<(), PortfolioError> {
        if record.id.trim().is_empty() {
            return Err(PortfolioError::EmptyOpportunityId { index });
        }
        let id = || record.id.to_string();
        if let Some(account) = record.account_id() {
            if !known_account(account) {
                return Err(PortfolioError::UnknownAccount {
                    opportunity: id(),
                    account: account.to_owned(),
                });
            }
        }
        if let Some(value) = record.crm_probability {
            if !(0.0..=1.0).contains(&value) {
                return Err(PortfolioError::CrmProbability {
                    opportunity: id(),
                    value,
                });
            }
        }
        if let Some(inputs) = &record.grading {
            grader
                .evaluate(&inputs.ratings)
                .map_err(|error| PortfolioError::GradingInputs {
                    opportunity: id(),
                    error,
                })?;
            if let Some(p) = inputs.possibility {
                crate::grading::grader::check_possibility(p).map_err(|error| {
                    PortfolioError::GradingInputs {
                        opportunity: id(),
                        error,
                    }
                })?;
            }
        }
        Self::check_tracked(record)
    }

    /// The opportunity's journal must replay to its stored state.
    fn check_journal(&self, record: &OpportunityRecord) -> Result<(), PortfolioError> {
        let id = || record.id.to_string();
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

    /// The values the deal-history events recorded must be the record's.
    fn check_tracked(record: &OpportunityRecord) -> Result<(), PortfolioError> {
        let Some(tracked) = record.process.state().tracked() else {
            return Ok(());
        };
        let differs = |field: &'static str, recorded: String, stored: String| {
            Err(PortfolioError::HistoryDiffers {
                opportunity: record.id.to_string(),
                field,
                history: recorded,
                stored,
            })
        };
        let shown = |value: Option<String>| value.unwrap_or_else(|| "unknown".to_owned());
        if let Some(amount) = tracked.amount_minor {
            if Some(amount) != record.amount_minor {
                return differs(
                    "amount_minor",
                    amount.to_string(),
                    shown(record.amount_minor.map(|a| a.to_string())),
                );
            }
        }
        if let Some(close) = tracked.expected_close {
            if Some(close) != record.expected_close {
                return differs(
                    "expected_close",
                    close.to_string(),
                    shown(record.expected_close.map(|c| c.to_string())),
                );
            }
        }
        if let Some(p) = tracked.possibility {
            let stored = record.grading.as_ref().and_then(|g| g.possibility);
            if stored != Some(p) {
                let stored = stored.map_or_else(|| "none".to_owned(), |s| s.to_string());
                return differs("grading.possibility", p.to_string(), stored);
            }
        }
        Ok(())
    }

    /// Adds the account, or replaces the one with the same id (its type
    /// history and actions are then the new record's). Refused (nothing
    /// changes) as [`add_account`](Self::add_account).
    pub fn put_account(&mut self, account: Account) -> Result<(), PortfolioError> {
        match self.accounts.iter().position(|a| a.id() == account.id()) {
            None => self.add_account(account),
            Some(index) => {
                self.check_account(index, &account)?;
                self.accounts[index] = account;
                Ok(())
            }
        }
    }

    /// Adds the opportunity, or replaces the one with the same id. Refused
    /// (nothing changes) as [`add_opportunity`](Self::add_opportunity), and
    /// when a cycle linked to the deal runs with another account than the
    /// new record's.
    pub fn put_opportunity(&mut self, record: OpportunityRecord) -> Result<(), PortfolioError> {
        let Some(index) = self.opportunities.iter().position(|o| o.id == record.id) else {
            return self.add_opportunity(record);
        };
        let grader = self.grader()?;
        self.check_opportunity(index, &record, &grader, |id| self.account(id).is_some())?;
        let linked = self.cycles.iter().find(|c| {
            c.opportunity.as_ref() == Some(&record.id)
                && Some(c.account.as_str()) != record.account_id()
        });
        if let Some(cycle) = linked {
            return Err(PortfolioError::CycleOpportunity {
                cycle: cycle.id.to_string(),
                account: cycle.account.to_string(),
                opportunity: record.id.to_string(),
            });
        }
        self.opportunities[index] = record;
        Ok(())
    }

    /// Adds the cycle, or replaces the one with the same id. Refused
    /// (nothing changes) as [`add_cycle`](Self::add_cycle).
    pub fn put_cycle(&mut self, record: CycleRecord) -> Result<(), PortfolioError> {
        let Some(index) = self.cycles.iter().position(|c| c.id == record.id) else {
            return self.add_cycle(record);
        };
        check_cycle(
            index,
            &record,
            |id| self.account(id).is_some(),
            |id| {
                self.opportunity(id)
                    .map(|o| o.account_id().unwrap_or_default())
            },
        )?;
        self.cycles[index] = record;
        Ok(())
    }

    /// Every technical-sale cycle, in document order.
    pub fn cycles(&self) -> &[CycleRecord] {
        &self.cycles
    }

    /// The cycle with `id`.
    pub fn cycle(&self, id: &str) -> Option<&CycleRecord> {
        self.cycles.iter().find(|c| c.id == id)
    }

    /// Starts a cycle with account `account` under the portfolio's variant
    /// for the account's current type, linked to the deal `opportunity` when
    /// given. Refused (nothing changes) as [`add_cycle`](Self::add_cycle).
    pub fn start_cycle(
        &mut self,
        id: impl Into<CompactString>,
        account: &str,
        opportunity: Option<CompactString>,
    ) -> Result<(), PortfolioError> {
        let id = id.into();
        let customer_type = self
            .account(account)
            .ok_or_else(|| PortfolioError::CycleAccount {
                cycle: id.to_string(),
                account: account.to_owned(),
            })?
            .customer
            .customer_type();
        let variant = self.definitions.cycles.get(customer_type).clone();
        let sale = TechnicalSale::new(variant).map_err(|e| {
            PortfolioError::Definition(prefixed("definitions", prefixed("cycles", e)))
        })?;
        self.add_cycle(CycleRecord::new(id, account, opportunity, sale))
    }

    /// Adds a cycle; refused (and nothing changes) when its id is empty or
    /// taken, its account or deal unknown, or its offer invalid.
    pub fn add_cycle(&mut self, record: CycleRecord) -> Result<(), PortfolioError> {
        check_cycle(
            self.cycles.len(),
            &record,
            |id| self.account(id).is_some(),
            |id| {
                self.opportunity(id)
                    .map(|o| o.account_id().unwrap_or_default())
            },
        )?;
        if self.cycle(&record.id).is_some() {
            return Err(PortfolioError::DuplicateCycle {
                id: record.id.to_string(),
            });
        }
        self.cycles.push(record);
        Ok(())
    }

    /// Applies one event to the cycle `id`. A listed reason of a
    /// [`CycleEvent::CycleEnded`] must be in the process definition's
    /// reason list, for that ending. The move that starts the iteration a
    /// variant was offered for also adopts the offered variant. On refusal
    /// nothing changes.
    pub fn apply_cycle(
        &mut self,
        id: &str,
        entry: Entry<CycleEvent>,
    ) -> Result<(), PortfolioError> {
        let record = self
            .cycles
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| PortfolioError::UnknownCycle { id: id.to_owned() })?;
        if let CycleEvent::CycleEnded {
            ending,
            listed: Some(listed),
            ..
        } = &entry.event
        {
            check_cycle_reason(&self.definitions.process.reasons, *ending, listed).map_err(
                |reason| PortfolioError::CycleReason {
                    cycle: id.to_owned(),
                    reason,
                },
            )?;
        }
        let refused = |error| PortfolioError::CycleEventRefused {
            cycle: id.to_owned(),
            error,
        };
        let starts_iteration = matches!(entry.event, CycleEvent::Advance { .. })
            && record.sale.stage() == crate::cycle::Stage::Evolution;
        let Some(offer) = record
            .offered_variant
            .as_deref()
            .filter(|_| starts_iteration)
        else {
            return record.sale.apply(entry).map_err(refused);
        };
        // The offered variant is adopted when the iteration it is for
        // starts, in the same step as the move that starts it.
        let (at, actor) = (entry.at, entry.actor.clone());
        let adopt = Entry::new(
            at,
            actor,
            CycleEvent::VariantAdopted {
                variant: Box::new(offer.variant.clone()),
            },
        );
        let mut sale = record.sale.clone();
        sale.apply(entry).map_err(refused)?;
        if sale.iteration() >= offer.for_iteration {
            sale.apply(adopt).map_err(refused)?;
            record.offered_variant = None;
        }
        record.sale = sale;
        Ok(())
    }

    /// Declines the variant offered to cycle `id`: the decline is recorded
    /// in its journal and the cycle keeps its variant. Refused (and nothing
    /// changes) when the cycle is unknown, has no offer, or is closed.
    pub fn decline_variant_offer(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
        actor: &str,
        reason: &str,
    ) -> Result<(), PortfolioError> {
        let record = self
            .cycles
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| PortfolioError::UnknownCycle { id: id.to_owned() })?;
        let offered = record
            .offered_variant
            .as_ref()
            .map(|o| o.to)
            .ok_or_else(|| PortfolioError::NoVariantOffer {
                cycle: id.to_owned(),
            })?;
        let entry = Entry::new(
            at,
            actor,
            CycleEvent::VariantDeclined {
                offered,
                reason: reason.to_owned(),
            },
        );
        record
            .sale
            .apply(entry)
            .map_err(|error| PortfolioError::CycleEventRefused {
                cycle: id.to_owned(),
                error,
            })?;
        record.offered_variant = None;
        Ok(())
    }

    /// Reclassifies account `id` from new scores under the portfolio's
    /// thresholds. When its type changes, every open cycle of the account
    /// running under another type's variant is offered the new type's
    /// variant for its next iteration; the running iteration keeps its
    /// own. Returns whether the type changed. On refusal nothing changes.
    pub fn reclassify_account(
        &mut self,
        id: &str,
        scores: Scores,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<bool, PortfolioError> {
        let thresholds = self.definitions.planner.thresholds;
        self.change_type(id, at, |c| c.reclassify(scores, &thresholds, at, reason))
    }

    /// Sets account `id`'s type directly (its scores are forgotten), with
    /// the same offers to its cycles as
    /// [`reclassify_account`](Self::reclassify_account).
    pub fn set_account_type(
        &mut self,
        id: &str,
        customer_type: CustomerType,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<bool, PortfolioError> {
        self.change_type(id, at, |c| c.set_type(customer_type, at, reason))
    }

    fn change_type(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
        change: impl FnOnce(
            &mut Customer,
        ) -> Result<Option<&crate::customer::TypeMovement>, CustomerError>,
    ) -> Result<bool, PortfolioError> {
        let account = self
            .accounts
            .iter_mut()
            .find(|a| a.id() == id)
            .ok_or_else(|| PortfolioError::UnknownAccountId { id: id.to_owned() })?;
        let moved = change(&mut account.customer)
            .map_err(|error| PortfolioError::AccountRefused {
                account: id.to_owned(),
                error,
            })?
            .map(|m| (m.from, m.to));
        let Some((from, to)) = moved else {
            return Ok(false);
        };
        let variant = self.definitions.cycles.get(to);
        for record in self.cycles.iter_mut().filter(|c| c.account == id) {
            if record.sale.is_closed() {
                continue;
            }
            record.offered_variant = (record.sale.customer_type() != to).then(|| {
                Box::new(VariantOffer {
                    at,
                    from,
                    to,
                    for_iteration: record.sale.iteration().saturating_add(1),
                    variant: variant.clone(),
                })
            });
        }
        Ok(true)
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
    /// portfolio's process definition. A history event must start from the
    /// record's current value (amount, close date, possibility), and the
    /// record takes the new value. On refusal nothing changes.
    pub fn apply(&mut self, id: &str, entry: Entry<KeyAccountEvent>) -> Result<(), PortfolioError> {
        let definition = &self.definitions.process;
        let record = self
            .opportunities
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or_else(|| PortfolioError::UnknownOpportunity { id: id.to_owned() })?;
        let refused = |error| PortfolioError::EventRefused {
            opportunity: id.to_owned(),
            error,
        };
        let mismatch = |field: &'static str, given: String, recorded: String| {
            refused(KeyAccountError::HistoryMismatch {
                field,
                given,
                recorded,
            })
        };
        fn show<T: std::fmt::Display>(value: Option<T>) -> String {
            value.map_or_else(|| "unknown".to_owned(), |v| v.to_string())
        }
        let graded = record.grading.is_some();
        let possibility = record.grading.as_ref().and_then(|g| g.possibility);
        match &entry.event {
            KeyAccountEvent::AmountChanged { from_minor, .. }
                if *from_minor != record.amount_minor =>
            {
                return Err(mismatch(
                    "amount",
                    show(*from_minor),
                    show(record.amount_minor),
                ))
            }
            KeyAccountEvent::CloseDateChanged { from, .. } if *from != record.expected_close => {
                return Err(mismatch(
                    "expected close date",
                    show(*from),
                    show(record.expected_close),
                ))
            }
            KeyAccountEvent::PossibilityChanged { from, .. } if !graded || *from != possibility => {
                return Err(mismatch("possibility", show(*from), show(possibility)));
            }
            _ => {}
        }
        let update = entry.event.clone();
        record.process.apply(definition, entry).map_err(refused)?;
        match update {
            KeyAccountEvent::AmountChanged { to_minor, .. } => record.amount_minor = Some(to_minor),
            KeyAccountEvent::CloseDateChanged { to, .. } => record.expected_close = Some(to),
            KeyAccountEvent::PossibilityChanged { to, .. } => {
                if let Some(grading) = record.grading.as_mut() {
                    grading.possibility = Some(to);
                }
            }
            _ => {}
        }
        Ok(())
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

/// A cycle's listed ending reason must be in the list, for the matching
/// ending (abandoned: a withdrawal reason; lost: a loss reason), with the
/// competitor when the reason names one.
fn check_cycle_reason(
    list: &crate::key_account::ReasonList,
    ending: crate::cycle::CycleEnding,
    reason: &crate::key_account::Reason,
) -> Result<(), String> {
    use crate::cycle::CycleEnding;
    use crate::key_account::Ending;
    let wanted = match ending {
        CycleEnding::Abandoned => Ending::Withdrawn,
        CycleEnding::Lost => Ending::Lost,
    };
    let Some(definition) = list.get(&reason.key) else {
        return Err(format!(
            "`{}` is not in the reason list (for {}: {})",
            reason.key,
            ending.key(),
            list.keys_for(wanted)
        ));
    };
    if !definition.applies_to.contains(&wanted) {
        return Err(format!(
            "`{}` is not a reason for {} (those are: {})",
            reason.key,
            ending.key(),
            list.keys_for(wanted)
        ));
    }
    if definition.names_competitor
        && reason
            .competitor
            .as_deref()
            .map_or(true, |c| c.trim().is_empty())
    {
        return Err(format!("`{}` needs the competitor's name", reason.key));
    }
    Ok(())
}

/// Checks one cycle: id, account, deal of the same account, and offer.
fn check_cycle<'a>(
    index: usize,
    record: &CycleRecord,
    known_account: impl Fn(&str) -> bool,
    deal_account: impl Fn(&str) -> Option<&'a str>,
) -> Result<(), PortfolioError> {
    if record.id.trim().is_empty() {
        return Err(PortfolioError::EmptyCycleId { index });
    }
    let id = || record.id.to_string();
    if !known_account(&record.account) {
        return Err(PortfolioError::CycleAccount {
            cycle: id(),
            account: record.account.to_string(),
        });
    }
    if let Some(deal) = &record.opportunity {
        if deal_account(deal) != Some(record.account.as_str()) {
            return Err(PortfolioError::CycleOpportunity {
                cycle: id(),
                account: record.account.to_string(),
                opportunity: deal.to_string(),
            });
        }
    }
    if let Some(offer) = &record.offered_variant {
        let reason = if offer.variant.customer_type != offer.to {
            Some(format!(
                "it is for `{}` but the offer is of `{}`",
                offer.variant.customer_type.key(),
                offer.to.key()
            ))
        } else {
            offer.variant.validate().err().map(|e| e.to_string())
        };
        if let Some(reason) = reason {
            return Err(PortfolioError::CycleOffer {
                cycle: id(),
                reason,
            });
        }
    }
    // The sale needs no replay here: a `TechnicalSale` is only ever built
    // by its own events or by loading, which replays its journal.
    Ok(())
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

    /// The whole-document path `load` falls back to.
    fn loaded_whole(json: &[u8]) -> Result<Portfolio, PortfolioError> {
        let mut portfolio = Portfolio::parse_slice(json)?;
        portfolio.complete_stored_states();
        portfolio.into_checked()
    }

    #[test]
    fn checking_deals_as_they_are_parsed_loads_what_the_whole_document_does() {
        use crate::key_account::KeyNode;
        let mut deal = OpportunityRecord::unknown("O-1", "Pump retrofit", at(1));
        let met = KeyAccountEvent::KeyNodeMet {
            node: KeyNode::InsidersFound,
            evidence: "coach: plant engineer".into(),
            grade: None,
        };
        deal.process
            .apply(
                &Definitions::default().process,
                Entry::new(at(2), "li.wei", met),
            )
            .unwrap();
        let portfolio = Portfolio::new("p", at(3), "EUR", Definitions::default())
            .unwrap()
            .with_records(Vec::new(), vec![deal])
            .unwrap();
        let json = portfolio.to_json();
        let (checked, migration) = Portfolio::load_slice_checked(json.as_bytes()).unwrap();
        assert!(migration.is_none());
        assert_eq!(checked, loaded_whole(json.as_bytes()).unwrap());
        assert_eq!(checked, portfolio);
        assert_eq!(checked.to_json(), json);
        // A refused document gets the whole-document error.
        let tampered = json.replace("\"stage\":\"development\"", "\"stage\":\"closing\"");
        assert_ne!(tampered, json);
        assert_eq!(
            Portfolio::from_slice(tampered.as_bytes()).unwrap_err(),
            loaded_whole(tampered.as_bytes()).unwrap_err()
        );
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
            account: Some("C-1".into()),
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
