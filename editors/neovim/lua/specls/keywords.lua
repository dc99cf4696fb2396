-- Plain-text RFC 2119 and step keywords. Tree-sitter's markdown_inline tree
-- has no node for a word of plain text, so the highlight queries
-- (grammars/neovim) can only mark the bold forms; these window matches mark
-- the rest, in windows that show a Markdown file of an OpenSpec tree.

local M = {}

-- Vim regexes (very magic, case-sensitive). RFC 8174: only the uppercase
-- words are normative.
M.patterns = {
  SpeclsRfc2119 = [[\v\C<%(%(MUST|SHALL|SHOULD)%( +NOT)?|MAY|REQUIRED|RECOMMENDED|OPTIONAL)>]],
  -- A step keyword opening a line or a list item, plain or bold; uppercase
  -- step keywords anywhere.
  SpeclsStep = [[\v\C^\s*%([-*+]\s+)?%(\*\*|__)?\zs%(Given|When|Then|And|But)>|<%(GIVEN|WHEN|THEN|AND|BUT)>]],
}

local function define_groups()
  vim.cmd("highlight default link SpeclsRfc2119 Keyword")
  vim.cmd("highlight default link SpeclsStep Statement")
end

local function clear(win)
  local ok, ids = pcall(vim.api.nvim_win_get_var, win, "specls_match_ids")
  if ok and type(ids) == "table" then
    for _, id in ipairs(ids) do
      pcall(vim.fn.matchdelete, id, win)
    end
  end
  pcall(vim.api.nvim_win_del_var, win, "specls_match_ids")
end

--- Adds or removes the matches of the current window, for its buffer.
function M.refresh(is_openspec)
  local win = vim.api.nvim_get_current_win()
  local buf = vim.api.nvim_win_get_buf(win)
  local want = vim.bo[buf].filetype == "markdown" and is_openspec(vim.api.nvim_buf_get_name(buf))
  local ok, ids = pcall(vim.api.nvim_win_get_var, win, "specls_match_ids")
  local have = ok and type(ids) == "table"
  if want and not have then
    local new = {}
    for group, pattern in pairs(M.patterns) do
      table.insert(new, vim.fn.matchadd(group, pattern, 11))
    end
    vim.api.nvim_win_set_var(win, "specls_match_ids", new)
  elseif have and not want then
    clear(win)
  end
end

function M.setup(is_openspec)
  define_groups()
  local group = vim.api.nvim_create_augroup("specls_keywords", { clear = true })
  vim.api.nvim_create_autocmd("ColorScheme", { group = group, callback = define_groups })
  vim.api.nvim_create_autocmd({ "BufWinEnter", "WinEnter", "FileType" }, {
    group = group,
    callback = function()
      M.refresh(is_openspec)
    end,
  })
end

return M
