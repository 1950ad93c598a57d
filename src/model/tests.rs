use super::*;
use crate::syntax::parse;

fn model(text: &str) -> Manifest {
    Manifest::from_yaml(parse(text).root(), text)
}

#[test]
fn reads_the_example() {
    let text = include_str!("../../examples/convox.yml");
    let m = model(text);
    let names = |v: Vec<&str>| v.join(",");
    assert_eq!(names(m.services.iter().map(|s| s.name.value.as_str()).collect()), "web,worker,agent,jobs");
    assert_eq!(
        names(m.resources.iter().map(|s| s.name.value.as_str()).collect()),
        "database,cache,analytics-db,sessions"
    );
    assert_eq!(names(m.timers.iter().map(|s| s.name.value.as_str()).collect()), "cleanup,data-import");
    assert_eq!(m.balancers[0].name.value, "tcp-lb");
    let web = m.service("web").unwrap();
    assert_eq!(web.port.as_ref().unwrap().value, Port { scheme: "http".into(), port: 3000 });
    assert_eq!(&text[web.name.range.start..web.name.range.end], "web");
    assert_eq!(web.resources.len(), 4);
    assert_eq!(&text[web.resources[2].name.range.start..web.resources[2].name.range.end], "analytics-db");
    assert!(m.service("agent").unwrap().agent.as_ref().unwrap().value);
    assert_eq!(m.timer("cleanup").unwrap().service.as_ref().unwrap().value, "jobs");
    assert_eq!(m.balancers[0].ports.len(), 2);
    assert_eq!(
        m.environment.iter().map(|e| e.name.value.as_str()).collect::<Vec<_>>(),
        ["PORT", "RAILS_ENV", "DATABASE_URL"]
    );
}

#[test]
fn a_broken_region_leaves_the_rest() {
    let m = model(
        "services:\n  web:\n    port: \"3000\n  worker:\n    command: x\nresources:\n  db:\n    type: postgres\n",
    );
    assert_eq!(m.services.iter().map(|s| s.name.value.as_str()).collect::<Vec<_>>(), ["web", "worker"]);
    assert_eq!(m.resources[0].kind.as_ref().unwrap().value, "postgres");
}

#[test]
fn resource_alias_form_and_env_ranges() {
    let text = "environment:\n  - A=1\n  - B\nservices:\n  web:\n    resources:\n      - database:MY_URL\n";
    let m = model(text);
    let r = &m.services[0].resources[0];
    assert_eq!(&text[r.name.range.start..r.name.range.end], "database");
    let alias = r.alias.as_ref().unwrap();
    assert_eq!(&text[alias.range.start..alias.range.end], "MY_URL");
    let a = &m.environment[0];
    assert_eq!(&text[a.name.range.start..a.name.range.end], "A");
    assert_eq!(a.default.as_ref().unwrap().value, "1");
}

/// `${...}` is matched as Convox's `regexpInterpolation` matches it (`pkg/manifest/helpers.go:7`,
/// `\$\{([^}]*?)\}`): up to the first `}`, across a newline, and an unclosed `${` matches nothing.
#[test]
fn interpolations_match_convox_regexp() {
    let text = "a: ${HOST}:${PORT}\nb: ${X:-y}\nc: ${A\nB}\nd: ${}\ne: ${OPEN";
    let found: Vec<&str> = super::interpolations(text).iter().map(|i| &text[i.name.start..i.name.end]).collect();
    assert_eq!(found, ["HOST", "PORT", "X:-y", "A\nB", ""]);
    let first = super::interpolations(text)[0];
    assert_eq!(&text[first.range.start..first.range.end], "${HOST}");
}
