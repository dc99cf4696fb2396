//! Graph algorithms over the index. The algorithms themselves sit in the
//! model layer, where the format readers' shared rules can use them too.

pub use crate::model::graph::strongly_connected;
