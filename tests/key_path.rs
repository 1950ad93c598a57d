//! The key path at a cursor (`$0`), on valid and broken YAML.

mod fixture;

use convox_lsp::ide::Analysis;
use convox_lsp::syntax::Target;
use expect_test::{Expect, expect};

fn check(fixture: &str, expect: Expect) {
    let fixture: &str = &fixture::dedent(fixture);
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let a = Analysis::from_text(&text);
    let at = a.key_path_at(offset);
    let slice = |r: convox_lsp::text::TextRange| &text[r.start..r.end];
    let target = match at.target {
        Target::Key(r) => format!("key {:?}", slice(r)),
        Target::Value(r) => format!("value {:?}", slice(r)),
        Target::NewKey(r) => format!("new key {:?}", slice(r)),
        Target::NewItem(r) => format!("new item {:?}", slice(r)),
    };
    let source = if at.from_indentation { " (indentation)" } else { "" };
    expect.assert_eq(&format!("{} | {target}{source}", at.path));
}

const BASE: &str = "services:\n  web:\n    build: .\n    scale:\n      count: 2-10\n      memory: 512\n    resources:\n      - database\n  worker:\n    command: bin/worker\n";

fn at(marker_after: &str) -> String {
    let i = BASE.find(marker_after).unwrap() + marker_after.len();
    format!("{}$0{}", &BASE[..i], &BASE[i..])
}

#[test]
fn on_keys_and_values() {
    check(&at("    sca"), expect![[r#"services.web.scale | key "scale""#]]);
    check(&at("coun"), expect![[r#"services.web.scale.count | key "count""#]]);
    check(&at("count: 2-1"), expect![[r#"services.web.scale.count | value "2-10""#]]);
    check(&at("  - data"), expect![[r#"services.web.resources[0] | value "database""#]]);
    check(&at("services"), expect![[r#"services | key "services""#]]);
    check(&at("command: bin"), expect![[r#"services.worker.command | value "bin/worker""#]]);
}

#[test]
fn on_a_blank_line_the_indentation_decides() {
    check(
        r#"
        services:
          web:
            build: .
            $0
          worker:
            command: x
        "#,
        expect![[r#"services.web | new key "" (indentation)"#]],
    );
    check(
        r#"
        services:
          web:
            build: .
          $0
          worker:
            command: x
        "#,
        expect![[r#"services | new key "" (indentation)"#]],
    );
    check("services:\n  web:\n    build: .\n$0", expect![[r#" | new key "" (indentation)"#]]);
}

#[test]
fn empty_value_after_a_colon() {
    check("services:\n  web:\n    port: $0\n", expect![[r#"services.web.port | value """#]]);
    check("timers:\n  cleanup:\n    service:$0\n", expect![[r#"timers.cleanup.service | value """#]]);
}

#[test]
fn broken_yaml() {
    // A key being typed without its colon.
    check(
        r#"
        services:
          web:
            sca$0
            port: 3000
          worker:
            command: x
        "#,
        expect![[r#"services.web | new key "sca" (indentation)"#]],
    );
    // An unclosed quote elsewhere leaves this path intact.
    check(
        r#"
        services:
          web:
            command: "bin/web
            port: 3000
          worker:
            scale:
              cou$0nt: 2
        "#,
        expect![[r#"services.worker.scale.count | key "count""#]],
    );
    // A new, empty list item.
    check(
        r#"
        services:
          web:
            resources:
              - database
              - $0
        "#,
        expect![[r#"services.web.resources[1] | new item """#]],
    );
    // A wrongly indented line: the indentation scan still finds its parents.
    check(
        r#"
        services:
          web:
           command: x$0
            port: 3000
        "#,
        expect![[r#"services.web.command | value "x" (indentation)"#]],
    );
    // The unclosed quote itself.
    check(
        r#"
        services:
          web:
            command: "bin/w$0eb
            port: 3000
        "#,
        expect![[r#"services.web.command | value "\"bin/web" (indentation)"#]],
    );
    // Inside a list of maps.
    check(
        r#"
        services:
          web:
            volumeOptions:
              - awsEfs:
                  id: x
                  $0
        "#,
        expect![[r#"services.web.volumeOptions[0].awsEfs | new key "" (indentation)"#]],
    );
}
