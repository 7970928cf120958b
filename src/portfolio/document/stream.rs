//! Loading a portfolio from a reader (a file, a socket) one deal at a
//! time: the text is never held whole, and each deal's journal is replayed
//! and checked as the deal arrives, so a refused deal stops the reading
//! there and the error names it.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::{BufReader, Read};

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{
    default_minor_digits, keep_v2_key_roles, Account, CycleRecord, Definitions, FormatVersion,
    OpportunityRecord, Portfolio, PortfolioError, FORMAT_VERSION,
};
use crate::grading::Grader;
use crate::key_account::{BuyingRole, Migration};
use crate::limits::{LimitError, LimitedJson, MAX_PORTFOLIO_BYTES};
use crate::FastSet;

/// The read buffer: large enough that the reads below it are few.
const BUFFER_BYTES: usize = 1 << 16;

impl Portfolio {
    /// Loads and checks a portfolio from JSON read from `reader`, without
    /// holding the text: each deal is checked (its journal replayed to its
    /// stored state) as it arrives, and the text is held to the input
    /// limits ([`crate::limits`], with [`MAX_PORTFOLIO_BYTES`] for the
    /// whole document) as it is read. The reader need not be buffered.
    ///
    /// The result is the one [`from_slice`](Self::from_slice) gives for the
    /// same text; when a document has several problems, the first one met
    /// in reading order is reported. A version-1 or version-2 document is
    /// migrated when its `format_version` comes first, as this library
    /// wrote it.
    ///
    /// ```
    /// use techsales::portfolio::Portfolio;
    ///
    /// let text = r#"{"format_version": 3, "name": "North", "as_of": "2026-03-31T00:00:00Z",
    ///                "currency": "EUR", "accounts": [], "opportunities": []}"#;
    /// let portfolio = Portfolio::from_reader(text.as_bytes()).unwrap();
    /// assert_eq!(portfolio.name(), "North");
    /// ```
    pub fn from_reader(reader: impl Read) -> Result<Self, PortfolioError> {
        Self::load_reader(reader).map(|(portfolio, _)| portfolio)
    }

    /// Loads and checks a portfolio like [`from_reader`](Self::from_reader),
    /// and says what migrating it from an older format version changed
    /// (`None` for a current document).
    pub fn load_reader(reader: impl Read) -> Result<(Self, Option<Migration>), PortfolioError> {
        let reader =
            BufReader::with_capacity(BUFFER_BYTES, LimitedJson::new(reader, MAX_PORTFOLIO_BYTES));
        Self::load_deals_checked(serde_json::Deserializer::from_reader(reader))
    }

    /// Loads `json` like [`load_reader`](Self::load_reader), from bytes
    /// already in memory: each deal is checked, and so takes its lean form,
    /// as it is parsed, so that the parsed form of every deal is never held
    /// at once. Used by [`load`](Self::load), which falls back to parsing
    /// the whole document when this refuses it, so that its errors stay
    /// those of the whole-document check.
    pub(super) fn load_slice_checked(
        json: &[u8],
    ) -> Result<(Self, Option<Migration>), PortfolioError> {
        Self::load_deals_checked(serde_json::Deserializer::from_slice(json))
    }

    /// The reading shared by [`load_reader`](Self::load_reader) and
    /// [`load_slice_checked`](Self::load_slice_checked).
    fn load_deals_checked<'de, R: serde_json::de::Read<'de>>(
        mut deserializer: serde_json::Deserializer<R>,
    ) -> Result<(Self, Option<Migration>), PortfolioError> {
        let loader = Loader::default();
        let read = (&mut deserializer)
            .deserialize_map(&loader)
            .and_then(|read| deserializer.end().map(|()| read));
        let read = match read {
            Ok(read) => read,
            Err(e) => return Err(loader.error(e)),
        };
        match read {
            Loaded::Current {
                portfolio,
                journals_checked: true,
                migration,
            } => {
                portfolio.check_all_but_journals()?;
                Ok((*portfolio, migration))
            }
            Loaded::Current {
                portfolio,
                migration,
                ..
            } => Ok(((*portfolio).into_checked()?, migration)),
            Loaded::Version1(value) => {
                let (portfolio, migration) = Self::from_v1_value(value)?;
                Ok((portfolio.into_checked()?, Some(migration)))
            }
        }
    }
}

/// What the reading gave.
enum Loaded {
    /// A current document (or a version-2 one, migrated as it was read),
    /// its deals' journals checked as they arrived or not.
    Current {
        portfolio: Box<Portfolio>,
        journals_checked: bool,
        migration: Option<Migration>,
    },
    /// A version-1 document, read whole, to be migrated.
    Version1(serde_json::Value),
}

/// The state of one reading: where it is, and the refusal that stopped it.
#[derive(Default)]
struct Loader {
    /// The deal being read (its position in the document).
    deal: Cell<Option<usize>>,
    /// A check that refused what was read.
    refused: RefCell<Option<PortfolioError>>,
}

impl Loader {
    /// Keeps `error` as the reason the reading stops, and gives serde the
    /// error that stops it.
    fn refuse<E: de::Error>(&self, error: PortfolioError) -> E {
        let message = error.to_string();
        *self.refused.borrow_mut() = Some(error);
        E::custom(message)
    }

    /// The portfolio error for a reading that failed with `e`.
    fn error(&self, e: serde_json::Error) -> PortfolioError {
        if let Some(refused) = self.refused.borrow_mut().take() {
            return refused;
        }
        let (line, column) = (e.line(), e.column());
        if e.is_io() {
            let io = std::io::Error::from(e);
            return match LimitError::from_io(&io) {
                Some(limit) => PortfolioError::Limit(limit),
                None => PortfolioError::Read {
                    message: io.to_string(),
                },
            };
        }
        let message = match self.deal.get() {
            Some(index) => format!("opportunity {index}: {e}"),
            None => e.to_string(),
        };
        PortfolioError::Json {
            message,
            line,
            column,
        }
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    FormatVersion,
    Name,
    AsOf,
    Currency,
    MinorDigits,
    Definitions,
    Accounts,
    Opportunities,
    Cycles,
}

/// Stores `value` in `slot`, refusing a field given twice.
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for &Loader {
    type Value = Loaded;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a portfolio document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loaded, A::Error> {
        let mut version = None;
        let mut name: Option<String> = None;
        let mut as_of: Option<DateTime<Utc>> = None;
        let mut currency: Option<String> = None;
        let mut minor_digits: Option<u8> = None;
        let mut definitions: Option<Definitions> = None;
        let mut accounts: Option<Vec<Account>> = None;
        let mut opportunities: Option<Vec<OpportunityRecord>> = None;
        let mut cycles: Option<Vec<CycleRecord>> = None;
        let mut journals_checked = false;
        let mut first = true;
        // A version-2 document whose version comes first is migrated as it
        // is read: only its definitions' coverage rule may need the old
        // default.
        let mut migration: Option<Migration> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::FormatVersion => {
                    let found: u64 = map.next_value()?;
                    if found == 1 && first {
                        return version_1(map).map(Loaded::Version1);
                    }
                    if found == 2 && first {
                        migration = Some(Migration {
                            from_version: 2,
                            ..Migration::default()
                        });
                        once(&mut version, FormatVersion::CURRENT, "format_version")?;
                        first = false;
                        continue;
                    }
                    if found != u64::from(FORMAT_VERSION) {
                        return Err(self.refuse(PortfolioError::UnsupportedVersion {
                            found: found.to_string(),
                            supported: FORMAT_VERSION,
                        }));
                    }
                    once(&mut version, FormatVersion::CURRENT, "format_version")?;
                }
                Field::Name => once(&mut name, map.next_value()?, "name")?,
                Field::AsOf => once(&mut as_of, map.next_value()?, "as_of")?,
                Field::Currency => once(&mut currency, map.next_value()?, "currency")?,
                Field::MinorDigits => once(&mut minor_digits, map.next_value()?, "minor_digits")?,
                Field::Definitions => {
                    let read = match &mut migration {
                        Some(migration) => {
                            let mut value: serde_json::Value = map.next_value()?;
                            migration.coverage_rule_kept = keep_v2_key_roles(&mut value);
                            Definitions::deserialize(value).map_err(de::Error::custom)?
                        }
                        None => map.next_value()?,
                    };
                    once(&mut definitions, read, "definitions")?
                }
                Field::Accounts => once(&mut accounts, map.next_value()?, "accounts")?,
                Field::Opportunities => {
                    if opportunities.is_some() {
                        return Err(de::Error::duplicate_field("opportunities"));
                    }
                    // Each deal is checked as it arrives when what it is
                    // checked against came first (as this library writes
                    // it): the version, which says what the definitions
                    // mean, and the definitions and accounts; otherwise the
                    // whole document is checked at the end.
                    let read = match (definitions.take(), accounts.take()) {
                        (Some(d), Some(a)) if version.is_some() => {
                            let shell = Portfolio::shell(d, a);
                            let deals = self.checked_deals(&mut map, &shell)?;
                            definitions = Some(shell.definitions);
                            accounts = Some(shell.accounts);
                            journals_checked = true;
                            deals
                        }
                        (d, a) => {
                            definitions = d;
                            accounts = a;
                            let deals = map.next_value_seed(Deals {
                                loader: self,
                                check: None,
                            })?;
                            self.deal.set(None);
                            deals
                        }
                    };
                    opportunities = Some(read);
                }
                Field::Cycles => once(&mut cycles, map.next_value()?, "cycles")?,
            }
            first = false;
        }
        let portfolio = Portfolio {
            format_version: version.ok_or_else(|| de::Error::missing_field("format_version"))?,
            name: name.ok_or_else(|| de::Error::missing_field("name"))?,
            as_of: as_of.ok_or_else(|| de::Error::missing_field("as_of"))?,
            currency: currency.ok_or_else(|| de::Error::missing_field("currency"))?,
            minor_digits: minor_digits.unwrap_or_else(default_minor_digits),
            definitions: match (definitions, &mut migration) {
                (Some(definitions), _) => definitions,
                (None, None) => Definitions::default(),
                (None, Some(migration)) => {
                    migration.coverage_rule_kept = true;
                    v2_default_definitions()
                }
            },
            accounts: accounts.unwrap_or_default(),
            opportunities: opportunities.unwrap_or_default(),
            cycles: cycles.unwrap_or_default(),
        };
        Ok(Loaded::Current {
            portfolio: Box::new(portfolio),
            journals_checked,
            migration,
        })
    }
}

impl Loader {
    /// The deals, each checked against `shell`'s definitions and accounts
    /// as it arrives.
    fn checked_deals<'de, A: MapAccess<'de>>(
        &self,
        map: &mut A,
        shell: &Portfolio,
    ) -> Result<Vec<OpportunityRecord>, A::Error> {
        shell.check_definitions().map_err(|e| self.refuse(e))?;
        let accounts = shell.check_accounts().map_err(|e| self.refuse(e))?;
        let grader = shell.grader().map_err(|e| self.refuse(e))?;
        let deals = map.next_value_seed(Deals {
            loader: self,
            check: Some(Check {
                shell,
                grader: &grader,
                accounts: &accounts,
            }),
        })?;
        self.deal.set(None);
        Ok(deals)
    }
}

/// What each deal is checked against while it is read.
struct Check<'a> {
    shell: &'a Portfolio,
    grader: &'a Grader,
    accounts: &'a FastSet<&'a str>,
}

/// The list of deals, read one by one.
struct Deals<'a> {
    loader: &'a Loader,
    check: Option<Check<'a>>,
}

impl<'de> DeserializeSeed<'de> for Deals<'_> {
    type Value = Vec<OpportunityRecord>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Deals<'_> {
    type Value = Vec<OpportunityRecord>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of opportunities")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut deals = Vec::new();
        loop {
            let index = deals.len();
            self.loader.deal.set(Some(index));
            let Some(mut record) = seq.next_element::<OpportunityRecord>()? else {
                break;
            };
            if let Some(check) = &self.check {
                check
                    .shell
                    .check_in_place(index, &mut record, check.grader, |id| {
                        check.accounts.contains(id)
                    })
                    .map_err(|e| self.loader.refuse(e))?;
            }
            deals.push(record);
        }
        deals.shrink_to_fit();
        Ok(deals)
    }
}

/// The definitions a version-2 document without any meant.
fn v2_default_definitions() -> Definitions {
    let mut definitions = Definitions::default();
    definitions.process.coverage.key_roles = [BuyingRole::EconomicBuyer].into();
    definitions
}

/// The rest of a version-1 document after its `format_version`, read whole
/// to be migrated.
fn version_1<'de, A: MapAccess<'de>>(mut map: A) -> Result<serde_json::Value, A::Error> {
    let mut object = serde_json::Map::new();
    object.insert("format_version".into(), 1.into());
    while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
        object.insert(key, value);
    }
    Ok(serde_json::Value::Object(object))
}
