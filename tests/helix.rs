//! `editors/helix/languages.toml`, read the way Helix reads it (Helix itself is not run here):
//! only keys Helix documents, `file-types` globs matched as Helix matches them (the full path,
//! `*/` prepended, `globset` with its default options), language servers that are defined, and
//! settings the server accepts.

mod skip;

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::{Table, Value};

const HELIX_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/helix");

/// `[[language]]` keys from Helix's book (languages.md, "Language configuration").
const LANGUAGE_KEYS: &[&str] = &[
    "name",
    "language-id",
    "scope",
    "injection-regex",
    "file-types",
    "shebangs",
    "roots",
    "auto-format",
    "diagnostic-severity",
    "comment-tokens",
    "comment-token",
    "block-comment-tokens",
    "indent",
    "language-servers",
    "grammar",
    "formatter",
    "soft-wrap",
    "text-width",
    "rulers",
    "path-completion",
    "word-completion",
    "workspace-lsp-roots",
    "persistent-diagnostic-sources",
    "rainbow-brackets",
    "auto-pairs",
    "debugger",
];

/// `[language-server.NAME]` keys from the same page ("Language Server configuration").
const SERVER_KEYS: &[&str] = &["command", "args", "config", "timeout", "environment", "required-root-patterns"];

fn config() -> Table {
    let text = std::fs::read_to_string(Path::new(HELIX_DIR).join("languages.toml")).unwrap();
    text.parse::<Table>().unwrap_or_else(|e| panic!("languages.toml is not TOML: {e}"))
}

fn convox_language(config: &Table) -> &Table {
    let languages = config["language"].as_array().expect("[[language]] entries");
    assert_eq!(languages.len(), 1, "one [[language]]");
    languages[0].as_table().unwrap()
}

/// What Helix does with a `{ glob = "..." }` entry (helix-core's `FileType` deserializer):
/// prepend `*/` unless the glob is absolute or starts with `*/`, then `globset::Glob::new`.
fn helix_glob(glob: &str) -> Glob {
    let glob = if glob.starts_with('/') || glob.starts_with("*/") { glob.to_string() } else { format!("*/{glob}") };
    Glob::new(&glob).unwrap_or_else(|e| panic!("invalid glob {glob}: {e}"))
}

fn file_type_globs(language: &Table) -> GlobSet {
    let mut set = GlobSetBuilder::new();
    for entry in language["file-types"].as_array().expect("file-types is a list") {
        let table = entry.as_table().unwrap_or_else(|| panic!("{entry}: only globs, so plain .yml files stay yaml"));
        assert_eq!(table.keys().collect::<Vec<_>>(), ["glob"], "{entry}: Helix knows only `glob`");
        set.add(helix_glob(table["glob"].as_str().unwrap()));
    }
    set.build().unwrap()
}

#[test]
fn the_language_uses_only_documented_keys() {
    if skip::packaged_crate("helix") {
        return;
    }
    let config = config();
    for key in config.keys() {
        assert!(["language", "language-server"].contains(&key.as_str()), "unknown top-level key {key}");
    }
    let language = convox_language(&config);
    for key in language.keys() {
        assert!(LANGUAGE_KEYS.contains(&key.as_str()), "[[language]] key {key} is not in Helix's book");
    }
    assert_eq!(language["name"].as_str(), Some("convox"));
    assert_eq!(language["scope"].as_str(), Some("source.convox"));
    assert_eq!(language["grammar"].as_str(), Some("yaml"));
    assert_eq!(language["comment-tokens"].as_str(), Some("#"));
    let indent = language["indent"].as_table().unwrap();
    assert_eq!(indent["tab-width"].as_integer(), Some(2));
    assert_eq!(indent["unit"].as_str(), Some("  "));
}

#[test]
fn file_types_match_the_manifests_and_nothing_else() {
    if skip::packaged_crate("helix") {
        return;
    }
    let config = config();
    let globs = file_type_globs(convox_language(&config));
    for path in [
        "/home/u/shop/convox.yml",
        "/home/u/shop/convox.staging.yml",
        "/home/u/shop/convox.yaml",
        "/home/u/shop/convox.staging.yaml",
        "/convox.yml",
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/convox.yml"),
    ] {
        assert!(globs.is_match(path), "{path} should be convox");
    }
    for path in [
        "/home/u/shop/other.yml",
        "/home/u/shop/docker-compose.yml",
        "/home/u/shop/myconvox.yml",
        "/home/u/shop/convox.yml.bak",
        "/home/u/shop/convox.json",
        // A directory named like the project must not turn its YAML files into manifests.
        "/home/u/convox-lsp/.github/workflows/ci.yaml",
        "/home/u/convox-lsp/examples/other.yml",
        "/home/u/convox_apps/values.yaml",
    ] {
        assert!(!globs.is_match(path), "{path} should stay yaml");
    }
}

#[test]
fn a_bare_convox_star_yaml_glob_would_take_other_yaml_files() {
    if skip::packaged_crate("helix") {
        return;
    }
    // Why languages.toml lists `convox.yaml` and `convox.*.yaml` rather than `convox*.yaml`:
    // Helix's `*` crosses `/`, so the wider glob claims every YAML file under `convox-lsp/`.
    let wide = helix_glob("convox*.yaml").compile_matcher();
    assert!(wide.is_match("/home/u/convox-lsp/.github/workflows/ci.yaml"));
    assert!(wide.is_match("/home/u/shop/convox-staging.yaml"));
}

#[test]
fn language_servers_are_defined_and_documented() {
    if skip::packaged_crate("helix") {
        return;
    }
    let config = config();
    let servers = config["language-server"].as_table().expect("[language-server.*]");
    let language = convox_language(&config);
    let used = language["language-servers"].as_array().unwrap();
    assert_eq!(used.first().and_then(Value::as_str), Some("convox-lsp"), "convox-lsp first: hover and go-to use it");
    for entry in used {
        let name = match entry {
            Value::String(s) => s.as_str(),
            Value::Table(t) => t["name"].as_str().unwrap(),
            other => panic!("language-servers entry {other}"),
        };
        assert!(
            servers.contains_key(name) || name == "yaml-language-server",
            "{name} is used but not defined (Helix defines yaml-language-server itself)"
        );
    }
    let server = servers["convox-lsp"].as_table().unwrap();
    for key in server.keys() {
        assert!(SERVER_KEYS.contains(&key.as_str()), "[language-server.convox-lsp] key {key} is not in Helix's book");
    }
    assert_eq!(server["command"].as_str(), Some("convox-lsp"));
}

#[test]
fn config_is_settings_the_server_reads() {
    if skip::packaged_crate("helix") {
        return;
    }
    let config = config();
    let server = config["language-server"]["convox-lsp"].as_table().unwrap();
    // Helix answers `workspace/configuration` for section `convox` with `config.convox`, and sends
    // all of `config` as initializationOptions: both shapes the server accepts.
    let section = server["config"]["convox"].as_table().expect("settings under config.convox");
    for key in section.keys() {
        assert!(["rack", "app", "diagnostics", "inlayHints"].contains(&key.as_str()), "convox.{key} is not a setting");
    }
    let json = serde_json::to_value(&server["config"]).unwrap();
    let settings = convox_lsp::lsp::Settings::from_value(&json).expect("the server reads config");
    assert!(settings.inlay_hints.objects);
    assert!(!settings.inlay_hints.defaults);
    assert!(settings.severities().len() == settings.diagnostics.len(), "every diagnostics level is valid");
    let pulled = serde_json::to_value(&server["config"]["convox"]).unwrap();
    assert_eq!(convox_lsp::lsp::Settings::from_value(&pulled), Some(settings));
}

#[test]
fn queries_inherit_yaml() {
    if skip::packaged_crate("helix") {
        return;
    }
    // Helix finds queries by language name, so `convox` needs its own that point at YAML's.
    for file in ["highlights.scm", "indents.scm", "injections.scm", "textobjects.scm"] {
        let path = Path::new(HELIX_DIR).join("runtime/queries/convox").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(text.lines().next(), Some("; inherits: yaml"), "{}", path.display());
    }
}

/// The command-line variables Helix 25.07.1 expands (helix-view/src/expansion.rs:71-80 at the
/// tag 25.07.1, `Variable::from_name`); any other `%{name}` fails with "unknown variable".
const HELIX_VARIABLES: &[&str] = &[
    "cursor_line",
    "cursor_column",
    "buffer_name",
    "line_ending",
    "language",
    "selection",
    "selection_line_start",
    "selection_line_end",
];

#[test]
fn the_readme_uses_only_variables_helix_expands() {
    if skip::packaged_crate("helix") {
        return;
    }
    let readme = std::fs::read_to_string(Path::new(HELIX_DIR).join("README.md")).unwrap();
    let mut used = 0;
    // Outside code spans that quote the missing ones (`%{file_path_absolute}` is named as absent).
    for command in readme.lines().filter(|l| l.starts_with(":sh ") || l.starts_with("t = \":sh ")) {
        for name in command.split("%{").skip(1).filter_map(|rest| rest.split_once('}').map(|(n, _)| n)) {
            assert!(HELIX_VARIABLES.contains(&name), "Helix 25.07.1 has no %{{{name}}}: {command}");
            used += 1;
        }
    }
    assert!(used >= 3, "the README's :sh recipes were not found ({used} variables)");
}
