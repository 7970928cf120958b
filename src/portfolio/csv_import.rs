//! Importing opportunities and accounts from a CRM export in CSV.
//!
//! A [`CsvMapping`], given as JSON, says which column holds what and how
//! the CRM's own stage names map onto the six stages, each with the CRM's
//! probability for it; an [`OutcomeRule`] can read won, lost and open from
//! flags kept apart from the stage. Files beside the deals are joined on
//! declared keys: an accounts file gives each account its name and customer
//! type (or scores); a contacts file gives each deal its buying influences,
//! recorded in its journal as [`KeyAccountEvent::ContactRecorded`] (the
//! coverage they give derives its key nodes, never a forcing); a products
//! file gives each deal its product's name, line and market.
//!
//! Nothing is invented. A deal imported at a later stage is moved there by
//! one [`KeyAccountEvent::StageReported`]: the key nodes of the stages it
//! passed are recorded as *reported by the CRM* (not verified, not forced,
//! not penalised). What the export leaves out (amount, expected close,
//! opening, account) stays unknown on the [`OpportunityRecord`], and time in
//! stage comes only from the dates the export has.
//!
//! Nothing is dropped silently either: a row that cannot be imported is
//! reported with its file, line (counted as a text editor counts them,
//! whatever the line endings and however many quoted newlines), column and
//! reason, and every other row is imported. [`CsvImport::summary`] groups
//! refusals and warnings by reason. Only a broken mapping or a missing
//! column refuses a whole file.

use std::collections::BTreeMap;

use crate::FastMap as HashMap;
use std::io::Read;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::document::{
    prefixed, Account, Definitions, GradingInputs, OpportunityRecord, Portfolio, PortfolioError,
    ProductDetails,
};
use crate::config::{ConfigError, Validate};
use crate::customer::record::CustomerError;
use crate::customer::{Customer, CustomerType, ScoreError, Scores};
use crate::grading::{Factor as EvaluationFactor, Grade, Ratings, FACTOR_COUNT};
use crate::journal::Entry;
use crate::key_account::reason::{Ending, Reason, OTHER_REASON};
use crate::key_account::{
    Attitude, BuyingInfluence, BuyingRole, InfluenceDegree, KeyAccountError, KeyAccountEvent,
    KeyAccountProcess, KeyNode, Outcome, Stage,
};
use crate::labels::Labelled;

/// The version of the mapping format this library reads. Version 1 had no
/// `format_version` field; every one of its fields means the same in
/// version 2, so a mapping without the field is read as version 1 and
/// taken as it is.
pub const MAPPING_FORMAT_VERSION: u32 = 2;

/// The `format_version` of a mapping: 2, or absent for version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(description = "The mapping format version: 2 (absent: version 1, read as it is).")]
pub struct MappingVersion(#[schemars(range(min = 1, max = 2))] u32);

impl Default for MappingVersion {
    fn default() -> Self {
        MappingVersion(MAPPING_FORMAT_VERSION)
    }
}

impl<'de> Deserialize<'de> for MappingVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let version = u64::deserialize(deserializer)?;
        if version == u64::from(MAPPING_FORMAT_VERSION) {
            Ok(MappingVersion(MAPPING_FORMAT_VERSION))
        } else {
            Err(serde::de::Error::custom(format!(
                "unsupported CSV mapping format version {version}; this library reads version {MAPPING_FORMAT_VERSION} (or a mapping without the field, version 1)"
            )))
        }
    }
}

/// Which column of the deals export holds each field, by header name. Only
/// the id and the stage are required; a column left out, or an empty cell,
/// leaves its field unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    /// The opportunity id (unique in the file).
    pub id: String,
    /// The stage, in the CRM's own words (see [`CsvMapping::stages`]); may
    /// be empty on a closed deal.
    pub stage: String,
    /// The account id (empty: the deal goes under "no account").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The amount, in major units (`12,500.00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The expected close date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_close: Option<String>,
    /// When the opportunity was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<String>,
    /// The opportunity's name (default: its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The account's name (default: the accounts file's, else its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// When the opportunity entered its current stage.
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
    /// The CRM's own probability for the deal (see
    /// [`CsvMapping::probability_scale`]), shown beside ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<String>,
    /// Why a lost deal was lost, kept as the closure's reason: a key of the
    /// definitions' reason list, or a text mapped in
    /// [`CsvMapping::loss_reasons`]; any other text is kept as the note of
    /// the `other` reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_reason: Option<String>,
    /// The competitor that won a lost deal, for a reason that names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitor: Option<String>,
    /// The amount of a lost deal, when the CRM keeps it apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_amount: Option<String>,
    /// The product or product line sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The columns of the nine evaluation ratings (0-10), each optional; an
    /// empty cell leaves that rating unknown.
    #[serde(default, skip_serializing_if = "RatingColumns::is_empty")]
    pub ratings: RatingColumns,
}

/// Which column holds the deal's rating (0-10) on each of the nine
/// evaluation factors. A factor left out, or an empty cell, is an unknown
/// rating; a value that is not a number in 0-10 refuses the row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingColumns {
    /// Project level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_level: Option<String>,
    /// Capital status (funding risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capital_status: Option<String>,
    /// Technical requirements (can our products meet them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_requirements: Option<String>,
    /// Customer relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_relationship: Option<String>,
    /// Customer reputation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reputation: Option<String>,
    /// Competition: products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition_products: Option<String>,
    /// Competition: prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition_prices: Option<String>,
    /// Competition: technical solutions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition_technical_solutions: Option<String>,
    /// Competition: after-sales service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition_after_sales: Option<String>,
}

impl RatingColumns {
    /// Each factor with its column, in [`EvaluationFactor::ALL`] order.
    pub fn by_factor(&self) -> [(EvaluationFactor, Option<&str>); FACTOR_COUNT] {
        [
            (EvaluationFactor::ProjectLevel, &self.project_level),
            (EvaluationFactor::CapitalStatus, &self.capital_status),
            (
                EvaluationFactor::TechnicalRequirements,
                &self.technical_requirements,
            ),
            (
                EvaluationFactor::CustomerRelationship,
                &self.customer_relationship,
            ),
            (
                EvaluationFactor::CustomerReputation,
                &self.customer_reputation,
            ),
            (
                EvaluationFactor::CompetitionProducts,
                &self.competition_products,
            ),
            (
                EvaluationFactor::CompetitionPrices,
                &self.competition_prices,
            ),
            (
                EvaluationFactor::CompetitionTechnicalSolutions,
                &self.competition_technical_solutions,
            ),
            (
                EvaluationFactor::CompetitionAfterSales,
                &self.competition_after_sales,
            ),
        ]
        .map(|(factor, column)| (factor, column.as_deref()))
    }

    /// Whether no rating column is mapped.
    pub fn is_empty(&self) -> bool {
        self.by_factor().iter().all(|(_, c)| c.is_none())
    }
}

/// Where a CRM stage name puts a deal: one of our six stages, the CRM's
/// probability for it, and for closed stages how the deal ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageTarget {
    /// Our stage (for a won deal, project implementation). May be left out
    /// for a closed stage: the deal then ends where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// How the deal ended, for closed stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The CRM's probability for the stage, in percent (0-100): the base of
    /// the deal's win probability while it stays there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// How the CRM says a deal ended when it keeps the outcome apart from the
/// stage. A stage with an outcome in [`CsvMapping::stages`] decides first;
/// then a true won flag means won, a true closed flag or a false active
/// flag means lost, and anything else open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRule {
    /// The column of a won flag (Salesforce `IsWon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub won: Option<String>,
    /// The column of a closed flag (Salesforce `IsClosed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// The column of an active flag (Odoo `active`: archived leads are
    /// lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
    /// The values read as true, ignoring case (others are false).
    #[serde(default = "default_true_values")]
    pub true_values: Vec<String>,
}

impl Default for OutcomeRule {
    fn default() -> Self {
        OutcomeRule {
            won: None,
            closed: None,
            active: None,
            true_values: default_true_values(),
        }
    }
}

fn default_true_values() -> Vec<String> {
    ["true", "1", "yes", "y", "t"].map(String::from).to_vec()
}

/// The columns of an accounts file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountColumns {
    /// The account id, the key the deals' account column joins on.
    pub id: String,
    /// The account's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The customer type (our keys, or as in [`CsvMapping::customer_types`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_type: Option<String>,
    /// The assistance score, 0-100 (with `loyalty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistance: Option<String>,
    /// The loyalty score, 0-100 (with `assistance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<String>,
    /// The account's industry (its market), kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// The account's size class, kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The account's region, kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// An accounts file beside the deals export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountsFile {
    /// Where the file is, relative to the mapping file (read by tools; the
    /// library takes the file's bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Which column holds what.
    pub columns: AccountColumns,
}

/// The columns of a contacts file: one row per buying influence of a deal
/// (Salesforce's OpportunityContactRole, SuiteCRM's opportunities_contacts).
/// Contacts join on the deal alone: a buying role belongs to one decision,
/// so a contact listed for an account but no deal is not spread over the
/// account's deals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactColumns {
    /// The contact's id (unique within a deal; a person in two roles needs
    /// two rows with two ids).
    pub id: String,
    /// The deal the contact belongs to, joined on the deals' id column.
    pub deal: String,
    /// The contact's buying role, in the CRM's words (see
    /// [`ContactsFile::roles`]).
    pub role: String,
    /// The contact's name (default: the contact's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How much weight the contact carries (see
    /// [`ContactsFile::influences`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub influence: Option<String>,
    /// Whether we met the contact in person: a value in
    /// [`ContactsFile::met_values`] is met; any other value, an empty cell
    /// or no column is "not recorded as met".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met: Option<String>,
    /// The contact's attitude toward us (see [`ContactsFile::attitudes`]);
    /// an empty cell or no column is `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attitude: Option<String>,
}

/// A contacts file beside the deals export: the buying influences of each
/// deal, recorded in the deal's journal. Roles and influences are never
/// guessed: a value that neither the maps below nor our keys cover, when
/// no default is declared, refuses the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsFile {
    /// Where the file is, relative to the mapping file (read by tools; the
    /// library takes the file's bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Which column holds what.
    pub columns: ContactColumns,
    /// The CRM's role words (matched ignoring case and surrounding spaces)
    /// and our role each stands for: `"Economic Buyer": "economic_buyer"`.
    /// Our keys are read as they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, BuyingRole>,
    /// The role of contacts whose role is empty or not covered (when absent
    /// such contacts are refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_role: Option<BuyingRole>,
    /// The CRM's influence words and the degree each stands for; our keys
    /// are read as they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub influences: BTreeMap<String, InfluenceDegree>,
    /// The influence of contacts whose influence is empty or not covered,
    /// or of every contact when there is no influence column (when absent
    /// such contacts are refused; without an influence column it is
    /// required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_influence: Option<InfluenceDegree>,
    /// The CRM's attitude words and the attitude each stands for; our keys
    /// are read as they are, and any other non-empty value refuses the
    /// contact.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attitudes: BTreeMap<String, Attitude>,
    /// The values of the met column read as met, ignoring case.
    #[serde(default = "default_true_values")]
    pub met_values: Vec<String>,
}

/// The columns of a products file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductColumns {
    /// The product id, the key the deals' product column joins on.
    pub id: String,
    /// The product's name: what the deal shows as its product (default:
    /// the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The product line, kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// The market the product serves, kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
}

/// A products file beside the deals export, joined on the deals' product
/// column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductsFile {
    /// Where the file is, relative to the mapping file (read by tools; the
    /// library takes the file's bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Which column holds what.
    pub columns: ProductColumns,
}

/// How the CRM writes its per-deal probability.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProbabilityScale {
    /// 0-100 (`35` or `35%`).
    #[default]
    Percent,
    /// 0-1 (`0.35`).
    Fraction,
}

/// How to read one CRM export: columns, formats, the CRM's stages with
/// their probabilities, the outcome rule and the files beside the deals
/// (accounts, contacts, products). Loaded from
/// JSON and refused whole, naming the field, when inconsistent; unknown
/// fields are refused with the field named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CsvMapping {
    /// The mapping format version (absent: version 1).
    #[serde(default)]
    pub format_version: MappingVersion,
    /// Where the stage table and columns come from (free text, not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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
    /// The field delimiter (one ASCII character); when absent it is sniffed
    /// from the header among `,`, `;` and tab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// The date format, in chrono's `strftime` syntax; a date followed by a
    /// time is read for its date.
    #[serde(default = "default_date_format")]
    pub date_format: String,
    /// Further date formats, tried in order after `date_format`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_date_formats: Vec<String>,
    /// The decimal separator of amounts, scores and probabilities.
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
    /// The CRM's stage names (matched ignoring case and surrounding spaces)
    /// and where each puts a deal.
    pub stages: BTreeMap<String, StageTarget>,
    /// How the outcome is read when the CRM keeps it apart from the stage.
    #[serde(default, skip_serializing_if = "is_default_rule")]
    pub outcome: OutcomeRule,
    /// How the per-deal probability column is written.
    #[serde(default)]
    pub probability_scale: ProbabilityScale,
    /// Whether an amount of 0 on a lost or withdrawn deal means unknown (as
    /// CRMs that clear the value of lost deals write it).
    #[serde(default = "default_true")]
    pub lost_zero_amount_is_unknown: bool,
    /// The export's customer-type values, when they are not our keys.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub customer_types: BTreeMap<String, CustomerType>,
    /// The export's grade values, when they are not A-D.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grades: BTreeMap<String, Grade>,
    /// The export's loss-reason texts (matched ignoring case and
    /// surrounding spaces) and the key, in the definitions' reason list,
    /// each stands for: `"Lost to competitor": "competitor"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub loss_reasons: BTreeMap<String, String>,
    /// The type of accounts with neither a type nor scores (when absent
    /// such rows are refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_customer_type: Option<CustomerType>,
    /// An accounts file, joined on the deals' account column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<AccountsFile>,
    /// A contacts file of the deals' buying influences, joined on the
    /// deals' id column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<ContactsFile>,
    /// A products file, joined on the deals' product column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<ProductsFile>,
    /// The definitions of the imported portfolio.
    #[serde(default)]
    pub definitions: Definitions,
}

fn is_default_rule(rule: &OutcomeRule) -> bool {
    *rule == OutcomeRule::default()
}
fn default_true() -> bool {
    true
}
fn default_portfolio_name() -> String {
    "CRM import".into()
}
fn default_minor_digits() -> u8 {
    2
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
    let mut seen: HashMap<String, &str> = HashMap::default();
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
        if let Some(d) = self.delimiter {
            if !d.is_ascii() || d == '"' || d == '\n' || d == '\r' {
                return Err(ConfigError::invalid(
                    "delimiter",
                    "must be one ASCII character other than a quote or a line break",
                ));
            }
        }
        if Some(self.decimal_separator) == self.thousands_separator {
            return Err(ConfigError::invalid(
                "thousands_separator",
                "must differ from the decimal separator",
            ));
        }
        let formats = std::iter::once(("date_format".to_owned(), &self.date_format)).chain(
            self.other_date_formats
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("other_date_formats.{i}"), f)),
        );
        for (field, format) in formats {
            if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
                return Err(ConfigError::invalid(
                    field,
                    format!("`{format}` is not a valid date format"),
                ));
            }
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
        unique_keys("loss_reasons", &self.loss_reasons)?;
        let reasons = &self.definitions.process.reasons;
        for (text, key) in &self.loss_reasons {
            if reasons.get(key).is_none() {
                return Err(ConfigError::invalid(
                    format!("loss_reasons.{text}"),
                    format!(
                        "`{key}` is not in the reason list (keys: {})",
                        reasons.keys_for(Ending::Lost)
                    ),
                ));
            }
        }
        for (name, target) in &self.stages {
            if target.outcome == Some(Outcome::Won)
                && target.stage.is_some_and(|s| s != Stage::LAST)
            {
                return Err(ConfigError::invalid(
                    format!("stages.{name}.stage"),
                    "a won deal ends in project_implementation",
                ));
            }
            if target.stage.is_none() && target.outcome.is_none() {
                return Err(ConfigError::invalid(
                    format!("stages.{name}.stage"),
                    "an open stage must name one of our stages",
                ));
            }
            if let Some(p) = target.probability {
                crate::config::check_range(&format!("stages.{name}.probability"), p, 0.0, 100.0)?;
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
        if self.outcome.true_values.iter().all(|v| v.trim().is_empty()) {
            return Err(ConfigError::invalid(
                "outcome.true_values",
                "must hold at least one value",
            ));
        }
        if let Some(accounts) = &self.accounts {
            let c = &accounts.columns;
            if c.assistance.is_some() != c.loyalty.is_some() {
                return Err(ConfigError::invalid(
                    "accounts.columns.loyalty",
                    "assistance and loyalty columns go together",
                ));
            }
            if self.columns.account.is_none() {
                return Err(ConfigError::invalid(
                    "columns.account",
                    "an accounts file is joined on the deals' account column",
                ));
            }
        }
        if let Some(contacts) = &self.contacts {
            contacts.validate_in()?;
        }
        if let Some(products) = &self.products {
            let c = &products.columns;
            let named = [("id", Some(&c.id)), ("name", c.name.as_ref())];
            let more = [("line", c.line.as_ref()), ("market", c.market.as_ref())];
            for (field, name) in named.into_iter().chain(more) {
                if name.is_some_and(|n| n.trim().is_empty()) {
                    return Err(ConfigError::invalid(
                        format!("products.columns.{field}"),
                        "must name a column",
                    ));
                }
            }
            if self.columns.product.is_none() {
                return Err(ConfigError::invalid(
                    "columns.product",
                    "a products file is joined on the deals' product column",
                ));
            }
        }
        self.definitions
            .validate()
            .map_err(|e| prefixed("definitions", e))
    }
}

impl ContactsFile {
    /// The checks of [`CsvMapping::validate`] on the contacts file, with
    /// fields named from the mapping's top.
    fn validate_in(&self) -> Result<(), ConfigError> {
        let c = &self.columns;
        let required = [("id", &c.id), ("deal", &c.deal), ("role", &c.role)];
        let optional = [
            ("name", &c.name),
            ("influence", &c.influence),
            ("met", &c.met),
            ("attitude", &c.attitude),
        ];
        let named = required
            .into_iter()
            .map(|(f, n)| (f, Some(n)))
            .chain(optional.into_iter().map(|(f, n)| (f, n.as_ref())));
        for (field, name) in named {
            if name.is_some_and(|n| n.trim().is_empty()) {
                return Err(ConfigError::invalid(
                    format!("contacts.columns.{field}"),
                    "must name a column",
                ));
            }
        }
        unique_keys("contacts.roles", &self.roles)?;
        unique_keys("contacts.influences", &self.influences)?;
        unique_keys("contacts.attitudes", &self.attitudes)?;
        if c.influence.is_none() && self.default_influence.is_none() {
            return Err(ConfigError::invalid(
                "contacts.default_influence",
                "without an influence column the mapping must say which influence contacts have",
            ));
        }
        if c.met.is_some() && self.met_values.iter().all(|v| v.trim().is_empty()) {
            return Err(ConfigError::invalid(
                "contacts.met_values",
                "must hold at least one value",
            ));
        }
        Ok(())
    }
}

impl ColumnMapping {
    /// Every mapped column as (field, header name).
    fn named(&self) -> Vec<(&'static str, &str)> {
        let mut named = vec![("id", self.id.as_str()), ("stage", self.stage.as_str())];
        let optional = [
            ("account", &self.account),
            ("amount", &self.amount),
            ("expected_close", &self.expected_close),
            ("opened", &self.opened),
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
            ("probability", &self.probability),
            ("loss_reason", &self.loss_reason),
            ("competitor", &self.competitor),
            ("lost_amount", &self.lost_amount),
            ("product", &self.product),
        ];
        named.extend(
            optional
                .into_iter()
                .filter_map(|(field, name)| name.as_deref().map(|n| (field, n))),
        );
        named.extend(
            self.ratings
                .by_factor()
                .into_iter()
                .filter_map(|(factor, name)| name.map(|n| (rating_field(factor), n))),
        );
        named
    }
}

/// The mapping field of a rating column (`ratings.project_level`).
fn rating_field(factor: EvaluationFactor) -> &'static str {
    match factor {
        EvaluationFactor::ProjectLevel => "ratings.project_level",
        EvaluationFactor::CapitalStatus => "ratings.capital_status",
        EvaluationFactor::TechnicalRequirements => "ratings.technical_requirements",
        EvaluationFactor::CustomerRelationship => "ratings.customer_relationship",
        EvaluationFactor::CustomerReputation => "ratings.customer_reputation",
        EvaluationFactor::CompetitionProducts => "ratings.competition_products",
        EvaluationFactor::CompetitionPrices => "ratings.competition_prices",
        EvaluationFactor::CompetitionTechnicalSolutions => {
            "ratings.competition_technical_solutions"
        }
        EvaluationFactor::CompetitionAfterSales => "ratings.competition_after_sales",
    }
}

impl CsvMapping {
    /// Loads a mapping from JSON, refused whole (naming the field) when
    /// Whether the mapping declares `file` beside the deals (the deals
    /// export itself is always there).
    pub fn declares(&self, file: ImportFile) -> bool {
        match file {
            ImportFile::Deals => true,
            ImportFile::Accounts => self.accounts.is_some(),
            ImportFile::Contacts => self.contacts.is_some(),
            ImportFile::Products => self.products.is_some(),
        }
    }

    /// Where the mapping says the file beside the deals is, relative to the
    /// mapping (`None` for the deals export, an undeclared file, or one
    /// declared without a `file`).
    pub fn declared_path(&self, file: ImportFile) -> Option<&str> {
        match file {
            ImportFile::Deals => None,
            ImportFile::Accounts => self.accounts.as_ref()?.file.as_deref(),
            ImportFile::Contacts => self.contacts.as_ref()?.file.as_deref(),
            ImportFile::Products => self.products.as_ref()?.file.as_deref(),
        }
    }

    /// inconsistent.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }
}

/// The JSON Schema (draft 2020-12) of the CSV mapping.
pub fn mapping_json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    generator.into_root_schema_for::<CsvMapping>().to_value()
}

/// [`mapping_json_schema`] as indented JSON text ending in a newline, as
/// checked in at `schema/csv_mapping.schema.json`.
pub fn mapping_json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&mapping_json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Which file of an import a row is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ImportFile {
    /// The deals export.
    Deals,
    /// The accounts file.
    Accounts,
    /// The contacts file.
    Contacts,
    /// The products file.
    Products,
}

impl core::fmt::Display for ImportFile {
    /// `deals`, `accounts`, `contacts` or `products`: the mapping's field
    /// for the file.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ImportFile::Deals => "deals",
            ImportFile::Accounts => "accounts",
            ImportFile::Contacts => "contacts",
            ImportFile::Products => "products",
        })
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
    #[error("cannot read the {file} CSV header: {message}")]
    Header {
        /// The file.
        file: ImportFile,
        /// What the CSV reader said.
        message: String,
    },
    /// A column the mapping names is not in the header.
    #[error("column `{column}` (mapped as {field}) is not in the {file} CSV header")]
    MissingColumn {
        /// The file.
        file: ImportFile,
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
    /// No row has a date and the mapping gives no `as_of`.
    #[error("no imported row has a date: give the mapping an as_of")]
    NoDate,
    /// The mapping declares a file beside the deals (accounts, contacts or
    /// products) but none was given.
    #[error("the mapping declares a {file} file (see `{file}`) but none was given")]
    FileNotGiven {
        /// The file.
        file: ImportFile,
    },
    /// A file beside the deals was given but the mapping declares none.
    #[error("a {file} file was given but the mapping declares none (see `{file}`)")]
    FileNotDeclared {
        /// The file.
        file: ImportFile,
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
    /// fields, or text that is not UTF-8).
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
    /// A date does not match the mapping's date formats.
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
    /// A won row has no close date: the booking's date is unknown.
    #[error("a won deal without a close date: the day its contract was signed is unknown")]
    NoBookingDate,
    /// A score is not a number.
    #[error("score `{value}` in column `{column}` is not a number")]
    BadScore {
        /// The column's header name.
        column: String,
        /// The text in the row.
        value: String,
    },
    /// The CRM's probability is not a number in range.
    #[error("probability `{value}` in column `{column}` is not a number in {range}")]
    BadProbability {
        /// The column's header name.
        column: String,
        /// The text in the row.
        value: String,
        /// The range expected.
        range: &'static str,
    },
    /// A rating is not a number in 0-10.
    #[error("rating `{value}` in column `{column}` ({factor}) is not a number in 0-10")]
    BadRating {
        /// The column's header name.
        column: String,
        /// The evaluation factor the column rates.
        factor: &'static str,
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
    /// An earlier row has the same id.
    #[error("id `{id}` already imported from line {first_line}")]
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
    /// A contact's role is empty or not covered, and the mapping gives no
    /// default role.
    #[error("role `{value}` is neither a key ({expected}) nor in the mapping's contacts.roles, and there is no contacts.default_role")]
    UnknownRole {
        /// The text in the row (empty when the cell is).
        value: String,
        /// Our keys.
        expected: String,
    },
    /// A contact's influence is empty or not covered, and the mapping gives
    /// no default influence.
    #[error("influence `{value}` is neither a key ({expected}) nor in the mapping's contacts.influences, and there is no contacts.default_influence")]
    UnknownInfluence {
        /// The text in the row (empty when the cell is).
        value: String,
        /// Our keys.
        expected: String,
    },
    /// A contact's attitude is not covered.
    #[error(
        "attitude `{value}` is neither a key ({expected}) nor in the mapping's contacts.attitudes"
    )]
    UnknownAttitude {
        /// The text in the row.
        value: String,
        /// Our keys.
        expected: String,
    },
    /// A contact names a deal the export does not have.
    #[error("deal `{deal}` is not in the deals export")]
    UnknownDeal {
        /// The deal id in the row.
        deal: String,
    },
    /// A contact names a deal whose row was refused.
    #[error("deal `{deal}` (deals line {line}) was not imported")]
    DealNotImported {
        /// The deal id in the row.
        deal: String,
        /// The line of the deal's row.
        line: u64,
    },
}

impl RowProblem {
    /// What kind of problem this is, the key refusals are grouped by.
    pub fn reason(&self) -> &'static str {
        match self {
            RowProblem::Malformed { .. } => "malformed row",
            RowProblem::Missing { .. } => "required value missing",
            RowProblem::UnknownStage { .. } => "stage not in the mapping",
            RowProblem::BadAmount { .. } => "unreadable amount",
            RowProblem::BadDate { .. } => "unreadable date",
            RowProblem::DatesOutOfOrder(_) => "dates out of order",
            RowProblem::NoBookingDate => "won without a close date",
            RowProblem::BadScore { .. } | RowProblem::Score(_) => "unreadable score",
            RowProblem::BadProbability { .. } => "unreadable probability",
            RowProblem::BadRating { .. } => "unreadable rating",
            RowProblem::UnknownCustomerType { .. } => "unknown customer type",
            RowProblem::NoCustomerType { .. } => "no customer type",
            RowProblem::UnknownGrade { .. } => "unknown grade",
            RowProblem::CurrencyMismatch { .. } => "other currency",
            RowProblem::DuplicateId { .. } => "duplicate id",
            RowProblem::Account(_) => "account refused",
            RowProblem::Refused(_) => "history refused",
            RowProblem::UnknownRole { .. } => "role not in the mapping",
            RowProblem::UnknownInfluence { .. } => "influence not in the mapping",
            RowProblem::UnknownAttitude { .. } => "attitude not in the mapping",
            RowProblem::UnknownDeal { .. } => "deal not in the export",
            RowProblem::DealNotImported { .. } => "deal not imported",
        }
    }
}

/// A row that was not imported, with its file, line (the header is line 1)
/// and, when one value is at fault, its column.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// The file the row is in.
    pub file: ImportFile,
    /// The line the row starts on.
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// The row's id, when it could be read.
    pub id: Option<String>,
    /// Why it was not imported.
    pub problem: RowProblem,
}

impl core::fmt::Display for RowError {
    /// `line N: problem` (`accounts line N: ...` in the accounts file).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.file != ImportFile::Deals {
            write!(f, "{} ", self.file)?;
        }
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for RowError {}

/// What kind of warning a [`RowWarning`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A later row gives other details for an account already seen.
    AccountDetailsDiffer,
    /// A deal names an account the accounts file does not have.
    AccountNotInAccountsFile,
    /// An accounts-file row that no deal names (imported as an account).
    AccountWithoutDeals,
    /// The CRM's stage probability differs from the per-deal probability.
    ProbabilityDiffers,
    /// A deal names a product the products file does not have.
    ProductNotInProductsFile,
}

impl WarningKind {
    /// How the summary names the kind.
    pub fn label(self) -> &'static str {
        match self {
            WarningKind::AccountDetailsDiffer => "account details differ between rows",
            WarningKind::AccountNotInAccountsFile => "account not in the accounts file",
            WarningKind::AccountWithoutDeals => "account without deals",
            WarningKind::ProbabilityDiffers => "CRM probability differs from its stage table",
            WarningKind::ProductNotInProductsFile => "product not in the products file",
        }
    }
}

/// A row that was imported with something worth knowing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowWarning {
    /// The file the row is in.
    pub file: ImportFile,
    /// The line the row starts on.
    pub line: u64,
    /// What kind of warning.
    pub kind: WarningKind,
    /// What is worth knowing.
    pub message: String,
}

impl core::fmt::Display for RowWarning {
    /// `line N: message`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.file != ImportFile::Deals {
            write!(f, "{} ", self.file)?;
        }
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The result of an import: the portfolio of every importable row, and a
/// report of every other row.
#[derive(Debug, Clone)]
pub struct CsvImport {
    /// The imported portfolio.
    pub portfolio: Portfolio,
    /// Data rows read from the deals export (the header not counted).
    pub rows: usize,
    /// Rows imported as opportunities.
    pub imported: usize,
    /// Rows not imported, deals first then accounts, in file order.
    pub rejected: Vec<RowError>,
    /// Imported rows with something worth knowing, in file order.
    pub warnings: Vec<RowWarning>,
    /// Data rows read from the contacts file (`None` without one).
    pub contact_rows: Option<usize>,
    /// Contacts recorded in the deals' journals.
    pub contacts_imported: usize,
}

impl CsvImport {
    /// The deals rows that were refused.
    pub fn rejected_deals(&self) -> usize {
        self.rejected
            .iter()
            .filter(|r| r.file == ImportFile::Deals)
            .count()
    }

    /// A plain-text summary: rows read, imported and refused, refusals and
    /// warnings grouped by reason (with their count and first line), and
    /// what is unknown or only reported by the CRM in the imported deals.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "import: {} deal rows read, {} imported, {} refused",
            self.rows,
            self.imported,
            self.rejected_deals()
        );
        let mut refusals: BTreeMap<(ImportFile, &str), (usize, u64)> = BTreeMap::new();
        for r in &self.rejected {
            let slot = refusals
                .entry((r.file, r.problem.reason()))
                .or_insert((0, r.line));
            slot.0 += 1;
        }
        if !refusals.is_empty() {
            let _ = writeln!(out, "refused, by reason:");
            for ((file, reason), (n, first)) in &refusals {
                let _ = writeln!(out, "  {file}: {reason}: {n} (first at line {first})");
            }
        }
        let mut warnings: BTreeMap<(ImportFile, WarningKind), (usize, u64)> = BTreeMap::new();
        for w in &self.warnings {
            let slot = warnings.entry((w.file, w.kind)).or_insert((0, w.line));
            slot.0 += 1;
        }
        if !warnings.is_empty() {
            let _ = writeln!(out, "warnings, by reason:");
            for ((file, kind), (n, first)) in &warnings {
                let _ = writeln!(
                    out,
                    "  {file}: {}: {n} (first at line {first})",
                    kind.label()
                );
            }
        }
        let deals = self.portfolio.opportunities();
        let open: Vec<&OpportunityRecord> = deals
            .iter()
            .filter(|r| r.process.state().is_open())
            .collect();
        let count =
            |pred: &dyn Fn(&OpportunityRecord) -> bool| open.iter().filter(|r| pred(r)).count();
        let _ = writeln!(
            out,
            "open deals: {} ({} of unknown amount, {} without expected close, {} without account, {} of unknown timeline)",
            open.len(),
            count(&|r| r.amount_minor.is_none()),
            count(&|r| r.expected_close.is_none()),
            count(&|r| r.account.is_none()),
            count(&|r| r.timeline_unknown)
        );
        let outcome = |o: Outcome| {
            deals
                .iter()
                .filter(|r| r.process.state().outcome() == Some(o))
                .count()
        };
        let _ = writeln!(
            out,
            "closed deals: {} won, {} lost, {} withdrawn ({} of the lost or withdrawn at an unknown stage)",
            outcome(Outcome::Won),
            outcome(Outcome::Lost),
            outcome(Outcome::Withdrawn),
            deals.iter().filter(|r| r.closed_stage_unknown).count()
        );
        let reported: usize = deals
            .iter()
            .map(|r| r.process.state().reported_by_crm().len())
            .sum();
        let reported_deals = deals
            .iter()
            .filter(|r| !r.process.state().reported_by_crm().is_empty())
            .count();
        let forced: usize = deals
            .iter()
            .map(|r| r.process.state().forcings().len())
            .sum();
        let _ = writeln!(
            out,
            "key nodes reported by the CRM (stage taken from the CRM, not verified): {reported} on {reported_deals} deals; forced moves: {forced}"
        );
        let with_crm_base = open
            .iter()
            .filter(|r| r.process.state().crm_base().is_some())
            .count();
        let _ = writeln!(
            out,
            "open deals whose base is the CRM's stage probability: {with_crm_base}"
        );
        if let Some(rows) = self.contact_rows {
            let with_contacts = deals
                .iter()
                .filter(|r| !r.process.state().contacts().is_empty())
                .count();
            let refused = self
                .rejected
                .iter()
                .filter(|r| r.file == ImportFile::Contacts)
                .count();
            let _ = writeln!(
                out,
                "contacts: {rows} rows read, {} recorded on {with_contacts} deals, {refused} refused",
                self.contacts_imported
            );
        }
        let _ = writeln!(out, "accounts: {}", self.portfolio.accounts().len());
        out
    }
}

/// Counts lines as a text editor does: `\n`, `\r\n` and a lone `\r` each
/// end one line, and line breaks inside quoted fields count too.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line that byte `offset` is on (offsets only move forward).
    fn line_of(&mut self, offset: u64) -> u64 {
        let mut end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // The CSV reader may place a record after `\r` but before the `\n`
        // of a `\r\n`: the record starts on the next line.
        if end > 0 && self.bytes.get(end) == Some(&b'\n') && self.bytes.get(end - 1) == Some(&b'\r')
        {
            end += 1;
        }
        if end > self.at {
            let slice = self.bytes.get(self.at..end).unwrap_or_default();
            for (i, &b) in slice.iter().enumerate() {
                let next = slice.get(i + 1).or_else(|| self.bytes.get(end));
                if b == b'\n' || (b == b'\r' && next != Some(&b'\n')) {
                    self.line += 1;
                }
            }
            self.at = end;
        }
        self.line
    }
}

/// The text without its UTF-8 byte-order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The delimiter the mapping gives, or the one of `,`, `;` and tab that the
/// header line holds most often outside quotes (`,` on a tie).
fn delimiter(mapping: Option<char>, bytes: &[u8]) -> u8 {
    if let Some(d) = mapping.and_then(|d| u8::try_from(d).ok()) {
        return d;
    }
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

fn read_all<R: Read>(mut reader: R) -> Result<Vec<u8>, CsvError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| CsvError::Read {
        message: e.to_string(),
    })?;
    Ok(bytes)
}

/// A CSV file in memory: its records with the line each starts on.
struct Table<'a> {
    file: ImportFile,
    headers: csv::StringRecord,
    reader: csv::Reader<&'a [u8]>,
    lines: LineCounter<'a>,
}

impl<'a> Table<'a> {
    fn open(file: ImportFile, bytes: &'a [u8], mapping: &CsvMapping) -> Result<Self, CsvError> {
        let bytes = without_bom(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter(mapping.delimiter, bytes))
            .has_headers(true)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| CsvError::Header {
                file,
                message: e.to_string(),
            })?
            .clone();
        Ok(Table {
            file,
            headers,
            reader,
            lines: LineCounter::new(bytes),
        })
    }

    fn find(&self, field: &'static str, name: &str) -> Result<usize, CsvError> {
        self.headers
            .iter()
            .position(|h| h.trim() == name.trim())
            .ok_or_else(|| CsvError::MissingColumn {
                file: self.file,
                field,
                column: name.to_owned(),
            })
    }

    fn optional(
        &self,
        field: &'static str,
        name: &Option<String>,
    ) -> Result<Option<usize>, CsvError> {
        name.as_deref().map(|n| self.find(field, n)).transpose()
    }

    /// Calls `each` with every record (or the malformed row's problem) and
    /// its line.
    fn for_each(
        mut self,
        mut each: impl FnMut(u64, Result<&csv::StringRecord, RowProblem>),
    ) -> Result<(), CsvError> {
        let mut record = csv::StringRecord::new();
        loop {
            let start = self.reader.position().byte();
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = self
                        .lines
                        .line_of(record.position().map_or(start, |p| p.byte()));
                    each(line, Ok(&record));
                }
                Err(e) => {
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return Err(CsvError::Read {
                            message: e.to_string(),
                        });
                    }
                    let at = e.position().map_or(start, |p| p.byte());
                    let line = self.lines.line_of(at);
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("{len} fields where the header has {expected_len}"),
                        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
                        _ => e.to_string(),
                    };
                    each(line, Err(RowProblem::Malformed { message }));
                }
            }
        }
    }
}

/// Column positions of the deals export.
struct Columns {
    id: usize,
    stage: usize,
    account: Option<usize>,
    amount: Option<usize>,
    expected_close: Option<usize>,
    opened: Option<usize>,
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
    probability: Option<usize>,
    loss_reason: Option<usize>,
    competitor: Option<usize>,
    lost_amount: Option<usize>,
    product: Option<usize>,
    won_flag: Option<usize>,
    closed_flag: Option<usize>,
    active_flag: Option<usize>,
    /// The rating columns, in [`EvaluationFactor::ALL`] order.
    ratings: [Option<usize>; FACTOR_COUNT],
}

/// The mapping with its lookups prepared.
struct Compiled<'a> {
    mapping: &'a CsvMapping,
    stages: HashMap<String, (&'a str, StageTarget)>,
    /// The same stages by their names as the mapping spells them (trimmed).
    exact_stages: HashMap<&'a str, (&'a str, StageTarget)>,
    customer_types: HashMap<String, CustomerType>,
    grades: HashMap<String, Grade>,
    loss_reasons: HashMap<String, String>,
    true_values: Vec<String>,
}

/// What one row says about its account.
#[derive(Debug, Clone, PartialEq, Default)]
struct AccountInfo {
    name: Option<String>,
    customer_type: Option<CustomerType>,
    scores: Option<Scores>,
    /// Industry, size and region, from the accounts file.
    profile: [Option<String>; 3],
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

    /// These details, with `other`'s where these are unknown.
    fn or(self, other: &AccountInfo) -> AccountInfo {
        let [industry, size, region] = self.profile;
        let [i, s, r] = &other.profile;
        AccountInfo {
            name: self.name.or_else(|| other.name.clone()),
            customer_type: self.customer_type.or(other.customer_type),
            scores: self.scores.or(other.scores),
            profile: [
                industry.or_else(|| i.clone()),
                size.or_else(|| s.clone()),
                region.or_else(|| r.clone()),
            ],
        }
    }
}

/// The files beside a deals export, each given exactly when the mapping
/// declares it ([`CsvMapping::accounts`], [`CsvMapping::contacts`],
/// [`CsvMapping::products`]).
#[derive(Debug)]
pub struct CsvFiles<R> {
    /// The accounts file.
    pub accounts: Option<R>,
    /// The contacts file.
    pub contacts: Option<R>,
    /// The products file.
    pub products: Option<R>,
}

impl<R> Default for CsvFiles<R> {
    fn default() -> Self {
        CsvFiles {
            accounts: None,
            contacts: None,
            products: None,
        }
    }
}

/// Imports the CRM export read from `reader` through `mapping` (a mapping
/// that declares no file beside the deals).
pub fn import_csv<R: Read>(reader: R, mapping: &CsvMapping) -> Result<CsvImport, CsvError> {
    import_csv_with(reader, CsvFiles::<&[u8]>::default(), mapping)
}

/// Imports a deals export and the accounts file the mapping declares,
/// joined on the account id (a mapping that declares no other file).
pub fn import_csv_files<R: Read, A: Read>(
    deals: R,
    accounts: A,
    mapping: &CsvMapping,
) -> Result<CsvImport, CsvError> {
    let files = CsvFiles {
        accounts: Some(accounts),
        ..CsvFiles::default()
    };
    import_csv_with(deals, files, mapping)
}

/// Imports a deals export with the files beside it: accounts joined on the
/// deals' account column, contacts on their id column, products on their
/// product column. Each file must be given exactly when the mapping
/// declares it ([`CsvError::FileNotGiven`], [`CsvError::FileNotDeclared`]).
pub fn import_csv_with<D: Read, R: Read>(
    deals: D,
    files: CsvFiles<R>,
    mapping: &CsvMapping,
) -> Result<CsvImport, CsvError> {
    mapping.validate().map_err(CsvError::Mapping)?;
    let given = [
        (ImportFile::Accounts, files.accounts.is_some()),
        (ImportFile::Contacts, files.contacts.is_some()),
        (ImportFile::Products, files.products.is_some()),
    ];
    for (file, given) in given {
        match (mapping.declares(file), given) {
            (true, false) => return Err(CsvError::FileNotGiven { file }),
            (false, true) => return Err(CsvError::FileNotDeclared { file }),
            _ => {}
        }
    }
    let deals = read_all(deals)?;
    let read = |r: Option<R>| r.map(read_all).transpose();
    let accounts = read(files.accounts)?;
    let contacts = read(files.contacts)?;
    let products = read(files.products)?;
    let sources = CsvFiles {
        accounts: accounts.as_deref(),
        contacts: contacts.as_deref(),
        products: products.as_deref(),
    };
    import(&deals, sources, mapping)
}

/// A contact read from the contacts file.
struct ContactRow {
    line: u64,
    contact: BuyingInfluence,
}

/// A product read from the products file.
struct ProductRow {
    name: Option<String>,
    line: Option<String>,
    market: Option<String>,
}

/// An account read from the accounts file.
struct AccountRow {
    line: u64,
    info: AccountInfo,
    used: bool,
}

fn import(
    deals: &[u8],
    sources: CsvFiles<&[u8]>,
    mapping: &CsvMapping,
) -> Result<CsvImport, CsvError> {
    let compiled = Compiled::new(mapping);
    let mut rejected = Vec::new();
    let mut warnings = Vec::new();

    // The accounts file first: the deals join onto it.
    let mut account_rows: HashMap<String, AccountRow> = HashMap::default();
    let mut account_order: Vec<String> = Vec::new();
    if let (Some(bytes), Some(file)) = (sources.accounts, &mapping.accounts) {
        let table = Table::open(ImportFile::Accounts, bytes, mapping)?;
        let c = &file.columns;
        let id = table.find("accounts.id", &c.id)?;
        let name = table.optional("accounts.name", &c.name)?;
        let customer_type = table.optional("accounts.customer_type", &c.customer_type)?;
        let assistance = table.optional("accounts.assistance", &c.assistance)?;
        let loyalty = table.optional("accounts.loyalty", &c.loyalty)?;
        let profile = [
            table.optional("accounts.industry", &c.industry)?,
            table.optional("accounts.size", &c.size)?,
            table.optional("accounts.region", &c.region)?,
        ];
        table.for_each(|line, record| {
            let reject = |id: Option<String>, column: Option<String>, problem| RowError {
                file: ImportFile::Accounts,
                line,
                column,
                id,
                problem,
            };
            let record = match record {
                Ok(record) => record,
                Err(problem) => {
                    rejected.push(reject(None, None, problem));
                    return;
                }
            };
            let Some(key) = cell(record, Some(id)) else {
                rejected.push(reject(
                    None,
                    Some(c.id.clone()),
                    RowProblem::Missing {
                        column: c.id.clone(),
                    },
                ));
                return;
            };
            let key = key.to_owned();
            if let Some(first) = account_rows.get(&key) {
                let problem = RowProblem::DuplicateId {
                    id: key.clone(),
                    first_line: first.line,
                };
                rejected.push(reject(Some(key), Some(c.id.clone()), problem));
                return;
            }
            let info = (|| -> Result<AccountInfo, (String, RowProblem)> {
                Ok(AccountInfo {
                    name: cell(record, name).map(str::to_owned),
                    customer_type: cell(record, customer_type)
                        .map(|t| compiled.customer_type(t))
                        .transpose()
                        .map_err(|p| (c.customer_type.clone().unwrap_or_default(), p))?,
                    scores: compiled.scores(
                        record,
                        assistance.zip(loyalty),
                        (c.assistance.as_deref(), c.loyalty.as_deref()),
                    )?,
                    profile: profile.map(|at| cell(record, at).map(str::to_owned)),
                })
            })();
            match info {
                Ok(info) => {
                    account_order.push(key.clone());
                    account_rows.insert(
                        key,
                        AccountRow {
                            line,
                            info,
                            used: false,
                        },
                    );
                }
                Err((column, problem)) => rejected.push(reject(Some(key), Some(column), problem)),
            }
        })?;
    }

    // The contacts and products next, for the deals to take up.
    let mut contact_rows = None;
    let mut contacts: HashMap<String, Vec<ContactRow>> = HashMap::default();
    if let (Some(bytes), Some(file)) = (sources.contacts, &mapping.contacts) {
        let (rows, by_deal) = read_contacts(bytes, file, mapping, &mut rejected)?;
        contact_rows = Some(rows);
        contacts = by_deal;
    }
    let mut products: HashMap<String, ProductRow> = HashMap::default();
    if let (Some(bytes), Some(file)) = (sources.products, &mapping.products) {
        products = read_products(bytes, file, mapping, &mut rejected)?;
    }
    let mut contacts_imported = 0usize;
    // The line of each deal row refused with its id, for its contacts.
    let mut refused_deals: HashMap<String, u64> = HashMap::default();

    // The deals, one row at a time: each row is parsed and built into its
    // opportunity at once (or reported), so no parsed row is held.
    let as_of = match mapping.as_of {
        Some(as_of) => as_of,
        None => latest_date(deals, mapping, &compiled)?
            .map(midnight)
            .ok_or(CsvError::NoDate)?,
    };
    let table = Table::open(ImportFile::Deals, deals, mapping)?;
    let columns = compiled.columns(&table)?;
    let mut rows = 0usize;
    let mut first_line_of: HashMap<String, u64> = HashMap::default();
    let mut accounts: Vec<Account> = Vec::new();
    let mut seen_accounts: HashMap<String, (AccountInfo, u64)> = HashMap::default();
    let mut opportunities: Vec<OpportunityRecord> = Vec::new();
    table.for_each(|line, record| {
        rows += 1;
        let record = match record {
            Ok(record) => record,
            Err(problem) => {
                rejected.push(RowError {
                    file: ImportFile::Deals,
                    line,
                    column: None,
                    id: None,
                    problem,
                });
                return;
            }
        };
        let mut row = match compiled.read_row(&columns, record) {
            Ok(row) => row,
            Err(e) => {
                if let Some(id) = &e.id {
                    refused_deals.entry(id.clone()).or_insert(line);
                }
                rejected.push(RowError {
                    file: ImportFile::Deals,
                    line,
                    column: e.column,
                    id: e.id,
                    problem: e.problem,
                });
                return;
            }
        };
        if let Some(&first_line) = first_line_of.get(&row.id) {
            rejected.push(RowError {
                file: ImportFile::Deals,
                line,
                column: Some(mapping.columns.id.clone()),
                id: Some(row.id.clone()),
                problem: RowProblem::DuplicateId {
                    id: row.id,
                    first_line,
                },
            });
            return;
        }
        first_line_of.insert(row.id.clone(), line);
        let mut product_warning = None;
        let mut product_details = None;
        if let (Some(product), Some(file)) = (&row.product, &mapping.products) {
            match products.get(product) {
                Some(known) => {
                    if known.line.is_some() || known.market.is_some() {
                        product_details = Some(Box::new(ProductDetails {
                            line: known.line.clone(),
                            market: known.market.clone(),
                        }));
                    }
                    if let Some(name) = &known.name {
                        row.product = Some(name.clone());
                    }
                }
                None => product_warning = Some(RowWarning {
                    file: ImportFile::Deals,
                    line,
                    kind: WarningKind::ProductNotInProductsFile,
                    message: format!(
                        "product `{product}` is not in the products file{}",
                        file.file
                            .as_deref()
                            .map(|f| format!(" {f}"))
                            .unwrap_or_default()
                    ),
                }),
            }
        }
        let reject = |problem| RowError {
            file: ImportFile::Deals,
            line,
            column: None,
            id: Some(row.id.clone()),
            problem,
        };
        let start = row.start(as_of);
        // Settle the account before committing anything.
        let mut new_account = None;
        if let Some(account) = &row.account {
            match seen_accounts.get(account) {
                Some((first, first_line)) => {
                    if !row.account_info.agrees_with(first) {
                        warnings.push(RowWarning {
                            file: ImportFile::Deals,
                            line,
                            kind: WarningKind::AccountDetailsDiffer,
                            message: format!(
                                "account `{account}` details differ from line {first_line}; the first row's are kept"
                            ),
                        });
                    }
                }
                None => {
                    let info = match account_rows.get(account) {
                        Some(from_file) => row.account_info.clone().or(&from_file.info),
                        None => {
                            if mapping.accounts.is_some() {
                                warnings.push(RowWarning {
                                    file: ImportFile::Deals,
                                    line,
                                    kind: WarningKind::AccountNotInAccountsFile,
                                    message: format!(
                                        "account `{account}` is not in the accounts file"
                                    ),
                                });
                            }
                            row.account_info.clone()
                        }
                    };
                    match compiled.new_account(account, &info, start) {
                        Ok(a) => new_account = Some((a, info)),
                        Err(problem) => {
                            rejected.push(reject(problem));
                            return;
                        }
                    }
                }
            }
        }
        let deal_contacts = contacts.remove(&row.id).unwrap_or_default();
        let mut record = match compiled.build_opportunity(&row, start, &deal_contacts) {
            Ok((record, refused)) => {
                contacts_imported += deal_contacts.len() - refused.len();
                for (line, id, problem) in refused {
                    rejected.push(RowError {
                        file: ImportFile::Contacts,
                        line,
                        column: None,
                        id: Some(id),
                        problem,
                    });
                }
                record
            }
            Err(problem) => {
                // Its contacts are reported with the deal's line below.
                if !deal_contacts.is_empty() {
                    contacts.insert(row.id.clone(), deal_contacts);
                }
                rejected.push(reject(problem));
                return;
            }
        };
        if let (Some((account, info)), Some(id)) = (new_account, &row.account) {
            if let Some(from_file) = account_rows.get_mut(id) {
                from_file.used = true;
            }
            seen_accounts.insert(id.clone(), (info, line));
            accounts.push(account);
        }
        warnings.extend(product_warning);
        record.product_details = product_details;
        opportunities.push(record);
    })?;
    // Accounts of the file that no imported deal names are accounts of the
    // book all the same.
    for id in account_order {
        let Some(row) = account_rows.get(&id) else {
            continue;
        };
        if row.used || seen_accounts.contains_key(&id) {
            continue;
        }
        match compiled.new_account(&id, &row.info, as_of) {
            Ok(account) => {
                warnings.push(RowWarning {
                    file: ImportFile::Accounts,
                    line: row.line,
                    kind: WarningKind::AccountWithoutDeals,
                    message: format!("account `{id}` has no imported deal"),
                });
                accounts.push(account);
            }
            Err(problem) => rejected.push(RowError {
                file: ImportFile::Accounts,
                line: row.line,
                column: None,
                id: Some(id.clone()),
                problem,
            }),
        }
    }
    // Contacts no imported deal took up.
    let contact_deal = mapping.contacts.as_ref().map(|c| c.columns.deal.clone());
    for (deal, rows) in contacts {
        let problem = match first_line_of
            .get(&deal)
            .or_else(|| refused_deals.get(&deal))
        {
            Some(&line) => RowProblem::DealNotImported {
                deal: deal.clone(),
                line,
            },
            None => RowProblem::UnknownDeal { deal: deal.clone() },
        };
        for row in rows {
            rejected.push(RowError {
                file: ImportFile::Contacts,
                line: row.line,
                column: contact_deal.clone(),
                id: Some(row.contact.id),
                problem: problem.clone(),
            });
        }
    }
    rejected.sort_by_key(|r| (r.file, r.line));
    warnings.sort_by_key(|w| (w.file, w.line));

    let imported = opportunities.len();
    let portfolio = Portfolio::new(
        mapping.portfolio_name.clone(),
        as_of,
        mapping.currency.clone(),
        mapping.definitions.clone(),
    )
    .and_then(|p| p.with_minor_digits(mapping.minor_digits))
    // The processes were built above by applying their events under the
    // mapping's definition: the check needs not replay them again.
    .and_then(|p| p.with_built_records(accounts, opportunities))
    .map_err(CsvError::Portfolio)?;
    Ok(CsvImport {
        portfolio,
        rows,
        imported,
        rejected,
        warnings,
        contact_rows,
        contacts_imported,
    })
}

/// Our keys of a labelled enum, for a refusal to list them.
fn keys<T: Labelled + Copy>(all: &[T]) -> String {
    all.iter().map(|t| t.key()).collect::<Vec<_>>().join(", ")
}

/// Reads `text` as one of our values: through the mapping's `map`
/// (normalised keys), else as our key, else the default.
fn mapped<T: Copy + core::str::FromStr>(
    map: &HashMap<String, T>,
    text: Option<&str>,
    default: Option<T>,
) -> Option<T> {
    text.and_then(|t| {
        let key = normalise(t);
        map.get(&key).copied().or_else(|| key.parse().ok())
    })
    .or(default)
}

/// The map with its keys normalised.
fn normalised<T: Copy>(map: &BTreeMap<String, T>) -> HashMap<String, T> {
    map.iter().map(|(k, v)| (normalise(k), *v)).collect()
}

/// Reads the contacts file: the contacts of each deal id, in file order,
/// and the number of data rows. Refused rows go to `rejected`.
fn read_contacts(
    bytes: &[u8],
    file: &ContactsFile,
    mapping: &CsvMapping,
    rejected: &mut Vec<RowError>,
) -> Result<(usize, HashMap<String, Vec<ContactRow>>), CsvError> {
    let roles: HashMap<String, BuyingRole> = normalised(&file.roles);
    let influences: HashMap<String, InfluenceDegree> = normalised(&file.influences);
    let attitudes: HashMap<String, Attitude> = normalised(&file.attitudes);
    let met_values: Vec<String> = file.met_values.iter().map(|v| normalise(v)).collect();
    let table = Table::open(ImportFile::Contacts, bytes, mapping)?;
    let c = &file.columns;
    let id = table.find("contacts.id", &c.id)?;
    let deal = table.find("contacts.deal", &c.deal)?;
    let role = table.find("contacts.role", &c.role)?;
    let name = table.optional("contacts.name", &c.name)?;
    let influence = table.optional("contacts.influence", &c.influence)?;
    let met = table.optional("contacts.met", &c.met)?;
    let attitude = table.optional("contacts.attitude", &c.attitude)?;
    let mut rows = 0usize;
    let mut by_deal: HashMap<String, Vec<ContactRow>> = HashMap::default();
    // The first line of each (deal, contact id).
    let mut first_line: HashMap<(String, String), u64> = HashMap::default();
    table.for_each(|line, record| {
        rows += 1;
        let mut reject = |id: Option<&str>, column: Option<&str>, problem| {
            rejected.push(RowError {
                file: ImportFile::Contacts,
                line,
                column: column.map(str::to_owned),
                id: id.map(str::to_owned),
                problem,
            });
        };
        let record = match record {
            Ok(record) => record,
            Err(problem) => return reject(None, None, problem),
        };
        let missing = |column: &str| RowProblem::Missing {
            column: column.to_owned(),
        };
        let Some(contact_id) = cell(record, Some(id)) else {
            return reject(None, Some(&c.id), missing(&c.id));
        };
        let Some(deal_id) = cell(record, Some(deal)) else {
            return reject(Some(contact_id), Some(&c.deal), missing(&c.deal));
        };
        let role_text = cell(record, Some(role));
        let Some(role) = mapped(&roles, role_text, file.default_role) else {
            let problem = RowProblem::UnknownRole {
                value: role_text.unwrap_or_default().to_owned(),
                expected: keys(BuyingRole::ALL),
            };
            return reject(Some(contact_id), Some(&c.role), problem);
        };
        let influence_text = cell(record, influence);
        let Some(influence) = mapped(&influences, influence_text, file.default_influence) else {
            let problem = RowProblem::UnknownInfluence {
                value: influence_text.unwrap_or_default().to_owned(),
                expected: keys(InfluenceDegree::ALL),
            };
            let column = c.influence.as_deref();
            return reject(Some(contact_id), column, problem);
        };
        let attitude_text = cell(record, attitude);
        let Some(attitude) = mapped(&attitudes, attitude_text, None).or(match attitude_text {
            None => Some(Attitude::Unknown),
            Some(_) => None,
        }) else {
            let problem = RowProblem::UnknownAttitude {
                value: attitude_text.unwrap_or_default().to_owned(),
                expected: keys(Attitude::ALL),
            };
            return reject(Some(contact_id), c.attitude.as_deref(), problem);
        };
        let key = (deal_id.to_owned(), contact_id.to_owned());
        if let Some(&first) = first_line.get(&key) {
            let problem = RowProblem::DuplicateId {
                id: contact_id.to_owned(),
                first_line: first,
            };
            return reject(Some(contact_id), Some(&c.id), problem);
        }
        first_line.insert(key, line);
        let mut contact = BuyingInfluence::new(
            contact_id,
            cell(record, name).unwrap_or(contact_id),
            role,
            influence,
        )
        .with_attitude(attitude);
        contact.met = cell(record, met).is_some_and(|v| met_values.contains(&normalise(v)));
        by_deal
            .entry(deal_id.to_owned())
            .or_default()
            .push(ContactRow { line, contact });
    })?;
    Ok((rows, by_deal))
}

/// Reads the products file: each product by its id. Refused rows go to
/// `rejected`.
fn read_products(
    bytes: &[u8],
    file: &ProductsFile,
    mapping: &CsvMapping,
    rejected: &mut Vec<RowError>,
) -> Result<HashMap<String, ProductRow>, CsvError> {
    let table = Table::open(ImportFile::Products, bytes, mapping)?;
    let c = &file.columns;
    let id = table.find("products.id", &c.id)?;
    let name = table.optional("products.name", &c.name)?;
    let line_column = table.optional("products.line", &c.line)?;
    let market = table.optional("products.market", &c.market)?;
    let mut products: HashMap<String, ProductRow> = HashMap::default();
    let mut first_line: HashMap<String, u64> = HashMap::default();
    table.for_each(|line, record| {
        let mut reject = |id: Option<&str>, problem| {
            rejected.push(RowError {
                file: ImportFile::Products,
                line,
                column: Some(c.id.clone()),
                id: id.map(str::to_owned),
                problem,
            });
        };
        let record = match record {
            Ok(record) => record,
            Err(problem) => return reject(None, problem),
        };
        let Some(key) = cell(record, Some(id)) else {
            let problem = RowProblem::Missing {
                column: c.id.clone(),
            };
            return reject(None, problem);
        };
        if let Some(&first) = first_line.get(key) {
            let problem = RowProblem::DuplicateId {
                id: key.to_owned(),
                first_line: first,
            };
            return reject(Some(key), problem);
        }
        first_line.insert(key.to_owned(), line);
        products.insert(
            key.to_owned(),
            ProductRow {
                name: cell(record, name).map(str::to_owned),
                line: cell(record, line_column).map(str::to_owned),
                market: cell(record, market).map(str::to_owned),
            },
        );
    })?;
    Ok(products)
}

/// The latest date of something that happened in the deal rows that will be
/// imported (the default as-of moment): one reading pass over the export,
/// counting each id's first row only, as the import does.
fn latest_date(
    deals: &[u8],
    mapping: &CsvMapping,
    compiled: &Compiled<'_>,
) -> Result<Option<NaiveDate>, CsvError> {
    let table = Table::open(ImportFile::Deals, deals, mapping)?;
    let columns = compiled.columns(&table)?;
    let mut ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut latest = None;
    table.for_each(|_, record| {
        let Ok(row) = record
            .map_err(|_| ())
            .and_then(|r| compiled.read_row(&columns, r).map_err(|_| ()))
        else {
            return;
        };
        let date = row.latest_date();
        if ids.insert(row.id) {
            latest = latest.max(date);
        }
    })?;
    Ok(latest)
}

/// The trimmed, non-empty value of column `i`.
fn cell(record: &csv::StringRecord, i: Option<usize>) -> Option<&str> {
    i.and_then(|i| record.get(i))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// One deal row, read and parsed.
struct Row<'a> {
    id: String,
    account: Option<String>,
    account_info: AccountInfo,
    name: String,
    /// The CRM's stage name and where it puts the deal, when the row has one.
    stage: Option<(&'a str, StageTarget)>,
    outcome: Option<Outcome>,
    amount_minor: Option<u64>,
    expected_close: Option<NaiveDate>,
    opened: Option<NaiveDate>,
    stage_since: Option<NaiveDate>,
    closed: Option<NaiveDate>,
    owner: String,
    grade: Option<Grade>,
    crm_probability: Option<f64>,
    loss_reason: Option<String>,
    competitor: Option<String>,
    product: Option<String>,
    /// The ratings, when the mapping has rating columns (unknown ones NaN).
    ratings: Option<Ratings>,
}

impl Row<'_> {
    /// The latest date the row gives of something that happened.
    fn latest_date(&self) -> Option<NaiveDate> {
        [self.opened, self.stage_since, self.closed]
            .into_iter()
            .flatten()
            .max()
    }

    /// When the process starts: the opening, else the first date the row
    /// gives, else `as_of` (when the import saw the deal).
    fn start(&self, as_of: DateTime<Utc>) -> DateTime<Utc> {
        self.opened
            .or_else(|| [self.stage_since, self.closed].into_iter().flatten().min())
            .map_or(as_of, midnight)
    }

    /// Whether the row closes the deal lost or withdrawn without naming
    /// one of our stages (no stage, or a CRM stage mapped to none).
    fn closed_stage_unknown(&self) -> bool {
        matches!(self.outcome, Some(Outcome::Lost | Outcome::Withdrawn))
            && self.stage.as_ref().and_then(|(_, t)| t.stage).is_none()
    }

    /// Our stage the deal stands in, once the outcome is known.
    fn our_stage(&self) -> Stage {
        let reported = self
            .stage
            .as_ref()
            .and_then(|(_, t)| t.stage)
            .unwrap_or(Stage::FIRST);
        if self.outcome == Some(Outcome::Won) {
            // Won is booked: the contract was signed in business
            // negotiation (or the CRM already has the deal in delivery).
            return reported.max(Stage::BusinessNegotiation);
        }
        reported
    }
}

/// A refused row: the id and column when known, and the problem.
struct ReadError {
    id: Option<String>,
    column: Option<String>,
    problem: RowProblem,
}

type RowResult<T> = Result<T, RowProblem>;
/// A problem with the column it is in.
type CellResult<T> = Result<T, (String, RowProblem)>;

impl<'a> Compiled<'a> {
    fn new(mapping: &'a CsvMapping) -> Self {
        Compiled {
            mapping,
            stages: mapping
                .stages
                .iter()
                .map(|(k, v)| (normalise(k), (k.as_str(), *v)))
                .collect(),
            exact_stages: mapping
                .stages
                .iter()
                .map(|(k, v)| (k.trim(), (k.as_str(), *v)))
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
            loss_reasons: mapping
                .loss_reasons
                .iter()
                .map(|(k, v)| (normalise(k), v.clone()))
                .collect(),
            true_values: mapping
                .outcome
                .true_values
                .iter()
                .map(|v| normalise(v))
                .collect(),
        }
    }

    fn columns(&self, table: &Table<'_>) -> Result<Columns, CsvError> {
        let c = &self.mapping.columns;
        let o = &self.mapping.outcome;
        Ok(Columns {
            id: table.find("id", &c.id)?,
            stage: table.find("stage", &c.stage)?,
            account: table.optional("account", &c.account)?,
            amount: table.optional("amount", &c.amount)?,
            expected_close: table.optional("expected_close", &c.expected_close)?,
            opened: table.optional("opened", &c.opened)?,
            name: table.optional("name", &c.name)?,
            account_name: table.optional("account_name", &c.account_name)?,
            stage_since: table.optional("stage_since", &c.stage_since)?,
            closed: table.optional("closed", &c.closed)?,
            owner: table.optional("owner", &c.owner)?,
            grade: table.optional("grade", &c.grade)?,
            currency: table.optional("currency", &c.currency)?,
            customer_type: table.optional("customer_type", &c.customer_type)?,
            assistance: table.optional("assistance", &c.assistance)?,
            loyalty: table.optional("loyalty", &c.loyalty)?,
            probability: table.optional("probability", &c.probability)?,
            loss_reason: table.optional("loss_reason", &c.loss_reason)?,
            competitor: table.optional("competitor", &c.competitor)?,
            lost_amount: table.optional("lost_amount", &c.lost_amount)?,
            product: table.optional("product", &c.product)?,
            won_flag: table.optional("outcome.won", &o.won)?,
            closed_flag: table.optional("outcome.closed", &o.closed)?,
            active_flag: table.optional("outcome.active", &o.active)?,
            ratings: {
                let mut at = [None; FACTOR_COUNT];
                for (slot, (factor, name)) in at.iter_mut().zip(c.ratings.by_factor()) {
                    *slot = name
                        .map(|n| table.find(rating_field(factor), n))
                        .transpose()?;
                }
                at
            },
        })
    }

    /// The CRM stage named `name` (trimmed): the exact name needs no
    /// lowercased copy, and finds what the normalised one would.
    fn stage(&self, name: &str) -> Option<(&'a str, StageTarget)> {
        self.exact_stages
            .get(name)
            .or_else(|| self.stages.get(&normalise(name)))
            .copied()
    }

    fn flag(&self, record: &csv::StringRecord, i: Option<usize>) -> Option<bool> {
        cell(record, i).map(|v| self.true_values.contains(&normalise(v)))
    }

    fn date(&self, column: &str, text: &str) -> CellResult<NaiveDate> {
        // The common format read without interpreting it: the same date
        // chrono reads; anything else takes the general path below.
        if self.mapping.date_format == "%Y-%m-%d" {
            if let Some(date) = iso_date(text) {
                return Ok(date);
            }
        }
        let formats =
            std::iter::once(&self.mapping.date_format).chain(&self.mapping.other_date_formats);
        for format in formats {
            if let Ok(date) = NaiveDate::parse_from_str(text, format) {
                return Ok(date);
            }
            if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(at.date());
            }
            // A date followed by a time the format does not describe.
            if let Ok((date, rest)) = NaiveDate::parse_and_remainder(text, format) {
                if rest.starts_with([' ', 'T']) {
                    return Ok(date);
                }
            }
        }
        Err((
            column.to_owned(),
            RowProblem::BadDate {
                column: column.to_owned(),
                value: text.to_owned(),
                format: self.mapping.date_format.clone(),
            },
        ))
    }

    fn amount(&self, column: &str, text: &str) -> CellResult<u64> {
        parse_amount(
            text,
            self.mapping.decimal_separator,
            self.mapping.thousands_separator,
            self.mapping.minor_digits,
        )
        .map_err(|p| (column.to_owned(), p))
    }

    fn probability(&self, column: &str, text: &str) -> CellResult<f64> {
        let (scale, range) = match self.mapping.probability_scale {
            ProbabilityScale::Percent => (100.0, "0-100"),
            ProbabilityScale::Fraction => (1.0, "0-1"),
        };
        let normal = text
            .trim_end_matches('%')
            .trim()
            .replace(self.mapping.decimal_separator, ".");
        match normal.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=scale).contains(&v) => Ok(v / scale),
            _ => Err((
                column.to_owned(),
                RowProblem::BadProbability {
                    column: column.to_owned(),
                    value: text.to_owned(),
                    range,
                },
            )),
        }
    }

    /// Reads and parses one row.
    fn read_row(&self, c: &Columns, record: &csv::StringRecord) -> Result<Row<'a>, ReadError> {
        let names = &self.mapping.columns;
        let Some(id) = cell(record, Some(c.id)) else {
            return Err(ReadError {
                id: None,
                column: Some(names.id.clone()),
                problem: RowProblem::Missing {
                    column: names.id.clone(),
                },
            });
        };
        let id = id.to_owned();
        self.parse_row(c, record, &id)
            .map_err(|(column, problem)| ReadError {
                id: Some(id.clone()),
                column: Some(column),
                problem,
            })
    }

    fn parse_row(&self, c: &Columns, record: &csv::StringRecord, id: &str) -> CellResult<Row<'a>> {
        let names = &self.mapping.columns;
        // The column's name, owned only when a problem names it.
        let name = |n: &'a Option<String>| n.as_deref().unwrap_or_default();
        let named = |n: &Option<String>| n.clone().unwrap_or_default();
        let optional_date =
            |i: Option<usize>, column: &'a Option<String>| -> CellResult<Option<NaiveDate>> {
                cell(record, i)
                    .map(|text| self.date(name(column), text))
                    .transpose()
            };
        let stage = match cell(record, Some(c.stage)) {
            None => None,
            Some(name) => Some(self.stage(name).ok_or_else(|| {
                (
                    names.stage.clone(),
                    RowProblem::UnknownStage {
                        value: name.to_owned(),
                    },
                )
            })?),
        };
        let outcome = stage.as_ref().and_then(|(_, t)| t.outcome).or_else(|| {
            if self.flag(record, c.won_flag) == Some(true) {
                Some(Outcome::Won)
            } else if self.flag(record, c.closed_flag) == Some(true)
                || self.flag(record, c.active_flag) == Some(false)
            {
                Some(Outcome::Lost)
            } else {
                None
            }
        });
        if stage.is_none() && outcome.is_none() {
            return Err((
                names.stage.clone(),
                RowProblem::Missing {
                    column: names.stage.clone(),
                },
            ));
        }
        if let Some(currency) = cell(record, c.currency) {
            if !currency.eq_ignore_ascii_case(&self.mapping.currency) {
                return Err((
                    named(&names.currency),
                    RowProblem::CurrencyMismatch {
                        value: currency.to_owned(),
                        expected: self.mapping.currency.clone(),
                    },
                ));
            }
        }
        let mut amount_minor = cell(record, c.amount)
            .map(|t| self.amount(name(&names.amount), t))
            .transpose()?;
        let ended_badly = matches!(outcome, Some(Outcome::Lost | Outcome::Withdrawn));
        if ended_badly {
            if let Some(lost) = cell(record, c.lost_amount) {
                amount_minor = Some(self.amount(name(&names.lost_amount), lost)?);
            }
            if amount_minor == Some(0) && self.mapping.lost_zero_amount_is_unknown {
                amount_minor = None;
            }
        }
        let expected_close = optional_date(c.expected_close, &names.expected_close)?;
        let opened = optional_date(c.opened, &names.opened)?;
        let stage_since = optional_date(c.stage_since, &names.stage_since)?;
        let closed = match outcome {
            None => None,
            Some(_) => optional_date(c.closed, &names.closed)?.or(expected_close),
        };
        if let (Some(since), Some(opened)) = (stage_since, opened) {
            if since < opened {
                return Err((
                    named(&names.stage_since),
                    RowProblem::DatesOutOfOrder(format!(
                        "entered its stage on {since} before it was opened on {opened}"
                    )),
                ));
            }
        }
        if let Some(closed) = closed {
            if let Some(earlier) = stage_since.or(opened).filter(|&d| closed < d) {
                return Err((
                    named(&names.closed),
                    RowProblem::DatesOutOfOrder(format!(
                        "closed on {closed} before it entered its stage on {earlier}"
                    )),
                ));
            }
        }
        let grade = cell(record, c.grade)
            .map(|g| self.grade(g))
            .transpose()
            .map_err(|p| (named(&names.grade), p))?;
        let crm_probability = cell(record, c.probability)
            .map(|t| self.probability(name(&names.probability), t))
            .transpose()?;
        let account_info = AccountInfo {
            name: cell(record, c.account_name).map(str::to_owned),
            customer_type: cell(record, c.customer_type)
                .map(|t| self.customer_type(t))
                .transpose()
                .map_err(|p| (named(&names.customer_type), p))?,
            scores: self.scores(
                record,
                c.assistance.zip(c.loyalty),
                (names.assistance.as_deref(), names.loyalty.as_deref()),
            )?,
            profile: Default::default(),
        };
        Ok(Row {
            name: cell(record, c.name).unwrap_or(id).to_owned(),
            owner: cell(record, c.owner)
                .unwrap_or(&self.mapping.actor)
                .to_owned(),
            id: id.to_owned(),
            account: cell(record, c.account).map(str::to_owned),
            account_info,
            stage,
            outcome,
            amount_minor,
            expected_close,
            opened,
            stage_since,
            closed,
            grade,
            crm_probability,
            loss_reason: cell(record, c.loss_reason).map(str::to_owned),
            competitor: cell(record, c.competitor).map(str::to_owned),
            product: cell(record, c.product).map(str::to_owned),
            ratings: self.ratings(c, record)?,
        })
    }

    /// The row's ratings, when the mapping has rating columns: each empty
    /// cell an unknown rating (NaN).
    fn ratings(&self, c: &Columns, record: &csv::StringRecord) -> CellResult<Option<Ratings>> {
        if c.ratings.iter().all(Option::is_none) {
            return Ok(None);
        }
        let mut values = [f64::NAN; FACTOR_COUNT];
        let names = self.mapping.columns.ratings.by_factor();
        for ((value, &at), (factor, name)) in values.iter_mut().zip(&c.ratings).zip(names) {
            let Some(text) = cell(record, at) else {
                continue;
            };
            let column = name.unwrap_or_default().to_owned();
            let normal = text.replace(self.mapping.decimal_separator, ".");
            match normal.parse::<f64>() {
                Ok(v) if (0.0..=10.0).contains(&v) => *value = v,
                _ => {
                    return Err((
                        column.clone(),
                        RowProblem::BadRating {
                            column,
                            factor: factor.key(),
                            value: text.to_owned(),
                        },
                    ))
                }
            }
        }
        Ok(Some(Ratings::from_array(values)))
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

    fn scores(
        &self,
        record: &csv::StringRecord,
        at: Option<(usize, usize)>,
        names: (Option<&str>, Option<&str>),
    ) -> CellResult<Option<Scores>> {
        let Some((a, l)) = at else {
            return Ok(None);
        };
        let read = |i: usize, column: Option<&str>| -> CellResult<Option<f64>> {
            let column = column.unwrap_or_default();
            let Some(text) = cell(record, Some(i)) else {
                return Ok(None);
            };
            let normal = text.replace(self.mapping.decimal_separator, ".");
            normal.parse::<f64>().map(Some).map_err(|_| {
                (
                    column.to_owned(),
                    RowProblem::BadScore {
                        column: column.to_owned(),
                        value: text.to_owned(),
                    },
                )
            })
        };
        match (read(a, names.0)?, read(l, names.1)?) {
            (Some(assistance), Some(loyalty)) => Scores::new(assistance, loyalty)
                .map(Some)
                .map_err(|e| (names.0.unwrap_or_default().to_owned(), RowProblem::Score(e))),
            _ => Ok(None),
        }
    }

    fn new_account(&self, id: &str, info: &AccountInfo, at: DateTime<Utc>) -> RowResult<Account> {
        let name = info.name.clone().unwrap_or_else(|| id.to_owned());
        let thresholds = &self.mapping.definitions.planner.thresholds;
        let customer = match (
            info.scores,
            info.customer_type,
            self.mapping.default_customer_type,
        ) {
            (Some(scores), _, _) => Customer::from_scores(id, name, scores, thresholds, at),
            (None, Some(t), _) | (None, None, Some(t)) => Customer::from_type(id, name, t, at),
            (None, None, None) => {
                return Err(RowProblem::NoCustomerType {
                    account: id.to_owned(),
                })
            }
        };
        let mut account = customer.map(Account::new).map_err(RowProblem::Account)?;
        [account.industry, account.size, account.region] = info.profile.clone();
        Ok(account)
    }

    /// The reason a lost or withdrawn row gives: the reason of the list
    /// for this ending that the CRM's loss-reason text is mapped to (in
    /// [`CsvMapping::loss_reasons`]) or names by its key, with the row's
    /// competitor when the reason names one; else `other` with the text (or
    /// the CRM stage) as note.
    fn reason(&self, row: &Row<'_>, crm_stage: Option<&str>, ending: Ending) -> Reason {
        let reasons = &self.mapping.definitions.process.reasons;
        let text = row.loss_reason.as_deref().map(str::trim);
        let key = text.map(|t| {
            self.loss_reasons
                .get(&normalise(t))
                .cloned()
                .unwrap_or_else(|| t.to_lowercase().replace([' ', '-'], "_"))
        });
        let competitor = row.competitor.as_deref().map(str::trim);
        let listed = key.as_deref().and_then(|k| reasons.get(k)).filter(|r| {
            r.applies_to.contains(&ending)
                && r.key != OTHER_REASON
                && (!r.names_competitor || competitor.is_some_and(|c| !c.is_empty()))
        });
        if let Some(listed) = listed {
            let reason = Reason::new(listed.key.clone());
            return match competitor {
                Some(name) if listed.names_competitor => reason.with_competitor(name),
                _ => reason,
            };
        }
        let note = match (text, crm_stage) {
            (Some(text), _) if !text.is_empty() => text.to_owned(),
            (_, Some(name)) => format!("CRM stage \"{name}\""),
            (_, None) => "closed in the CRM".to_owned(),
        };
        Reason::new(OTHER_REASON).with_note(note)
    }

    /// The deal's process from what the row says, and nothing more: a
    /// grade if the row has one, the CRM's stage (its earlier key nodes
    /// reported by the CRM), and the outcome.
    ///
    /// The deal's contacts are recorded where the CRM's stage report is
    /// dated, before it: the coverage they give meets its key nodes with
    /// the contacts as evidence, and the report covers the rest. A contact
    /// the process refuses is returned with its line and id; the deal is
    /// built all the same.
    #[allow(clippy::type_complexity)]
    fn build_opportunity(
        &self,
        row: &Row<'_>,
        start: DateTime<Utc>,
        contacts: &[ContactRow],
    ) -> RowResult<(OpportunityRecord, Vec<(u64, String, RowProblem)>)> {
        let definition = &self.mapping.definitions.process;
        let mut process = KeyAccountProcess::new(start);
        let mut apply = |at: DateTime<Utc>, event: KeyAccountEvent| {
            process
                .apply(definition, Entry::new(at, row.owner.as_str(), event))
                .map_err(RowProblem::Refused)
        };
        if let Some(grade) = row.grade {
            let evidence = format!(
                "grade {} in the CRM's column `{}`",
                grade.key(),
                self.mapping.columns.grade.as_deref().unwrap_or_default()
            );
            apply(
                start,
                KeyAccountEvent::KeyNodeMet {
                    node: KeyNode::OpportunityGraded,
                    evidence,
                    grade: Some(grade),
                },
            )?;
        }
        let stage = row.our_stage();
        let stage_at = row.stage_since.map_or(start, midnight).max(start);
        let crm_stage = row.stage.map(|(name, _)| name);
        let mut refused_contacts = Vec::new();
        for c in contacts {
            let event = KeyAccountEvent::ContactRecorded {
                contact: Box::new(c.contact.clone()),
            };
            if let Err(e) = apply(stage_at, event) {
                refused_contacts.push((c.line, c.contact.id.clone(), e));
            }
        }
        let won = row.outcome == Some(Outcome::Won);
        if crm_stage.is_some() || won {
            apply(
                stage_at,
                KeyAccountEvent::StageReported {
                    stage,
                    crm_stage: crm_stage.unwrap_or("won").to_owned(),
                    probability: row
                        .stage
                        .as_ref()
                        .and_then(|(_, t)| t.probability)
                        .map(|p| p / 100.0),
                    // A won deal's contract is signed: business negotiation
                    // is done; delivery is not reported by a won stage.
                    completed: won && stage < Stage::LAST,
                },
            )?;
        }
        if let Some(outcome) = row.outcome {
            let event = match outcome {
                Outcome::Won => {
                    // The booking is dated by the contract: without a close
                    // date the row cannot say when it was booked.
                    let Some(closed) = row.closed else {
                        return Err(RowProblem::NoBookingDate);
                    };
                    apply(
                        midnight(closed).max(stage_at),
                        KeyAccountEvent::Booked {
                            booked_on: closed,
                            amount_minor: None,
                        },
                    )?;
                    None
                }
                Outcome::Lost => Some(KeyAccountEvent::Lost {
                    reason: Box::new(self.reason(row, crm_stage, Ending::Lost)),
                }),
                Outcome::Withdrawn => Some(KeyAccountEvent::Withdrawn {
                    reason: Box::new(self.reason(row, crm_stage, Ending::Withdrawn)),
                }),
            };
            if let Some(event) = event {
                let at = row.closed.map_or(stage_at, midnight).max(stage_at);
                apply(at, event)?;
            }
        }
        let mut record = OpportunityRecord::unknown(row.id.as_str(), row.name.clone(), start);
        record.account = row.account.as_deref().map(Into::into);
        record.amount_minor = row.amount_minor;
        record.expected_close = row.expected_close;
        record.timeline_unknown =
            row.opened.is_none() || (stage > Stage::FIRST && row.stage_since.is_none());
        record.closed_stage_unknown = row.closed_stage_unknown();
        record.crm_probability = row.crm_probability;
        record.product = row.product.clone();
        record.grading = row.ratings.map(|ratings| {
            // The CRM's probability for this deal, when it has one; else
            // the grade rests on the possibility the ratings derive (a
            // stage's probability says nothing of this deal's ratings).
            Box::new(GradingInputs {
                ratings,
                possibility: row.crm_probability,
            })
        });
        record.process = process;
        Ok((record, refused_contacts))
    }
}

/// `YYYY-MM-DD` exactly, as a valid date.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
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

    /// The fast reading of `%Y-%m-%d` gives chrono's date, and declines
    /// whatever chrono would read otherwise or refuse.
    #[test]
    fn iso_dates_read_as_chrono_reads_them() {
        for text in [
            "2026-07-01",
            "2024-02-29",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-7-01",
            "2026/07/01",
            "2026-07-0a",
            "+2026-07-1",
            "2026-07-01T",
            "",
            "２０２６-07-01",
        ] {
            let chrono = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            // Declined texts take chrono's path: only a date read must agree.
            if let Some(date) = iso_date(text) {
                assert_eq!(Some(date), chrono, "{text}");
            }
        }
        assert_eq!(iso_date("2026-07-01"), NaiveDate::from_ymd_opt(2026, 7, 1));
        assert_eq!(iso_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(iso_date("2026-02-30"), None);
    }
}
