//! The release archives have one name, written in three places that each tool reads on its own:
//! the release workflow that builds them, `[package.metadata.binstall]` that `cargo binstall`
//! expands, and the mason-registry package. This test expands each for every target the workflow
//! builds and checks they name the same files (a renamed archive would otherwise break binstall
//! and mason only after a release).

mod skip;

use std::collections::BTreeMap;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> yaml_serde::Value {
    yaml_serde::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The workflow's build targets and the archive suffix it writes for each (`.zip` on Windows).
fn workflow_targets() -> Vec<(String, &'static str)> {
    let wf = yaml(".github/workflows/release.yml");
    let include = wf["jobs"]["build"]["strategy"]["matrix"]["include"].as_sequence().expect("matrix.include");
    include
        .iter()
        .map(|m| {
            let t = m["target"].as_str().expect("target").to_string();
            let suffix = if t.contains("windows") { ".zip" } else { ".tar.gz" };
            (t, suffix)
        })
        .collect()
}

/// binstall's templates expanded as cargo-binstall does for `name`, `version`, `target`,
/// `archive-suffix`, `bin` and `binary-ext` (the repository's URL left as `{repo}`).
fn binstall(target: &str, version: &str) -> (String, String) {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml");
    let meta = &manifest["package"]["metadata"]["binstall"];
    let fmt = meta
        .get("overrides")
        .and_then(|o| o.get(target))
        .and_then(|o| o.get("pkg-fmt"))
        .unwrap_or(&meta["pkg-fmt"])
        .as_str()
        .unwrap();
    let suffix = match fmt {
        "tgz" => ".tar.gz",
        "zip" => ".zip",
        other => panic!("pkg-fmt {other}"),
    };
    let ext = if target.contains("windows") { ".exe" } else { "" };
    let expand = |s: &str| {
        s.replace(' ', "")
            .replace("{name}", "convox-lsp")
            .replace("{version}", version)
            .replace("{target}", target)
            .replace("{archive-suffix}", suffix)
            .replace("{bin}", "convox-lsp")
            .replace("{binary-ext}", ext)
    };
    let url = expand(meta["pkg-url"].as_str().unwrap());
    let file = url.strip_prefix(&format!("{{repo}}/releases/download/v{version}/")).expect("pkg-url").to_string();
    (file, expand(meta["bin-dir"].as_str().unwrap()))
}

/// mason's assets by Rust target, with `{{ version | strip_prefix "v" }}` expanded.
fn mason(version: &str) -> BTreeMap<String, (String, String)> {
    let pkg = yaml("editors/neovim/package.yaml");
    let expand = |s: &str| s.replace("{{ version | strip_prefix \"v\" }}", version);
    let mut out = BTreeMap::new();
    for a in pkg["source"]["asset"].as_sequence().expect("source.asset") {
        let file = expand(a["file"].as_str().unwrap());
        // `convox-lsp-<version>-<rust target>.<suffix>`
        let target = file
            .strip_prefix(&format!("convox-lsp-{version}-"))
            .and_then(|t| t.strip_suffix(".tar.gz").or_else(|| t.strip_suffix(".zip")))
            .unwrap_or_else(|| panic!("mason asset {file}"))
            .to_string();
        out.insert(target, (file, expand(a["bin"].as_str().unwrap())));
    }
    assert_eq!(pkg["bin"]["convox-lsp"].as_str(), Some("{{source.asset.bin}}"));
    out
}

#[test]
fn binstall_and_mason_name_the_archives_the_workflow_builds() {
    if skip::packaged_crate("release") {
        return;
    }
    let version = env!("CARGO_PKG_VERSION");
    let pkg = yaml("editors/neovim/package.yaml");
    assert_eq!(pkg["source"]["id"].as_str(), Some(format!("pkg:github/convox-lsp/convox-lsp@v{version}").as_str()));
    let mason = mason(version);
    let targets = workflow_targets();
    assert_eq!(targets.len(), 5, "{targets:?}");
    for (target, suffix) in &targets {
        let archive = format!("convox-lsp-{version}-{target}{suffix}");
        let exe = if target.contains("windows") { "convox-lsp.exe" } else { "convox-lsp" };
        let inside = format!("convox-lsp-{version}-{target}/{exe}");
        assert_eq!(binstall(target, version), (archive.clone(), inside.clone()), "binstall, {target}");
        assert_eq!(mason.get(target), Some(&(archive, inside)), "mason, {target}");
    }
    assert_eq!(mason.len(), targets.len(), "mason lists a target the workflow does not build");
}

/// The archive layout the workflow writes: `name="convox-lsp-$version-$TARGET"`, the binary copied
/// into that directory, then archived whole.
#[test]
fn the_workflow_archives_the_binary_in_the_named_directory() {
    if skip::packaged_crate("release") {
        return;
    }
    let wf = read(".github/workflows/release.yml");
    for line in [
        r#"name="convox-lsp-$version-$TARGET""#,
        r#"cp "target/$TARGET/release/$exe" README.md LICENSE-MIT LICENSE-APACHE "$name/""#,
        r#"tar czf "dist/$name.tar.gz" "$name""#,
        r#"7z a -bd "dist/$name.zip" "$name" >/dev/null"#,
    ] {
        assert!(wf.contains(line), "release.yml no longer has: {line}");
    }
}

/// The licence the manifest declares (`MIT OR Apache-2.0`) travels with every artifact: both texts
/// at the root, in the crate (`include`), in the release archives, and in the VS Code package
/// (vsce packs the extension's `LICENSE` as `LICENSE.txt`: it holds both texts in full).
#[test]
fn both_licence_texts_travel_with_every_artifact() {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml");
    assert_eq!(manifest["package"]["license"].as_str(), Some("MIT OR Apache-2.0"));
    let mit = read("LICENSE-MIT");
    let apache = read("LICENSE-APACHE");
    assert!(mit.starts_with("MIT License") && mit.contains("Permission is hereby granted"), "LICENSE-MIT");
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"), "LICENSE-APACHE");
    assert!(apache.contains("END OF TERMS AND CONDITIONS"), "LICENSE-APACHE is the whole text");
    let include: Vec<&str> =
        manifest["package"]["include"].as_array().expect("include").iter().filter_map(|v| v.as_str()).collect();
    for file in ["/LICENSE-MIT", "/LICENSE-APACHE"] {
        assert!(include.contains(&file), "Cargo.toml's include leaves out {file}");
    }
    if skip::packaged_crate("release (archives and extension)") {
        return;
    }
    let wf = read(".github/workflows/release.yml");
    assert!(wf.contains("LICENSE-MIT LICENSE-APACHE \"$name/\""), "the archives carry both licence texts");
    let extension = read("editors/vscode/LICENSE");
    assert!(extension.contains(mit.trim()), "the extension's LICENSE holds the MIT text");
    assert!(extension.contains(apache.trim()), "the extension's LICENSE holds the Apache-2.0 text");
}

/// Nothing is built for release from a commit whose tests fail: every build job needs the tests.
#[test]
fn the_release_builds_only_after_the_tests_pass() {
    if skip::packaged_crate("release") {
        return;
    }
    let wf = yaml(".github/workflows/release.yml");
    assert_eq!(wf["jobs"]["build"]["needs"].as_str(), Some("test"), "release.yml: build needs test");
    let steps = wf["jobs"]["test"]["steps"].as_sequence().expect("test steps");
    assert!(steps.iter().any(|s| s["run"].as_str() == Some("cargo test --locked")), "the test job runs cargo test");
}
