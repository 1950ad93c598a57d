-- End-to-end test of convox-lsp inside a real, headless Neovim (>= 0.11).
--
-- Run it through tests/nvim/run.sh, which finds Neovim, prepares a scratch
-- workspace and checks that the server is gone once Neovim has quit:
--
--   nvim --headless --clean -n -u tests/nvim/init.lua -l tests/nvim/e2e.lua \
--        <convox-lsp binary> <workspace dir> <repo root> [results file]
--
-- The workspace dir must hold a copy of examples/convox.yml (as convox.yml)
-- and of tests/nvim/fixtures/convox.broken.yml.
--
-- Neovim is configured only through the repository's own editors/neovim
-- files (lsp/convox.lua and ftdetect/convox.lua, put on 'runtimepath' by
-- tests/nvim/init.lua); the
-- test overrides nothing but `cmd` (absolute path to the binary under test),
-- an `on_exit` hook and, in one check, the offered position encodings.
--
-- Adding a check: write `check('what it proves', function() ... end, { needs = {...} })`
-- below the others. Inside, use H.fail/H.assert/H.wait_* (they raise on
-- failure) and optionally return a short detail string printed after "ok".
-- `needs` names earlier checks; if one of them failed, this one is skipped.

local SERVER, WORKDIR, ROOT, RESULTS = arg[1], arg[2], arg[3], arg[4]
local TIMEOUT = tonumber(vim.env.NVIM_E2E_TIMEOUT_MS) or 10000

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

if not (SERVER and WORKDIR and ROOT) then
  out('usage: nvim --headless --clean -n -u tests/nvim/init.lua -l e2e.lua <convox-lsp> <workdir> <repo-root> [results-file]')
  vim.cmd('cquit 2')
end

------------------------------------------------------------------------------
-- Harness
------------------------------------------------------------------------------

local H = {}
local S = {
  publishes = {}, -- realpath -> { count, diagnostics, version }: pushed or pulled
  pushed = 0, -- publishDiagnostics notifications (none: Neovim pulls, docs/links-and-pull-diagnostics.md)
  exits = {}, -- client id -> { code, signal }
  bufs = {}, -- fixture name -> bufnr
}

---@type { name: string, fn: function, needs: string[]? }[]
local checks = {}

--- Registers a check. `opts.needs` lists names of checks that must have passed; `opts.only =
--- false` leaves the check out of this run (a check of the other configuration).
local function check(name, fn, opts)
  if opts and opts.only == false then
    return
  end
  checks[#checks + 1] = { name = name, fn = fn, needs = opts and opts.needs or {} }
end

local FAIL = {}

function H.fail(fmt, ...)
  error(setmetatable({ msg = select('#', ...) > 0 and fmt:format(...) or fmt }, FAIL), 0)
end

function H.assert(cond, fmt, ...)
  if not cond then
    H.fail(fmt, ...)
  end
  return cond
end

function H.eq(got, want, what)
  if not vim.deep_equal(got, want) then
    H.fail('%s: expected %s, got %s', what, vim.inspect(want), vim.inspect(got))
  end
end

--- Waits until pred() is truthy, fails after `timeout` ms (default TIMEOUT).
--- `detail` (string or function returning one) is appended to the failure message.
function H.wait(what, pred, timeout, detail)
  timeout = timeout or TIMEOUT
  if not vim.wait(timeout, pred, 20) then
    if type(detail) == 'function' then
      detail = detail()
    end
    H.fail('timed out after %d ms waiting for %s%s', timeout, what, detail and ('; ' .. detail) or '')
  end
end

function H.realpath(path)
  return vim.uv.fs_realpath(path) or vim.fs.normalize(path)
end

--- :edit a file of the workspace; returns its bufnr.
function H.open(name)
  vim.cmd.edit(vim.fn.fnameescape(WORKDIR .. '/' .. name))
  local bufnr = vim.api.nvim_get_current_buf()
  S.bufs[name] = bufnr
  return bufnr
end

--- The initialized convox client attached to bufnr, or nil.
function H.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'convox' })[1]
end

function H.wait_attached(bufnr)
  local c
  local exits_before = vim.tbl_count(S.exits)
  H.wait('convox-lsp to attach to ' .. vim.api.nvim_buf_get_name(bufnr), function()
    c = H.client(bufnr)
    if c == nil and vim.tbl_count(S.exits) > exits_before then
      H.fail('the server exited before initializing: %s (see lsp.log)', vim.inspect(S.exits, { newline = ' ', indent = '' }))
    end
    return c ~= nil
  end, nil, function()
    return ('filetype=%q, clients of any name on buffer: %d (see lsp.log for a start-up error)'):format(
      vim.bo[bufnr].filetype,
      #vim.lsp.get_clients({ bufnr = bufnr, _uninitialized = true })
    )
  end)
  return c
end

--- Pids of running child processes of this Neovim that run the server binary
--- (process name = its basename, or /proc/PID/cmdline naming it).
function H.server_pids()
  local base = vim.fs.basename(SERVER):sub(1, 15) -- Linux truncates comm to 15
  local pids = {}
  for _, pid in ipairs(vim.api.nvim_get_proc_children(vim.fn.getpid())) do
    local p = vim.api.nvim_get_proc(pid)
    local f = io.open(('/proc/%d/cmdline'):format(pid), 'rb')
    local cmdline = f and f:read('*a') or ''
    if f then
      f:close()
    end
    if (p and p.name == base) or cmdline:find(SERVER, 1, true) then
      pids[#pids + 1] = pid
    end
  end
  return pids
end

function H.is_error(d)
  return d.severity == nil or d.severity == vim.lsp.protocol.DiagnosticSeverity.Error
end

function H.errors(diags)
  return vim.tbl_filter(H.is_error, diags or {})
end

function H.fmt_diags(diags)
  if not diags then
    return 'none received'
  end
  if #diags == 0 then
    return '[] (empty)'
  end
  local parts = {}
  for _, d in ipairs(diags) do
    parts[#parts + 1] = ('%d:%d-%d:%d sev=%s source=%s code=%s %q'):format(
      d.range.start.line,
      d.range.start.character,
      d.range['end'].line,
      d.range['end'].character,
      tostring(d.severity),
      tostring(d.source),
      tostring(d.code),
      d.message
    )
  end
  return '[' .. table.concat(parts, '; ') .. ']'
end

function H.publish(bufnr)
  return S.publishes[H.realpath(vim.api.nvim_buf_get_name(bufnr))]
end

--- Number of publishDiagnostics notifications received so far for bufnr.
function H.pub_count(bufnr)
  local p = H.publish(bufnr)
  return p and p.count or 0
end

--- Waits for a publishDiagnostics for bufnr newer than the `after`-th one
--- whose diagnostics satisfy pred; returns them.
function H.wait_diagnostics(bufnr, after, what, pred)
  H.wait(what, function()
    local p = H.publish(bufnr)
    return p ~= nil and p.count > after and pred(p.diagnostics)
  end, nil, function()
    local p = H.publish(bufnr)
    return 'last publishDiagnostics: ' .. (p and H.fmt_diags(p.diagnostics) or 'none received')
  end)
  return H.publish(bufnr).diagnostics
end

--- Error diagnostics that Neovim itself holds for bufnr (from the convox client).
function H.nvim_errors(bufnr)
  return vim.tbl_filter(function(d)
    return d.source == nil or d.source == 'convox-lsp'
  end, vim.diagnostic.get(bufnr, { severity = vim.diagnostic.severity.ERROR }))
end

--- Synchronous LSP request from the convox client attached to bufnr.
function H.request(bufnr, method, params)
  local c = H.assert(H.client(bufnr), 'no convox client attached to buffer %d', bufnr)
  local resp, err = c:request_sync(method, params or { textDocument = vim.lsp.util.make_text_document_params(bufnr) }, TIMEOUT, bufnr)
  H.assert(resp ~= nil, '%s: no response (%s)', method, tostring(err))
  H.assert(resp.err == nil, '%s: error response %s', method, vim.inspect(resp.err))
  return resp.result
end

--- 0-based index of the first buffer line matching the Lua pattern.
function H.find_line(bufnr, pat)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if l:find(pat) then
      return i - 1
    end
  end
  H.fail('no line matching %q in %s', pat, vim.api.nvim_buf_get_name(bufnr))
end

function H.child(symbols, name)
  for _, s in ipairs(symbols or {}) do
    if s.name == name then
      return s
    end
  end
end

function H.names(symbols)
  return vim.tbl_map(function(s)
    return s.name
  end, symbols or {})
end

--- Asserts that top-level symbol `section` exists with at least `children`.
function H.expect_section(symbols, section, children)
  local s = H.child(symbols, section)
  H.assert(s, 'no top-level symbol %q; top level is %s', section, vim.inspect(H.names(symbols)))
  for _, name in ipairs(children) do
    H.assert(
      H.child(s.children, name),
      'symbol %q has no child %q; children are %s',
      section,
      name,
      vim.inspect(H.names(s.children))
    )
  end
  return s
end

------------------------------------------------------------------------------
-- Neovim setup: only the repository's editors/neovim files + the binary path
------------------------------------------------------------------------------

-- tests/nvim/init.lua (given with -u) has put editors/neovim on 'runtimepath'
-- before start-up enabled filetype detection, which sourced ftdetect/convox.lua.
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'F'
if vim.env.NVIM_E2E_LSP_LOG then
  vim.lsp.log.set_level(vim.env.NVIM_E2E_LSP_LOG) -- e.g. 'debug' logs every message
end

local orig_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    local key = H.realpath(vim.uri_to_fname(result.uri))
    local p = S.publishes[key] or { count = 0 }
    p.count = p.count + 1
    p.diagnostics = result.diagnostics
    p.version = result.version
    S.publishes[key] = p
    S.pushed = S.pushed + 1
  end
  return orig_publish(err, result, ctx, config)
end

-- Neovim >= 0.10 pulls diagnostics (textDocument/diagnostic) from a server that offers them;
-- the server then pushes none. A pulled report counts like a published one; `unchanged` keeps
-- the last diagnostics.
local orig_pull = vim.lsp.handlers['textDocument/diagnostic']
vim.lsp.handlers['textDocument/diagnostic'] = function(err, result, ctx, config)
  local uri = ctx.params and ctx.params.textDocument and ctx.params.textDocument.uri
  if result and uri then
    local key = H.realpath(vim.uri_to_fname(uri))
    local p = S.publishes[key] or { count = 0, diagnostics = {} }
    p.count = p.count + 1
    if result.kind == 'full' then
      p.diagnostics = result.items
    end
    S.publishes[key] = p
  end
  return orig_pull(err, result, ctx, config)
end

-- NVIM_E2E_SNIPPET=1: Neovim was configured by the README's self-contained snippet
-- (tests/nvim/init-snippet.lua) instead of this repository's runtime files; `cmd` stays the
-- snippet's `convox-lsp`, found on PATH (run.sh puts the binary under test first on it).
local SNIPPET = vim.env.NVIM_E2E_SNIPPET == '1'

vim.lsp.config('convox', {
  cmd = (not SNIPPET) and { SERVER } or nil,
  on_exit = function(code, signal, client_id)
    S.exits[client_id] = { code = code, signal = signal }
  end,
})
vim.lsp.enable('convox')

------------------------------------------------------------------------------
-- Checks
------------------------------------------------------------------------------

check('neovim is 0.11 or newer', function()
  local v = vim.version()
  H.assert(vim.fn.has('nvim-0.11') == 1, 'Neovim %s is too old, need >= 0.11', tostring(v))
  return 'NVIM v' .. tostring(v)
end)

check('ftdetect: convox manifests get filetype yaml.convox', function()
  local cases = {
    ['convox.yml'] = 'yaml.convox',
    ['convox.yaml'] = 'yaml.convox',
    ['convox.staging.yml'] = 'yaml.convox',
    ['convox.local.yaml'] = 'yaml.convox',
    ['convox-dev.yaml'] = 'yaml.convox',
    ['docker-compose.yml'] = 'yaml',
    ['notconvox.yml'] = 'yaml',
  }
  for name, want in vim.spairs(cases) do
    local got = vim.filetype.match({ filename = WORKDIR .. '/sub/' .. name })
    H.eq(got, want, 'filetype of ' .. name)
  end
end)

check('the README snippet alone configures the server, found on PATH', function()
  H.eq(#vim.api.nvim_get_runtime_file('lsp/convox.lua', true), 0, 'lsp/convox.lua files on rtp')
  local cfg = vim.lsp.config.convox
  H.eq(cfg.cmd, { 'convox-lsp' }, 'cmd from the snippet')
  H.eq(cfg.filetypes, { 'yaml.convox' }, 'filetypes')
  H.eq(cfg.root_markers, { 'convox.yml', '.convox', '.git' }, 'root_markers')
  H.eq(H.realpath(vim.fn.exepath('convox-lsp')), H.realpath(SERVER), 'convox-lsp on PATH')
  H.assert(vim.lsp.is_enabled('convox'), 'the snippet did not enable convox')
  return 'snippet'
end, { only = SNIPPET })

check('lsp/convox.lua is found on runtimepath and resolved', function()
  local files = vim.api.nvim_get_runtime_file('lsp/convox.lua', true)
  H.eq(H.realpath(files[1] or ''), H.realpath(ROOT .. '/editors/neovim/lsp/convox.lua'), 'first lsp/convox.lua on rtp')
  local raw = dofile(files[1])
  H.eq(raw.cmd, { 'convox-lsp' }, 'cmd in lsp/convox.lua')
  local cfg = vim.lsp.config.convox
  H.eq(cfg.filetypes, { 'yaml.convox' }, 'filetypes')
  H.eq(cfg.root_markers, { 'convox.yml', '.convox', '.git' }, 'root_markers')
  H.eq(cfg.cmd, { SERVER }, 'cmd after the test override')
  H.assert(vim.lsp.is_enabled('convox'), 'vim.lsp.enable("convox") did not enable it')
end, { only = not SNIPPET })

check('client attaches to examples/convox.yml', function()
  local b = H.open('convox.yml')
  H.eq(vim.bo[b].filetype, 'yaml.convox', 'filetype of convox.yml')
  local c = H.wait_attached(b)
  H.eq(H.realpath(c.root_dir or '?'), H.realpath(WORKDIR), 'root_dir (root marker convox.yml)')
  S.client_id = c.id
  S.pids = H.server_pids()
  H.assert(#S.pids == 1, 'expected 1 convox-lsp child process, found %s', vim.inspect(S.pids))
  local info = c.server_info or {}
  return ('server %s %s, positionEncoding %s, pid %d'):format(
    tostring(info.name),
    tostring(info.version),
    c.offset_encoding,
    S.pids[1]
  )
end)

check('valid manifest: diagnostics published, 0 errors', function()
  local b = S.bufs['convox.yml']
  local diags = H.wait_diagnostics(b, 0, 'publishDiagnostics for convox.yml', function()
    return true
  end)
  local errs = H.errors(diags)
  H.assert(#errs == 0, 'expected no error diagnostics, got %s', H.fmt_diags(errs))
  H.assert(#H.nvim_errors(b) == 0, 'Neovim shows error diagnostics: %s', vim.inspect(H.nvim_errors(b)))
  H.assert(S.pushed == 0, 'diagnostics were pushed to a client that pulls them (%d)', S.pushed)
  return ('%d diagnostic(s), none an error, pulled'):format(#diags)
end, { needs = { 'client attaches to examples/convox.yml' } })

check('documentSymbol: services and resources with their names', function()
  local b = S.bufs['convox.yml']
  local syms = H.request(b, 'textDocument/documentSymbol')
  H.assert(type(syms) == 'table' and #syms > 0, 'empty documentSymbol result: %s', vim.inspect(syms))
  H.assert(syms[1].location == nil, 'got flat SymbolInformation[], expected hierarchical DocumentSymbol[]')
  local services = H.expect_section(syms, 'services', { 'web', 'worker', 'agent', 'jobs' })
  H.expect_section(syms, 'resources', { 'database', 'cache', 'analytics-db', 'sessions' })
  -- Ranges point at the declarations in the buffer.
  H.eq(services.selectionRange.start.line, H.find_line(b, '^services:'), 'line of "services"')
  local web = H.child(services.children, 'web')
  H.eq(
    { web.selectionRange.start.line, web.selectionRange.start.character },
    { H.find_line(b, '^  web:'), 2 },
    'selectionRange start of "web"'
  )
  return 'top level: ' .. table.concat(H.names(syms), ', ')
end, { needs = { 'client attaches to examples/convox.yml' } })

check('documentSymbol: timers and balancers with their names', function()
  local syms = H.request(S.bufs['convox.yml'], 'textDocument/documentSymbol')
  H.expect_section(syms, 'timers', { 'cleanup', 'data-import' })
  H.expect_section(syms, 'balancers', { 'tcp-lb' })
end, { needs = { 'client attaches to examples/convox.yml' } })

check('hover on a service names its Kubernetes objects and kubectl commands', function()
  local b = S.bufs['convox.yml']
  local line = H.find_line(b, '^  web:')
  local res = H.request(b, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(b) },
    position = { line = line, character = 3 },
  })
  H.assert(res and res.contents and res.contents.kind == 'markdown', 'no markdown hover: %s', vim.inspect(res))
  local md = res.contents.value
  for _, want in ipairs({ 'Deployment web', 'Service web', 'Ingress web', 'HorizontalPodAutoscaler web', 'Secret env-web', 'kubectl get deploy,svc,ing,hpa -n ' }) do
    H.assert(md:find(want, 1, true), 'hover lacks %q:\n%s', want, md)
  end
  H.eq(res.range.start.line, line, 'hover range line')
  return md:match('^[^\n]*')
end, { needs = { 'client attaches to examples/convox.yml' } })

check('hover answers on every key of the example', function()
  local b = S.bufs['convox.yml']
  local lines = vim.api.nvim_buf_get_lines(b, 0, -1, false)
  local asked, answered, missing = 0, 0, {}
  for i, l in ipairs(lines) do
    local indent, key = l:match('^(%s*%-?%s*)([%a][%w-]*):')
    if key and not l:match('^%s*#') then
      asked = asked + 1
      local res = H.request(b, 'textDocument/hover', {
        textDocument = { uri = vim.uri_from_bufnr(b) },
        position = { line = i - 1, character = #indent },
      })
      if res and res.contents and res.contents.value ~= '' then
        answered = answered + 1
      else
        table.insert(missing, ('%d:%s'):format(i - 1, key))
      end
    end
  end
  H.assert(#missing == 0, 'no hover on %d of %d keys: %s', #missing, asked, table.concat(missing, ', '))
  return ('%d keys hovered'):format(answered)
end, { needs = { 'client attaches to examples/convox.yml' } })

local BROKEN_LINE = 4 -- 0-based: `    command: "unclosed` in fixtures/convox.broken.yml

check('broken fixture: error diagnostic on line ' .. BROKEN_LINE, function()
  local b = H.open('convox.broken.yml')
  H.eq(vim.bo[b].filetype, 'yaml.convox', 'filetype of convox.broken.yml')
  H.assert(
    vim.api.nvim_buf_get_lines(b, BROKEN_LINE, BROKEN_LINE + 1, false)[1]:find('"unclosed'),
    'fixture changed: line %d is not the unclosed quote',
    BROKEN_LINE
  )
  local c = H.wait_attached(b)
  H.eq(c.id, S.client_id, 'client id (same root, client should be reused)')
  local diags = H.wait_diagnostics(b, 0, 'an error diagnostic on line ' .. BROKEN_LINE, function(ds)
    for _, d in ipairs(H.errors(ds)) do
      if d.range.start.line == BROKEN_LINE then
        return true
      end
    end
  end)
  H.assert(#H.nvim_errors(b) > 0, 'Neovim shows no error diagnostics for the buffer')
  return H.fmt_diags(H.errors(diags))
end, { needs = { 'client attaches to examples/convox.yml' } })

check('edit (nvim_buf_set_lines) fixing the broken line clears the errors', function()
  local b = S.bufs['convox.broken.yml']
  local n = H.pub_count(b)
  vim.api.nvim_buf_set_lines(b, BROKEN_LINE, BROKEN_LINE + 1, false, { '    command: "closed"' })
  H.wait_diagnostics(b, n, 'diagnostics without errors after the fix', function(ds)
    return #H.errors(ds) == 0
  end)
  H.assert(#H.nvim_errors(b) == 0, 'Neovim still shows errors: %s', vim.inspect(H.nvim_errors(b)))
end, { needs = { 'broken fixture: error diagnostic on line ' .. BROKEN_LINE } })

check('edit (nvim_buf_set_lines) breaking the valid manifest reports the line, undoing clears it', function()
  local b = S.bufs['convox.yml']
  vim.api.nvim_set_current_buf(b)
  local line = H.find_line(b, '^  web:') + 1
  local n = H.pub_count(b)
  -- "a: b: c" is invalid YAML (mapping values are not allowed in a plain scalar).
  vim.api.nvim_buf_set_lines(b, line, line, false, { '    bogus: foo: bar' })
  H.wait_diagnostics(b, n, 'an error diagnostic on inserted line ' .. line, function(ds)
    for _, d in ipairs(H.errors(ds)) do
      if d.range.start.line == line then
        return true
      end
    end
  end)
  n = H.pub_count(b)
  vim.api.nvim_buf_set_lines(b, line, line + 1, false, {})
  H.wait_diagnostics(b, n, 'diagnostics without errors after removing the line', function(ds)
    return #H.errors(ds) == 0
  end)
  return 'error reported on line ' .. line
end, { needs = { 'valid manifest: diagnostics published, 0 errors' } })

check('completion: a new service, resource, timer and balancer from scratch', function()
  local b = S.bufs['convox.broken.yml']
  local function items_at(lines, line, col)
    vim.api.nvim_buf_set_lines(b, 0, -1, false, lines)
    local res = H.request(b, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(b) },
      position = { line = line, character = col },
    })
    local labels = {}
    for _, it in ipairs((res and (res.items or res)) or {}) do
      labels[it.label] = it
    end
    return labels
  end
  local top = items_at({ '' }, 0, 0)
  H.assert(top['services'] and top['resources'] and top['timers'] and top['balancers'], 'top-level keys: %s', vim.inspect(vim.tbl_keys(top)))
  for _, case in ipairs({
    { { 'services:', '  ' }, 1, 2, 'new service' },
    { { 'resources:', '  ' }, 1, 2, 'new resource' },
    { { 'services:', '  jobs: {}', 'timers:', '  ' }, 3, 2, 'new timer' },
    { { 'services:', '  web: {}', 'balancers:', '  ' }, 3, 2, 'new balancer' },
    { { 'resources:', '  db:', '    type: ' }, 2, 10, 'postgres' },
    { { 'services:', '  web:', '    sca' }, 2, 7, 'scale' },
  }) do
    local labels = items_at(case[1], case[2], case[3])
    H.assert(labels[case[4]], 'no %q at %d:%d in %s; got %s', case[4], case[2], case[3], table.concat(case[1], '\\n'), vim.inspect(vim.tbl_keys(labels)))
  end
  local web = items_at({ 'services:', '  web:', '    sca' }, 2, 7)['scale']
  H.eq(web.textEdit.newText, 'scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}', 'scale snippet')
end, { needs = { 'broken fixture: error diagnostic on line ' .. BROKEN_LINE } })

check('go to definition and rename through Neovim', function()
  local b = S.bufs['convox.broken.yml']
  vim.api.nvim_buf_set_lines(b, 0, -1, false, {
    'services:', '  jobs: {}', 'timers:', '  cleanup:', '    schedule: "0 3 * * *"', '    service: jobs',
  })
  local uri = vim.uri_from_bufnr(b)
  local def = H.request(b, 'textDocument/definition', { textDocument = { uri = uri }, position = { line = 5, character = 15 } })
  local loc = def[1] or def
  H.eq({ loc.range.start.line, loc.range.start.character }, { 1, 2 }, 'definition of jobs')
  local edit = H.request(b, 'textDocument/rename', { textDocument = { uri = uri }, position = { line = 1, character = 3 }, newName = 'tasks' })
  H.assert(edit, 'no rename edit')
  vim.lsp.util.apply_workspace_edit(edit, 'utf-8')
  local lines = vim.api.nvim_buf_get_lines(b, 0, -1, false)
  H.eq(lines[2], '  tasks: {}', 'renamed declaration')
  H.eq(lines[6], '    service: tasks', 'renamed reference')
end, { needs = { 'broken fixture: error diagnostic on line ' .. BROKEN_LINE } })

check('vim.lsp.stop_client: server exits cleanly', function()
  local id = H.assert(S.client_id, 'no client')
  local pids = S.pids or {}
  vim.lsp.stop_client(id)
  H.wait('the server process to exit after shutdown/exit', function()
    return S.exits[id] ~= nil
  end, nil, function()
    local running = H.server_pids()
    for _, pid in ipairs(running) do
      vim.uv.kill(pid, 'sigkill') -- do not leave it running
    end
    return 'server ignored shutdown+exit (killed still running pids ' .. vim.inspect(running) .. ')'
  end)
  H.eq(S.exits[id], { code = 0, signal = 0 }, 'exit code/signal')
  H.wait('no convox-lsp child process left', function()
    return #H.server_pids() == 0
  end, 2000)
  H.wait('client ' .. id .. ' to be unregistered', function()
    return vim.lsp.get_client_by_id(id) == nil
  end, 2000)
  return 'pid ' .. table.concat(pids, ',') .. ' exited with code 0'
end, { needs = { 'client attaches to examples/convox.yml' } })

check('restart offering only utf-16: server negotiates utf-16 and still answers', function()
  vim.lsp.config('convox', { capabilities = { general = { positionEncodings = { 'utf-16' } } } })
  local b = S.bufs['convox.yml']
  vim.api.nvim_set_current_buf(b)
  vim.cmd('edit!') -- re-reads the file and fires FileType again -> new client
  local c = H.wait_attached(b)
  H.assert(c.id ~= S.client_id, 'old client %d was reused after stop', c.id)
  H.eq(c.offset_encoding, 'utf-16', 'negotiated positionEncoding')
  H.expect_section(H.request(b, 'textDocument/documentSymbol'), 'services', { 'web' })
  S.quit_pids = H.server_pids() -- run.sh checks these are gone after Neovim quits
  H.assert(#S.quit_pids == 1, 'expected 1 convox-lsp child process, found %s', vim.inspect(S.quit_pids))
  return 'pid ' .. S.quit_pids[1]
end, { needs = { 'vim.lsp.stop_client: server exits cleanly' } })

------------------------------------------------------------------------------
-- Runner
------------------------------------------------------------------------------

local passed, failed, skipped = 0, 0, 0
local status = {} -- name -> 'ok' | 'fail' | 'skip'

for i, c in ipairs(checks) do
  local missing = vim.tbl_filter(function(n)
    return status[n] ~= 'ok'
  end, c.needs)
  if #missing > 0 then
    skipped = skipped + 1
    status[c.name] = 'skip'
    out(('skip %d - %s (needs: %s)'):format(i, c.name, table.concat(missing, '; ')))
  else
    local t0 = vim.uv.hrtime()
    local ok, res = xpcall(c.fn, function(e)
      if getmetatable(e) == FAIL then
        return e.msg
      end
      return debug.traceback(tostring(e), 2)
    end)
    local ms = (vim.uv.hrtime() - t0) / 1e6
    if ok then
      passed = passed + 1
      status[c.name] = 'ok'
      out(('ok %d - %s (%.0f ms)%s'):format(i, c.name, ms, res and (': ' .. tostring(res)) or ''))
    else
      failed = failed + 1
      status[c.name] = 'fail'
      out(('FAIL %d - %s (%.0f ms)\n    %s'):format(i, c.name, ms, tostring(res):gsub('\n', '\n    ')))
    end
  end
end

if RESULTS then
  local f = assert(io.open(RESULTS, 'w'))
  f:write(('passed %d\nfailed %d\nskipped %d\n'):format(passed, failed, skipped))
  for _, pid in ipairs(S.quit_pids or H.server_pids()) do
    f:write(('pid %d\n'):format(pid))
  end
  f:close()
else
  out(('nvim e2e: %d passed, %d failed%s'):format(passed, failed, skipped > 0 and (', %d skipped'):format(skipped) or ''))
end

-- Quitting runs Neovim's VimLeavePre LSP handler (shutdown/exit to the
-- remaining client); run.sh then verifies the server process is gone.
if failed > 0 or skipped > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
