//! The HTML report rendered by a real browser: headless Chromium loads the
//! page written by `techsales report --html`, without network, and draws it
//! to a PNG.
//!
//! Where no Chromium is installed the test says so on standard error and
//! passes; `.ci/run` installs it and sets `TECHSALES_REQUIRE_CHROMIUM=1`,
//! which turns a missing browser into a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 3000;

/// The browser to use: `$TECHSALES_CHROMIUM`, or the first of the usual
/// names found on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TECHSALES_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// Runs the browser headless on `page` with a fresh profile; returns its
/// standard output and error.
fn browse(browser: &Path, dir: &Path, page: &Path, action: &[String]) -> (String, String) {
    let profile = dir.join(format!("profile-{}", action.len()));
    let _ = std::fs::remove_dir_all(&profile);
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .args(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{}: {stderr}", output.status);
    (stdout, stderr)
}

/// Width and height from a PNG's header chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

fn screenshot(browser: &Path, dir: &Path, page: &Path, name: &str) -> (Vec<u8>, String) {
    let png = dir.join(name);
    let _ = std::fs::remove_file(&png);
    let (_, log) = browse(
        browser,
        dir,
        page,
        &[format!("--screenshot={}", png.display())],
    );
    (
        std::fs::read(&png).expect("the screenshot was written"),
        log,
    )
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("TECHSALES_REQUIRE_CHROMIUM").is_none(),
            "TECHSALES_REQUIRE_CHROMIUM is set but no chromium was found"
        );
        // Written past the test harness's capture, so it shows.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the_html_report_renders_in_headless_chromium: no chromium on the PATH \
             (install Debian's `chromium`, or set TECHSALES_CHROMIUM)"
        );
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chromium");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    let status = Command::new(env!("CARGO_BIN_EXE_techsales"))
        .args(["report", "--html"])
        .arg(&page)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let blank = dir.join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();

    // The browser's own view of the page: every section is there, with
    // its charts.
    let (dom, _) = browse(&browser, &dir, &page, &["--dump-dom".to_owned()]);
    for id in [
        "quadrant",
        "pipeline",
        "forecast",
        "closed",
        "bookings",
        "win-loss",
        "slipped",
        "amount-changes",
        "conversion",
        "stalled",
        "top-deals",
        "probability-trend",
        "calibration",
        "plans",
    ] {
        assert!(
            dom.contains(&format!(r#"<section id="{id}">"#)),
            "no section {id}"
        );
    }
    assert!(dom.matches("<svg").count() >= 4, "charts missing");

    let (png, log) = screenshot(&browser, &dir, &page, "report.png");
    assert_eq!(png_size(&png), (WIDTH, HEIGHT));
    // The page has no script; the console must stay silent.
    assert!(!log.contains("CONSOLE"), "console messages:\n{log}");
    // A page of tables and charts compresses far worse than a blank one.
    let (blank_png, _) = screenshot(&browser, &dir, &blank, "blank.png");
    assert!(
        png.len() > 5 * blank_png.len(),
        "the report's screenshot ({} bytes) is hardly more than a blank page's ({} bytes)",
        png.len(),
        blank_png.len()
    );
}
