//! Format versions of the documents the crate writes.
//!
//! Every stored document (a key-account deal, a technical sale, a
//! portfolio) starts with `"format_version"`. Reading a version this
//! library does not know is refused with a message that names both
//! versions, instead of guessing at fields that may have changed meaning.

use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A kind of stored document and the one format version this library reads.
pub(crate) trait Document {
    /// How messages name the document, for example `key-account`.
    const NAME: &'static str;
    /// The name of its version in the JSON Schema.
    const SCHEMA_NAME: &'static str;
    /// The version written and read.
    const VERSION: u32;
}

/// The `format_version` field of a document of kind `D`: always written as
/// `D::VERSION`, and any other value is refused when read.
pub(crate) struct FormatVersion<D>(PhantomData<D>);

impl<D> FormatVersion<D> {
    /// The marker (there is only one value).
    pub(crate) const CURRENT: Self = FormatVersion(PhantomData);
}

// Written by hand: derives would demand the same traits of `D`.
impl<D> Clone for FormatVersion<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D> Copy for FormatVersion<D> {}
impl<D> PartialEq for FormatVersion<D> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<D> Eq for FormatVersion<D> {}
impl<D: Document> std::fmt::Debug for FormatVersion<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FormatVersion({})", D::VERSION)
    }
}

/// The message for a document of kind `D` in another format version.
pub(crate) fn unsupported<D: Document>(found: impl std::fmt::Display) -> String {
    format!(
        "unsupported {} format version {found}; this library reads version {}",
        D::NAME,
        D::VERSION
    )
}

impl<D: Document> Serialize for FormatVersion<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(D::VERSION)
    }
}

impl<'de, D: Document> Deserialize<'de> for FormatVersion<D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        let version = u64::deserialize(deserializer)?;
        if version == u64::from(D::VERSION) {
            Ok(Self::CURRENT)
        } else {
            Err(serde::de::Error::custom(unsupported::<D>(version)))
        }
    }
}

impl<D: Document> schemars::JsonSchema for FormatVersion<D> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        D::SCHEMA_NAME.into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": format!("The {} document format version; only this one is read.", D::NAME),
            "type": "integer",
            "const": D::VERSION,
        })
    }
}

/// The format version a document names when it is not `D::VERSION`: only
/// for a JSON object whose `format_version` is a whole number. Anything
/// else (an array, a string version, a field spelt otherwise, text that is
/// not JSON) gives `None`, so the caller reports serde's own message.
pub(crate) fn other_version<D: Document>(json: &[u8]) -> Option<u64> {
    let found = serde_json::from_slice::<VersionProbe>(json).ok()?.0?;
    (found != u64::from(D::VERSION)).then_some(found)
}

/// The `format_version` of a JSON object, every other field skipped.
struct VersionProbe(Option<u64>);

impl<'de> Deserialize<'de> for VersionProbe {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = VersionProbe;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            // Only an object: a derived probe would also read an array.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<VersionProbe, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "format_version" && found.is_none() {
                        found = Some(map.next_value::<u64>()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(VersionProbe(found))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample;
    impl Document for Sample {
        const NAME: &'static str = "sample";
        const SCHEMA_NAME: &'static str = "SampleVersion";
        const VERSION: u32 = 1;
    }

    #[test]
    fn only_a_whole_number_in_an_object_names_another_version() {
        assert_eq!(
            other_version::<Sample>(br#"{"format_version": 7, "x": [1]}"#),
            Some(7)
        );
        assert_eq!(other_version::<Sample>(br#"{"format_version": 1}"#), None);
        assert_eq!(other_version::<Sample>(br#"[7, 2]"#), None);
        assert_eq!(other_version::<Sample>(br#"{"format version": 7}"#), None);
        assert_eq!(other_version::<Sample>(br#"{"format_version": "7"}"#), None);
        assert_eq!(other_version::<Sample>(br#"{"format_version": 7"#), None);
    }
}
