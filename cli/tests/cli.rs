//! The `techsales` command as a user runs it: every subcommand, its output
//! and its exit code (0 done, 1 bad input, 2 usage, 3 every row refused or
//! more than `--max-refused`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use techsales::labels::Labelled;

fn techsales(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_techsales"))
        .args(args)
        .output()
        .expect("the techsales binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code, not a signal")
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

/// A fresh scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn help_lists_every_subcommand_and_the_exit_codes_and_exits_0() {
    let help = techsales(&["--help"]);
    assert_eq!(code(&help), 0, "{}", stderr(&help));
    let text = stdout(&help);
    for word in [
        "report",
        "import",
        "grade",
        "learn",
        "diagnose",
        "validate",
        "schema",
        "Exit codes",
    ] {
        assert!(text.contains(word), "--help lacks {word:?}:\n{text}");
    }
    for sub in [
        "report", "import", "grade", "learn", "diagnose", "validate", "schema",
    ] {
        let help = techsales(&[sub, "--help"]);
        assert_eq!(code(&help), 0, "{sub} --help: {}", stderr(&help));
        assert!(stdout(&help).contains("Usage: techsales"), "{sub}");
    }
    assert_eq!(code(&techsales(&["--version"])), 0);
}

#[test]
fn a_wrong_command_line_exits_2() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["report", "--frobnicate"],
        vec!["report", "--top", "many"],
        vec!["report", "--as-of", "yesterday"],
        vec!["report", "--max-refused", "2"],
        vec!["report", "a.csv"],
        vec!["report", "a", "b", "c"],
        vec!["grade", "deals.csv"],
    ] {
        let output = techsales(&args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn the_report_on_the_bundled_sample_has_every_section_and_is_the_same_each_time() {
    let output = techsales(&["report"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.starts_with("PORTFOLIO REPORT: Sample book"),
        "{report}"
    );
    for section in [
        "== Customer quadrant",
        "== Pipeline by stage",
        "weighted current",
        "weighted calibr.",
        "no grade factors are set",
        "== Pipeline by grade",
        "== Forecast by expected close month",
        "== Conversion and time in stage",
        "days to leave",
        "days so far",
        "== Stalled deals",
        "== Top 5 open deals by weighted amount (current probabilities)",
        "diagnosis: ",
        "next: ",
        "== Calibration from",
        "win factor",
        "== Differentiation plans by customer type",
        "usual plan",
    ] {
        assert!(report.contains(section), "missing {section:?}");
    }
    assert_eq!(stdout(&techsales(&["report"])), report);
}

#[test]
fn calibrated_weights_change_the_weighted_figures_and_say_so() {
    let current = stdout(&techsales(&["report"]));
    let output = techsales(&["report", "--weights", "calibrated"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let calibrated = stdout(&output);
    assert!(calibrated.contains("calibrated from 38 closed deals (fitted stage rates"));
    assert!(calibrated.contains("(calibrated probabilities)"));
    let by_grade = |report: &str| {
        let start = report.find("== Pipeline by grade").unwrap();
        let end = report.find("== Pipeline by customer type").unwrap();
        report[start..end].to_owned()
    };
    assert_ne!(by_grade(&current), by_grade(&calibrated));
}

#[test]
fn long_lists_stop_at_the_limit_and_count_the_rest() {
    let output = techsales(&["report", "--list", "3"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = stdout(&output);
    let start = report.find("== Stalled deals: ").unwrap();
    let section = &report[start..report[start..].find("\n\n").unwrap() + start];
    let total: usize = section["== Stalled deals: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let shown = section.lines().filter(|l| l.contains("last event")).count();
    assert_eq!(shown, 3.min(total));
    if total > 3 {
        assert!(section.contains(&format!("and {} more stalled deals", total - 3)));
    }
}

#[test]
fn the_report_writes_html_and_svg_files_but_never_creates_folders() {
    let dir = scratch("files");
    let html = dir.join("report.html");
    let svg = dir.join("charts.svg");
    let output = techsales(&[
        "report",
        "--html",
        html.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    // Self-contained: no script, nothing fetched (the SVG namespace is a
    // name, not a fetch).
    assert!(!page.contains("<script") && !page.contains("https://"));
    assert_eq!(
        page.matches("http://").count(),
        page.matches("http://www.w3.org/2000/svg").count()
    );
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    assert!(chart.contains("Sample book: industrial process equipment as of 2026-06-30"));
    // The grading configuration learned from the closed deals goes beside
    // the charts, and loads.
    let learned = dir.join(techsales::portfolio::LEARNED_CONFIG_FILE);
    assert!(
        stdout(&output).contains(&format!(
            "learned grading configuration written to {}",
            learned.display()
        )),
        "{}",
        stdout(&output)
    );
    techsales::grading::Grader::from_json(&std::fs::read_to_string(&learned).unwrap()).unwrap();

    let missing = dir.join("no/such/folder/report.html");
    let output = techsales(&["report", "--html", missing.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("no").exists());
}

#[test]
fn the_json_figures_hold_every_plan_and_every_stalled_deal_in_full() {
    let dir = scratch("json");
    let json = dir.join("figures.json");
    let output = techsales(&["report", "--list", "1", "--json", json.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let book = techsales::portfolio::Portfolio::from_json(
        &std::fs::read_to_string(data("portfolio.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        value["plans"].as_array().unwrap().len(),
        book.accounts().len()
    );
    assert_eq!(
        value["stalled"].as_array().unwrap().len(),
        techsales::portfolio::stalled(&book).len()
    );
    assert_eq!(value["weights"], "current");
    assert!(value["pipeline_calibrated"]["total"]["weighted_minor"].is_number());
}

#[test]
fn the_html_report_speaks_chinese_when_asked() {
    let dir = scratch("chinese");
    let html = dir.join("report.html");
    let output = techsales(&[
        "report",
        "--language",
        "zh",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(r#"<html lang="zh-CN">"#));
    assert!(page.contains("客户四象限") && page.contains("销售管道"));
}

#[test]
fn as_of_moves_the_report_date_but_not_before_the_first_deal() {
    let output = techsales(&["report", "--as-of", "2026-09-30"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("as of 2026-09-30"));
    let output = techsales(&["report", "--as-of", "1900-01-01"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("before the first deal of the book opened"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_report_on_an_export_shows_the_import_summary() {
    let output = techsales(&[
        "report",
        &data("crm_export.csv"),
        &data("crm_mapping.json"),
        "--top",
        "2",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("80 rows read, 74 imported, 6 refused"),
        "{report}"
    );
    assert!(report.contains("refused line 9: stage `Perception Analysis`"));
    assert!(report.contains("== Top 2 open deals"));
    // 6 of 80 refused is more than 5%.
    let output = techsales(&[
        "report",
        &data("crm_export.csv"),
        &data("crm_mapping.json"),
        "--max-refused",
        "0.05",
    ]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(stderr(&output).contains("6 of 80 rows refused"));
}

#[test]
fn an_import_with_every_row_refused_exits_3() {
    let dir = scratch("all_refused");
    let export = std::fs::read_to_string(data("crm_export.csv")).unwrap();
    // Dates written the other way round: no row parses.
    let mut lines = export.lines();
    let mut broken = format!("{}\n", lines.next().unwrap());
    for line in lines {
        broken.push_str(&line.replace('/', "."));
        broken.push('\n');
    }
    let export = write(&dir, "export.csv", &broken);
    for command in ["report", "import"] {
        let output = techsales(&[command, &export, &data("crm_mapping.json")]);
        assert_eq!(code(&output), 3, "{command}: {}", stderr(&output));
        assert!(stderr(&output).contains("every one of the 80 rows was refused"));
        assert!(!stdout(&output).contains("PORTFOLIO REPORT"));
    }
}

#[test]
fn import_writes_a_portfolio_that_loads() {
    let dir = scratch("import");
    let out = dir.join("book.json");
    let output = techsales(&[
        "import",
        &data("crm_export.csv"),
        &data("crm_mapping.json"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("74 imported"));
    let book = techsales::portfolio::Portfolio::from_json(&std::fs::read_to_string(&out).unwrap())
        .unwrap();
    assert_eq!(book.opportunities().len(), 74);
    // To standard output by default.
    let output = techsales(&["import", &data("crm_export.csv"), &data("crm_mapping.json")]);
    assert_eq!(code(&output), 0);
    techsales::portfolio::Portfolio::from_json(&stdout(&output)).unwrap();
}

#[test]
fn bad_input_exits_1_with_the_reason() {
    let dir = scratch("bad_input");
    let cases = [
        (
            vec!["report".to_owned(), "/no/such/file.json".to_owned()],
            "cannot read",
        ),
        (
            vec![
                "report".to_owned(),
                write(&dir, "garbage.json", "{not json"),
            ],
            "invalid portfolio JSON",
        ),
        (
            vec![
                "report".to_owned(),
                write(&dir, "future.json", r#"{"format_version": 7}"#),
            ],
            "format version 7",
        ),
        (
            vec![
                "import".to_owned(),
                write(&dir, "empty.csv", ""),
                write(&dir, "map.json", "{}"),
            ],
            "invalid JSON",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = techsales(&args);
        assert_eq!(code(&output), 1, "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

const DEALS: &str = "\
deal,project_level,capital_status,technical_requirements,customer_relationship,customer_reputation,competition_products,competition_prices,competition_technical_solutions,competition_after_sales,expected_close,possibility
D-1,7,7,7,7,7,7,4,7,7,2026-03-31,0.75
D-2,1,1,1,1,1,1,1,1,1,2026-03-31,0.5
D-3,7,7,7,7,7,7,4,7,7,2026-03-31,1.5
D-4,seven,7,7,7,7,7,4,7,7,2026-03-31,0.5
";

#[test]
fn grade_adds_grade_score_status_and_explanation_columns() {
    let dir = scratch("grade");
    let deals = write(&dir, "deals.csv", DEALS);
    let output = techsales(&["grade", &deals, "--as-of", "2026-01-15"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let cell = |row: usize, name: &str| rows[row].get(column(name)).unwrap().to_owned();
    assert_eq!(cell(0, "deal"), "D-1");
    assert_eq!(cell(0, "status"), "graded");
    assert_eq!(cell(0, "grade"), techsales::grading::Grade::A.key());
    assert_eq!(cell(0, "score"), "6.70");
    assert!(!cell(0, "explanation").is_empty());
    assert_eq!(cell(1, "grade"), "");
    assert_ne!(cell(1, "status"), "graded");
    assert_eq!(cell(2, "status"), "invalid_possibility");
    assert_eq!(cell(3, "status"), "unreadable");
    assert!(cell(3, "explanation").contains("project_level `seven` is not a number"));
    assert!(stderr(&output).contains("graded 2 of 4 rows; 2 refused"));

    let output = techsales(&[
        "grade",
        &deals,
        "--as-of",
        "2026-01-15",
        "--max-refused",
        "0.25",
    ]);
    assert_eq!(code(&output), 3);
}

#[test]
fn grade_derives_the_possibility_when_the_crm_has_none() {
    let dir = scratch("grade_derived");
    // No possibility column at all, then an empty possibility cell.
    let without: String = DEALS
        .lines()
        .take(2)
        .map(|line| line.rsplit_once(',').unwrap().0.to_owned() + "\n")
        .collect();
    let with_empty =
        DEALS.lines().next().unwrap().to_owned() + "\nD-1,7,7,7,7,7,7,4,7,7,2026-03-31,\n";
    for (name, csv) in [("without.csv", without), ("empty.csv", with_empty)] {
        let deals = write(&dir, name, &csv);
        let output = techsales(&["grade", &deals, "--as-of", "2026-01-15"]);
        assert_eq!(code(&output), 0, "{name}: {}", stderr(&output));
        let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
        let header = reader.headers().unwrap().clone();
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[column("status")], "graded", "{name}");
        assert!(
            row[column("explanation")].contains("derived from the evaluation score"),
            "{name}: {}",
            &row[column("explanation")]
        );
    }
}

#[test]
fn grade_exits_3_when_every_row_is_refused_and_1_without_its_columns() {
    let dir = scratch("grade_refused");
    let mut bad = String::from(DEALS.lines().next().unwrap());
    bad.push_str("\nD-9,x,7,7,7,7,7,4,7,7,2026-03-31,0.5\n");
    let deals = write(&dir, "bad.csv", &bad);
    let output = techsales(&["grade", &deals, "--as-of", "2026-01-15"]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let deals = write(&dir, "short.csv", "deal,possibility\nD-1,0.5\n");
    let output = techsales(&["grade", &deals, "--as-of", "2026-01-15"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("no `project_level` column"));
}

/// A deterministic CSV of closed deals: capital status and technical
/// requirements drive the outcome, the other ratings are noise; every
/// seventh deal leaves its customer_reputation unknown (an empty cell), and
/// a note cell with a quoted newline makes the file's lines and its records
/// differ. Each entry of `extra` is one more row, put after the first ten.
fn closed_deals(count: usize, extra: &[&str]) -> String {
    let mut csv = String::from("deal,note");
    for factor in techsales::grading::Factor::ALL {
        csv.push(',');
        csv.push_str(factor.key());
    }
    csv.push_str(",outcome\n");
    for i in 0..count {
        if i == 10 {
            for row in extra {
                csv.push_str(row);
                csv.push('\n');
            }
        }
        let capital = (i * 7) % 11;
        let technical = (i * 3) % 11;
        let noise = |k: usize| (i * k + 5) % 11;
        let won = capital + technical + (i * 13) % 5 > 11;
        let reputation = if i % 7 == 0 {
            String::new()
        } else {
            noise(5).to_string()
        };
        let note = if i == 3 { "\"two\nlines\"" } else { "" };
        csv.push_str(&format!(
            "C-{i},{note},{},{capital},{technical},{},{reputation},{},{},{},{},{}\n",
            noise(2),
            noise(3),
            noise(4),
            noise(6),
            noise(8),
            noise(9),
            if won { "won" } else { "lost" }
        ));
    }
    csv
}

#[test]
fn learn_writes_a_configuration_that_the_grader_loads_and_a_report() {
    let dir = scratch("learn");
    let deals = write(&dir, "closed.csv", &closed_deals(120, &[]));
    let learned = dir.join("learned.json");
    let report = dir.join("report.json");
    let output = techsales(&[
        "learn",
        &deals,
        "-o",
        learned.to_str().unwrap(),
        "--report-json",
        report.to_str().unwrap(),
        "--folds",
        "5",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let config = std::fs::read_to_string(&learned).unwrap();
    let grader = techsales::grading::Grader::from_json(&config).unwrap();
    let weights = &grader.config().evaluation.weights;
    assert!(weights.capital_status > 0.0, "{config}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["deals"], 120);
    assert_eq!(report["folds"], 5);
    let text = stderr(&output);
    assert!(text.contains("Learned from closed deals: 120"), "{text}");
    assert!(text.contains("read 120 of 120 rows"), "{text}");

    // `grade` grades with it, an empty rating cell being unknown.
    let open = DEALS.replacen("D-1,7,7,", "D-1,7,,", 1);
    let open = write(&dir, "open.csv", &open);
    let output = techsales(&[
        "grade",
        &open,
        "--as-of",
        "2026-01-15",
        "--config",
        learned.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("Unknown ratings: Capital status"));

    // Without -o the configuration goes to standard output; the report
    // speaks Chinese when asked.
    let output = techsales(&["learn", &deals, "--folds", "5", "--language", "zh"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), config);
    assert!(stderr(&output).contains("从已结束的交易中学习"));

    // A missing folder is never created.
    let nowhere = dir.join("missing").join("learned.json");
    let output = techsales(&["learn", &deals, "-o", nowhere.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("missing").exists());
}

#[test]
fn learn_reports_a_bad_row_by_its_line_and_uses_the_rest() {
    let dir = scratch("learn_bad_row");
    // The header is line 1, the quoted newline of deal C-3 takes two lines,
    // so the first extra row (after C-9) is on line 13.
    let extra = [
        "X-1,,seven,5,5,5,5,5,5,5,5,won",
        "X-2,,5,5,5,5,5,5,5,5,5,tie",
        "X-3,,5,5,5,5,5,5,5,5,5,withdrawn",
        "X-4,,5,5,5,5,5,5,5,5,12,lost",
    ];
    let deals = write(&dir, "closed.csv", &closed_deals(120, &extra));
    let output = techsales(&["learn", &deals, "--folds", "5"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("line 13: project_level `seven` is not a number; left out"),
        "{text}"
    );
    assert!(
        text.contains("line 14: outcome `tie` is none of won (won), lost (lost) or withdrawn (withdrawn); left out"),
        "{text}"
    );
    assert!(
        text.contains("line 16: competition_after_sales 12 is outside 0-10; left out"),
        "{text}"
    );
    assert!(
        text.contains(
            "read 120 of 124 rows: 120 closed deals used, 1 withdrawn left out, 3 refused"
        ),
        "{text}"
    );
    assert!(text.contains("Learned from closed deals: 120"), "{text}");

    // Counted as lost, the withdrawn deal is used; a share refused above
    // the limit fails.
    let output = techsales(&["learn", &deals, "--folds", "5", "--withdrawn-as-lost"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("121 closed deals used"));
    let output = techsales(&["learn", &deals, "--max-refused", "0.01"]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
}

#[test]
fn learn_exits_1_with_the_reason_when_nothing_can_be_learned() {
    let dir = scratch("learn_refused");
    let all_won = closed_deals(60, &[]).replace(",lost\n", ",won\n");
    let deals = write(&dir, "won.csv", &all_won);
    let output = techsales(&["learn", &deals]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("every usable deal was won; both won and lost deals are needed"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());

    let deals = write(&dir, "few.csv", &closed_deals(12, &[]));
    let output = techsales(&["learn", &deals]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("at least 30 are needed"));

    // Other outcome words, and every row refused.
    let renamed = closed_deals(60, &[])
        .replace(",outcome\n", ",result\n")
        .replace(",won\n", ",Closed Won\n")
        .replace(",lost\n", ",Closed Lost\n");
    let deals = write(&dir, "renamed.csv", &renamed);
    let output = techsales(&[
        "learn",
        &deals,
        "--outcome-column",
        "result",
        "--won",
        "closed won",
        "--lost",
        "closed lost",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = techsales(&["learn", &deals, "--outcome-column", "result"]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let output = techsales(&["learn", &deals]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("no `outcome` column"));
    let output = techsales(&["learn", &deals, "--folds", "x"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn diagnose_explains_one_deal_or_says_it_is_not_there() {
    let output = techsales(&["diagnose", &data("portfolio.json"), "O-0035"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("O-0035 \"Control valves, refinery\""),
        "{text}"
    );
    assert!(text.contains("policy: grade A: Go all out."), "{text}");
    // The stage base times the unmet high-influence economic buyer.
    assert!(text.contains("win probability 68%"), "{text}");
    assert!(text.contains("diagnosis: Ahead of the customer"));
    assert!(text.contains("to move on: Contract approved, Contract signed"));
    let output = techsales(&[
        "diagnose",
        &data("portfolio.json"),
        "O-0035",
        "--language",
        "zh",
    ]);
    assert!(stdout(&output).contains("赢单概率 68%"));
    let output = techsales(&["diagnose", &data("portfolio.json"), "O-9999"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("no deal with id `O-9999`"));
}

#[test]
fn validate_lists_every_problem() {
    let dir = scratch("validate");
    let output = techsales(&["validate", &data("portfolio.json")]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("a valid portfolio"));
    assert_eq!(
        code(&techsales(&["validate", &data("crm_mapping.json")])),
        0
    );

    // Two deals naming unknown accounts: both are listed (deals no cycle
    // runs for, so that no cycle's problem is listed too).
    let text = std::fs::read_to_string(data("portfolio.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let linked: Vec<serde_json::Value> = value["cycles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["opportunity"].clone())
        .collect();
    let free: Vec<usize> = value["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, o)| !linked.contains(&o["id"]))
        .map(|(i, _)| i)
        .skip(3)
        .step_by(4)
        .take(2)
        .collect();
    value["opportunities"][free[0]]["account"] = "NOBODY".into();
    value["opportunities"][free[1]]["account"] = "NOBODY-ELSE".into();
    let broken = write(&dir, "broken.json", &value.to_string());
    let output = techsales(&["validate", &broken]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(text.contains("2 problems"), "{text}");
    assert!(
        text.contains(&format!("opportunities[{}]", free[0]))
            && text.contains(&format!("opportunities[{}]", free[1])),
        "{text}"
    );

    let definitions = write(
        &dir,
        "definitions.json",
        r#"{"analytics": {"prior_strength": -1}, "planner": {"thresholds": {"assistance": 500, "loyalty": 50}}}"#,
    );
    let output = techsales(&["validate", &definitions, "--kind", "definitions"]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(text.contains("2 problems"), "{text}");
    assert!(
        text.contains("analytics.prior_strength") && text.contains("planner.thresholds"),
        "{text}"
    );
}

#[test]
fn schema_prints_the_checked_in_portfolio_schema_and_the_others() {
    let output = techsales(&["schema"]);
    assert_eq!(code(&output), 0);
    let checked_in = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/portfolio.schema.json"),
    )
    .unwrap();
    assert_eq!(stdout(&output), checked_in);
    for kind in ["mapping", "definitions"] {
        let output = techsales(&["schema", kind]);
        assert_eq!(code(&output), 0);
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(value.get("properties").is_some(), "{kind}");
    }
}

/// The main job on an export whose open deals have no dates and no
/// amounts, with its accounts file: the open pipeline is not empty, and
/// the report says what is unknown.
#[test]
fn a_report_on_an_open_pipeline_without_dates_or_amounts_shows_it() {
    let mappings = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/data/mappings")
            .join(name)
            .to_str()
            .unwrap()
            .to_owned()
    };
    let output = techsales(&[
        "report",
        &mappings("open_pipeline.csv"),
        &mappings("open_pipeline.json"),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("12 rows read, 12 imported, 0 refused"),
        "{report}"
    );
    assert!(
        report.contains("open deals: 6 (6 of unknown amount"),
        "{report}"
    );
    assert!(
        report.contains("not in the forecast: 6 open deals with no expected close date"),
        "{report}"
    );
    let total = report
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap();
    assert!(total.contains("(6 of unknown amount)"), "{total}");
}

#[test]
fn a_report_on_an_older_portfolio_says_what_migrating_it_changed() {
    let dir = scratch("older_portfolio");
    let sample = std::fs::read_to_string(data("portfolio.json")).unwrap();
    let current = format!(
        "\"format_version\": {}",
        techsales::portfolio::FORMAT_VERSION
    );
    assert!(sample.contains(&current));
    let older = write(
        &dir,
        "older.json",
        &sample.replacen(&current, "\"format_version\": 2", 1),
    );
    let report = techsales(&["report", &older]);
    assert_eq!(code(&report), 0, "{}", stderr(&report));
    assert!(
        stderr(&report).contains("migrated from format version 2: nothing changed"),
        "{}",
        stderr(&report)
    );
    let current_report = techsales(&["report", &data("portfolio.json")]);
    assert_eq!(stdout(&report), stdout(&current_report));
    assert!(!stderr(&current_report).contains("migrated"));
}

/// The contacts file sits where the mapping says, relative to the mapping:
/// the report's import summary counts the contacts recorded and refused.
#[test]
fn a_report_reads_the_contacts_file_the_mapping_declares() {
    let mappings = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/mappings");
    let output = techsales(&[
        "report",
        mappings.join("salesforce.csv").to_str().unwrap(),
        mappings.join("salesforce.json").to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("contacts: 11 rows read, 9 recorded on 7 deals, 2 refused"),
        "{report}"
    );
    assert!(
        report.contains("refused contacts line 7: role `Influencer`"),
        "{report}"
    );
}
