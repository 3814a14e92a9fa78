//! Apply: carry out a plan against the server.

mod execute;
mod ops;
mod report;

pub(crate) use execute::is_temporary_title;
pub use execute::{
    ApplyObserver, ApplyOptions, Silent, album_update, apply, batch_values, photo_update,
};
pub use ops::{BATCH_CHUNK, BATCH_EDIT_FIELDS, Op, OpKind, build_ops};
pub use report::{ActionResult, ApplyReport, Status, describe};
