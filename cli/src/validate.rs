//! `techsales validate`: every problem of a portfolio, column mapping or
//! definitions file, each checked by the library's own loading rules.
//!
//! A document the library refuses is split into its parts (the document
//! without its deals, each account, each deal with the account it names,
//! each section of the definitions) and each part is loaded on its own, so
//! one bad deal does not hide the next.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{Map, Value};
use techsales::portfolio::{CsvMapping, Definitions, Portfolio};

use crate::{read_text, Failure};

/// What a file to validate holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A portfolio document.
    Portfolio,
    /// The column mapping of a CRM export.
    Mapping,
    /// The definitions a portfolio is analysed under.
    Definitions,
}

/// `techsales validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The file (JSON).
    pub file: PathBuf,
    /// What the file holds; guessed from its fields when left out (a
    /// portfolio has `opportunities`, a mapping `columns`).
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
}

fn guess(value: &Value) -> Kind {
    if value.get("opportunities").is_some() || value.get("accounts").is_some() {
        Kind::Portfolio
    } else if value.get("columns").is_some() {
        Kind::Mapping
    } else {
        Kind::Definitions
    }
}

/// The document with `accounts` and `opportunities` replaced.
fn with_parts(document: &Map<String, Value>, accounts: Vec<Value>, deals: Vec<Value>) -> String {
    let mut copy = document.clone();
    copy.insert("accounts".into(), Value::Array(accounts));
    copy.insert("opportunities".into(), Value::Array(deals));
    Value::Object(copy).to_string()
}

/// The id an account or deal gives itself, for messages.
fn label(item: &Value, index: usize, what: &str) -> String {
    let id = item
        .get("customer")
        .and_then(|c| c.get("id"))
        .or_else(|| item.get("id"))
        .and_then(Value::as_str);
    match id {
        Some(id) => format!("{what}[{index}] `{id}`"),
        None => format!("{what}[{index}]"),
    }
}

fn account_id(account: &Value) -> Option<&str> {
    account.get("customer")?.get("id")?.as_str()
}

fn portfolio_problems(text: &str, value: &Value) -> Vec<String> {
    let whole = match Portfolio::from_json(text) {
        Ok(_) => return Vec::new(),
        Err(e) => e.to_string(),
    };
    let (Some(document), Some(accounts), Some(deals)) = (
        value.as_object(),
        value.get("accounts").and_then(Value::as_array),
        value.get("opportunities").and_then(Value::as_array),
    ) else {
        return vec![whole];
    };
    let mut problems = Vec::new();
    if let Err(e) = Portfolio::from_json(&with_parts(document, Vec::new(), Vec::new())) {
        // The document itself (version, currency, definitions) is wrong:
        // its parts cannot be checked under it.
        return vec![format!("document: {e}")];
    }
    let mut good_accounts = Vec::new();
    for (i, account) in accounts.iter().enumerate() {
        match Portfolio::from_json(&with_parts(document, vec![account.clone()], Vec::new())) {
            Ok(_) => good_accounts.push(account),
            Err(e) => problems.push(format!("{}: {e}", label(account, i, "accounts"))),
        }
    }
    for (i, deal) in deals.iter().enumerate() {
        let named = deal.get("account").and_then(Value::as_str);
        let account: Vec<Value> = good_accounts
            .iter()
            .filter(|a| account_id(a).is_some() && account_id(a) == named)
            .take(1)
            .map(|a| (*a).clone())
            .collect();
        if let Err(e) = Portfolio::from_json(&with_parts(document, account, vec![deal.clone()])) {
            problems.push(format!("{}: {e}", label(deal, i, "opportunities")));
        }
    }
    if problems.is_empty() {
        // Each part loads alone: what is wrong lies between them
        // (a repeated id, say).
        problems.push(whole);
    }
    problems
}

fn definitions_problems(text: &str, value: &Value) -> Vec<String> {
    let whole = match Definitions::from_json(text) {
        Ok(_) => return Vec::new(),
        Err(e) => e.to_string(),
    };
    let Some(sections) = value.as_object() else {
        return vec![whole];
    };
    let problems: Vec<String> = sections
        .iter()
        .filter_map(|(key, section)| {
            let alone = Value::Object(Map::from_iter([(key.clone(), section.clone())]));
            Definitions::from_json(&alone.to_string())
                .err()
                .map(|e| e.to_string())
        })
        .collect();
    if problems.is_empty() {
        vec![whole]
    } else {
        problems
    }
}

/// `techsales validate`.
pub fn run(args: &ValidateArgs) -> Result<(), Failure> {
    let text = read_text(&args.file)?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Input(format!("{}: not JSON: {e}", args.file.display())))?;
    let kind = args.kind.unwrap_or_else(|| guess(&value));
    let (what, problems) = match kind {
        Kind::Portfolio => ("portfolio", portfolio_problems(&text, &value)),
        Kind::Mapping => (
            "column mapping",
            CsvMapping::from_json(&text)
                .err()
                .map(|e| e.to_string())
                .into_iter()
                .collect(),
        ),
        Kind::Definitions => ("definitions", definitions_problems(&text, &value)),
    };
    if problems.is_empty() {
        println!("{}: a valid {what}", args.file.display());
        return Ok(());
    }
    println!(
        "{}: not a valid {what}: {} problem{}",
        args.file.display(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for problem in &problems {
        println!("  {problem}");
    }
    Err(Failure::Input(format!(
        "{} is not a valid {what}",
        args.file.display()
    )))
}
