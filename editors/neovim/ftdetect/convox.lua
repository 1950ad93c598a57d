-- Detect Convox manifests as the compound filetype `yaml.convox`:
--   convox.yml, convox.<anything>.yml, convox<anything>.yaml
-- The `yaml` part keeps YAML syntax highlighting, indent rules and ftplugins;
-- the `convox` part is what the `convox` LSP config (lsp/convox.lua) matches.
-- Patterns are Lua patterns, anchored, matched against the file's basename.
vim.filetype.add({
  filename = {
    ['convox.yml'] = 'yaml.convox',
    ['convox.yaml'] = 'yaml.convox',
  },
  pattern = {
    ['convox%..+%.yml'] = 'yaml.convox',
    ['convox.*%.yaml'] = 'yaml.convox',
  },
})
