//! Differential test of `render` against Convox itself: `../shared/tools/convox-oracle/convox-render`
//! runs Convox's own templates (`provider/k8s/template/app`, `template/resource`) and the promote's
//! parameter building (`provider/k8s/release.go`, `helpers.go`) offline. On every corpus manifest
//! Convox accepts (`convox-check` says OK; Convox's own fixtures `convox__convox__*` among them),
//! every object and every field the oracle renders must be in our model with the same value,
//! except the oracle's stubs (release, build, image repository, passwords, router domains) and
//! what `objects::LEFT_OUT` declares. Our side is evaluated with the release environment the
//! oracle assumes (required names `x`), so `${VAR}`s are compared too. Skipped with a notice when
//! `../shared` is absent, except under `CI` or `CONVOX_LSP_NO_SKIP`, where that fails.

mod render_support;
mod skip;

use std::process::Command;

use render_support::compare::{Tally, documents, ours_with, required_names};
use render_support::{accepted, shared};

use convox_lsp::env::{Environment, Source};
use yaml_serde::Value;

/// Our objects with the release environment the oracle assumes: the names the manifest requires
/// (`- NAME`) set to `x`, the rest unset (its README), substituted and merged as Convox does.
fn ours(text: &str) -> Vec<Value> {
    let mut env = Environment::new();
    for name in required_names(text) {
        env.set(&name, "x", Source::Flag);
    }
    ours_with(text, env)
}

#[test]
fn render_matches_convox_templates() {
    let Some(shared) = shared() else {
        assert!(
            !skip::required(),
            "every suite is required (CONVOX_LSP_NO_SKIP) and ../shared/tools/convox-oracle is missing"
        );
        skip::skipped("render_oracle", "no ../shared/tools/convox-oracle beside the project");
        return;
    };
    let render = shared.join("tools/convox-oracle/convox-render");
    let mut tally = Tally::default();
    for file in accepted(&shared) {
        let out = Command::new(&render).arg(&file).arg("shop").output().unwrap();
        if !out.status.success() {
            continue; // rejected by the oracle's own Load+Validate (it sets required names to x)
        }
        let oracle = documents(&String::from_utf8_lossy(&out.stdout));
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        tally.compare_file(&oracle, &ours(&text), &name);
    }
    let report = tally.report();
    eprintln!("{report}");
    assert!(tally.files > 150, "only {} manifests compared", tally.files);
    assert!(tally.missing_objects.is_empty() && tally.wrong.is_empty() && tally.extra_fields.is_empty(), "{report}");
}
