//! Editor features checked against the rules: what a quick fix, a rename
//! or a completion writes is read again and run through every rule. These
//! tests need both layers, which otherwise know nothing of each other, so
//! they live above them.

mod completion;
mod fixes;
mod rename;
mod rename_formats;
