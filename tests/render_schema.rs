//! Every render passes strict Kubernetes schema validation (PyPI `kubernetes-validate --strict`,
//! the API's OpenAPI schemas: unknown fields and wrong types are errors): the example, and every
//! corpus manifest Convox accepts. Skipped with a visible line when the tool is not installed,
//! unless every suite is required (`CONVOX_LSP_NO_SKIP`, which `.ci/run` sets; it installs the tool).

mod render_support;
mod skip;

use std::process::Command;

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;

fn tool() -> Option<&'static str> {
    let found = Command::new("kubernetes-validate").arg("--version").output().is_ok_and(|o| o.status.success());
    found.then_some("kubernetes-validate")
}

fn render(text: &str) -> String {
    let ctx = Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() };
    Analysis::from_text(text).render(&ctx, None).unwrap()
}

#[test]
fn renders_pass_strict_kubernetes_validation() {
    let Some(tool) = tool() else {
        skip::skipped("render_schema", "kubernetes-validate is not installed (pip install kubernetes-validate)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("convox-lsp-k8s-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut inputs = vec![("example".to_string(), include_str!("../examples/convox.yml").to_string())];
    if let Some(shared) = render_support::shared() {
        for f in render_support::accepted(&shared) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            inputs.push((name, std::fs::read_to_string(&f).unwrap()));
        }
    }
    let mut files = Vec::new();
    for (name, text) in &inputs {
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, render(text)).unwrap();
        files.push(path);
    }
    let out = Command::new(tool).args(["--strict", "--quiet", "--no-warn"]).args(&files).output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && !report.contains("ERROR"), "{} renders checked:\n{report}", inputs.len());
    assert!(inputs.len() > 1 || render_support::shared().is_none());
}
