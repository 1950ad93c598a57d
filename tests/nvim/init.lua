-- Minimal init for the Neovim e2e test (tests/nvim/run.sh): puts the
-- repository's editors/neovim on 'runtimepath' exactly as a user would, so
-- that Neovim's own start-up sources ftdetect/convox.lua and finds
-- lsp/convox.lua. Nothing else is configured here.
local here = vim.fs.dirname(vim.fs.abspath(debug.getinfo(1, 'S').source:sub(2)))
vim.opt.runtimepath:prepend(vim.fs.normalize(here .. '/../../editors/neovim'))
vim.o.swapfile = false
