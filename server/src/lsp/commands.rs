//! `workspace/executeCommand`: the commands the server runs
//! (`specls.taskGraph`).

use std::str::FromStr;

use serde_json::Value;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

use super::state::View;
use crate::ide::taskgraph;

/// Returns a change's task graph: `[{"uri", "format"}]`.
pub const TASK_GRAPH: &str = "specls.taskGraph";

/// The commands the server runs.
pub fn commands() -> Vec<String> {
    vec![TASK_GRAPH.to_string()]
}

/// The document a `specls.taskGraph` call is about, for the handler to
/// wait on.
pub fn command_uri(p: &lsp::ExecuteCommandParams) -> Option<Uri> {
    let uri = p.arguments.first()?.get("uri")?.as_str()?;
    Uri::from_str(uri).ok()
}

/// Runs `specls.taskGraph`: a string for `text` and `mermaid`, the JSON
/// object of `specls tasks --format json` for `json`. The error is a
/// message for an invalid-params response.
pub fn task_graph(v: &View, p: &lsp::ExecuteCommandParams) -> Result<Value, String> {
    let arg = p.arguments.first().cloned().unwrap_or(Value::Null);
    let format = match arg.get("format") {
        None | Some(Value::Null) => "text",
        Some(Value::String(f)) => f.as_str(),
        Some(other) => return Err(format!("\"format\" must be a string, not {other}")),
    };
    if !matches!(format, "text" | "mermaid" | "json") {
        return Err(format!(
            "unknown format \"{format}\": use \"text\", \"mermaid\" or \"json\""
        ));
    }
    let uri = command_uri(p).ok_or_else(|| {
        format!("{TASK_GRAPH} takes [{{\"uri\": <a file of the change>, \"format\": \"text\"|\"mermaid\"|\"json\"}}]")
    })?;
    let outside = || format!("{} is not in a spec workspace", uri.as_str());
    let place = v.uri_place(&uri).ok_or_else(outside)?;
    let ws = v.ws(place.root).ok_or_else(outside)?;
    let Some(cg) = taskgraph::for_file(ws, &place.rel) else {
        let kind = crate::workspace::kind_of(&place.rel);
        return Err(match (kind.change(), kind.feature()) {
            (Some(c), _) => format!("change \"{}\" has no tasks.md", c.id),
            (_, Some(f)) => format!("feature \"{f}\" has no tasks.md"),
            _ => format!(
                "{} is not a file of an OpenSpec change or a Spec Kit or Kiro feature",
                uri.as_str()
            ),
        });
    };
    Ok(match format {
        "json" => cg.to_json(),
        "mermaid" => Value::String(cg.to_mermaid()),
        _ => Value::String(cg.to_text()),
    })
}
