use super::*;

const PLACEHOLDERS: [&str; 13] = [
    "ns", "rack", "app", "service", "name", "timer", "resource", "balancer", "k8sname", "RESOURCE", "value", "id",
    "version",
];

/// Placeholders in a template: `{word}`, skipping jsonpath's `{.…}` and `{range …}`.
fn placeholders(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else { break };
        let inner = &after[..j];
        if !inner.starts_with('.') && !inner.starts_with("range") && !inner.starts_with("end") && !inner.contains(' ') {
            out.push(inner);
        }
        rest = &after[j + 1..];
    }
    out
}

#[test]
fn the_data_loads() {
    let s = schema();
    assert!(s.keys().count() > 150, "only {} keys", s.keys().count());
    assert_eq!(s.resource_types().count(), 11);
}

#[test]
fn every_key_has_a_description_and_a_mapping_or_a_note() {
    let mut problems = Vec::new();
    for (pattern, doc) in schema().keys() {
        if doc.summary.trim().is_empty() || doc.description.trim().len() < 20 {
            problems.push(format!("{pattern}: no summary or description"));
        }
        if doc.k8s.is_empty() && doc.no_k8s.as_deref().is_none_or(|n| n.trim().is_empty()) {
            problems.push(format!("{pattern}: neither k8s nor no_k8s"));
        }
        if doc.accepts.is_empty() {
            problems.push(format!("{pattern}: accepts nothing"));
        }
        let commands: Vec<String> = doc.kubectl.iter().map(|c| c.text().to_string()).collect();
        let templates = commands.iter().chain(doc.k8s.iter().flat_map(|r| [&r.name].into_iter().chain(r.field.iter())));
        for t in templates {
            for p in placeholders(t) {
                if !PLACEHOLDERS.contains(&p) {
                    problems.push(format!("{pattern}: unknown placeholder {{{p}}} in {t:?}"));
                }
            }
        }
        for c in &commands {
            if c.starts_with("kubectl")
                && !c.contains("-n {ns}")
                && !c.contains("--namespace {ns}")
                && !c.contains("-A")
                && !c.starts_with("kubectl get ns ")
            {
                problems.push(format!("{pattern}: kubectl without -n {{ns}}: {c}"));
            }
        }
        // Every pattern's parent is documented too.
        if let Some(cut) = pattern.rfind(['.', '[']) {
            let parent = &pattern[..cut];
            if schema().get(parent).is_none() {
                problems.push(format!("{pattern}: parent {parent} is not documented"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn resource_options_name_their_types() {
    let s = schema();
    for (pattern, doc) in s.keys() {
        if pattern.starts_with("resources.*.options.") {
            assert!(!doc.types.is_empty(), "{pattern} lists no types");
            for t in &doc.types {
                assert!(s.resource_type(t).is_some(), "{pattern}: unknown type {t}");
            }
        }
    }
}

#[test]
fn lookup_prefers_named_keys_over_stars() {
    use crate::syntax::{KeyPath, Segment::*};
    let s = schema();
    let m =
        s.lookup(&KeyPath(vec![Key("services".into()), Key("web".into()), Key("scale".into()), Key("count".into())]));
    assert_eq!(m.pattern, "services.*.scale.count");
    assert_eq!(m.name.as_deref(), Some("web"));
    assert!(m.doc.is_some());
    // A service called `scale` is still a service.
    let m = s.lookup(&KeyPath(vec![Key("services".into()), Key("scale".into()), Key("port".into())]));
    assert_eq!(m.pattern, "services.*.port");
    let m = s.lookup(&KeyPath(vec![Key("services".into()), Key("web".into()), Key("resources".into()), Index(0)]));
    assert_eq!(m.pattern, "services.*.resources[]");
}

#[test]
fn the_reference_doc_is_current() {
    expect_test::expect_file!["../../docs/reference.md"].assert_eq(&reference::markdown(schema()));
}

/// The children index gives what a scan of every pattern gives, for every pattern and prefix.
#[test]
fn children_are_those_a_scan_finds() {
    let s = schema();
    let scan = |parent: &str| -> Vec<(String, String)> {
        s.keys()
            .filter_map(|(p, _)| {
                let rest = if parent.is_empty() { p } else { p.strip_prefix(parent)?.strip_prefix('.')? };
                (!rest.is_empty() && !rest.contains('.') && !rest.contains('['))
                    .then(|| (rest.to_string(), p.to_string()))
            })
            .collect()
    };
    let mut parents: Vec<String> = vec![String::new(), "nope".into(), "services.".into(), "services.*.".into()];
    parents.extend(s.keys().map(|(p, _)| p.to_string()));
    parents.extend(s.prefixes.iter().cloned());
    for parent in &parents {
        let indexed: Vec<(String, String)> =
            s.children(parent).map(|(k, p, _)| (k.to_string(), p.to_string())).collect();
        assert_eq!(indexed, scan(parent), "{parent:?}");
    }
    assert!(s.children("services.*").count() > 20);
}
