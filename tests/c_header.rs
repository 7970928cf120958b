//! The C header is generated from the crate, checked in, current, and
//! compiles alone as C99 and as C++.

use std::path::{Path, PathBuf};
use std::process::Command;

use techsales::catalogue::EnumKind;
use techsales::labels::Labelled;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("include").join("techsales.h")
}

fn screaming(key: &str) -> String {
    key.to_ascii_uppercase()
}

/// Version macros and every domain enum's codes, from the crate itself.
fn generated_constants() -> String {
    let mut text = String::new();
    text.push_str(&format!(
        "\n#define TECHSALES_VERSION_MAJOR {}\n#define TECHSALES_VERSION_MINOR {}\n#define TECHSALES_VERSION_PATCH {}\n#define TECHSALES_VERSION \"{}\"\n",
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION"),
    ));
    text.push_str(&format!(
        "\n/** The grade written for an opportunity that was not graded. */\n#define TECHSALES_NO_GRADE {}u\n/** How many ratings an opportunity has: one per evaluation factor. */\n#define TECHSALES_FACTOR_COUNT {}\n",
        techsales::ffi::grading::TECHSALES_NO_GRADE,
        techsales::ffi::grading::TECHSALES_FACTOR_COUNT,
    ));
    let mut block = |name: &str, doc: &str, values: Vec<(String, u32, String)>| {
        text.push_str(&format!(
            "\n/** {doc} (`techsales_{name}` codes) */\nenum {{\n"
        ));
        for (key, code, label) in values {
            text.push_str(&format!(
                "  TECHSALES_{}_{} = {code}, /**< {label} */\n",
                screaming(name),
                screaming(&key)
            ));
        }
        text.push_str("};\n");
    };
    block(
        "enum_kind",
        "Which domain enum a code belongs to (for techsales_enum_label and friends).",
        EnumKind::ALL
            .iter()
            .map(|k| (k.key().to_owned(), k.code(), k.label_en().to_owned()))
            .collect(),
    );
    for kind in EnumKind::ALL {
        let doc = format!("{} ({}).", kind.label_en(), kind.label_zh());
        let values = kind
            .values()
            .into_iter()
            .map(|v| (v.key.to_owned(), v.code, format!("{} / {}", v.en, v.zh)))
            .collect();
        block(kind.key(), &doc, values);
    }
    text
}

fn generate() -> String {
    let mut config =
        cbindgen::Config::from_file(crate_dir().join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(generated_constants());
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir())
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn checked_in_header_is_current() {
    let fresh = generate();
    if std::env::var_os("TECHSALES_BLESS").is_some() {
        std::fs::write(header_path(), &fresh).expect("write header");
    }
    let checked_in = std::fs::read_to_string(header_path()).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/techsales.h is stale; regenerate with `TECHSALES_BLESS=1 cargo test --test c_header`"
    );
}

#[test]
fn header_version_macros_match_cargo_toml() {
    let header = std::fs::read_to_string(header_path()).expect("header");
    let macro_value = |name: &str| -> String {
        header
            .lines()
            .find_map(|l| l.strip_prefix(&format!("#define {name} ")))
            .unwrap_or_else(|| panic!("{name} missing"))
            .trim()
            .trim_matches('"')
            .to_owned()
    };
    let cargo_toml = std::fs::read_to_string(crate_dir().join("Cargo.toml")).expect("Cargo.toml");
    let version = cargo_toml
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("package version")
        .trim_matches('"');
    assert_eq!(macro_value("TECHSALES_VERSION"), version);
    let parts: Vec<&str> = version.split('.').collect();
    assert_eq!(macro_value("TECHSALES_VERSION_MAJOR"), parts[0]);
    assert_eq!(macro_value("TECHSALES_VERSION_MINOR"), parts[1]);
    assert_eq!(macro_value("TECHSALES_VERSION_PATCH"), parts[2]);
}

fn compile_alone(compiler: &str, args: &[&str], ext: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let source = dir.join(format!("header_alone.{ext}"));
    std::fs::write(
        &source,
        "#include \"techsales.h\"\nint main(void) { return TECHSALES_RESULT_OK; }\n",
    )
    .unwrap();
    let output = Command::new(compiler)
        .args(args)
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-fsyntax-only")
        .arg(&source)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    assert!(
        output.status.success(),
        "{compiler} rejects the header:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn header_compiles_alone_as_c99() {
    compile_alone(
        "gcc",
        &["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"],
        "c",
    );
}

#[test]
fn header_compiles_alone_as_cpp() {
    compile_alone("g++", &["-std=c++11", "-Wall", "-Wextra", "-Werror"], "cpp");
}
