//! The catalogue of domain enums over the C ABI, so that bindings in other
//! languages build their enums from the library itself instead of copying
//! the codes.

use std::ffi::c_char;

use serde::Serialize;

use super::{guard, json_out, techsales_result};
use crate::catalogue::{EnumKind, EnumValue};
use crate::labels::Labelled;

/// One domain enum: its kind and every value.
#[derive(Serialize)]
struct KindEntry {
    kind: EnumValue,
    values: Vec<EnumValue>,
}

/// Every domain enum as JSON: an array of `{"kind": {...}, "values":
/// [...]}`, where the kind and each value carry `code`, `key`, `en` and
/// `zh`; the kind's code is its `TECHSALES_ENUM_KIND_*`. Free the string
/// with [`super::techsales_string_free`].
///
/// # Safety
/// `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_catalogue_json(out_json: *mut *mut c_char) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let kinds: Vec<KindEntry> = EnumKind::ALL
            .iter()
            .map(|kind| KindEntry {
                kind: EnumValue {
                    code: kind.code(),
                    key: kind.key(),
                    en: kind.label_en(),
                    zh: kind.label_zh(),
                },
                values: kind.values(),
            })
            .collect();
        out.set(json_out(&kinds)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::techsales_string_free;
    use std::ffi::CStr;

    #[test]
    fn catalogue_json_lists_every_kind_with_its_values() {
        let mut json = std::ptr::null_mut();
        // SAFETY: a valid out-parameter.
        assert_eq!(
            unsafe { techsales_catalogue_json(&mut json) },
            techsales_result::Ok
        );
        // SAFETY: the library returned a NUL-terminated string.
        let text = unsafe { CStr::from_ptr(json) }.to_str().unwrap().to_owned();
        // SAFETY: returned by the library, freed once.
        unsafe { techsales_string_free(json) };
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let kinds = parsed.as_array().unwrap();
        assert_eq!(kinds.len(), EnumKind::ALL.len());
        for (entry, kind) in kinds.iter().zip(EnumKind::ALL) {
            assert_eq!(entry["kind"]["key"], kind.key());
            assert_eq!(
                entry["values"].as_array().unwrap().len(),
                kind.values().len()
            );
        }
    }

    #[test]
    fn catalogue_json_refuses_a_null_out_parameter() {
        // SAFETY: NULL is allowed and refused.
        let result = unsafe { techsales_catalogue_json(std::ptr::null_mut()) };
        assert_eq!(result, techsales_result::NullParameter);
    }
}
