//! A-D opportunity grading.
//!
//! Not every project is an opportunity. Those that pass evaluation are
//! graded A to D by estimated transaction time and transaction possibility,
//! and the grade decides how much of the sales force they get.

use crate::labelled_enum;

labelled_enum! {
    /// The grade of an opportunity that passed evaluation.
    pub enum Grade {
        /// Closes soon and likely: go all out and enter the sales process.
        A = 0, "a" => ("A", "A级"),
        /// Control the time invested; maintain the customer.
        B = 1, "b" => ("B", "B级"),
        /// Watch for changes; maintain.
        C = 2, "c" => ("C", "C级"),
        /// Maintain last.
        D = 3, "d" => ("D", "D级"),
    }
}
