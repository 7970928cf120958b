//! Every Rust example runs to completion and prints what it promises.
//! `cargo test` builds the examples before running tests; this runs them.

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> String {
    // The test binary lives in target/<profile>/deps; examples in target/<profile>/examples.
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>")
        .to_path_buf();
    let path: PathBuf = profile_dir.join("examples").join(name);
    let output = Command::new(&path)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "example {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn tour_classifies_and_plans() {
    let out = example("tour");
    assert!(out.contains("Market-taker -> Opportunity"), "{out}");
    assert!(out.contains("not worth investing now"), "{out}");
    assert!(
        out.contains("Raises the assistance the customer lacks"),
        "{out}"
    );
}

#[test]
fn cycle_runs_two_iterations() {
    let out = example("cycle");
    assert!(out.contains("Journal"), "{out}");
    assert!(out.contains("lesson from iteration 2"), "{out}");
}

#[test]
fn key_account_walks_all_six_stages_with_a_forced_node() {
    let out = example("key_account");
    for stage in [
        "Development",
        "Sales entry",
        "Proposal",
        "Bidding",
        "Business negotiation",
        "Project implementation",
    ] {
        assert!(
            out.contains(&format!("== {stage}")),
            "{stage} missing:\n{out}"
        );
    }
    assert!(out.contains("forced by"), "{out}");
    assert!(out.contains("diagnosis:"), "{out}");
}

#[test]
fn grading_prints_grades_policies_and_explanations() {
    let out = example("grading");
    assert!(out.contains("Grade A: Go all out"), "{out}");
    assert!(out.contains("Grade B: Control the time invested"), "{out}");
    assert!(
        out.contains("<- chosen") && out.contains("Knock-outs hit"),
        "{out}"
    );
}
