//! Definitions, references, highlights, rename, folding, selection ranges, semantic tokens, inlay
//! hints and code lenses, at `$0` cursors, shown as the text they point at.

use convox_lsp::context::Context;
use convox_lsp::ide::navigation;
use convox_lsp::ide::structure;
use convox_lsp::ide::{Analysis, HintConfig};
use convox_lsp::text::TextRange;
use expect_test::expect;

fn parse(fixture: &str) -> (String, usize, Analysis) {
    let offset = fixture.find("$0").expect("a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let a = Analysis::from_text(&text);
    (text, offset, a)
}

/// `line:col "text"` for each range (1-based).
fn show(text: &str, ranges: &[TextRange]) -> String {
    ranges
        .iter()
        .map(|r| {
            let before = &text[..r.start];
            let line = before.matches('\n').count() + 1;
            let col = r.start - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{line}:{col} {:?}", &text[r.start..r.end])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const APP: &str = "environment:\n  - DATABASE_URL\nresources:\n  database:\n    type: postgres\nservices:\n  web:\n    domain: ${DATABASE_URL}\n    resources:\n      - database\n  worker:\n    resources:\n      - database:MAIN_DB_URL\n  jobs: {}\ntimers:\n  cleanup:\n    schedule: \"0 3 * * *\"\n    service: jobs\nbalancers:\n  tcp:\n    service: worker\n    ports:\n      5000: 3000\nbudget:\n  neverAutoShutdown:\n    - jobs\n";

/// The app with the cursor one character into the first name of `marker`, after its leading
/// spaces, dash or `key: ` (`"  jobs: {}"` puts it in `jobs`, `"service: jobs"` in `jobs`).
fn at(marker: &str) -> String {
    let skip = marker.rfind(": ").filter(|i| !marker[*i + 2..].starts_with('{')).map_or(0, |i| i + 2);
    let name = skip + marker[skip..].find(|c: char| c.is_ascii_alphabetic()).unwrap();
    let i = APP.find(marker).unwrap() + name + 1;
    format!("{}$0{}", &APP[..i], &APP[i..])
}

#[test]
fn definition_from_every_kind_of_reference() {
    for (marker, want) in [
        ("- database\n", "4:3 \"database\""),
        ("database:MAIN", "4:3 \"database\""),
        ("service: jobs", "14:3 \"jobs\""),
        ("service: worker", "11:3 \"worker\""),
        ("- jobs\n", "14:3 \"jobs\""),
        ("DATABASE_URL}", "2:5 \"DATABASE_URL\""),
    ] {
        let (text, offset, a) = parse(&at(marker));
        assert_eq!(show(&text, &navigation::definition(&a, offset)), want, "{marker}");
    }
}

#[test]
fn references_and_highlights() {
    let (text, offset, a) = parse(&at("  database:\n"));
    expect![[r#"
        4:3 "database"
        10:9 "database"
        13:9 "database""#]]
    .assert_eq(&show(&text, &navigation::references(&a, offset, true)));
    let (text, offset, a) = parse(&at("  jobs: {}"));
    expect![[r#"
        18:14 "jobs"
        26:7 "jobs""#]]
    .assert_eq(&show(&text, &navigation::references(&a, offset, false)));
    let h = navigation::highlights(&a, offset);
    assert_eq!(h.iter().filter(|(_, decl)| *decl).count(), 1);
    assert_eq!(h.len(), 3);
    let _ = text;
}

#[test]
fn rename_updates_every_use_and_names_the_kubernetes_consequences() {
    let (text, offset, a) = parse(&at("  jobs: {}"));
    let r = navigation::rename(&a, offset, "tasks").unwrap();
    let mut renamed = text.clone();
    let mut edits = r.edits.clone();
    edits.sort_by_key(|(rg, _)| std::cmp::Reverse(rg.start));
    for (rg, new) in edits {
        renamed.replace_range(rg.start..rg.end, &new);
    }
    assert_eq!(renamed.matches("tasks").count(), 3);
    assert!(!renamed.contains("jobs"));
    expect![[r#"
        [
            "Secret env-jobs → env-tasks",
            "ServiceAccount jobs → tasks",
            "Deployment jobs → tasks",
        ]
    "#]]
    .assert_debug_eq(&r.consequences);

    let (_, offset, a) = parse(&at("  cleanup:"));
    let r = navigation::rename(&a, offset, "purge").unwrap();
    assert!(r.consequences.iter().any(|c| c == "CronJob timer-cleanup → timer-purge"), "{:?}", r.consequences);
    // A resource rename also renames its variables.
    let (_, offset, a) = parse(&at("  database:\n"));
    let r = navigation::rename(&a, offset, "db").unwrap();
    assert_eq!(r.edits.len(), 3);
    assert_eq!(r.consequences[1], "DATABASE_URL… → DB_URL… in the services that link it");
}

#[test]
fn rename_refuses_invalid_names() {
    let (_, offset, a) = parse(&at("  jobs: {}"));
    assert_eq!(
        navigation::rename(&a, offset, "Jobs_2").unwrap_err(),
        "service name Jobs_2 invalid, must contain only lowercase alphanumeric and dashes (starting with a letter)"
    );
    assert_eq!(navigation::rename(&a, offset, "web").unwrap_err(), "a service named web already exists");
    let (_, offset, a) = parse(&at("- DATABASE_URL"));
    assert!(navigation::prepare_rename(&a, offset).unwrap_err().contains("not supported"));
    let (_, offset, a) = parse(&at("    type: postgres"));
    assert!(navigation::prepare_rename(&a, offset).is_err());
}

#[test]
fn navigation_in_a_document_with_a_syntax_error() {
    let broken = APP.replace("    domain: ${DATABASE_URL}\n", "    command: \"unclosed\n");
    let i = broken.find("service: jobs").unwrap() + 10;
    let a = Analysis::from_text(&broken);
    assert!(!a.parse().errors.is_empty());
    assert_eq!(show(&broken, &navigation::definition(&a, i)), "14:3 \"jobs\"");
}

#[test]
fn folding_and_selection_ranges() {
    let (text, offset, a) = parse("services:\n  web:\n    scale:\n      count: 2$0\n    port: 80\n");
    expect![[r#"
        1:1 "services:\n  web:\n    scale:\n      count: 2\n    port: 80"
        2:3 "web:\n    scale:\n      count: 2\n    port: 80"
        3:5 "scale:\n      count: 2""#]]
    .assert_eq(&show(&text, &structure::folding_ranges(&a)));
    expect![[r#"
        4:14 "2"
        4:7 "count: 2"
        3:5 "scale:\n      count: 2"
        3:5 "scale:\n      count: 2\n    port: 80"
        2:3 "web:\n    scale:\n      count: 2\n    port: 80"
        1:1 "services:\n  web:\n    scale:\n      count: 2\n    port: 80"
        1:1 "services:\n  web:\n    scale:\n      count: 2\n    port: 80\n""#]]
    .assert_eq(&show(&text, &structure::selection_ranges(&a, offset)));
}

#[test]
fn semantic_tokens_tell_names_from_keys() {
    let text = "resources:\n  db:\n    type: postgres\nservices:\n  web:\n    resources:\n      - db\n";
    let a = Analysis::from_text(text);
    let rendered: Vec<String> = structure::semantic_tokens(&a)
        .iter()
        .map(|t| {
            format!(
                "{} {}{}",
                &text[t.range.start..t.range.end],
                structure::TOKEN_TYPES[t.token_type as usize],
                if t.modifiers & 1 == 1 { " declaration" } else { "" }
            )
        })
        .collect();
    expect![[r#"
        [
            "resources namespace",
            "db struct declaration",
            "type property",
            "services namespace",
            "web class declaration",
            "resources property",
            "db struct",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

#[test]
fn inlay_hints_and_code_lenses() {
    let text = include_str!("../examples/convox.yml");
    let a = Analysis::from_text(text);
    let ctx = Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() };
    let all = TextRange::new(0, text.len());
    let hints: Vec<String> = a
        .inlay_hints(&ctx, all, HintConfig { objects: true, defaults: true })
        .iter()
        .map(|h| {
            let line_start = text[..h.offset].rfind('\n').map_or(0, |i| i + 1);
            format!("{} {}", text[line_start..h.offset].trim(), h.label)
        })
        .collect();
    expect![[r#"
        [
            "database: → resource-database (postgres, overlay: no container)",
            "cache: → resource-cache (redis, no PVC)",
            "analytics-db: → resource-analytics-db (rds-postgres, AWS)",
            "sessions: → resource-sessions (elasticache-redis, AWS)",
            "web: → Deployment web, Service web, Ingress web, HPA 2-10",
            "worker: → Deployment worker",
            "agent: → DaemonSet agent, Service agent",
            "jobs: → Deployment jobs",
            "scale: → cpu 250m, memory 512Mi",
            "cleanup: → CronJob timer-cleanup",
            "data-import: → CronJob timer-data-import",
            "tcp-lb: → Service balancer-tcp-lb (LoadBalancer)",
        ]
    "#]]
    .assert_debug_eq(&hints);
    let lenses: Vec<String> =
        a.code_lenses(&ctx).iter().map(|l| format!("{} $ {}", &text[l.range.start..l.range.end], l.command)).collect();
    expect![[r#"
        [
            "web $ kubectl get deploy,svc,ing,hpa -n acme-shop -l service=web",
            "worker $ kubectl get deploy -n acme-shop -l service=worker",
            "agent $ kubectl get ds,svc -n acme-shop -l service=agent",
            "jobs $ kubectl get deploy -n acme-shop -l service=jobs",
            "database $ kubectl get cm resource-database -n acme-shop -o yaml",
            "cache $ kubectl get deploy,svc,cm -n acme-shop -l resource=cache",
            "analytics-db $ kubectl get cm resource-analytics-db -n acme-shop --show-labels",
            "sessions $ kubectl get cm resource-sessions -n acme-shop --show-labels",
            "cleanup $ kubectl get cronjob timer-cleanup -n acme-shop",
            "data-import $ kubectl get cronjob timer-data-import -n acme-shop",
        ]
    "#]]
    .assert_debug_eq(&lenses);
    // Switched off: nothing.
    assert!(a.inlay_hints(&ctx, all, HintConfig { objects: false, defaults: false }).is_empty());
}
