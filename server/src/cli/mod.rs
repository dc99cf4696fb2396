//! The terminal front end.

pub mod check;
pub mod render;
pub mod tasks;
