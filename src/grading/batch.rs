//! Grading many opportunities at once: a slice of [`Opportunity`] values,
//! or parallel columns as a CRM exports them.
//!
//! Both forms write into slices the caller provides and allocate nothing
//! per item. The model and table are reduced to arrays and day numbers
//! once per batch; each item is then a fixed run of multiplications,
//! comparisons and table loads with no branch on the data. Items go in
//! blocks of 64: the column form scores a block's ratings several items at
//! a time, then gives each item its status. No explanation is built here.
//! A NaN rating is unknown (see [`super::Ratings`]); a NaN possibility in
//! a column is one not given, derived from the evaluation score as
//! [`Grader::grade`] derives it. A bad item (infinite or out-of-range
//! rating, infinite or out-of-range possibility, a close date in the past
//! where the table refuses it) gets an error status and the rest are
//! graded. Every item's result equals what [`Grader::grade`] says for it,
//! through [`BatchResult::from_result`]; call [`Grader::grade`] or
//! [`Grader::explain`] on one item for the detailed error or explanation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::labelled_enum;

use super::evaluation::{CompiledModel, KnownBlock, Verdict, FACTOR_COUNT, RATING_MAX, RATING_MIN};
use super::grader::{Assessment, GradeChange, GradeError, Grader, Opportunity};
use super::possibility::PossibilityMapping;
use super::table::{CompiledTable, YearStarts};
use super::Grade;

labelled_enum! {
    /// What happened to one item of a batch.
    pub enum ItemStatus {
        /// Passed evaluation and graded.
        Graded = 0, "graded" => ("Passed and graded", "通过评估并已分级"),
        /// Failed evaluation: lower the contact level.
        LowerContactLevel = 1, "lower_contact_level" => ("Failed: lower the contact level", "未通过：降低接触级别"),
        /// Failed evaluation: give up.
        GiveUp = 2, "give_up" => ("Failed: give up", "未通过：放弃"),
        /// A rating is infinite or outside 0-10.
        InvalidRating = 3, "invalid_rating" => ("Invalid rating", "评分无效"),
        /// The possibility given is infinite or outside 0-1 (in a column,
        /// NaN is a possibility not given; in an [`Opportunity`], `None`).
        InvalidPossibility = 4, "invalid_possibility" => ("Invalid transaction possibility", "成交可能性无效"),
        /// The expected close date is before the as-of date, which the
        /// table refuses.
        CloseDateInPast = 5, "close_date_in_past" => ("Expected close date has passed", "预计成交日期已过"),
        /// Too few ratings are known to evaluate (see
        /// [`super::UnknownRatings`]); not an error, and not a verdict.
        NotEnoughKnown = 6, "not_enough_known" => ("Not enough known to evaluate", "已知信息不足，无法评估"),
    }
}

impl ItemStatus {
    /// The status of a valid item with this verdict.
    pub fn from_verdict(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Pass => ItemStatus::Graded,
            Verdict::LowerContactLevel => ItemStatus::LowerContactLevel,
            Verdict::GiveUp => ItemStatus::GiveUp,
            Verdict::NotEnoughKnown => ItemStatus::NotEnoughKnown,
        }
    }

    /// Whether the item's input was refused.
    pub fn is_error(self) -> bool {
        matches!(
            self,
            ItemStatus::InvalidRating
                | ItemStatus::InvalidPossibility
                | ItemStatus::CloseDateInPast
        )
    }
}

/// One item's result in a batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchResult {
    /// What happened to the item.
    pub status: ItemStatus,
    /// The grade, when the status is [`ItemStatus::Graded`].
    pub grade: Option<Grade>,
    /// The evaluation score (0-10); NaN when the input was refused.
    pub score: f64,
}

impl BatchResult {
    /// The batch result that stands for a one-by-one grading.
    pub fn from_result(result: &Result<Assessment, GradeError>) -> Self {
        match result {
            Ok(assessment) => BatchResult {
                status: assessment.status(),
                grade: assessment.grade,
                score: assessment.evaluation.score,
            },
            Err(error) => BatchResult {
                status: error.status(),
                grade: None,
                score: f64::NAN,
            },
        }
    }

    /// Whether two results are the same, counting NaN scores as equal.
    pub fn same_as(&self, other: &BatchResult) -> bool {
        self.status == other.status
            && self.grade == other.grade
            && self.score.to_bits() == other.score.to_bits()
    }
}

/// How the items of a batch came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSummary {
    /// Items that passed and were graded.
    pub graded: usize,
    /// Items that failed evaluation (lower the contact level or give up).
    pub failed: usize,
    /// Items whose input was refused.
    pub invalid: usize,
    /// Items with too few known ratings to evaluate.
    #[serde(default)]
    pub not_enough_known: usize,
}

impl BatchSummary {
    /// The counts of two parts of a batch together.
    fn plus(self, other: BatchSummary) -> BatchSummary {
        BatchSummary {
            graded: self.graded + other.graded,
            failed: self.failed + other.failed,
            invalid: self.invalid + other.invalid,
            not_enough_known: self.not_enough_known + other.not_enough_known,
        }
    }
}

/// Why a whole batch was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// A column or output slice does not have one entry per item.
    #[error("column `{column}` has {found} entries; expected {expected}")]
    LengthMismatch {
        /// The column: `ratings.<factor>`, `close_day`, `status`, `grade`
        /// or `score` (against `possibility`), `results` (against the
        /// opportunities), or `current` (against `previous`).
        column: &'static str,
        /// The number of items.
        expected: usize,
        /// The entries found.
        found: usize,
    },
}

fn check_len(column: &'static str, expected: usize, found: usize) -> Result<(), BatchError> {
    if expected == found {
        Ok(())
    } else {
        Err(BatchError::LengthMismatch {
            column,
            expected,
            found,
        })
    }
}

/// Items per block of the column form: small enough for the block's
/// intermediate results to stay in the fastest cache.
const BLOCK: usize = 64;

/// Items per piece when a large batch is spread over threads (see
/// [`crate::parallel`]): many blocks, so that a piece's start-up cost is
/// small against its work, and a multiple of [`BLOCK`], so that a piece is
/// cut into the same blocks as the whole batch. Batches of one piece or
/// less stay on the calling thread.
const PARALLEL_PIECE: usize = 512 * BLOCK;

/// Column names of the ratings, in [`super::Factor::ALL`] order.
const RATING_COLUMNS: [&str; FACTOR_COUNT] = [
    "ratings.project_level",
    "ratings.capital_status",
    "ratings.technical_requirements",
    "ratings.customer_relationship",
    "ratings.customer_reputation",
    "ratings.competition_products",
    "ratings.competition_prices",
    "ratings.competition_technical_solutions",
    "ratings.competition_after_sales",
];

/// The input columns of a batch, one entry per item in each.
#[derive(Debug, Clone, Copy)]
pub struct ColumnInput<'a> {
    /// One column of ratings per factor, in [`super::Factor::ALL`] order.
    pub ratings: [&'a [f64]; FACTOR_COUNT],
    /// Expected close dates as day numbers ([`day_number`](super::day_number)).
    pub close_day: &'a [i32],
    /// Transaction possibilities (0-1); NaN where none is given, to derive
    /// it from the evaluation score.
    pub possibility: &'a [f64],
}

impl<'a> ColumnInput<'a> {
    /// The `len` items from `start` of every column (fewer where a column
    /// is shorter).
    fn part(&self, start: usize, len: usize) -> ColumnInput<'a> {
        fn cut<T>(column: &[T], start: usize, len: usize) -> &[T] {
            let start = start.min(column.len());
            let end = start.saturating_add(len).min(column.len());
            column.get(start..end).unwrap_or_default()
        }
        ColumnInput {
            ratings: self.ratings.map(|column| cut(column, start, len)),
            close_day: cut(self.close_day, start, len),
            possibility: cut(self.possibility, start, len),
        }
    }
}

/// The output columns of a batch, one entry per item in each.
#[derive(Debug)]
pub struct ColumnOutput<'a> {
    /// What happened to each item.
    pub status: &'a mut [ItemStatus],
    /// The grade of each graded item; `None` for the others.
    pub grade: &'a mut [Option<Grade>],
    /// The evaluation score of each item; NaN where the input was refused.
    pub score: &'a mut [f64],
}

/// A cell of a status column: the status itself, or its code (C ABI).
pub(crate) trait StatusCell {
    /// Stores `status`.
    fn set(&mut self, status: ItemStatus);
}

impl StatusCell for ItemStatus {
    #[inline(always)]
    fn set(&mut self, status: ItemStatus) {
        *self = status;
    }
}

impl StatusCell for u32 {
    #[inline(always)]
    fn set(&mut self, status: ItemStatus) {
        *self = status.code();
    }
}

/// The grade code that stands for "not graded" in a column of codes.
pub(crate) const NO_GRADE_CODE: u32 = u32::MAX;

/// A cell of a grade column: the grade itself, or its code (C ABI), with
/// [`NO_GRADE_CODE`] for none. Each kind reads the grade from its own table
/// by the row [`finish_row`] gives: converting an `Option<Grade>` would
/// compile to a jump that random grades mispredict.
pub(crate) trait GradeCell {
    /// Stores the grade of `row` (see [`GRADE_BY_ROW`]).
    fn set_row(&mut self, row: usize);
}

impl GradeCell for Option<Grade> {
    #[inline(always)]
    fn set_row(&mut self, row: usize) {
        *self = GRADE_BY_ROW.get(row).copied().flatten();
    }
}

impl GradeCell for u32 {
    #[inline(always)]
    fn set_row(&mut self, row: usize) {
        *self = GRADE_CODE_BY_ROW.get(row).copied().unwrap_or(NO_GRADE_CODE);
    }
}

/// Statuses by code, padded to a power of two so that a masked code always
/// finds one: a table load instead of a jump that random data would
/// mispredict.
const STATUS_BY_CODE: [ItemStatus; 8] = [
    ItemStatus::Graded,
    ItemStatus::LowerContactLevel,
    ItemStatus::GiveUp,
    ItemStatus::InvalidRating,
    ItemStatus::InvalidPossibility,
    ItemStatus::CloseDateInPast,
    ItemStatus::NotEnoughKnown,
    ItemStatus::CloseDateInPast,
];

/// A block's rows between scoring and output: the scored columns and each
/// row's [`Outcome`]. Each step is a loop over the block with no branch on
/// the data, so the compiler runs several rows at a time.
struct Block {
    score: [f64; BLOCK],
    lowest: [f64; BLOCK],
    highest: [f64; BLOCK],
    slack: [f64; BLOCK],
    enough: [f64; BLOCK],
    /// Possibilities with the derived ones where none is given.
    graded_possibility: [f64; BLOCK],
    outcome: [f64; BLOCK],
}

impl Block {
    const EMPTY: Block = Block {
        score: [0.0; BLOCK],
        lowest: [0.0; BLOCK],
        highest: [0.0; BLOCK],
        slack: [0.0; BLOCK],
        enough: [0.0; BLOCK],
        graded_possibility: [0.0; BLOCK],
        outcome: [0.0; BLOCK],
    };

    fn new() -> Box<Block> {
        Box::new(Block::EMPTY)
    }

    /// Scores the first `m` rows from their ratings, factor by factor.
    #[inline(always)]
    fn score(&mut self, model: &CompiledModel, columns: [&[f64]; FACTOR_COUNT], m: usize) {
        let row = |j: usize| columns.map(|column| column.get(j).copied().unwrap_or(f64::NAN));
        if !model.score_known_block(columns, self.known(m)) {
            self.score_one_by_one(model, m, row);
        }
    }

    /// Scores the first `m` rows from their ratings, given row by row.
    #[inline(always)]
    fn score_rows(
        &mut self,
        model: &CompiledModel,
        m: usize,
        row: impl Fn(usize) -> [f64; FACTOR_COUNT] + Copy,
    ) {
        if !model.score_known_rows(row, self.known(m)) {
            self.score_one_by_one(model, m, row);
        }
    }

    /// The result columns of the first `m` rows, for a block with every
    /// rating known: scored in one branch-free pass.
    fn known(&mut self, m: usize) -> KnownBlock<'_> {
        KnownBlock {
            score: &mut self.score[..m],
            lowest: &mut self.lowest[..m],
            highest: &mut self.highest[..m],
            slack: &mut self.slack[..m],
            enough_known: &mut self.enough[..m],
        }
    }

    /// Scores the first `m` rows one at a time: a block with an unknown
    /// rating.
    fn score_one_by_one(
        &mut self,
        model: &CompiledModel,
        m: usize,
        row: impl Fn(usize) -> [f64; FACTOR_COUNT],
    ) {
        for j in 0..m {
            let s = model.score(&row(j));
            self.score[j] = s.score;
            self.lowest[j] = s.lowest;
            self.highest[j] = s.highest;
            self.slack[j] = s.slack;
            self.enough[j] = s.enough_known;
        }
    }

    /// Gives each of the first `m` scored rows its outcome and output score
    /// (NaN where the input was refused), and counts them. Everything derived from the configuration is already in
    /// `model` and `table`. It must agree with [`Grader::grade`]; the
    /// property tests hold it to that.
    #[allow(clippy::manual_range_contains)] // `&` on purpose: `contains` branches
    fn finish(
        &mut self,
        model: &CompiledModel,
        table: &CompiledTable,
        mapping: &PossibilityMapping,
        close_days: &[i32],
        possibilities: &[f64],
    ) -> BatchSummary {
        let m = close_days.len().min(possibilities.len()).min(BLOCK);
        let (close_days, possibilities) = (&close_days[..m], &possibilities[..m]);
        // A possibility not given is derived from the score (NaN again
        // when the score is unknown, and then no grade is given anyway).
        // A CRM's column mostly gives one for every row or for none, so
        // this is decided per block.
        let not_given = possibilities.iter().fold(false, |any, p| any | p.is_nan());
        if not_given {
            let derived = self.graded_possibility[..m].iter_mut();
            for ((cell, &given), &score) in derived.zip(possibilities).zip(&self.score) {
                *cell = if given.is_nan() {
                    mapping.possibility(score).unwrap_or(f64::NAN)
                } else {
                    given
                };
            }
        }
        let graded_possibility = if not_given {
            &self.graded_possibility[..m]
        } else {
            possibilities
        };
        // Every value here is a double, close days included (exact), so
        // that the compiler runs two rows at a time with no packing and no
        // branch; codes and grade rows are small whole numbers.
        let table = table.in_doubles();
        let (lowest, highest) = (&self.lowest[..m], &self.highest[..m]);
        let (slack, enough) = (&self.slack[..m], &self.enough[..m]);
        let score = &mut self.score[..m];
        let outcome = &mut self.outcome[..m];
        for j in 0..m {
            let day = f64::from(close_days[j]);
            let give_up = (slack[j] < 0.0) | (score[j] < model.give_up_below);
            let below_pass = score[j] < model.pass_threshold;
            // NaN is a possibility not given, which is valid.
            let p = possibilities[j];
            let possibility_valid = p.is_nan() | ((p >= 0.0) & (p <= 1.0));
            let ratings_valid = (lowest[j] >= RATING_MIN) & (highest[j] <= RATING_MAX);
            // The verdict's code (0 pass, 1 lower contact, 2 give up), then
            // each refusal overriding it, the first-checked one last.
            let mut c = if below_pass { 1.0 } else { 0.0 };
            c = if give_up { 2.0 } else { c };
            c = if enough[j] == 0.0 { 6.0 } else { c };
            c = if table.refuses(day) { 5.0 } else { c };
            c = if possibility_valid { c } else { 4.0 };
            c = if ratings_valid { c } else { 3.0 };
            // The grade only for a graded row.
            let held = table.bands_held(day, graded_possibility[j]);
            outcome[j] = 8.0 * c + if c == 0.0 { held } else { 4.0 };
            // NaN for refused input.
            score[j] = if c < 3.0 { score[j] } else { f64::NAN };
        }
        // Three counts give all four: codes 1-2 are the rest.
        let count = |f: fn(f64) -> bool| outcome.iter().map(|&o| usize::from(f(o))).sum::<usize>();
        let graded = count(|o| o < 8.0);
        let refused_or_unknown = count(|o| o >= 24.0);
        let not_enough_known = count(|o| o >= 48.0);
        BatchSummary {
            graded,
            failed: m - graded - refused_or_unknown,
            invalid: refused_or_unknown - not_enough_known,
            not_enough_known,
        }
    }
}

/// The struct form's block: its gathered close days and possibilities and
/// the [`Block`] in one allocation, so that their distances are the same in
/// every run. On the stack, their offset within a page changed from run to
/// run against the heap block's; loads and stores whose addresses agree in
/// their low 12 bits can look alike to the processor, the suspected (not
/// confirmed) cause of a run-to-run spread in the struct form's time.
#[repr(C)]
struct StructScratch {
    possibilities: [f64; BLOCK],
    close_days: [i32; BLOCK],
    block: Block,
}

impl StructScratch {
    fn new() -> Box<StructScratch> {
        Box::new(StructScratch {
            possibilities: [0.0; BLOCK],
            close_days: [0; BLOCK],
            block: Block::EMPTY,
        })
    }
}

/// A row's outcome in [`Block`]: its status code times 8 plus its row of
/// [`GRADE_BY_ROW`], a whole number below 64.
#[derive(Clone, Copy)]
struct Outcome(usize);

impl Outcome {
    /// The outcome held in a double: adding 2^52 puts a small whole number
    /// in the low bits of the mantissa, cheaper than a saturating
    /// conversion.
    #[inline(always)]
    fn of(value: f64) -> Outcome {
        Outcome(((value + 4_503_599_627_370_496.0).to_bits() & 63) as usize)
    }

    #[inline(always)]
    fn status(self) -> ItemStatus {
        STATUS_BY_CODE
            .get(self.0 >> 3)
            .copied()
            .unwrap_or(ItemStatus::InvalidRating)
    }

    #[inline(always)]
    fn grade_row(self) -> usize {
        self.0 & 7
    }
}

/// An opportunity's possibility as a column cell: NaN when not given,
/// and a given NaN as infinity, which is refused the same way.
fn possibility_cell(possibility: Option<f64>) -> f64 {
    match possibility {
        None => f64::NAN,
        Some(p) if p.is_nan() => f64::INFINITY,
        Some(p) => p,
    }
}

/// The table for close days counted `offset` days later than
/// [`day_number`](super::day_number): moving the table once per batch
/// instead of every close day gives the same comparisons as adding `offset`
/// to each close day, saturating (an unbounded horizon stays unbounded).
fn shift_table(mut table: CompiledTable, offset: i32) -> CompiledTable {
    if offset != 0 {
        table.as_of_day = table.as_of_day.saturating_sub(offset);
        for last in &mut table.last_close_day {
            if *last != i32::MAX {
                *last = last.saturating_sub(offset);
            }
        }
    }
    table
}

/// The grade by bands held (0-3), then `None` for the four rows of items
/// that are not graded.
const GRADE_BY_ROW: [Option<Grade>; 8] = [
    Some(Grade::D),
    Some(Grade::C),
    Some(Grade::B),
    Some(Grade::A),
    None,
    None,
    None,
    None,
];

/// [`GRADE_BY_ROW`] as codes, [`NO_GRADE_CODE`] for `None`.
const GRADE_CODE_BY_ROW: [u32; 8] = {
    let mut codes = [NO_GRADE_CODE; 8];
    let mut row = 0;
    while row < GRADE_BY_ROW.len() {
        if let Some(grade) = GRADE_BY_ROW[row] {
            codes[row] = grade as u32;
        }
        row += 1;
    }
    codes
};

impl Grader {
    /// Grades each opportunity as of `as_of` into `out` (one entry per
    /// opportunity).
    pub fn grade_batch(
        &self,
        opportunities: &[Opportunity],
        as_of: NaiveDate,
        out: &mut [BatchResult],
    ) -> Result<BatchSummary, BatchError> {
        check_len("results", opportunities.len(), out.len())?;
        if opportunities.len() > PARALLEL_PIECE {
            // Pieces graded apart, then counted together: the same results
            // as one pass, whatever the thread count.
            let pieces = crate::parallel::map_chunks_mut(out, PARALLEL_PIECE, |start, out| {
                let piece = opportunities
                    .get(start..start + out.len())
                    .unwrap_or_default();
                self.grade_batch(piece, as_of, out)
            });
            return pieces
                .into_iter()
                .try_fold(BatchSummary::default(), |total, piece| {
                    Ok(total.plus(piece?))
                });
        }
        let model = self.compiled_model();
        let table = self.compile_table(as_of);
        let mapping = &self.config().possibility;
        let mut summary = BatchSummary::default();
        let year_starts = YearStarts::around(as_of);
        let mut scratch = StructScratch::new();
        let StructScratch {
            possibilities,
            close_days,
            block,
        } = &mut *scratch;
        for (opportunities, out) in opportunities.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
            // The block's close days and possibilities turned into cells,
            // its ratings scored where they are, then the same steps as the
            // column form.
            let m = opportunities.len();
            for (j, opportunity) in opportunities.iter().enumerate() {
                if let (Some(day), Some(possibility)) =
                    (close_days.get_mut(j), possibilities.get_mut(j))
                {
                    *day = year_starts.day_number(opportunity.expected_close);
                    *possibility = possibility_cell(opportunity.possibility);
                }
            }
            block.score_rows(model, m, |j| {
                opportunities
                    .get(j)
                    .map_or([f64::NAN; FACTOR_COUNT], |o| o.ratings.to_array())
            });
            summary = summary.plus(block.finish(
                model,
                &table,
                mapping,
                &close_days[..m],
                &possibilities[..m],
            ));
            for (result, (&outcome, &score)) in
                out.iter_mut().zip(block.outcome.iter().zip(&block.score))
            {
                let outcome = Outcome::of(outcome);
                let mut grade = None;
                grade.set_row(outcome.grade_row());
                *result = BatchResult {
                    status: outcome.status(),
                    grade,
                    score,
                };
            }
        }
        Ok(summary)
    }

    /// Grades each opportunity as of `as_of` into a new vector (one
    /// allocation for the whole batch).
    pub fn grade_all(&self, opportunities: &[Opportunity], as_of: NaiveDate) -> Vec<BatchResult> {
        let empty = BatchResult {
            status: ItemStatus::InvalidRating,
            grade: None,
            score: f64::NAN,
        };
        let mut out = vec![empty; opportunities.len()];
        // Lengths match by construction, so this cannot fail.
        let _ = self.grade_batch(opportunities, as_of, &mut out);
        out
    }

    /// Grades the items of `input` as of `as_of` into `output`. Every
    /// column must have one entry per item (the length of `possibility`).
    pub fn grade_columns(
        &self,
        as_of: NaiveDate,
        input: &ColumnInput<'_>,
        output: &mut ColumnOutput<'_>,
    ) -> Result<BatchSummary, BatchError> {
        self.grade_column_cells::<_, _, 0>(as_of, input, output.status, output.grade, output.score)
    }

    /// [`Grader::grade_columns`] into any kind of status and grade cells
    /// (the C ABI writes codes). Each close day plus `CLOSE_DAY_OFFSET`
    /// (saturating) is its [`day_number`](super::day_number), so the C ABI
    /// can pass days since the Unix epoch.
    pub(crate) fn grade_column_cells<
        S: StatusCell + Send,
        G: GradeCell + Send,
        const CLOSE_DAY_OFFSET: i32,
    >(
        &self,
        as_of: NaiveDate,
        input: &ColumnInput<'_>,
        statuses: &mut [S],
        grades: &mut [G],
        scores: &mut [f64],
    ) -> Result<BatchSummary, BatchError> {
        let n = input.possibility.len();
        for (column, values) in RATING_COLUMNS.iter().zip(&input.ratings) {
            check_len(column, n, values.len())?;
        }
        check_len("close_day", n, input.close_day.len())?;
        check_len("status", n, statuses.len())?;
        check_len("grade", n, grades.len())?;
        check_len("score", n, scores.len())?;
        if n > PARALLEL_PIECE {
            // Pieces graded apart, then counted together: the same results
            // as one pass, whatever the thread count.
            let pieces = crate::parallel::map_chunks_mut3(
                (statuses, grades, scores),
                PARALLEL_PIECE,
                |start, statuses, grades, scores| {
                    let piece = input.part(start, statuses.len());
                    self.grade_column_cells::<S, G, CLOSE_DAY_OFFSET>(
                        as_of, &piece, statuses, grades, scores,
                    )
                },
            );
            return pieces
                .into_iter()
                .try_fold(BatchSummary::default(), |total, piece| {
                    Ok(total.plus(piece?))
                });
        }

        let model = self.compiled_model();
        let mapping = &self.config().possibility;
        let table = shift_table(self.compile_table(as_of), CLOSE_DAY_OFFSET);
        let [c0, c1, c2, c3, c4, c5, c6, c7, c8] = input.ratings;
        let rows = input
            .close_day
            .chunks(BLOCK)
            .zip(input.possibility.chunks(BLOCK))
            .zip(statuses.chunks_mut(BLOCK))
            .zip(grades.chunks_mut(BLOCK).zip(scores.chunks_mut(BLOCK)));
        let mut summary = BatchSummary::default();
        let mut block = Block::new();
        for (block_index, (((close_days, possibilities), statuses), (grades, scores))) in
            rows.enumerate()
        {
            let start = block_index * BLOCK;
            let end = start + close_days.len();
            let (
                Some(c0),
                Some(c1),
                Some(c2),
                Some(c3),
                Some(c4),
                Some(c5),
                Some(c6),
                Some(c7),
                Some(c8),
            ) = (
                c0.get(start..end),
                c1.get(start..end),
                c2.get(start..end),
                c3.get(start..end),
                c4.get(start..end),
                c5.get(start..end),
                c6.get(start..end),
                c7.get(start..end),
                c8.get(start..end),
            )
            else {
                // Unreachable: every column was checked to hold `n` entries.
                break;
            };
            let m = end - start;
            block.score(model, [c0, c1, c2, c3, c4, c5, c6, c7, c8], m);
            summary = summary.plus(block.finish(model, &table, mapping, close_days, possibilities));
            let outcomes = block.outcome.iter().map(|&outcome| Outcome::of(outcome));
            for ((status, grade), outcome) in
                statuses.iter_mut().zip(grades.iter_mut()).zip(outcomes)
            {
                status.set(outcome.status());
                grade.set_row(outcome.grade_row());
            }
            for (score, &scored) in scores.iter_mut().zip(&block.score) {
                *score = scored;
            }
        }
        Ok(summary)
    }
}

/// The grade changes between two gradings of the same items (for example
/// the `grade` columns of two batches), with each item's index.
pub fn grade_changes<'a>(
    previous: &'a [Option<Grade>],
    current: &'a [Option<Grade>],
    previous_as_of: NaiveDate,
    as_of: NaiveDate,
) -> Result<impl Iterator<Item = (usize, GradeChange)> + 'a, BatchError> {
    check_len("current", previous.len(), current.len())?;
    Ok(previous
        .iter()
        .zip(current)
        .enumerate()
        .filter_map(move |(i, (&from, &to))| {
            GradeChange::of(from, to, previous_as_of, as_of).map(|change| (i, change))
        }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::{day_number, Ratings};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_bad_item_does_not_stop_the_rest() {
        let grader = Grader::default();
        let as_of = date(2026, 1, 15);
        let good = Opportunity {
            ratings: Ratings::uniform(7.0),
            expected_close: date(2026, 3, 1),
            possibility: Some(0.8),
        };
        let mut nan = good;
        nan.possibility = Some(f64::NAN);
        let mut stale = good;
        stale.expected_close = date(2025, 12, 1);
        let mut derived = good;
        derived.possibility = None;
        let results = grader.grade_all(&[good, nan, stale, good, derived], as_of);
        let statuses: Vec<_> = results.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            vec![
                ItemStatus::Graded,
                ItemStatus::InvalidPossibility,
                ItemStatus::CloseDateInPast,
                ItemStatus::Graded,
                ItemStatus::Graded,
            ]
        );
        assert_eq!(results[3].grade, Some(Grade::A));
        // Score 7 derives 0.88 on the default curve: A within three months.
        assert_eq!(results[4].grade, Some(Grade::A));
        assert!(results[4].same_as(&BatchResult::from_result(&grader.grade(&derived, as_of))));
    }

    #[test]
    fn a_column_without_possibilities_grades_by_the_derived_one() {
        let grader = Grader::default();
        let as_of = date(2026, 1, 15);
        let close = day_number(date(2026, 3, 1));
        // Scores 7, 4 and unknown (too few ratings known).
        let ratings = [[7.0, 4.0, f64::NAN]; FACTOR_COUNT];
        let input = ColumnInput {
            ratings: ratings.each_ref().map(|c| &c[..]),
            close_day: &[close; 3],
            possibility: &[f64::NAN; 3],
        };
        let mut status = [ItemStatus::Graded; 3];
        let mut grade = [None; 3];
        let mut score = [0.0; 3];
        let mut output = ColumnOutput {
            status: &mut status,
            grade: &mut grade,
            score: &mut score,
        };
        grader.grade_columns(as_of, &input, &mut output).unwrap();
        assert_eq!(status[0], ItemStatus::Graded);
        assert_eq!(grade[0], Some(Grade::A));
        assert_eq!(status[1], ItemStatus::LowerContactLevel);
        assert_eq!(status[2], ItemStatus::NotEnoughKnown);
        for (i, r) in [7.0, 4.0, f64::NAN].into_iter().enumerate() {
            let one = Opportunity {
                ratings: Ratings::uniform(r),
                expected_close: date(2026, 3, 1),
                possibility: None,
            };
            let expected = BatchResult::from_result(&grader.grade(&one, as_of));
            assert_eq!((expected.status, expected.grade), (status[i], grade[i]));
        }
    }

    #[test]
    fn columns_of_the_wrong_length_are_named() {
        let grader = Grader::default();
        let full = [7.0; 2];
        let short = [7.0; 1];
        let mut ratings = [&full[..]; FACTOR_COUNT];
        ratings[6] = &short;
        let input = ColumnInput {
            ratings,
            close_day: &[day_number(date(2026, 3, 1)); 2],
            possibility: &[0.8; 2],
        };
        let mut status = [ItemStatus::Graded; 2];
        let mut grade = [None; 2];
        let mut score = [0.0; 2];
        let mut output = ColumnOutput {
            status: &mut status,
            grade: &mut grade,
            score: &mut score,
        };
        assert_eq!(
            grader.grade_columns(date(2026, 1, 15), &input, &mut output),
            Err(BatchError::LengthMismatch {
                column: "ratings.competition_prices",
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn rating_columns_are_named_after_the_factors() {
        for (name, factor) in RATING_COLUMNS.iter().zip(crate::grading::Factor::ALL) {
            assert_eq!(
                *name,
                format!("ratings.{}", crate::labels::Labelled::key(factor))
            );
        }
    }

    #[test]
    fn changes_between_batches_are_listed() {
        let before = [Some(Grade::C), Some(Grade::A), None];
        let after = [Some(Grade::A), Some(Grade::A), Some(Grade::D)];
        let changes: Vec<_> = grade_changes(&before, &after, date(2026, 1, 1), date(2026, 6, 1))
            .unwrap()
            .map(|(i, c)| (i, c.from, c.to))
            .collect();
        assert_eq!(
            changes,
            vec![
                (0, Some(Grade::C), Some(Grade::A)),
                (2, None, Some(Grade::D))
            ]
        );
    }
}
