//! The plan: typed changes in dependency order, and the pipeline that makes it
//! (state -> resolve -> diff -> graph).

mod model;
mod problem;
pub mod saved;

pub use model::*;
pub use problem::{PlanProblem, PlanProblems};
pub use saved::{SavedPlan, SavedPlanError, SavedSource, SavedUndo};
