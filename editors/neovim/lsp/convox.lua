-- Neovim 0.11+ language server definition for convox-lsp (convox.yml manifests).
--
-- Put the directory that contains this `lsp/` folder on 'runtimepath' and call
--
--     vim.lsp.enable('convox')
--
-- Override any field with vim.lsp.config(), for example a binary outside $PATH:
--
--     vim.lsp.config('convox', { cmd = { '/path/to/convox-lsp' } })
---@type vim.lsp.Config
return {
  cmd = { 'convox-lsp' },
  -- Set by ftdetect/convox.lua: compound filetype, so YAML syntax, indent and
  -- ftplugin settings still apply to the buffer.
  filetypes = { 'yaml.convox' },
  root_markers = { 'convox.yml', '.convox', '.git' },
  settings = {},
}
