//! The main job, `cargo run --release --example portfolio`, run in-process
//! on the bundled sample, on the CRM export, and on bad input.

#[allow(dead_code)]
#[path = "../examples/portfolio.rs"]
mod job;

use std::path::PathBuf;

fn svg_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

fn run(args: &[&str]) -> (Result<PathBuf, job::Failure>, String) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let mut out = Vec::new();
    let result = job::run(&args, &mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn the_main_job_reports_on_the_bundled_sample() {
    let svg = svg_path("sample.svg");
    let (result, report) = run(&["--svg", svg.to_str().unwrap()]);
    assert_eq!(result.unwrap(), svg);
    assert!(
        report.starts_with("PORTFOLIO REPORT: Sample book"),
        "{report}"
    );
    for section in [
        "== Customer quadrant",
        "== Pipeline by stage",
        "== Pipeline by grade",
        "== Forecast by expected close month",
        "== Conversion and time in stage",
        "== Stalled deals",
        "== Top 5 open deals by weighted amount: diagnosis and next actions",
        "diagnosis: ",
        "next: ",
        "== Calibration from",
        "== Differentiation plan per account",
        "not worth investing now",
        "chart written to",
    ] {
        assert!(report.contains(section), "missing {section:?}");
    }
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    assert_eq!(chart.matches("<circle").count(), 60);
    assert!(chart.contains("Pipeline funnel"));

    // The same input gives the same report.
    let (_, again) = run(&["--svg", svg.to_str().unwrap()]);
    assert_eq!(again, report);
}

#[test]
fn the_main_job_imports_a_crm_export() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let svg = svg_path("export.svg");
    let (result, report) = run(&[
        data.join("crm_export.csv").to_str().unwrap(),
        data.join("crm_mapping.json").to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
        "--top",
        "2",
    ]);
    result.unwrap();
    assert!(
        report.contains("80 rows read, 74 imported, 6 refused"),
        "{report}"
    );
    assert!(report.contains("refused line 9: stage `Perception Analysis`"));
    assert!(report.contains("== Top 2 open deals"));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let svg = svg_path("bad.svg");
    let svg = svg.to_str().unwrap();
    let cases = [
        (vec!["/no/such/file.json".to_owned()], "cannot read"),
        (
            vec![write("garbage.json", "{not json")],
            "invalid portfolio JSON",
        ),
        (
            vec![write("future.json", r#"{"format_version": 7}"#)],
            "unsupported portfolio format version 7",
        ),
        (
            vec![write("empty.csv", ""), write("map.json", "{}")],
            "invalid JSON",
        ),
    ];
    for (args, expected) in cases {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        all.extend(["--svg", svg]);
        match run(&all).0 {
            Err(job::Failure::Input(message)) => {
                assert!(message.contains(expected), "{message}")
            }
            other => panic!("{args:?}: {other:?}"),
        }
    }
    for usage in [
        vec!["--top", "many"],
        vec!["--as-of", "yesterday"],
        vec!["--frobnicate"],
        vec!["a.csv"],
        vec!["a", "b", "c"],
    ] {
        assert!(
            matches!(run(&usage).0, Err(job::Failure::Usage(_))),
            "{usage:?}"
        );
    }
}

#[test]
fn the_as_of_flag_moves_the_report_date() {
    let svg = svg_path("as_of.svg");
    let (result, report) = run(&["--as-of", "2026-09-30", "--svg", svg.to_str().unwrap()]);
    result.unwrap();
    assert!(report.contains("as of 2026-09-30"), "{report}");
}
