-- Init for the Neovim e2e test's second run (tests/nvim/run.sh): Neovim configured by the
-- self-contained snippet of editors/neovim/README.md ("## Quick start"), word for word, and
-- nothing of this repository on 'runtimepath': what a user with only the binary on PATH has.
local here = vim.fs.dirname(vim.fs.abspath(debug.getinfo(1, 'S').source:sub(2)))
local readme = vim.fs.normalize(here .. '/../../editors/neovim/README.md')
local lines, inside, seen = {}, false, false
for line in io.lines(readme) do
  if line:match('^## Quick start') then
    seen = true
  elseif seen and not inside and line == '```lua' then
    inside = true
  elseif inside and line == '```' then
    break
  elseif inside then
    lines[#lines + 1] = line
  end
end
assert(#lines > 0, 'no ```lua block under "## Quick start" in ' .. readme)
assert(load(table.concat(lines, '\n'), '=README.md quick start'))()
vim.o.swapfile = false
