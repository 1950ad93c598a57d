---@brief
---
--- https://github.com/convox-lsp/convox-lsp
---
--- Language server for Convox's `convox.yml`: hovers that name the Kubernetes objects each key
--- becomes and the kubectl commands to inspect them, diagnostics, completion, navigation, rename,
--- code lenses and inlay hints.
---
--- Install it from a release archive, with `cargo binstall convox-lsp`, or with
--- `:MasonInstall convox-lsp`.
---
--- The server is registered for the `yaml.convox` filetype (YAML highlighting and plugins stay);
--- give manifests that filetype (this directory's `ftdetect/convox.lua` does):
---
--- ```lua
--- vim.filetype.add({
---   filename = { ['convox.yml'] = 'yaml.convox', ['convox.yaml'] = 'yaml.convox' },
---   pattern = { ['convox%..+%.yml'] = 'yaml.convox', ['convox.*%.yaml'] = 'yaml.convox' },
--- })
--- ```
---
--- Settings (section `convox`): `rack`, `app`, `diagnostics`, `inlayHints.objects`,
--- `inlayHints.defaults`, e.g. `vim.lsp.config('convox', { settings = { convox = { rack = 'acme' } } })`.

---@type vim.lsp.Config
return {
  cmd = { 'convox-lsp' },
  filetypes = { 'yaml.convox' },
  root_markers = { 'convox.yml', '.convox', '.git' },
  settings = {},
}
