-- specls is configured with require("specls").setup{…}; this file only
-- refuses Neovim versions the plugin does not support.
if vim.g.loaded_specls then
  return
end
vim.g.loaded_specls = 1

if vim.fn.has("nvim-0.7") == 0 then
  vim.api.nvim_echo({ { "specls: Neovim 0.7 or later is required", "ErrorMsg" } }, true, {})
end
