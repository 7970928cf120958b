//! Loading tunable definitions from JSON.
//!
//! Every configurable definition in the crate (thresholds, effects, variants,
//! probabilities, grade tables) has built-in defaults from the domain model
//! and can be loaded from JSON. A bad definition is refused whole, with an
//! error that names the offending field.
//!
//! Load definitions with their `from_json` constructors (or [`from_json`]),
//! which validate. Deserialising one with serde directly, or filling its
//! public fields in code, skips validation: call [`Validate::validate`]
//! before use.

use serde::de::DeserializeOwned;

/// Why a definition could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The text is not valid JSON for the definition (the message names the
    /// field serde stopped at, with line and column).
    #[error("invalid JSON: {message}")]
    Json {
        /// serde_json's description, with line and column.
        message: String,
    },
    /// The JSON parsed but a field holds a value the rules forbid.
    #[error("invalid field `{field}`: {reason}")]
    Invalid {
        /// Dotted path of the field, for example `thresholds.loyalty`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl ConfigError {
    /// A validation failure on `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl ConfigError {
    /// The same error with its field placed under `parent`, so a nested
    /// definition's error names the full dotted path.
    pub fn nested(self, parent: &str) -> Self {
        match self {
            ConfigError::Invalid { field, reason } => ConfigError::Invalid {
                field: format!("{parent}.{field}"),
                reason,
            },
            other => other,
        }
    }
}

/// A definition that can check its own consistency after parsing.
pub trait Validate {
    /// Checks every rule; the error names the first field that breaks one.
    fn validate(&self) -> Result<(), ConfigError>;
}

/// Parses `json` into `T` and validates it; nothing is returned unless the
/// whole definition is sound.
pub fn from_json<T: DeserializeOwned + Validate>(json: &str) -> Result<T, ConfigError> {
    let value: T = serde_json::from_str(json).map_err(|e| ConfigError::Json {
        message: e.to_string(),
    })?;
    value.validate()?;
    Ok(value)
}

/// Checks that `value` is finite and within `[min, max]`, naming `field`.
pub fn check_range(field: &str, value: f64, min: f64, max: f64) -> Result<(), ConfigError> {
    if !value.is_finite() {
        return Err(ConfigError::invalid(
            field,
            format!("{value} is not a finite number"),
        ));
    }
    if value < min || value > max {
        return Err(ConfigError::invalid(
            field,
            format!("{value} is outside [{min}, {max}]"),
        ));
    }
    Ok(())
}
