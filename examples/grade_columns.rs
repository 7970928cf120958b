//! Grades a CSV of opportunities with the column batch and writes one
//! result row per input row: the reference other bindings (Python, Spark)
//! compare their results with, bit for bit.
//!
//! ```sh
//! cargo run --release --example grade_columns -- AS_OF IN.csv OUT.csv [GRADER.json]
//! ```
//!
//! `IN.csv` has a header with the nine factor keys (`project_level`, ...),
//! `expected_close` (YYYY-MM-DD) and `possibility` (an empty cell is NaN:
//! an unknown rating, a possibility to derive from the score); `OUT.csv` gets
//! `status,grade,score` (status and grade keys, an empty grade when the
//! item was not graded, the score printed so that it reads back to the
//! same bits).

use std::error::Error;

use chrono::NaiveDate;
use techsales::grading::{day_number, ColumnInput, ColumnOutput, Factor, Grader, ItemStatus};
use techsales::Labelled;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [as_of, input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: grade_columns AS_OF IN.csv OUT.csv [GRADER.json]".into());
    };
    let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d")?;
    let grader = match rest.first() {
        Some(path) => Grader::from_json(&std::fs::read_to_string(path)?)?,
        None => Grader::default(),
    };

    let mut reader = csv::Reader::from_path(input)?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("column `{name}` is missing"))
    };
    let rating_at: Vec<usize> = Factor::ALL
        .iter()
        .map(|f| column(f.key()))
        .collect::<Result<_, _>>()?;
    let (close_at, possibility_at) = (column("expected_close")?, column("possibility")?);

    let mut ratings: [Vec<f64>; 9] = Default::default();
    let (mut close_day, mut possibility) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record?;
        for (values, &at) in ratings.iter_mut().zip(&rating_at) {
            values.push(number(&record[at])?);
        }
        close_day.push(day_number(NaiveDate::parse_from_str(
            &record[close_at],
            "%Y-%m-%d",
        )?));
        possibility.push(number(&record[possibility_at])?);
    }

    let n = possibility.len();
    let mut status = vec![ItemStatus::Graded; n];
    let mut grade = vec![None; n];
    let mut score = vec![0.0; n];
    let input = ColumnInput {
        ratings: std::array::from_fn(|i| ratings[i].as_slice()),
        close_day: &close_day,
        possibility: &possibility,
    };
    let mut out = ColumnOutput {
        status: &mut status,
        grade: &mut grade,
        score: &mut score,
    };
    grader.grade_columns(as_of, &input, &mut out)?;

    let mut writer = csv::Writer::from_path(output)?;
    writer.write_record(["status", "grade", "score"])?;
    for i in 0..n {
        let grade = grade[i].map(|g| g.key()).unwrap_or("");
        // `{:?}` prints the shortest text that parses back to the same f64.
        writer.write_record([status[i].key(), grade, &format!("{:?}", score[i])])?;
    }
    writer.flush()?;
    Ok(())
}

/// A cell as a number; an empty cell is NaN (unknown).
fn number(cell: &str) -> Result<f64, std::num::ParseFloatError> {
    match cell.trim() {
        "" => Ok(f64::NAN),
        text => text.parse(),
    }
}
