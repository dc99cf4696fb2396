-- Loaded at startup whether or not require("specls").setup{…} is called
-- (Neovim 0.11+ users may only call vim.lsp.enable('specls'), which reads
-- lsp/specls.lua): the user commands, and what specls does for each buffer
-- it attaches to. Refuses Neovim versions the plugin does not support.
if vim.g.loaded_specls then
  return
end
vim.g.loaded_specls = 1

if vim.fn.has("nvim-0.7") == 0 then
  vim.api.nvim_echo({ { "specls: Neovim 0.7 or later is required", "ErrorMsg" } }, true, {})
  return
end

vim.api.nvim_create_user_command("SpeclsTaskGraph", function()
  require("specls").show_task_graph(nil, { bufnr = vim.api.nvim_get_current_buf() })
end, { desc = "specls: show the task graph of this tasks.md" })
vim.api.nvim_create_user_command("SpeclsRestart", function()
  require("specls").restart()
end, { desc = "specls: restart the language server" })

if vim.fn.has("nvim-0.8") == 1 then
  vim.api.nvim_create_autocmd("LspAttach", {
    group = vim.api.nvim_create_augroup("specls_attach", { clear = true }),
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == "specls" then
        require("specls")._attach_buffer(client, ev.buf)
      end
    end,
  })
end
