use super::Sink;
use crate::workspace::Workspace;
pub fn check(_ws: &Workspace, _sink: &mut Sink) {}
