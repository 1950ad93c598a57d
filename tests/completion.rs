//! Completion at a `$0` cursor: labels, kinds, what they insert and the range they replace.

mod fixture;

use convox_lsp::ide::{Analysis, CompletionKind};
use expect_test::{Expect, expect};

/// One line per item: `label (kind) [replaced text] => insert`; `…` after the first `max` items.
fn render(fixture: &str, max: usize) -> String {
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let a = Analysis::from_text(&text);
    let mut items = a.completions(offset);
    items.sort_by(|x, y| x.sort.cmp(&y.sort));
    let mut out = String::new();
    for (i, c) in items.iter().enumerate() {
        if i == max {
            out.push_str(&format!("… {} more\n", items.len() - max));
            break;
        }
        let kind = match c.kind {
            CompletionKind::Key => "key",
            CompletionKind::Value => "value",
            CompletionKind::Reference => "ref",
            CompletionKind::Variable => "var",
            CompletionKind::Snippet => "snippet",
        };
        let replaced = &text[c.replace.start..c.replace.end];
        out.push_str(&format!("{} ({kind}) [{replaced}] => {:?}\n", c.label, c.insert));
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

fn check(fixture: &str, expect: Expect) {
    let fixture: &str = &fixture::dedent(fixture);
    expect.assert_eq(&render(fixture, 8));
}

fn labels(fixture: &str) -> Vec<String> {
    let fixture: &str = &fixture::dedent(fixture);
    let offset = fixture.find("$0").unwrap();
    let text = fixture.replacen("$0", "", 1);
    Analysis::from_text(&text).completions(offset).into_iter().map(|c| c.label).collect()
}

#[test]
fn top_level_keys() {
    check(
        "$0",
        expect![[r#"
        environment (key) [] => "environment:\n  - "
        resources (key) [] => "resources:\n  "
        services (key) [] => "services:\n  "
        timers (key) [] => "timers:\n  "
        balancers (key) [] => "balancers:\n  "
        labels (key) [] => "labels:\n  "
        configs (key) [] => "configs:\n  - "
        appSettings (key) [] => "appSettings:\n  "
        … 1 more
    "#]],
    );
    check(
        r#"
        services:
          web: {}
        $0"#,
        expect![[r#"
        environment (key) [] => "environment:\n  - "
        resources (key) [] => "resources:\n  "
        timers (key) [] => "timers:\n  "
        balancers (key) [] => "balancers:\n  "
        labels (key) [] => "labels:\n  "
        configs (key) [] => "configs:\n  - "
        appSettings (key) [] => "appSettings:\n  "
        budget (key) [] => "budget:\n  "
    "#]],
    );
}

#[test]
fn service_keys_at_every_level() {
    check(
        r#"
        services:
          web:
            port: 3000
            $0
        "#,
        expect![[r#"
        build (key) [] => "build: ${1:.}"
        image (key) [] => "image: "
        command (key) [] => "command: "
        ports (key) [] => "ports:\n      - "
        environment (key) [] => "environment:\n      - "
        scale (key) [] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        resources (key) [] => "resources:\n      - "
        … 33 more
    "#]],
    );
    check(
        r#"
        services:
          web:
            scale:
              $0
        "#,
        expect![[r#"
        count (key) [] => "count: "
        min (key) [] => "min: "
        max (key) [] => "max: "
        cpu (key) [] => "cpu: "
        memory (key) [] => "memory: "
        limit (key) [] => "limit:\n        "
        gpu (key) [] => "gpu: "
        targets (key) [] => "targets:\n        "
        … 3 more
    "#]],
    );
    check(
        r#"
        services:
          web:
            health:
              path: /
              $0
        "#,
        expect![[r#"
        interval (key) [] => "interval: "
        grace (key) [] => "grace: "
        timeout (key) [] => "timeout: "
        disable (key) [] => "disable: "
        port (key) [] => "port: ${1:3000}"
    "#]],
    );
    check(
        r#"
        services:
          web:
            volumeOptions:
              - awsEfs:
                  $0
        "#,
        expect![[r#"
        id (key) [] => "id: "
        mountPath (key) [] => "mountPath: "
        accessMode (key) [] => "accessMode: "
        storageClass (key) [] => "storageClass: "
        volumeHandle (key) [] => "volumeHandle: "
    "#]],
    );
    // Keys already present are not offered again; v2 keys never are.
    let l = labels(
        r#"
        services:
          web:
            port: 3000
            build: .
            $0
        "#,
    );
    assert!(!l.contains(&"port".to_string()) && !l.contains(&"build".to_string()));
    assert!(!l.iter().any(|k| k == "links" || k == "drain" || k == "nlb"));
    assert!(l.contains(&"scale".to_string()) && l.contains(&"environment".to_string()));
}

#[test]
fn resource_options_follow_the_type() {
    let pg = labels(
        r#"
        resources:
          db:
            type: postgres
            options:
              $0
        "#,
    );
    assert!(pg.contains(&"storage".to_string()) && pg.contains(&"version".to_string()));
    assert!(!pg.contains(&"class".to_string()), "{pg:?}");
    let rds = labels(
        r#"
        resources:
          db:
            type: rds-postgres
            options:
              $0
        "#,
    );
    assert!(rds.contains(&"class".to_string()) && rds.contains(&"encrypted".to_string()), "{rds:?}");
    check(
        r#"
        resources:
          db:
            type: redis
            options:
              $0
        "#,
        expect![[r#"
        version (key) [] => "version: "
        cpu (key) [] => "cpu: "
        mem (key) [] => "mem: "
    "#]],
    );
}

#[test]
fn new_entries_get_skeletons() {
    check(
        r#"
        services:
          $0
        "#,
        expect![[r#"
        new service (snippet) [] => "${1:web}:\n    build: ${2:.}\n    port: ${3:3000}\n    scale:\n      count: ${4:1}"
    "#]],
    );
    check(
        r#"
        services:
          jobs: {}
          web: {}
        timers:
          $0
        "#,
        expect![[r#"
        new timer (snippet) [] => "${1:cleanup}:\n    schedule: \"${2:0 3 * * *}\"\n    command: ${3:bin/cleanup}\n    service: ${4|jobs,web|}"
    "#]],
    );
    check(
        r#"
        resources:
          $0
        "#,
        expect![[r#"
        new resource (snippet) [] => "${1:database}:\n    type: ${2|postgres,postgis,mysql,mariadb,redis,memcached,rds-postgres,rds-mysql,rds-mariadb,elasticache-redis,elasticache-memcached|}"
    "#]],
    );
    check(
        r#"
        services:
          worker: {}
        balancers:
          $0
        "#,
        expect![[r#"
        new balancer (snippet) [] => "${1:tcp}:\n    service: ${2|worker|}\n    ports:\n      ${3:5000}: ${4:3000}"
    "#]],
    );
}

#[test]
fn values() {
    check(
        r#"
        resources:
          db:
            type: $0
        "#,
        expect![[r#"
        postgres (value) [] => "postgres"
        postgis (value) [] => "postgis"
        mysql (value) [] => "mysql"
        mariadb (value) [] => "mariadb"
        redis (value) [] => "redis"
        memcached (value) [] => "memcached"
        rds-postgres (value) [] => "rds-postgres"
        rds-mysql (value) [] => "rds-mysql"
        … 3 more
    "#]],
    );
    check(
        r#"
        timers:
          t:
            concurrency: $0
        "#,
        expect![[r#"
        Allow (value) [] => "Allow"
        Forbid (value) [] => "Forbid"
        Replace (value) [] => "Replace"
    "#]],
    );
    check(
        r#"
        services:
          web:
            internal: $0
        "#,
        expect![[r#"
        true (value) [] => "true"
        false (value) [] => "false"
    "#]],
    );
    check(
        r#"
        timers:
          t:
            schedule: $0
        "#,
        expect![[r#"
        0 * * * * (value) [] => "\"0 * * * *\""
        */15 * * * * (value) [] => "\"*/15 * * * *\""
        */5 * * * * (value) [] => "\"*/5 * * * *\""
        0 0 * * * (value) [] => "\"0 0 * * *\""
        0 3 * * * (value) [] => "\"0 3 * * *\""
        0 9 * * 1-5 (value) [] => "\"0 9 * * 1-5\""
        0 0 * * 0 (value) [] => "\"0 0 * * 0\""
        0 0 1 * * (value) [] => "\"0 0 1 * *\""
    "#]],
    );
    check(
        r#"
        services:
          web:
            scale:
              count: $0
        "#,
        expect![[r#"
        1 (value) [] => "1"
        2 (value) [] => "2"
        2-10 (value) [] => "2-10"
        0 (value) [] => "0"
    "#]],
    );
    check(
        r#"
        services:
          web:
            volumeOptions:
              - awsEfs:
                  accessMode: Read$0
        "#,
        expect![[r#"
        ReadWriteOnce (value) [Read] => "ReadWriteOnce"
        ReadOnlyMany (value) [Read] => "ReadOnlyMany"
        ReadWriteMany (value) [Read] => "ReadWriteMany"
    "#]],
    );
    check(
        r#"
        balancers:
          b:
            ports:
              5000:
                protocol: $0
        "#,
        expect![[r#"
        TCP (value) [] => "TCP"
        UDP (value) [] => "UDP"
    "#]],
    );
}

#[test]
fn declared_names() {
    check(
        r#"
        resources:
          database:
            type: postgres
          cache:
            type: redis
        services:
          web:
            resources:
              - database
              - $0
        "#,
        expect![[r#"
            cache (ref) [] => "cache"
        "#]],
    );
    check(
        r#"
        services:
          web: {}
          jobs:
            agent: true
        timers:
          t:
            service: $0
        "#,
        expect![[r#"
        web (ref) [] => "web"
        jobs (ref) [] => "jobs"
    "#]],
    );
    check(
        r#"
        services:
          web: {}
        balancers:
          b:
            service: w$0
        "#,
        expect![[r#"
        web (ref) [w] => "web"
    "#]],
    );
    check(
        r#"
        configs:
          - id: app-config
        services:
          web:
            configMounts:
              - id: $0
        "#,
        expect![[r#"
            app-config (ref) [] => "app-config"
        "#]],
    );
}

#[test]
fn environment_names_in_interpolation() {
    check(
        r#"
        environment:
          - HOST
          - PORT=3000
        services:
          web:
            environment:
              - TOKEN
            domain: ${$0}
        "#,
        expect![[r#"
            HOST (var) [] => "HOST"
            PORT (var) [] => "PORT"
            TOKEN (var) [] => "TOKEN"
        "#]],
    );
    check(
        r#"
        environment:
          - HOST
        services:
          web:
            domain: ${HO$0
        "#,
        expect![[r#"
        HOST (var) [HO] => "HOST"
    "#]],
    );
}

#[test]
fn broken_documents() {
    // 1. A key being typed, no colon yet.
    check(
        r#"
        services:
          web:
            sca$0
            port: 3000
        "#,
        expect![[r#"
        build (key) [sca] => "build: ${1:.}"
        image (key) [sca] => "image: "
        command (key) [sca] => "command: "
        ports (key) [sca] => "ports:\n      - "
        environment (key) [sca] => "environment:\n      - "
        scale (key) [sca] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [sca] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        resources (key) [sca] => "resources:\n      - "
        … 33 more
    "#]],
    );
    // 2. The same at the end of the file.
    check(
        r#"
        services:
          web:
            port: 3000
            hea$0"#,
        expect![[r#"
        build (key) [hea] => "build: ${1:.}"
        image (key) [hea] => "image: "
        command (key) [hea] => "command: "
        ports (key) [hea] => "ports:\n      - "
        environment (key) [hea] => "environment:\n      - "
        scale (key) [hea] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [hea] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        resources (key) [hea] => "resources:\n      - "
        … 33 more
    "#]],
    );
    // 3. An empty list item.
    check(
        r#"
        resources:
          db:
            type: postgres
        services:
          web:
            resources:
              -$0
        "#,
        expect![[r#"
        db (ref) [] => "db"
    "#]],
    );
    // 4. A syntax error elsewhere in the file.
    check(
        r#"
        services:
          web:
            command: "unclosed
            port: 3000
          worker:
            $0
        "#,
        expect![[r#"
        build (key) [] => "build: ${1:.}"
        image (key) [] => "image: "
        command (key) [] => "command: "
        port (key) [] => "port: ${1:3000}"
        ports (key) [] => "ports:\n      - "
        environment (key) [] => "environment:\n      - "
        scale (key) [] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        … 34 more
    "#]],
    );
    // 5. A wrongly indented line above.
    check(
        r#"
        services:
          web:
           command: x
            port: 3000
          worker:
            sc$0
        "#,
        expect![[r#"
        build (key) [sc] => "build: ${1:.}"
        image (key) [sc] => "image: "
        command (key) [sc] => "command: "
        port (key) [sc] => "port: ${1:3000}"
        ports (key) [sc] => "ports:\n      - "
        environment (key) [sc] => "environment:\n      - "
        scale (key) [sc] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [sc] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        … 34 more
    "#]],
    );
    // 6. A half-typed value after a colon.
    check(
        r#"
        timers:
          t:
            concurrency: Fo$0
        "#,
        expect![[r#"
        Allow (value) [Fo] => "Allow"
        Forbid (value) [Fo] => "Forbid"
        Replace (value) [Fo] => "Replace"
    "#]],
    );
    // 7. A top-level key being typed at the end of the file.
    check(
        r#"
        services:
          web: {}
        reso$0"#,
        expect![[r#"
        environment (key) [reso] => "environment:\n  - "
        resources (key) [reso] => "resources:\n  "
        timers (key) [reso] => "timers:\n  "
        balancers (key) [reso] => "balancers:\n  "
        labels (key) [reso] => "labels:\n  "
        configs (key) [reso] => "configs:\n  - "
        appSettings (key) [reso] => "appSettings:\n  "
        budget (key) [reso] => "budget:\n  "
    "#]],
    );
    // 8. A tab-indented line elsewhere.
    check(
        "services:\n  web:\n\tport: 1\n  worker:\n    $0\n",
        expect![[r#"
        build (key) [] => "build: ${1:.}"
        image (key) [] => "image: "
        command (key) [] => "command: "
        port (key) [] => "port: ${1:3000}"
        ports (key) [] => "ports:\n      - "
        environment (key) [] => "environment:\n      - "
        scale (key) [] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        … 34 more
    "#]],
    );
    // 9. An unclosed flow map on the line before.
    check(
        r#"
        services:
          web:
            health: {path: /x
            $0
        "#,
        expect![[r#"
        build (key) [] => "build: ${1:.}"
        image (key) [] => "image: "
        command (key) [] => "command: "
        port (key) [] => "port: ${1:3000}"
        ports (key) [] => "ports:\n      - "
        environment (key) [] => "environment:\n      - "
        scale (key) [] => "scale:\n      count: ${1:1}\n      cpu: ${2:250}\n      memory: ${3:512}"
        health (key) [] => "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}"
        … 34 more
    "#]],
    );
    // 10. A key with its colon but no value yet, in a broken document.
    check(
        r#"
        services:
          web:
            sca
          worker:
            agent: $0
        "#,
        expect![[r#"
        true (value) [] => "true"
        false (value) [] => "false"
    "#]],
    );
    // 11. Inside a comment: nothing.
    check(
        r#"
        services:
          web: # sc$0
        "#,
        expect![[r#"
        (none)
    "#]],
    );
}

/// A manifest typed into in the middle, as a user does: every position the issue lists.
const MID: &str = "environment:
  - RAILS_ENV=production
  - SECRET
configs:
  - id: app-settings
resources:
  database:
    type: postgres
  cache:
    type: redis
services:
  web:
    build: .
    resources:
      - database
$0
  worker:
    build: .
timers:
  cleanup:
    schedule: \"0 3 * * *\"
    command: bin/cleanup
";

fn mid(at: &str) -> String {
    render(&MID.replace("$0", at), 12)
}

#[test]
fn every_position_of_a_mid_file_edit() {
    // An empty item of a service's `resources`, between two services.
    expect![[r#"
        cache (ref) [] => "cache"
    "#]]
    .assert_eq(&mid("      - $0"));
    // A new `resources:` then `- ` in the middle of the services.
    expect![[r#"
        database (ref) [] => "database"
        cache (ref) [] => "cache"
    "#]]
    .assert_eq(&render(&MID.replace("    resources:\n      - database\n$0", "    resources:\n      - $0"), 12));
    // A service's `environment`: the app's names, then what its resources inject.
    expect![[r#"
        RAILS_ENV (var) [] => "RAILS_ENV"
        SECRET (var) [] => "SECRET"
        DATABASE_URL (var) [] => "DATABASE_URL"
        DATABASE_USER (var) [] => "DATABASE_USER"
        DATABASE_PASS (var) [] => "DATABASE_PASS"
        DATABASE_HOST (var) [] => "DATABASE_HOST"
        DATABASE_PORT (var) [] => "DATABASE_PORT"
        DATABASE_NAME (var) [] => "DATABASE_NAME"
    "#]]
    .assert_eq(&mid("    environment:\n      - $0"));
    expect![[r#"
        RAILS_ENV (var) [RA] => "RAILS_ENV"
        SECRET (var) [RA] => "SECRET"
        DATABASE_URL (var) [RA] => "DATABASE_URL"
        DATABASE_USER (var) [RA] => "DATABASE_USER"
        DATABASE_PASS (var) [RA] => "DATABASE_PASS"
        DATABASE_HOST (var) [RA] => "DATABASE_HOST"
        DATABASE_PORT (var) [RA] => "DATABASE_PORT"
        DATABASE_NAME (var) [RA] => "DATABASE_NAME"
    "#]]
    .assert_eq(&mid("    environment:\n      - RA$0"));
    // configMounts ids.
    expect![[r#"
        app-settings (ref) [] => "app-settings"
    "#]]
    .assert_eq(&mid("    configMounts:\n      - id: $0"));
    // A key after a dedent (back to the service's level from its `resources` list).
    expect![[r#"
        image (key) [] => "image: "
        command (key) [] => "command: "
        … 38 more
    "#]]
    .assert_eq(&render(&mid_lines("    $0"), 2));
    // A key at the end of a line with trailing spaces, and after a comment line.
    expect![[r#"
        image (key) [im] => "image: "
        … 39 more
    "#]]
    .assert_eq(&render(&mid_lines("    # the image\n    im$0   "), 1));
    // Inside a flow list.
    expect![[r#"
        cache (ref) [] => "cache"
    "#]]
    .assert_eq(&mid("    resources: [database, $0]"));
    expect![[r#"
        cache (ref) [da] => "cache"
    "#]]
    .assert_eq(&mid("    resources: [da$0"));
    // A timer's and a balancer's `service`.
    expect![[r#"
        web (ref) [] => "web"
        worker (ref) [] => "worker"
    "#]]
    .assert_eq(&render(&format!("{}    service: $0\n", MID.replace("$0\n", "")), 12));
}

fn mid_lines(at: &str) -> String {
    MID.replace("$0\n", &format!("{at}\n"))
}
