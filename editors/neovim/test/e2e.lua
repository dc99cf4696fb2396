-- End-to-end checks of the Neovim plugin against the real server, run by
-- tests/tests/neovim.rs as
--
--   nvim --headless --clean --cmd 'set rtp^=<editors/neovim>' -c 'luafile e2e.lua'
--
-- Environment:
--   SPECLS_BIN        the specls binary
--   SPECLS_WORKSPACE  a copy of examples/ (files are opened, never written)
--   SPECLS_CHECK      which check to run (see `checks` below)
--   SPECLS_NATIVE     "0" forces the pre-0.11 path (start_client on FileType)
--
-- Prints "ok …" per assertion and "SPECLS-NVIM-TEST PASS" at the end, then
-- quits with status 0; on a failure prints "FAIL: …" and quits with 1.

local bin = os.getenv("SPECLS_BIN")
local ws = os.getenv("SPECLS_WORKSPACE")
local check = os.getenv("SPECLS_CHECK")
local native = os.getenv("SPECLS_NATIVE") ~= "0"

local function out(line)
  io.stdout:write(line .. "\n")
  io.stdout:flush()
end

local Failure = {}

local function fail(msg)
  error(setmetatable({ msg = msg }, Failure), 2)
end

local function ok(cond, msg)
  if not cond then
    fail(msg)
  end
  out("ok " .. msg)
end

local function eq(got, want, msg)
  if got ~= want then
    fail(string.format("%s: expected %s, got %s", msg, vim.inspect(want), vim.inspect(got)))
  end
  out("ok " .. msg)
end

local function wait_for(what, ms, cond)
  if not vim.wait(ms, cond, 20) then
    fail("timed out after " .. ms .. " ms waiting for " .. what)
  end
end

-- Every vim.notify is kept so that the error messages can be asserted.
local notes = {}
local real_notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(notes, { msg = tostring(msg), level = level })
  return real_notify(msg, level, opts)
end

local function find_note(pattern, level)
  for _, n in ipairs(notes) do
    if n.msg:find(pattern, 1, true) and (level == nil or n.level == level) then
      return n
    end
  end
  return nil
end

local tasks = ws .. "/openspec/changes/add-call-transfer/tasks.md"
local transfer_spec = ws .. "/openspec/changes/add-call-transfer/specs/call-transfer/spec.md"

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    table.insert(lines, line)
  end
  return lines
end

local function open(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function specls_clients(bufnr)
  return require("specls")._get_clients({ name = "specls", bufnr = bufnr })
end

local function attached(bufnr)
  wait_for("the specls client to attach", 10000, function()
    local c = specls_clients(bufnr)[1]
    return c ~= nil and c.initialized ~= false and (c.server_capabilities ~= nil)
  end)
  return specls_clients(bufnr)[1]
end

local function setup(opts)
  opts = opts or {}
  opts.native = native
  require("specls").setup(opts)
  eq(require("specls")._native, native and vim.lsp.config ~= nil, "the plugin took the expected start path")
end

local function current_path()
  return vim.loop.fs_realpath(vim.api.nvim_buf_get_name(0)) or vim.api.nvim_buf_get_name(0)
end

local checks = {}

-- Diagnostics of tasks.md: examples/README.md rows 1–4 (lines 1-based
-- there, 0-based here).
checks.diagnostics = function()
  setup({ cmd = { bin, "lsp" } })
  ok(vim.lsp.commands["specls.showTaskGraph"] ~= nil, "specls.showTaskGraph is a client command")
  local buf = open(tasks)
  attached(buf)
  out("ok client attached to tasks.md")
  local want = {
    { code = "tasks/unknown-dependency", lnum = 32, severity = vim.diagnostic.severity.ERROR },
    { code = "tasks/broken-acceptance-link", lnum = 40, severity = vim.diagnostic.severity.ERROR },
    { code = "tasks/unlinked-acceptance", lnum = 42, severity = vim.diagnostic.severity.WARN },
    { code = "tasks/done-before-dependency", lnum = 27, severity = vim.diagnostic.severity.WARN },
  }
  local function by_code(code)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == code then
        return d
      end
    end
  end
  wait_for("the diagnostics of tasks.md", 15000, function()
    for _, w in ipairs(want) do
      if by_code(w.code) == nil then
        return false
      end
    end
    return true
  end)
  for _, w in ipairs(want) do
    local d = by_code(w.code)
    eq(d.lnum, w.lnum, w.code .. " line")
    eq(d.severity, w.severity, w.code .. " severity")
    eq(d.source, "specls", w.code .. " source")
  end
  -- `2.4` on line 33 follows an em dash (3 bytes in UTF-8, 1 UTF-16 unit):
  -- README row 1 puts it at byte 93 (1-based), so Neovim's 0-based byte
  -- column is 92 whatever encoding the client and server agreed on.
  local line = vim.api.nvim_buf_get_lines(buf, 32, 33, false)[1]
  eq(line:sub(93, 95), "2.4", "the fixture line has 2.4 at byte 93")
  local d = by_code("tasks/unknown-dependency")
  eq(d.col, 92, "unknown-dependency starts at 2.4 (byte column)")
  eq(d.end_col, 95, "unknown-dependency ends after 2.4 (byte column)")
end

-- Go to definition from a task's acceptance link and from a dependency.
checks.definition = function()
  setup({ cmd = { bin, "lsp" } })
  local buf = open(tasks)
  attached(buf)

  -- Line 12: `- Acceptance: [Nobody answers in time](specs/call-transfer/spec.md#scenario-nobody-answers-in-time)`
  local line = vim.api.nvim_buf_get_lines(buf, 11, 12, false)[1]
  local col = line:find("#scenario-nobody-answers-in-time", 1, true)
  ok(col ~= nil, "line 12 holds the acceptance link")
  vim.api.nvim_win_set_cursor(0, { 12, col + 3 })
  vim.lsp.buf.definition()
  wait_for("the jump to the scenario", 10000, function()
    return current_path():sub(-#"specs/call-transfer/spec.md") == "specs/call-transfer/spec.md"
  end)
  eq(current_path(), vim.loop.fs_realpath(transfer_spec), "definition opened the change's call-transfer spec")
  -- The heading line, read from the file rather than assumed.
  local heading
  for i, l in ipairs(read_lines(transfer_spec)) do
    if l == "#### Scenario: Nobody answers in time" then
      heading = i
    end
  end
  eq(heading, 67, "the scenario heading is on line 67 of the spec")
  eq(vim.api.nvim_win_get_cursor(0)[1], heading, "the cursor is on the scenario heading line")
  eq(vim.api.nvim_get_current_line(), "#### Scenario: Nobody answers in time", "the line under the cursor")

  -- Line 7: `- [ ] 1.3 Add … (requires 1.1)` goes to task 1.1 on line 3.
  vim.cmd("buffer " .. buf)
  line = vim.api.nvim_buf_get_lines(buf, 6, 7, false)[1]
  col = line:find("(requires 1.1)", 1, true)
  ok(col ~= nil, "line 7 holds (requires 1.1)")
  vim.api.nvim_win_set_cursor(0, { 7, col - 1 + #"(requires " })
  vim.lsp.buf.definition()
  wait_for("the jump to task 1.1", 10000, function()
    return vim.api.nvim_get_current_buf() == buf and vim.api.nvim_win_get_cursor(0)[1] == 3
  end)
  ok(vim.api.nvim_get_current_line():find("1.1 Add `transfer_queues`", 1, true) ~= nil, "landed on task 1.1")
end

-- Completion after `- **WHEN** ` offers the workspace's WHEN steps, e.g.
-- `a caller dials "+1 415 555 0100"` (connect-infrastructure, line 52).
checks.completion = function()
  setup({ cmd = { bin, "lsp" } })
  local spec = ws .. "/openspec/specs/dashboard/spec.md"
  local buf = open(spec)
  local client = attached(buf)
  local row = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, row, row, false, { "", "#### Scenario: Typed in the test", "", "- **WHEN** " })
  local last = vim.api.nvim_buf_line_count(buf)
  local text = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    -- ASCII line: bytes, UTF-16 units and UTF-32 units agree.
    position = { line = last - 1, character = #text },
  }
  local labels = {}
  wait_for("completion items", 15000, function()
    local res = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 5000) or {}
    local r = res[client.id] and res[client.id].result
    local items = r and (r.items or r) or {}
    labels = {}
    for _, it in ipairs(items) do
      table.insert(labels, (it.label or "") .. " | " .. (it.insertText or (it.textEdit and it.textEdit.newText) or ""))
    end
    for _, l in ipairs(labels) do
      if l:find("a caller dials", 1, true) then
        return true
      end
    end
    return false
  end)
  out("ok completion offers `a caller dials …` among " .. #labels .. " items")
end

-- specls.showTaskGraph (the command code lenses on tasks.md invoke) shows
-- the server's Mermaid text in a scratch buffer.
checks.task_graph = function()
  setup({ cmd = { bin, "lsp" } })
  local buf = open(tasks)
  local client = attached(buf)
  vim.lsp.commands["specls.showTaskGraph"](
    { command = "specls.showTaskGraph", arguments = { { uri = vim.uri_from_bufnr(buf), format = "mermaid" } } },
    { bufnr = buf, client_id = client.id }
  )
  local specls = require("specls")
  wait_for("the task graph buffer", 10000, function()
    return specls._last_graph_buf ~= nil or find_note("task graph", vim.log.levels.ERROR) ~= nil
  end)
  ok(specls._last_graph_buf ~= nil, "a task graph buffer was opened (no error)")
  local text = table.concat(vim.api.nvim_buf_get_lines(specls._last_graph_buf, 0, -1, false), "\n")
  ok(text:find("graph", 1, true) ~= nil or text:find("flowchart", 1, true) ~= nil, "the buffer holds a Mermaid graph")
  ok(text:find("1.1", 1, true) ~= nil and text:find("4.2", 1, true) ~= nil, "the graph names tasks 1.1 and 4.2")
  eq(vim.bo[specls._last_graph_buf].filetype, "mermaid", "the scratch buffer's filetype")
end

-- :SpeclsRestart stops the client and attaches a new one to the open
-- buffer, without reporting the stop as a crash.
checks.restart = function()
  setup({ cmd = { bin, "lsp" } })
  local buf = open(tasks)
  local first = attached(buf).id
  vim.cmd("SpeclsRestart")
  wait_for("a new client", 10000, function()
    local c = specls_clients(buf)[1]
    return c ~= nil and c.id ~= first and c.initialized ~= false
  end)
  out("ok a new client is attached after :SpeclsRestart")
  wait_for("diagnostics from the new client", 15000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "tasks/unknown-dependency" then
        return true
      end
    end
    return false
  end)
  out("ok the new client publishes diagnostics")
  eq(find_note("exited abnormally"), nil, "the restart is not reported as a crash")
end

-- settings reach the server (as initializationOptions and on
-- workspace/configuration): a rule turned off is gone, the others stay.
checks.settings = function()
  setup({ cmd = { bin, "lsp" }, settings = { rules = { ["tasks/unknown-dependency"] = "off" } } })
  local buf = open(tasks)
  local client = attached(buf)
  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      out[d.code] = true
    end
    return out
  end
  wait_for("the diagnostics of tasks.md", 15000, function()
    return codes()["tasks/broken-acceptance-link"] ~= nil
  end)
  ok(codes()["tasks/unlinked-acceptance"], "other rules still report")
  ok(not codes()["tasks/unknown-dependency"], "tasks/unknown-dependency is off")
  -- What the client answers when the server asks for section "specls".
  local conf = client.config.settings.specls
  eq(vim.fn.json_encode(conf.diagnostics), "{}", "empty settings tables are JSON objects")
  eq(find_note("invalid"), nil, "the server took the settings")
end

-- specls.showTaskGraph against a stub server (editors/vscode/test/host/
-- stub-server.js): the request keeps the contract, the answer is shown.
checks.task_graph_stub = function()
  local log = os.getenv("SPECLS_STUB_LOG")
  setup({ cmd = { "node", os.getenv("SPECLS_REPO") .. "/editors/vscode/test/host/stub-server.js" } })
  local buf = open(tasks)
  local client = attached(buf)
  local uri = vim.uri_from_bufnr(buf)
  -- As a code lens runs it, then as :SpeclsTaskGraph does.
  vim.lsp.commands["specls.showTaskGraph"](
    { command = "specls.showTaskGraph", arguments = { { uri = uri, format = "mermaid" } } },
    { bufnr = buf, client_id = client.id }
  )
  local specls = require("specls")
  wait_for("the task graph buffer", 10000, function()
    return specls._last_graph_buf ~= nil
  end)
  local first = specls._last_graph_buf
  eq(
    table.concat(vim.api.nvim_buf_get_lines(first, 0, -1, false), "\n"),
    "graph TD\n  t1_1[1.1] --> t1_2[1.2]\n",
    "the scratch buffer holds the server's Mermaid text"
  )
  eq(vim.bo[first].filetype, "mermaid", "the scratch buffer's filetype")
  eq(vim.bo[first].buftype, "nofile", "the scratch buffer is not a file")
  vim.cmd("wincmd p")
  specls._last_graph_buf = nil
  vim.cmd("SpeclsTaskGraph")
  wait_for("the second task graph buffer", 10000, function()
    return specls._last_graph_buf ~= nil
  end)
  local sent = {}
  for line in io.lines(log) do
    table.insert(sent, vim.fn.json_decode(line))
  end
  eq(#sent, 2, "two executeCommand requests")
  for _, p in ipairs(sent) do
    eq(p.command, "specls.taskGraph", "the server command")
    eq(vim.inspect(p.arguments), vim.inspect({ { uri = uri, format = "mermaid" } }), "the arguments")
  end
end

-- A missing binary is a clear error, and nothing is attached.
checks.missing_binary = function()
  setup({ cmd = { ws .. "/no-such-dir/specls", "lsp" } })
  local buf = open(tasks)
  wait_for("the missing-binary error", 5000, function()
    return find_note("was not found or is not executable", vim.log.levels.ERROR) ~= nil
  end)
  local n = find_note("was not found or is not executable", vim.log.levels.ERROR)
  ok(n.msg:find("no-such-dir/specls", 1, true) ~= nil, "the error names the command: " .. n.msg)
  eq(#specls_clients(buf), 0, "no client is attached")
end

-- A server that dies is a clear error.
checks.crash = function()
  setup({ cmd = { "sh", "-c", "exit 3" } })
  open(tasks)
  wait_for("the abnormal-exit error", 10000, function()
    return find_note("exited abnormally", vim.log.levels.ERROR) ~= nil
  end)
  ok(find_note("exit code 3", vim.log.levels.ERROR) ~= nil, "the error gives the exit code")
end

-- Neovim 0.11+: lsp/specls.lua makes `vim.lsp.enable('specls')` enough,
-- with the command changed the way any server's is, and no setup call.
checks.enable_without_setup = function()
  ok(vim.lsp.config ~= nil, "this Neovim has vim.lsp.config")
  vim.lsp.config("specls", { cmd = { bin, "lsp" } })
  vim.lsp.enable("specls")
  local buf = open(tasks)
  attached(buf)
  out("ok client attached to tasks.md without setup")
  wait_for("the diagnostics of tasks.md", 15000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "tasks/unknown-dependency" then
        return true
      end
    end
    return false
  end)
  out("ok diagnostics arrive")
  eq(vim.fn.exists(":SpeclsRestart"), 2, ":SpeclsRestart exists")
  eq(vim.fn.exists(":SpeclsTaskGraph"), 2, ":SpeclsTaskGraph exists")
  ok(vim.lsp.commands["specls.showTaskGraph"] ~= nil, "specls.showTaskGraph is a client command")
  -- A Markdown file outside openspec/ gets no client.
  local readme = open(ws .. "/README.md")
  vim.wait(500)
  eq(#specls_clients(readme), 0, "README.md beside openspec/ is left alone")
end

local function lens_titles(buf)
  local titles = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf) or {}) do
    if lens.command and lens.command.title then
      table.insert(titles, lens.command.title)
    end
  end
  return titles
end

local function has_title(buf, text)
  for _, t in ipairs(lens_titles(buf)) do
    if t == text then
      return true
    end
  end
  return false
end

-- Code lenses come on attach, without the user asking, and follow edits:
-- group 1 has 2 of 4 tasks done, 3 once 1.3 is checked.
checks.codelens = function()
  setup({ cmd = { bin, "lsp" } })
  local buf = open(tasks)
  attached(buf)
  wait_for("the code lenses of tasks.md", 15000, function()
    return has_title(buf, "2/4 done")
  end)
  out("ok lenses on attach: " .. table.concat(lens_titles(buf), ", "))
  eq(vim.api.nvim_buf_get_lines(buf, 6, 7, false)[1]:sub(1, 9), "- [ ] 1.3", "line 7 is the open task 1.3")
  vim.api.nvim_buf_set_text(buf, 6, 3, 6, 4, { "x" })
  -- What Neovim fires once the edit is made from Normal mode.
  vim.api.nvim_exec_autocmds("TextChanged", { buffer = buf, modeline = false })
  wait_for("the lens to count 1.3 as done", 15000, function()
    return has_title(buf, "3/4 done")
  end)
  out("ok lenses after the edit: " .. table.concat(lens_titles(buf), ", "))
end

-- Completion through <C-x><C-o> works in every version (0.10+ sets it
-- itself; earlier ones need the plugin to).
checks.omnifunc = function()
  setup({ cmd = { bin, "lsp" } })
  local buf = open(tasks)
  attached(buf)
  wait_for("omnifunc", 5000, function()
    return vim.bo[buf].omnifunc == "v:lua.vim.lsp.omnifunc"
  end)
  out("ok omnifunc is v:lua.vim.lsp.omnifunc")
  local readme = open(ws .. "/README.md")
  ok(vim.bo[readme].omnifunc ~= "v:lua.vim.lsp.omnifunc", "a buffer specls does not serve keeps its own omnifunc")
end

-- A server killed under the editor is reported with commands that exist
-- here, and :SpeclsRestart brings it back.
checks.restart_after_crash = function()
  local pidfile = ws .. "/../server.pid"
  setup({ cmd = { "sh", "-c", 'echo $$ > "$0"; exec "$1" lsp', pidfile, bin } })
  local buf = open(tasks)
  local first = attached(buf).id
  local pid
  wait_for("the server's pid", 5000, function()
    local f = io.open(pidfile)
    if f == nil then
      return false
    end
    pid = tonumber(f:read("*l"))
    f:close()
    return pid ~= nil
  end)
  vim.loop.kill(pid, 9)
  wait_for("the abnormal-exit error", 10000, function()
    return find_note("exited abnormally", vim.log.levels.ERROR) ~= nil
  end)
  local msg = find_note("exited abnormally").msg
  out("ok reported: " .. msg)
  ok(msg:find(":SpeclsRestart", 1, true) ~= nil and vim.fn.exists(":SpeclsRestart") == 2, "it names :SpeclsRestart, which exists")
  if vim.fn.exists(":LspLog") == 2 then
    ok(msg:find(":LspLog", 1, true) ~= nil, "it names :LspLog, which exists")
  else
    ok(msg:find(":LspLog", 1, true) == nil, "it does not name :LspLog, which does not exist here")
    ok(msg:find(vim.lsp.get_log_path(), 1, true) ~= nil, "it names the log file")
  end
  wait_for("the dead client to go", 5000, function()
    return #specls_clients(buf) == 0
  end)
  vim.cmd("SpeclsRestart")
  wait_for("a new client", 10000, function()
    local c = specls_clients(buf)[1]
    return c ~= nil and c.id ~= first and c.initialized ~= false
  end)
  out("ok a new client is attached after :SpeclsRestart")
  wait_for("diagnostics from the new client", 15000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "tasks/unknown-dependency" then
        return true
      end
    end
    return false
  end)
  out("ok the new client publishes diagnostics")
end

-- Spec Kit and Kiro trees get a root too (the server is learning their
-- formats); files beside the trees do not.
checks.roots = function()
  setup({ cmd = { bin, "lsp" } })
  local base = vim.loop.fs_realpath(ws .. "/..")
  local function write(rel)
    local path = base .. "/" .. rel
    vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
    local f = assert(io.open(path, "w"))
    f:write("# x\n")
    f:close()
    return path
  end
  local root_for = require("specls").root_for
  eq(root_for(tasks), vim.loop.fs_realpath(ws), "an OpenSpec file")
  eq(root_for(ws .. "/README.md"), nil, "README.md beside openspec/")
  vim.fn.mkdir(base .. "/kit/.specify", "p")
  eq(root_for(write("kit/specs/001-login/spec.md")), base .. "/kit", "a Spec Kit spec")
  eq(root_for(write("kit/memory/constitution.md")), base .. "/kit", "a Spec Kit constitution")
  eq(root_for(write("kit/README.md")), nil, "README.md beside .specify/")
  write("kit2/memory/constitution.md")
  eq(root_for(write("kit2/specs/002-x/plan.md")), base .. "/kit2", "Spec Kit without .specify/")
  eq(root_for(write("kiro/.kiro/specs/login/requirements.md")), base .. "/kiro", "a Kiro spec")
  eq(root_for(write("kiro/.kiro/steering/product.md")), base .. "/kiro", "a Kiro steering file")
  eq(root_for(write("kiro/docs/notes.md")), nil, "a Markdown file beside .kiro/")
  -- One folder holding several formats serves them all.
  vim.fn.mkdir(base .. "/mixed/openspec/specs", "p")
  vim.fn.mkdir(base .. "/mixed/.specify", "p")
  eq(root_for(write("mixed/.kiro/specs/a/tasks.md")), base .. "/mixed", "Kiro beside OpenSpec")
  eq(root_for(write("mixed/specs/001-a/spec.md")), base .. "/mixed", "Spec Kit beside OpenSpec")
  eq(root_for(write("mixed/openspec/specs/a/spec.md")), base .. "/mixed", "OpenSpec beside the others")
end

-- Spec Kit and Kiro files of the demo: their planted mistakes arrive as
-- diagnostics (examples/README.md rows S3–S6 and K3–K5), and go to
-- definition leads from a task's FR id to the requirement in spec.md.
checks.formats = function()
  -- Debug: so that a failure can show the messages exchanged.
  vim.lsp.set_log_level("debug")
  setup({ cmd = { bin, "lsp" } })
  local function expect(path, want)
    local buf = open(path)
    attached(buf)
    local function find(w)
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.code == w.code and d.lnum == w.lnum then
          return d
        end
      end
    end
    local function all_there()
      for _, w in ipairs(want) do
        if find(w) == nil then
          return false
        end
      end
      return true
    end
    if not vim.wait(15000, all_there, 20) then
      local got = {}
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        table.insert(got, string.format("%s@%d", tostring(d.code), d.lnum))
      end
      local log = {}
      for l in io.lines(vim.lsp.get_log_path()) do
        if l:find("publishDiagnostics", 1, true) or l:find("didOpen", 1, true) then
          table.insert(log, l:sub(1, 300))
        end
      end
      fail("timed out waiting for the diagnostics of " .. path .. "; the buffer has: " .. table.concat(got, ", ") .. "\nLOG:\n" .. table.concat(log, "\n"))
    end
    for _, w in ipairs(want) do
      eq(find(w).severity, w.severity, w.code .. " severity")
    end
    return buf
  end
  local E, W = vim.diagnostic.severity.ERROR, vim.diagnostic.severity.WARN
  local kit_tasks = ws .. "/specs/001-call-recording-consent/tasks.md"
  local buf = expect(kit_tasks, {
    { code = "speckit/story-label-mismatch", lnum = 85, severity = W },
    { code = "tasks/unknown-dependency", lnum = 86, severity = E },
    { code = "speckit/unknown-requirement", lnum = 89, severity = E },
    { code = "speckit/unknown-story", lnum = 99, severity = E },
  })
  out("ok Spec Kit diagnostics arrive")
  expect(ws .. "/.kiro/specs/callback-scheduling/tasks.md", {
    { code = "kiro/parent-done-early", lnum = 39, severity = W },
    { code = "kiro/unknown-criterion", lnum = 56, severity = E },
    { code = "kiro/unknown-property", lnum = 62, severity = E },
  })
  out("ok Kiro diagnostics arrive")

  -- T010 cites FR-001: definition lands on FR-001 in spec.md.
  vim.cmd("buffer " .. buf)
  local row
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find("T010 [US1]", 1, true) then
      row = i
    end
  end
  ok(row ~= nil, "tasks.md holds T010")
  local line = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
  local col = line:find("FR-001", 1, true)
  ok(col ~= nil, "T010 cites FR-001")
  vim.api.nvim_win_set_cursor(0, { row, col })
  vim.lsp.buf.definition()
  local spec = ws .. "/specs/001-call-recording-consent/spec.md"
  wait_for("the jump to FR-001", 10000, function()
    return current_path() == vim.loop.fs_realpath(spec)
  end)
  ok(vim.api.nvim_get_current_line():find("**FR-001**", 1, true) ~= nil, "landed on FR-001")
end

-- Keyword highlighting: the window matches everywhere, the tree-sitter
-- captures where Neovim has the markdown parsers (0.10+ ships them).
checks.highlights = function()
  setup({ cmd = { bin, "lsp" } })
  local buf = open(transfer_spec)
  -- The server is up before the check goes on, so that quitting meets it
  -- running rather than half started.
  attached(buf)
  local groups = {}
  for _, m in ipairs(vim.fn.getmatches()) do
    groups[m.group] = m.pattern
  end
  ok(groups.SpeclsRfc2119 ~= nil and groups.SpeclsStep ~= nil, "keyword matches are set in the spec's window")
  local function first(group, s)
    local m = vim.fn.matchstrpos(s, groups[group])
    return m[1]
  end
  eq(first("SpeclsRfc2119", "The system SHALL NOT drop a call"), "SHALL NOT", "SHALL NOT is one keyword")
  eq(first("SpeclsRfc2119", "it MAY retry"), "MAY", "MAY")
  eq(first("SpeclsRfc2119", "the system shall retry"), "", "lowercase shall is not normative")
  eq(first("SpeclsRfc2119", "MUSTARD"), "", "whole words only")
  eq(first("SpeclsStep", "- **WHEN** a caller dials"), "WHEN", "bold WHEN in a list item")
  eq(first("SpeclsStep", "  - When the caller hangs up"), "When", "plain When opening a list item")
  eq(first("SpeclsStep", "Then the board shows it"), "Then", "Then opening a line")
  eq(first("SpeclsStep", "the caller says when to call"), "", "lowercase when inside prose")

  -- The window of a Markdown file outside openspec/ gets no matches.
  vim.cmd("edit " .. vim.fn.fnameescape(ws .. "/README.md"))
  eq(#vim.fn.getmatches(), 0, "no keyword matches outside openspec/")
  vim.cmd("buffer " .. buf)
  ok(#vim.fn.getmatches() >= 2, "matches come back with the spec")

  local has_parser = vim.treesitter.language ~= nil
    and vim.treesitter.get_captures_at_pos ~= nil
    and pcall(vim.treesitter.language.add or vim.treesitter.language.require_language, "markdown_inline")
  if not has_parser then
    out("ok (no markdown_inline parser in this Neovim: tree-sitter captures not checked)")
    return
  end
  vim.treesitter.start(buf, "markdown")
  -- Line 69: `- **GIVEN** operator "Dana Whitfield" …`; column 4 is the G.
  eq(vim.api.nvim_buf_get_lines(buf, 68, 69, false)[1]:sub(1, 11), "- **GIVEN**", "line 69 opens with a bold GIVEN")
  vim.treesitter.get_parser(buf):parse(true)
  wait_for("the inline captures", 5000, function()
    for _, c in ipairs(vim.treesitter.get_captures_at_pos(buf, 68, 4)) do
      if c.capture == "keyword.step" then
        return true
      end
    end
    return false
  end)
  out("ok bold GIVEN is captured as @keyword.step")

  -- Helix's copy of the patterns (grammars/helix) is written for the same
  -- markdown_inline grammar: it must parse, and capture the same GIVEN.
  local helix = table.concat(read_lines(os.getenv("SPECLS_REPO") .. "/grammars/helix/markdown.inline/highlights.scm"), "\n")
  local query = vim.treesitter.query.parse("markdown_inline", helix)
  local found = {}
  for _, tree in pairs(vim.treesitter.get_parser(buf):children().markdown_inline:trees()) do
    for id, node in query:iter_captures(tree:root(), buf, 68, 69) do
      local sr, sc = node:range()
      if sr == 68 then
        found[sc] = query.captures[id]
      end
    end
  end
  eq(found[2], "keyword", "the Helix query captures **GIVEN** (from column 2) as keyword")
end

local function main()
  if checks[check] == nil then
    fail("unknown SPECLS_CHECK " .. tostring(check))
  end
  out("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. ", native=" .. tostring(native))
  checks[check]()
end

local done, err = xpcall(main, function(e)
  if getmetatable(e) == Failure then
    return e.msg
  end
  return debug.traceback(tostring(e), 2)
end)
-- Stop the language servers and wait for them to go before quitting: a
-- server that exits while Neovim is still writing to it would end Neovim
-- with SIGPIPE after the checks have passed.
local function stop_servers()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, client in ipairs(get()) do
    client.stop()
  end
  vim.wait(5000, function()
    return #get() == 0
  end, 20)
end

if done then
  stop_servers()
  out("SPECLS-NVIM-TEST PASS")
  vim.cmd("qall!")
else
  out("FAIL: " .. tostring(err))
  out("notifications: " .. vim.inspect(notes))
  vim.cmd("cquit 1")
end
