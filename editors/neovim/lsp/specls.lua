-- The specls configuration for Neovim 0.11+, found on the runtimepath by
-- vim.lsp.config: `vim.lsp.enable('specls')` starts the server for the
-- Markdown files of OpenSpec trees with no setup call. Change it as any
-- other server's, e.g. vim.lsp.config('specls', { cmd = { '/path/to/specls', 'lsp' } }).
return require("specls").lsp_config()
