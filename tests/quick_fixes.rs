//! Every quick fix the server offers leaves the file better, never worse: applied, the text still
//! parses, has no error (by code) and no duplicate key it did not have before, and has fewer of
//! the diagnostic it fixes. Checked on one manifest per fix (with the shapes that used to break:
//! the key meant is already there, flow maps, another indentation unit, a value YAML would read
//! as something else) and on every fix the corpus of real manifests gets. Where Convox's reading
//! is concerned, `../shared/tools/convox-oracle/convox-check` (Convox's own Load + Validate) must
//! not reject a fixed file it accepted before, and `convox-render` (Convox's own templates) must
//! render a file whose ignored misspelt line was removed exactly as before.
//!
//! Without `../shared` the Convox part is skipped with a visible line, and fails where every suite
//! must run (`CONVOX_LSP_NO_SKIP`, set by `.ci/run`).

mod fixture;

mod common;
mod skip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use convox_lsp::ide::{Analysis, Code, Diagnostic, Fix, Severity, safe_fixes};

/// The edits applied by hand, as a client applies them (not with `Fix::apply`).
fn apply(text: &str, fix: &Fix) -> String {
    let mut out = text.to_string();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (r, new) in edits {
        out.replace_range(r.start..r.end, &new);
    }
    out
}

fn counts(diags: &[Diagnostic], keep: impl Fn(&Diagnostic) -> bool) -> BTreeMap<Code, usize> {
    let mut out = BTreeMap::new();
    for d in diags.iter().filter(|d| keep(d)) {
        *out.entry(d.code).or_default() += 1;
    }
    out
}

/// What must hold after applying `fix` (for `d`) to `text`; the fixed text.
fn check_fix(name: &str, text: &str, d: &Diagnostic, fix: &Fix) -> String {
    let fixed = apply(text, fix);
    let before = Analysis::from_text(text).diagnostics();
    let after = Analysis::from_text(&fixed).diagnostics();
    let what = format!("{name}: fix {:?} for {}:\n--- before\n{text}\n--- after\n{fixed}", fix.title, d.code);
    let bad = |d: &Diagnostic| d.severity == Severity::Error || d.code == Code::DuplicateKey;
    let (b, a) = (counts(&before, bad), counts(&after, bad));
    for (code, n) in &a {
        assert!(n <= b.get(code).unwrap_or(&0), "{what}\nnew {code}: {after:#?}");
    }
    let of = |ds: &[Diagnostic]| ds.iter().filter(|x| x.code == d.code).count();
    assert!(of(&after) < of(&before), "{what}\nthe diagnostic it fixes is still there: {after:#?}");
    fixed
}

/// Every fix offered on `text`, checked; (title, fixed text) of each.
fn fixes(name: &str, text: &str) -> Vec<(String, String)> {
    let diags = Analysis::from_text(text).diagnostics();
    safe_fixes(text, &diags).into_iter().map(|(d, f)| (f.title.clone(), check_fix(name, text, d, f))).collect()
}

/// The one fix of a manifest, or none.
fn only_fix(text: &str) -> Option<(String, String)> {
    let text: &str = &fixture::dedent(text);
    let all = fixes("case", text);
    assert!(all.len() <= 1, "{all:#?}");
    all.into_iter().next()
}

#[test]
fn a_misspelt_key_whose_key_is_there_is_removed_not_renamed() {
    let text = "services:\n  web:\n    command: bin/web\n    commnd: bin/old # old\n    port: 3000\n";
    let (title, fixed) = only_fix(text).unwrap();
    assert_eq!(title, "Remove the misspelt `commnd` line (`command` is already set)");
    assert_eq!(fixed, "services:\n  web:\n    command: bin/web\n    port: 3000\n");
    // The last line of a file without a final newline.
    let (_, fixed) = only_fix(
        r#"
        services:
          web:
            command: bin/web
            commnd: x"#,
    )
    .unwrap();
    assert_eq!(fixed, "services:\n  web:\n    command: bin/web");
    // Without `command`: the rename.
    let (title, fixed) = only_fix(
        r#"
        services:
          web:
            commnd: bin/web
        "#,
    )
    .unwrap();
    assert_eq!(title, "Rename to `command`");
    assert_eq!(fixed, "services:\n  web:\n    command: bin/web\n");
}

#[test]
fn no_fix_where_removing_the_line_would_break_or_lose_text() {
    // A flow map, a value over several lines, a second entry on the line: no safe edit.
    for text in [
        "services:\n  web: {command: a, commnd: b}\n",
        "services:\n  web:\n    command: a\n    commnd: >\n      b\n",
        "services:\n  web:\n    command: a\n    commnd:\n      - b\n",
    ] {
        assert_eq!(only_fix(text), None, "{text}");
    }
}

#[test]
fn a_service_is_never_renamed_onto_another_service() {
    assert_eq!(
        only_fix(
            r#"
        services:
          web: {}
          Web: {}
        "#
        ),
        None
    );
    let (title, fixed) = only_fix(
        r#"
        services:
          Web_App: {}
        timers:
          t:
            schedule: "@daily"
            service: Web_App
            command: x
        "#,
    )
    .unwrap();
    assert_eq!(title, "Rename service to `web-app` (and its references)");
    assert!(fixed.contains("  web-app: {}") && fixed.contains("service: web-app"), "{fixed}");
}

#[test]
fn a_declared_resource_takes_the_documents_indentation_and_a_type_its_name_suggests() {
    let text = "resources:\n    db:\n        type: postgres\nservices:\n    web:\n        resources:\n            - db\n            - cache\n";
    let (title, fixed) = only_fix(text).unwrap();
    assert_eq!(title, "Declare resource `cache` (type redis)");
    assert!(
        fixed.starts_with("resources:\n    db:\n        type: postgres\n    cache:\n        type: redis\n"),
        "{fixed}"
    );
    let text = "services:\n    web:\n        resources:\n            - db\n";
    let (_, fixed) = only_fix(text).unwrap();
    assert_eq!(fixed, format!("{text}resources:\n    db:\n        type: postgres\n"));
    // A flow document: appending a block section would break it.
    assert_eq!(only_fix("{services: {web: {resources: [db]}}}\n"), None);
}

#[test]
fn values_are_written_so_yaml_reads_them_back() {
    // A command list joined: quoted where a plain scalar would be read otherwise.
    let (_, fixed) = only_fix(
        r#"
        services:
          web:
            command: [">x", y]
        "#,
    )
    .unwrap();
    assert_eq!(fixed, "services:\n  web:\n    command: \"'>x' y\"\n");
    let (_, fixed) = only_fix(
        r#"
        services:
          web:
            command: [bin/web, "--port", "3000"]
        "#,
    )
    .unwrap();
    assert_eq!(fixed, "services:\n  web:\n    command: bin/web --port 3000\n");
    // An item that is not a string would be dropped: no fix.
    assert_eq!(
        only_fix(
            r#"
        services:
          web:
            command: [echo, [a]]
        "#
        ),
        None
    );
    let (_, fixed) = only_fix(
        r#"
        timers:
          t:
            schedule: "@daily"
            command: x
            service: web
            concurrency: FORBID
        services:
          web: {}
        "#,
    )
    .unwrap();
    assert!(fixed.contains("concurrency: Forbid"), "{fixed}");
    let (_, fixed) = only_fix(
        r#"
        resources:
          db:
            type: postgress
        "#,
    )
    .unwrap();
    assert!(fixed.contains("type: postgres\n"), "{fixed}");
    let (_, fixed) = only_fix(
        r#"
        resources:
          db:
            type: mysql
            options:
              version: 8.0
        "#,
    )
    .unwrap();
    assert!(fixed.contains("version: \"8.0\""), "{fixed}");
}

#[test]
fn the_v2_agent_map_becomes_agent_true_unless_lines_would_go_into_a_flow_map() {
    let text = "services:\n  web:\n    agent:\n      enabled: true\n      ports:\n        - 8125/udp\n";
    let (title, fixed) = only_fix(text).unwrap();
    assert_eq!(title, "Write `agent: true`");
    assert_eq!(fixed, "services:\n  web:\n    agent: true\n    ports:\n      - 8125/udp\n");
    assert_eq!(
        only_fix(
            r#"
        services:
          web: {agent: {ports: [8125/udp]}}
        "#
        ),
        None
    );
    assert_eq!(
        only_fix(
            r#"
        services:
          web:
            agent:
              enabled: maybe
        "#
        ),
        None
    );
}

/// A scratch directory, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("convox-lsp-quick-fixes-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn shared() -> Option<PathBuf> {
    skip::shared("quick_fixes (corpus and Convox oracle)", &["corpus", "tools/convox-oracle/convox-check"])
}

/// convox-check's verdict per file: accepted or not.
fn accepted(shared: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, bool> {
    let out: BTreeMap<PathBuf, bool> = common::convox_check_json(shared, files)
        .iter()
        .map(|v| (PathBuf::from(v["file"].as_str().unwrap()), v["ok"].as_bool().unwrap_or(false)))
        .collect();
    assert_eq!(out.len(), files.len(), "convox-check answered for every file");
    out
}

/// Every fix on the corpus and on the cases above keeps what Convox accepted accepted.
#[test]
fn convox_accepts_every_fixed_file_it_accepted_before() {
    let Some(shared) = shared() else { return };
    let mut inputs: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(shared.join("corpus")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yml") {
            inputs.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap_or_default()));
        }
    }
    inputs.push(("misspelt".into(), "services:\n  web:\n    image: nginx\n    command: a\n    commnd: b\n".into()));
    inputs.push(("agent".into(), "services:\n  web:\n    image: nginx\n    agent:\n      ports: [8125/udp]\n".into()));
    let dir = Scratch::new();
    let (mut files, mut pairs) = (Vec::new(), Vec::new());
    for (i, (name, text)) in inputs.iter().enumerate() {
        let original = dir.path().join(format!("{i}.yml"));
        std::fs::write(&original, text).unwrap();
        files.push(original.clone());
        for (j, (title, fixed)) in fixes(name, text).into_iter().enumerate() {
            let f = dir.path().join(format!("{i}-fix{j}.yml"));
            std::fs::write(&f, &fixed).unwrap();
            files.push(f.clone());
            pairs.push((name.clone(), title, original.clone(), f));
        }
    }
    eprintln!("quick_fixes: {} fixes on {} manifests", pairs.len(), inputs.len());
    assert!(pairs.len() >= 10, "the corpus gives fixes to check");
    let verdict = accepted(&shared, &files);
    for (name, title, original, fixed) in &pairs {
        assert!(!verdict[original] || verdict[fixed], "{name}: Convox rejects the file after {title:?}");
    }
}

/// Removing a misspelt line whose key is already set: Convox renders the same objects.
#[test]
fn convox_renders_the_same_app_after_a_misspelt_line_is_removed() {
    let Some(shared) = shared() else { return };
    let text = "services:\n  web:\n    image: nginx\n    command: bin/web\n    commnd: bin/old\n    port: 3000\n";
    let (title, fixed) = only_fix(text).unwrap();
    assert!(title.starts_with("Remove"), "{title}");
    let dir = Scratch::new();
    let render = |t: &str, n: &str| {
        let p = dir.path().join(n);
        std::fs::write(&p, t).unwrap();
        let out =
            Command::new(shared.join("tools/convox-oracle/convox-render")).arg(&p).output().expect("convox-render");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let (a, b) = (render(text, "a.yml"), render(&fixed, "b.yml"));
    assert!(a.contains("bin/web"), "{a}");
    assert_eq!(a, b);
}

/// A lost merge key (`dropped-merge`): its fix writes the anchored keys the map does not write,
/// and is not offered where copying text could change what it means or lose some.
#[test]
fn a_lost_merge_key_is_inlined_only_where_safe() {
    let base = "x-base: &base\n  port: 3000\n  command: bin/base\n";
    let text = format!("{base}services:\n  web:\n    command: bin/web\n    <<: *base\n    image: nginx\n");
    let (title, fixed) = only_fix(&text).unwrap();
    assert_eq!(title, "Write the merged keys here");
    assert_eq!(fixed, format!("{base}services:\n  web:\n    command: bin/web\n    port: 3000\n    image: nginx\n"));
    // Every key already written: the `<<` line goes.
    let text = format!("{base}services:\n  web:\n    <<: *base\n    port: 4000\n    command: x\n");
    assert_eq!(only_fix(&text).unwrap().1, format!("{base}services:\n  web:\n    port: 4000\n    command: x\n"));
    for refused in [
        // a comment beside it, a list of sources, a flow map, a source with an alias of its own
        format!("{base}services:\n  web:\n    <<: *base # shared\n    image: nginx\n"),
        format!("{base}services:\n  web:\n    <<: [*base]\n    image: nginx\n"),
        format!("{base}services:\n  web: {{<<: *base, image: nginx}}\n"),
        "x-env: &env [A=1]\nx-base: &base\n  environment: *env\nservices:\n  web:\n    <<: *base\n    image: nginx\n"
            .to_string(),
    ] {
        let d = Analysis::from_text(&refused).diagnostics();
        let lost: Vec<_> = d.iter().filter(|d| d.code == Code::DroppedMerge).collect();
        assert_eq!(lost.len(), 1, "{refused}: {d:?}");
        assert!(lost[0].fix.is_none(), "{refused}: {:?}", lost[0].fix);
    }
}
