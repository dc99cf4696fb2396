//! Navigation requests: wired to the `ide` layer once it lands.

use tower_lsp_server::ls_types::*;

use super::state::State;

pub fn definition(_: &mut State, _: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    None
}
pub fn references(_: &mut State, _: ReferenceParams) -> Option<Vec<Location>> {
    None
}
pub fn hover(_: &mut State, _: HoverParams) -> Option<Hover> {
    None
}
pub fn document_symbols(_: &mut State, _: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    None
}
pub fn workspace_symbols(
    _: &mut State,
    _: WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    None
}
pub fn folding(_: &mut State, _: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    None
}
pub fn links(_: &mut State, _: DocumentLinkParams) -> Option<Vec<DocumentLink>> {
    None
}
