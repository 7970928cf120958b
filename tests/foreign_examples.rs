//! The C, C++ and Python examples, built against `include/techsales.h` and
//! the libraries this `cargo test` built, run and checked; and the C quick
//! start of the README, compiled and run.
//!
//! The static and shared libraries sit beside the test executables
//! (`target/<profile>/deps`): Cargo.toml's `crate-type` makes `cargo test`
//! build them with the rlib.
#![cfg(not(miri))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/deps`, where the test executable and the libraries are.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let dir = exe.parent().expect("its directory").to_path_buf();
    for lib in ["libtechsales.a", "libtechsales.so"] {
        assert!(
            dir.join(lib).exists(),
            "{} is missing: is `staticlib` and `cdylib` still in Cargo.toml's crate-type?",
            dir.join(lib).display()
        );
    }
    dir
}

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("foreign-examples")
}

fn show(what: &str, output: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(output.status.success(), "{}", show(what, &output));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Builds both examples once, with the script CI uses.
fn built() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = out_dir();
        run(
            Command::new("sh")
                .arg(crate_dir().join("examples/build.sh"))
                .arg(lib_dir())
                .arg(&out),
            "examples/build.sh",
        );
        out
    })
}

fn needed_libraries(binary: &Path) -> String {
    run(Command::new("readelf").arg("-d").arg(binary), "readelf -d")
}

fn expect_lines(output: &str, lines: &[&str]) {
    for line in lines {
        assert!(
            output.lines().any(|l| l == *line),
            "missing line `{line}` in:\n{output}"
        );
    }
}

#[test]
fn the_c_example_links_statically_and_passes_its_checks() {
    let binary = built().join("crm_c");
    assert!(
        !needed_libraries(&binary).contains("libtechsales"),
        "the C example should carry the library inside it"
    );
    let output = run(&mut Command::new(&binary), "crm_c");
    expect_lines(
        &output,
        &[
            "customer C-1 (Acme Chemicals): Opportunity",
            "customer C-3 (Coastal Paper): Loyalty network (strategic)",
            "reclassified C-1: opportunity -> strategic",
            "opportunity graded A, score 6.7",
            "batch item 1: status 2 grade -",
            "batch item 3: status 0 grade c",
            "batch: 2 graded, 1 failed, 1 invalid",
            "diagnosis: Behind the customer",
            "forced into bidding: win probability 0.40 -> 0.30",
            "technical sale: knowledge recorded, visit planning next",
            "portfolio: lesson recorded in TS-001, report and chart written",
            "all checks passed",
        ],
    );
}

#[test]
fn the_cpp_example_links_dynamically_and_passes_its_checks() {
    let binary = built().join("crm_cpp");
    assert!(
        needed_libraries(&binary).contains("[libtechsales.so]"),
        "the C++ example should load the shared library"
    );
    // Cargo's LD_LIBRARY_PATH for tests would come before the binary's
    // RUNPATH and may hold an older library; the example must find its own.
    let output = run(
        Command::new(&binary).env_remove("LD_LIBRARY_PATH"),
        "crm_cpp",
    );
    expect_lines(
        &output,
        &[
            "customer C-2: loyal",
            "opportunity graded A",
            "forced into bidding: 0.4 -> 0.3",
            "key-account deal stored and loaded back",
            "portfolio: lesson recorded in TS-001, reports and chart written",
            "all checks passed",
        ],
    );
    assert!(output.contains("batch of 1000: "), "{output}");
}

#[test]
fn the_python_example_passes_its_checks() {
    let output = run(
        Command::new("python3")
            .arg(crate_dir().join("examples/python/crm.py"))
            .arg(lib_dir().join("libtechsales.so")),
        "python3 examples/python/crm.py",
    );
    expect_lines(
        &output,
        &[
            "customer C-1: 机会型客户",
            "opportunity graded A, score 6.7",
            // The NumPy batch is checked by python/tests/test_tour.py, where
            // NumPy is installed.
            "forced into bidding: win probability 0.40 -> 0.30",
            "key-account deal stored and loaded back",
            "all checks passed",
        ],
    );
}

/// The first code block in `language` of the README's section on C.
fn readme_block(language: &str) -> String {
    let readme = std::fs::read_to_string(crate_dir().join("README.md")).expect("README.md");
    let section = readme
        .split_once("## Using it from C, C++ and Python")
        .expect("the README section on C, C++ and Python")
        .1;
    let block = section
        .split_once(&format!("```{language}\n"))
        .unwrap_or_else(|| panic!("a {language} code block in that section"))
        .1;
    block
        .split_once("```")
        .expect("the end of the block")
        .0
        .to_owned()
}

/// The README's C quick start, compiled with the flags of the installed
/// pkg-config file (`packaging/techsales.pc.in`, pointed at this checkout)
/// and run.
#[test]
fn the_readme_c_quick_start_builds_with_the_installed_pkg_config_file_and_runs() {
    let dir = out_dir().join("readme");
    std::fs::create_dir_all(&dir).unwrap();
    let template = std::fs::read_to_string(crate_dir().join("packaging/techsales.pc.in"))
        .expect("packaging/techsales.pc.in");
    let pc = template
        .replace("@PREFIX@", "/unused")
        .replace("@LIBDIR@", "/unused/lib")
        .replace("@INCLUDEDIR@", "/unused/include")
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
    std::fs::write(dir.join("techsales.pc"), pc).unwrap();
    let lib = lib_dir();
    let flags = run(
        Command::new("pkg-config")
            .env("PKG_CONFIG_PATH", &dir)
            .arg(format!("--define-variable=libdir={}", lib.display()))
            .arg(format!(
                "--define-variable=includedir={}",
                crate_dir().join("include").display()
            ))
            .args(["--cflags", "--libs", "techsales"]),
        "pkg-config",
    );
    let source = dir.join("quick_start.c");
    std::fs::write(&source, readme_block("c")).unwrap();
    let binary = dir.join("quick_start");
    run(
        Command::new("cc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .arg(&source)
            .args(flags.split_whitespace())
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&binary),
        "cc quick_start.c",
    );
    let output = run(&mut Command::new(&binary), "quick_start");
    assert_eq!(output, "grade A, score 6.7\n");
}
