//! Batch grading of 1,000,000 opportunities with the default model, in the
//! column form and the slice-of-structs form, against the same evaluation
//! and grade rules written as one SQL query in SQLite over the same rows.
//!
//! Run: `cargo bench --bench grading`.

mod support;

use std::time::{Duration, SystemTime};

use criterion::{black_box, criterion_group, Criterion, Throughput};
use rusqlite::{params, Connection, Statement};
use techsales::grading::{
    day_number, BatchResult, ColumnOutput, Grade, Grader, ItemStatus, Opportunity, FACTOR_COUNT,
};
use techsales::Labelled;

/// Items per batch (a hundredth in test mode).
fn items() -> usize {
    support::scaled(1_000_000)
}

const GROUP: &str = "grading_1m";

/// The evaluation and the grade table as one query. The score adds the
/// weighted ratings in the same pairwise order as the library, so both
/// give the same bits; the status is checked in the library's order
/// (ratings, possibility, close date, knock-out or give-up, pass).
///
/// `LIMIT -1 OFFSET 0` (no limit, no offset) keeps SQLite from flattening
/// the subqueries: flattened, every use of `score` and `status` repeats
/// its whole expression, which measured about three times slower. Rows come back
/// with their id, so no sort is needed.
const GRADE_SQL: &str = "
SELECT id, status,
  CASE WHEN status = 0 THEN 3 - ((close_day <= ?23 AND possibility >= ?26)
                               + (close_day <= ?24 AND possibility >= ?27)
                               + (close_day <= ?25 AND possibility >= ?28)) END AS grade,
  CASE WHEN status < 3 THEN score END AS score
FROM (
  SELECT id, close_day, possibility, score,
    CASE
      WHEN score IS NULL OR lowest < 0 OR highest > 10 THEN 3
      WHEN possibility IS NULL OR possibility < 0 OR possibility > 1 THEN 4
      WHEN close_day < ?21 AND NOT ?22 THEN 5
      WHEN slack < 0 OR score < ?20 THEN 2
      WHEN score < ?19 THEN 1
      ELSE 0
    END AS status
  FROM (
    SELECT id, close_day, possibility,
      ((r0 * ?1 + r1 * ?2) + (r2 * ?3 + r3 * ?4))
        + (((r4 * ?5 + r5 * ?6) + (r6 * ?7 + r7 * ?8)) + r8 * ?9) AS score,
      min(r0, r1, r2, r3, r4, r5, r6, r7, r8) AS lowest,
      max(r0, r1, r2, r3, r4, r5, r6, r7, r8) AS highest,
      min(r0 - ?10, r1 - ?11, r2 - ?12, r3 - ?13, r4 - ?14, r5 - ?15, r6 - ?16,
          r7 - ?17, r8 - ?18) AS slack
    FROM opportunities
    LIMIT -1 OFFSET 0
  )
  LIMIT -1 OFFSET 0
)";

/// The same query, counting items by status and grade instead of
/// returning each one: the cheapest form for SQLite, kept to show the
/// ratio does not rest on moving rows out.
fn count_sql() -> String {
    format!("SELECT status, grade, count(*) FROM ({GRADE_SQL}) GROUP BY status, grade")
}

/// The query's 28 parameters, derived from the grader's configuration.
fn sql_params(grader: &Grader) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value::{Integer, Real};
    let config = grader.config();
    let model = &config.evaluation;
    let weights = model.weights.to_array();
    let total = model.weights.sum();
    let mut floors = [0.0; FACTOR_COUNT];
    for knock_out in &model.knock_outs {
        floors[knock_out.factor.index()] = knock_out.below;
    }
    let as_of = support::as_of();
    let as_of_day = day_number(as_of);
    let bands = config.table.bands().map(|(_, band)| band);
    let last_day = bands.map(|band| {
        let days = config
            .table
            .horizon_days(&band, as_of)
            .expect("the default horizons fit");
        Integer(i64::from(as_of_day) + days)
    });
    let mut values: Vec<_> = weights.iter().map(|w| Real(w / total)).collect();
    values.extend(floors.map(Real));
    values.extend([
        Real(model.pass_threshold),
        Real(model.give_up_below),
        Integer(i64::from(as_of_day)),
        Integer(i64::from(config.table.allow_past_close_date)),
    ]);
    values.extend(last_day);
    values.extend(bands.map(|band| Real(band.min_possibility)));
    values
}

/// An in-memory database holding the opportunities, one row each.
fn load(opportunities: &[Opportunity]) -> Connection {
    let mut db = Connection::open_in_memory().expect("an in-memory database");
    db.execute_batch(
        "CREATE TABLE opportunities (
           id INTEGER PRIMARY KEY,
           r0 REAL, r1 REAL, r2 REAL, r3 REAL, r4 REAL, r5 REAL, r6 REAL, r7 REAL, r8 REAL,
           close_day INTEGER, possibility REAL)",
    )
    .expect("the table");
    let tx = db.transaction().expect("a transaction");
    {
        let mut insert = tx
            .prepare("INSERT INTO opportunities VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
            .expect("the insert");
        for (id, o) in opportunities.iter().enumerate() {
            let [r0, r1, r2, r3, r4, r5, r6, r7, r8] = o.ratings.to_array();
            insert
                .execute(params![
                    id as i64,
                    r0,
                    r1,
                    r2,
                    r3,
                    r4,
                    r5,
                    r6,
                    r7,
                    r8,
                    day_number(o.expected_close),
                    o.possibility
                ])
                .expect("a row");
        }
    }
    tx.commit().expect("the rows");
    db
}

/// SQLite's answer for every row, as the grader's output columns hold it.
struct SqlOutput {
    status: Vec<u32>,
    grade: Vec<Option<u32>>,
    score: Vec<f64>,
}

impl SqlOutput {
    fn new(n: usize) -> Self {
        SqlOutput {
            status: vec![0; n],
            grade: vec![None; n],
            score: vec![0.0; n],
        }
    }
}

/// Runs the grading query and reads every row into `out`.
fn grade_sql(stmt: &mut Statement<'_>, values: &[rusqlite::types::Value], out: &mut SqlOutput) {
    let mut rows = stmt
        .query(rusqlite::params_from_iter(values))
        .expect("the query runs");
    let mut n = 0;
    while let Some(row) = rows.next().expect("a row") {
        let id = usize::try_from(row.get::<_, i64>(0).expect("id")).expect("an index");
        out.status[id] = row.get(1).expect("status");
        out.grade[id] = row.get(2).expect("grade");
        out.score[id] = row
            .get::<_, Option<f64>>(3)
            .expect("score")
            .unwrap_or(f64::NAN);
        n += 1;
    }
    assert_eq!(n, out.status.len());
}

/// Runs the counting query: (status, grade, items) triples.
fn count_sql_rows(
    stmt: &mut Statement<'_>,
    values: &[rusqlite::types::Value],
) -> Vec<(u32, Option<u32>, i64)> {
    stmt.query_map(rusqlite::params_from_iter(values), |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })
    .expect("the query runs")
    .collect::<Result<_, _>>()
    .expect("the counts")
}

/// Checks once, outside the timed loops, that every form gives the same
/// status, grade and score for every item.
fn check_agreement(
    structs: &[BatchResult],
    column_status: &[ItemStatus],
    column_grade: &[Option<Grade>],
    column_score: &[f64],
    sql: &SqlOutput,
    sql_counts: &[(u32, Option<u32>, i64)],
) {
    let mut counts = std::collections::BTreeMap::new();
    for (i, result) in structs.iter().enumerate() {
        assert_eq!(result.status, column_status[i], "item {i}: column status");
        assert_eq!(result.grade, column_grade[i], "item {i}: column grade");
        assert_eq!(
            result.score.to_bits(),
            column_score[i].to_bits(),
            "item {i}: column score"
        );
        assert_eq!(result.status.code(), sql.status[i], "item {i}: SQL status");
        assert_eq!(
            result.grade.map(|g| g.code()),
            sql.grade[i],
            "item {i}: SQL grade"
        );
        assert_eq!(
            result.score.to_bits(),
            sql.score[i].to_bits(),
            "item {i}: SQL score"
        );
        *counts
            .entry((result.status.code(), result.grade.map(|g| g.code())))
            .or_insert(0i64) += 1;
    }
    let sql_counts: std::collections::BTreeMap<_, _> = sql_counts
        .iter()
        .map(|&(status, grade, n)| ((status, grade), n))
        .collect();
    assert_eq!(counts, sql_counts, "SQL counts");
    let described: Vec<String> = counts
        .iter()
        .map(|(&(status, grade), n)| {
            let status = ItemStatus::from_code(status).map_or("?", |s| s.key());
            match grade.and_then(Grade::from_code) {
                Some(grade) => format!("{status} {grade}: {n}"),
                None => format!("{status}: {n}"),
            }
        })
        .collect();
    support::note(format_args!(
        "all {} items agree across the column form, the struct form and SQLite ({})",
        structs.len(),
        described.join(", ")
    ));
}

/// Everything a grading pass reads and writes, built before any timing.
struct Fixture {
    grader: Grader,
    as_of: chrono::NaiveDate,
    opportunities: Vec<Opportunity>,
    columns: support::Columns,
    results: Vec<BatchResult>,
    status: Vec<ItemStatus>,
    grade: Vec<Option<Grade>>,
    score: Vec<f64>,
}

impl Fixture {
    /// The fixture, and the same rows in SQLite.
    fn new(items: usize) -> (Self, Connection) {
        let grader = Grader::default();
        let as_of = support::as_of();
        let opportunities = support::opportunities(items);
        let columns = support::Columns::of(&opportunities);
        let results = grader.grade_all(&opportunities, as_of);
        let db = load(&opportunities);
        let fixture = Fixture {
            grader,
            as_of,
            opportunities,
            columns,
            results,
            status: vec![ItemStatus::Graded; items],
            grade: vec![None; items],
            score: vec![0.0; items],
        };
        (fixture, db)
    }

    /// The column form, writing the output columns.
    fn grade_columns(&mut self) {
        let mut output = ColumnOutput {
            status: &mut self.status,
            grade: &mut self.grade,
            score: &mut self.score,
        };
        self.grader
            .grade_columns(self.as_of, black_box(&self.columns.input()), &mut output)
            .expect("columns of one length");
    }

    /// The slice-of-structs form, writing the results.
    fn grade_structs(&mut self) {
        self.grader
            .grade_batch(
                black_box(&self.opportunities),
                self.as_of,
                &mut self.results,
            )
            .expect("one result per item");
    }
}

fn bench_grading(c: &mut Criterion) {
    let (mut f, db) = Fixture::new(items());
    let values = sql_params(&f.grader);
    let mut sql = SqlOutput::new(items());
    let mut grade_stmt = db.prepare(GRADE_SQL).expect("the grading query");
    let mut count_stmt = db.prepare(&count_sql()).expect("the counting query");

    // Once, untimed: every form computes the same results.
    f.grade_columns();
    f.grade_structs();
    grade_sql(&mut grade_stmt, &values, &mut sql);
    let sql_counts = count_sql_rows(&mut count_stmt, &values);
    check_agreement(&f.results, &f.status, &f.grade, &f.score, &sql, &sql_counts);

    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Elements(items() as u64));
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("columns", |b| b.iter(|| f.grade_columns()));
    group.bench_function("structs", |b| b.iter(|| f.grade_structs()));
    // SQLite takes seconds a batch: fewer samples, each one batch.
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("sqlite_rows", |b| {
        b.iter(|| grade_sql(&mut grade_stmt, &values, &mut sql))
    });
    group.bench_function("sqlite_counts", |b| {
        b.iter(|| count_sql_rows(&mut count_stmt, &values))
    });
    group.finish();
}

/// One pass of one routine over 100,000 items, for an instruction count.
fn one_pass(name: &str) {
    const ITEMS: usize = 100_000;
    let (mut f, db) = Fixture::new(ITEMS);
    let values = sql_params(&f.grader);
    let mut sql = SqlOutput::new(ITEMS);
    let mut grade_stmt = db.prepare(GRADE_SQL).expect("the grading query");
    let mut count_stmt = db.prepare(&count_sql()).expect("the counting query");
    match name {
        "columns" => support::measured(ITEMS, || f.grade_columns()),
        "structs" => support::measured(ITEMS, || f.grade_structs()),
        "sqlite_rows" => support::measured(ITEMS, || grade_sql(&mut grade_stmt, &values, &mut sql)),
        "sqlite_counts" => support::measured(ITEMS, || {
            count_sql_rows(&mut count_stmt, &values);
        }),
        other => panic!("no routine {other} in this bench"),
    }
}

criterion_group!(benches, bench_grading);

fn main() {
    if let Some(name) = support::one_pass() {
        return one_pass(&name);
    }
    let start = SystemTime::now();
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    for ours in ["columns", "structs"] {
        for baseline in ["sqlite_rows", "sqlite_counts"] {
            support::report_ratio(GROUP, ours, baseline, items() as u64, start);
        }
    }
}
