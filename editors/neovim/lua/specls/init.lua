-- specls for Neovim: starts `specls lsp` for Markdown files of an OpenSpec
-- tree, handles the server's client-side commands, and adds the RFC 2119 /
-- step keyword highlight queries.
--
-- Neovim 0.11+ goes through vim.lsp.config/vim.lsp.enable; older versions
-- (0.7 and later) start one client per workspace root on FileType markdown.

local M = {}

local uv = vim.loop

local defaults = {
  -- The server command. Its first element is the executable, looked up on
  -- PATH unless it is a path.
  cmd = { "specls", "lsp" },
  -- Sent as initializationOptions and served on workspace/configuration
  -- (section "specls"); the keys of specls.toml, see docs/lsp.md.
  settings = {
    rules = {},
    diagnostics = {},
  },
  filetypes = { "markdown" },
  -- Passed through to the client.
  on_attach = nil,
  capabilities = nil,
  -- Add the keyword highlight queries (grammars/) to the runtimepath.
  highlights = true,
  -- Use vim.lsp.config/vim.lsp.enable where available (Neovim 0.11+).
  -- false forces the FileType autocommand used on older versions.
  native = true,
}

M.config = nil

-- Root folder => client id, for the pre-0.11 path.
local clients_by_root = {}
-- Client ids stopped on purpose (restart), whose exit is not an error.
local stopping = {}
local warned_missing = false

--- Where the user reads the LSP log: :LspLog when something (such as
--- nvim-lspconfig) defines it, else the log file itself.
local function log_hint()
  if vim.fn.exists(":LspLog") == 2 then
    return ":LspLog"
  end
  return "the LSP log (" .. vim.lsp.get_log_path() .. ")"
end

local function notify(msg, level)
  vim.schedule(function()
    vim.notify("specls: " .. msg, level or vim.log.levels.ERROR)
  end)
end

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function parent(path)
  local p = path:match("^(.*)/[^/]*$")
  if p == nil or p == "" then
    return "/"
  end
  return p
end

local function normalize(path)
  if path == nil or path == "" then
    return nil
  end
  path = vim.fn.fnamemodify(path, ":p")
  local real = uv.fs_realpath(path)
  if real then
    path = real
  end
  if #path > 1 then
    path = path:gsub("/+$", "")
  end
  return path
end

local function is_file(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "file"
end

local function inside(path, dir)
  local prefix = (dir == "/" and "" or dir) .. "/"
  return path:sub(1, #prefix) == prefix
end

--- The folders under `dir` whose Markdown files belong to a spec tree rooted
--- at `dir`, or nil when `dir` is no such root: OpenSpec's `openspec/`;
--- GitHub Spec Kit's `.specify/` (or `memory/constitution.md` beside
--- `specs/`), with its `specs/` and `memory/`; Kiro's `.kiro/` holding
--- `specs/` or `steering/`.
local function tree_at(dir)
  local base = dir == "/" and "" or dir
  -- One folder may hold several formats' trees; the server reads them all.
  local trees = {}
  if is_dir(base .. "/openspec") then
    table.insert(trees, base .. "/openspec")
  end
  if is_dir(base .. "/.specify") or (is_file(base .. "/memory/constitution.md") and is_dir(base .. "/specs")) then
    vim.list_extend(trees, { base .. "/.specify", base .. "/specs", base .. "/memory" })
  end
  if is_dir(base .. "/.kiro/specs") or is_dir(base .. "/.kiro/steering") then
    table.insert(trees, base .. "/.kiro")
  end
  if #trees == 0 then
    return nil
  end
  return trees
end

--- The spec workspace root of a file: the nearest folder above it that
--- holds a spec tree (see tree_at), provided the file lies inside that
--- tree (so README.md next to `openspec/` is left alone, as in the VS Code
--- extension). nil when the file is not part of such a tree.
function M.root_for(path)
  path = normalize(path)
  if path == nil then
    return nil
  end
  local dir = parent(path)
  while true do
    local tree = tree_at(dir)
    if tree ~= nil then
      for _, d in ipairs(tree) do
        if inside(path, d) then
          return dir
        end
      end
      return nil
    end
    local up = parent(dir)
    if up == dir then
      return nil
    end
    dir = up
  end
end

--- Whether the server command can be started; says why not, once.
local function check_executable(cfg)
  local exe = cfg.cmd[1]
  if type(exe) == "string" and vim.fn.executable(exe) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    notify(
      string.format(
        "the language server `%s` was not found or is not executable. "
          .. "Install it with `cargo install --path server` (in the specls repository) "
          .. "or set its path with %s.",
        tostring(exe),
        M.config and M.config.from_setup and "require('specls').setup{ cmd = { '/path/to/specls', 'lsp' } }"
          or "vim.lsp.config('specls', { cmd = { '/path/to/specls', 'lsp' } })"
      )
    )
  end
  return false
end

-- Lua's empty table encodes as a JSON array; the server wants objects.
local function as_object(t)
  local out = vim.empty_dict()
  for k, v in pairs(t or {}) do
    out[k] = v
  end
  return out
end

--- The settings in the shape the server reads (docs/lsp.md, "Settings").
local function server_settings(settings)
  settings = settings or {}
  local out = vim.empty_dict()
  out.rules = as_object(settings.rules)
  out.diagnostics = as_object(settings.diagnostics)
  return out
end
M._server_settings = server_settings

local function on_exit(code, signal, client_id)
  for root, id in pairs(clients_by_root) do
    if id == client_id then
      clients_by_root[root] = nil
    end
  end
  if stopping[client_id] then
    stopping[client_id] = nil
    return
  end
  -- 15 (SIGTERM) is how Neovim ends a server that does not exit on its own
  -- when Neovim quits.
  if code ~= 0 or (signal ~= 0 and signal ~= 15) then
    -- on_exit runs in a loop callback, where log_hint()'s vim.fn calls
    -- are not allowed.
    vim.schedule(function()
      notify(
        string.format(
        "the language server exited abnormally (exit code %s, signal %s). "
          .. "See %s, then restart it with :SpeclsRestart.",
        tostring(code),
        tostring(signal),
        log_hint()
      )
    )
    end)
  end
end

local function refresh_lenses(bufnr)
  if vim.lsp.codelens.enable then
    -- 0.12+: the editor keeps them up to date itself once enabled.
    vim.lsp.codelens.enable(true, { bufnr = bufnr })
  elseif vim.fn.has("nvim-0.10") == 1 then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  elseif vim.api.nvim_get_current_buf() == bufnr then
    -- Before 0.10 refresh() works on the current buffer only.
    vim.lsp.codelens.refresh()
  end
end
M._refresh_lenses = refresh_lenses

--- What specls does for every buffer it attaches to: completion through
--- <C-x><C-o>, and code lenses (task progress, scenario coverage, the task
--- graph) fetched at once and again after each edit, since Neovim shows
--- them only when asked to.
local function attach_buffer(client, bufnr)
  vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  if client.server_capabilities.codeLensProvider then
    refresh_lenses(bufnr)
    if vim.lsp.codelens.enable == nil then
      local group = vim.api.nvim_create_augroup("specls_lens_" .. bufnr, { clear = true })
      vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "TextChanged" }, {
        group = group,
        buffer = bufnr,
        callback = function()
          refresh_lenses(bufnr)
        end,
      })
    end
  end
end

M._attach_buffer = attach_buffer

local function on_attach(client, bufnr)
  -- 0.8+ does this from plugin/specls.lua's LspAttach autocommand, which
  -- an on_attach given to vim.lsp.config cannot replace.
  if vim.fn.has("nvim-0.8") == 0 then
    attach_buffer(client, bufnr)
  end
  local user = M.config and M.config.on_attach
  if user then
    user(client, bufnr)
  end
end
M._on_attach = on_attach

local function client_config(cfg)
  local settings = server_settings(cfg.settings)
  return {
    name = "specls",
    cmd = cfg.cmd,
    filetypes = cfg.filetypes,
    init_options = settings,
    settings = { specls = settings },
    on_attach = on_attach,
    capabilities = cfg.capabilities,
    on_exit = on_exit,
    commands = { ["specls.showTaskGraph"] = function(...)
      return M.show_task_graph(...)
    end },
  }
end

local function get_clients(filter)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(filter)
  end
  local out = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if filter == nil or filter.name == nil or client.name == filter.name then
      if filter == nil or filter.bufnr == nil or vim.lsp.buf_is_attached(filter.bufnr, client.id) then
        table.insert(out, client)
      end
    end
  end
  return out
end
M._get_clients = get_clients

local function client_request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

-- Pre-0.11: one client per root, attached on FileType.
local function attach_legacy(bufnr)
  local cfg = M.config
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  if not vim.tbl_contains(cfg.filetypes, vim.bo[bufnr].filetype) then
    return
  end
  local root = M.root_for(vim.api.nvim_buf_get_name(bufnr))
  if root == nil then
    return
  end
  local id = clients_by_root[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    if not check_executable(cfg) then
      return
    end
    local conf = client_config(cfg)
    conf.root_dir = root
    conf.workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root },
    }
    if vim.lsp.start then
      -- 0.8+: start_client is deprecated in 0.11; vim.lsp.start attaches.
      id = vim.lsp.start(conf, { bufnr = bufnr, reuse_client = function()
        return false
      end })
    else
      id = vim.lsp.start_client(conf)
    end
    if id == nil then
      notify("could not start " .. table.concat(cfg.cmd, " "))
      return
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

local function setup_native(cfg)
  local conf = client_config(cfg)
  conf.name = nil
  conf.root_dir = function(bufnr, on_dir)
    local root = M.root_for(vim.api.nvim_buf_get_name(bufnr))
    if root ~= nil and check_executable(M.config) then
      on_dir(root)
    end
  end
  vim.lsp.config("specls", conf)
  vim.lsp.enable("specls")
end

--- Shows `text` (the task graph as Mermaid) in a scratch buffer in a split.
local function show_scratch(text, title)
  local lines = vim.split(text, "\n", { plain = true })
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].swapfile = false
  vim.bo[buf].filetype = "mermaid"
  pcall(vim.api.nvim_buf_set_name, buf, title)
  vim.bo[buf].modifiable = false
  vim.cmd("botright split")
  vim.api.nvim_win_set_buf(0, buf)
  M._last_graph_buf = buf
  return buf
end

-- The server answers with the Mermaid text; an object carrying it (as
-- `text`, `mermaid` or `graph`) is accepted too.
local function graph_text(result)
  if type(result) == "string" then
    return result
  end
  if type(result) == "table" then
    for _, key in ipairs({ "text", "mermaid", "graph", "content" }) do
      if type(result[key]) == "string" then
        return result[key]
      end
    end
  end
  return nil
end

--- Client-side command `specls.showTaskGraph` (also what code lenses on
--- tasks.md invoke): asks the server for `specls.taskGraph` and shows the
--- Mermaid text. `command.arguments` is `{ { uri = …, format = "mermaid" } }`;
--- without arguments the current buffer is used.
function M.show_task_graph(command, ctx)
  ctx = ctx or {}
  local bufnr = ctx.bufnr
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local args = command and command.arguments
  if args == nil or #args == 0 then
    args = { { uri = vim.uri_from_bufnr(bufnr), format = "mermaid" } }
  end
  local client
  if ctx.client_id then
    client = vim.lsp.get_client_by_id(ctx.client_id)
  end
  if client == nil then
    client = get_clients({ name = "specls", bufnr = bufnr })[1] or get_clients({ name = "specls" })[1]
  end
  if client == nil then
    notify("no specls language server is running for this buffer")
    return
  end
  local params = { command = "specls.taskGraph", arguments = args }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("the task graph could not be made: " .. (err.message or vim.inspect(err)))
      return
    end
    local text = graph_text(result)
    if text == nil then
      notify("the server sent no task graph for " .. tostring(args[1].uri))
      return
    end
    local name = vim.uri_to_fname(args[1].uri)
    show_scratch(text, "specls://task-graph/" .. vim.fn.fnamemodify(name, ":h:t"))
  end, bufnr)
end

--- Stops the specls clients; the next Markdown buffer of an OpenSpec tree
--- (or the buffers open now) starts them again. The buffers are those of
--- OpenSpec trees, not only those a client holds: after a crash there is
--- none left to ask.
function M.restart()
  local cfg = M.config or M.defaults()
  local any = false
  for _, client in ipairs(get_clients({ name = "specls" })) do
    any = true
    stopping[client.id] = true
    if vim.fn.has("nvim-0.11") == 1 then
      client:stop()
    else
      client.stop()
    end
  end
  clients_by_root = {}
  warned_missing = false
  local function start_again()
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if
        vim.api.nvim_buf_is_loaded(bufnr)
        and vim.tbl_contains(cfg.filetypes, vim.bo[bufnr].filetype)
        and M.root_for(vim.api.nvim_buf_get_name(bufnr)) ~= nil
      then
        if M._native or M.config == nil then
          vim.api.nvim_exec_autocmds("FileType", { buffer = bufnr, modeline = false })
        else
          attach_legacy(bufnr)
        end
      end
    end
  end
  if any then
    vim.defer_fn(start_again, 500)
  else
    start_again()
  end
end

local function add_queries(cfg)
  if not cfg.highlights then
    return
  end
  -- grammars/neovim sits beside editors/ in the repository; an installed
  -- plugin may carry its own copy in queries/ (see the README).
  local here = debug.getinfo(1, "S").source:sub(2)
  local plugin_root = parent(parent(parent(here)))
  local repo_queries = parent(parent(plugin_root)) .. "/grammars/neovim"
  if is_dir(repo_queries .. "/queries") then
    vim.opt.runtimepath:append(repo_queries)
  end
  require("specls.keywords").setup(function(path)
    return M.root_for(path) ~= nil
  end)
end

function M.defaults()
  return vim.deepcopy(defaults)
end

--- The configuration `lsp/specls.lua` gives vim.lsp.config (Neovim 0.11+),
--- for `vim.lsp.enable('specls')` without a setup call. Overrides go
--- through vim.lsp.config('specls', { … }) as for any server.
function M.lsp_config()
  if M.config == nil then
    M.config = M.defaults()
    M._native = true
    vim.lsp.commands["specls.showTaskGraph"] = M.show_task_graph
    add_queries(M.config)
  end
  local conf = client_config(M.config)
  conf.name = nil
  conf.root_dir = function(bufnr, on_dir)
    local root = M.root_for(vim.api.nvim_buf_get_name(bufnr))
    -- The command as vim.lsp.config('specls', …) may have changed it.
    local resolved = vim.lsp.config.specls
    if root ~= nil and check_executable({ cmd = resolved and resolved.cmd or M.config.cmd }) then
      on_dir(root)
    end
  end
  return conf
end

function M.setup(opts)
  local cfg = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  if type(cfg.cmd) == "string" then
    cfg.cmd = { cfg.cmd, "lsp" }
  end
  cfg.from_setup = true
  M.config = cfg

  vim.lsp.commands["specls.showTaskGraph"] = M.show_task_graph

  add_queries(cfg)

  M._native = cfg.native and vim.lsp.config ~= nil and vim.lsp.enable ~= nil
  local group = vim.api.nvim_create_augroup("specls", { clear = true })
  if M._native then
    setup_native(cfg)
    -- vim.lsp.enable skips a config whose command is not executable with
    -- only a line in the LSP log; say it where the user sees it.
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = cfg.filetypes,
      callback = function(ev)
        if M.root_for(vim.api.nvim_buf_get_name(ev.buf)) ~= nil then
          check_executable(M.config)
        end
      end,
    })
    return
  end

  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = cfg.filetypes,
    callback = function(ev)
      attach_legacy(ev.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      attach_legacy(bufnr)
    end
  end
end

return M
