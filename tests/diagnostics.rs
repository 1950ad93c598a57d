//! One fixture per diagnostic code: the exact ranges, severities and messages a user sees, and the
//! text after applying each quick fix.

mod fixture;

use convox_lsp::ide::Analysis;
use expect_test::{Expect, expect};

/// `line:col-line:col severity[code] message`, 1-based, one per line; then each fix applied.
fn render(text: &str) -> String {
    let a = Analysis::from_text(text);
    let mut out = String::new();
    for d in a.diagnostics() {
        let lc = |o: usize| {
            let before = &text[..o];
            (before.matches('\n').count() + 1, o - before.rfind('\n').map_or(0, |i| i + 1) + 1)
        };
        let (l1, c1) = lc(d.range.start);
        let (l2, c2) = lc(d.range.end);
        out.push_str(&format!("{l1}:{c1}-{l2}:{c2} {}[{}] {}\n", d.severity.as_str(), d.code, d.message));
        if let Some(fix) = &d.fix {
            let mut fixed = text.to_string();
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
            for (r, new) in edits {
                fixed.replace_range(r.start..r.end, &new);
            }
            out.push_str(&format!("  fix {:?}:\n", fix.title));
            for l in fixed.lines() {
                out.push_str(&format!("  | {l}\n"));
            }
        }
    }
    out
}

fn check(text: &str, expect: Expect) {
    let text: &str = &fixture::dedent(text);
    expect.assert_eq(&render(text));
}

#[test]
fn clean_manifest_has_nothing() {
    check(
        r#"
        environment:
          - SECRET
        resources:
          db:
            type: postgres
        services:
          web:
            port: 3000
            resources:
              - db
            domain: ${SECRET}
        timers:
          t:
            schedule: "*/5 * * * *"
            command: bin/t
            service: web
        "#,
        expect![[""]],
    );
}

#[test]
fn unknown_keys_with_suggestions() {
    check(
        r#"
        services:
          web:
            resorces:
              - db
        "#,
        expect![[r#"
        3:5-3:13 warning[unknown-key] unknown key `resorces` under `services.web`: Convox ignores it; did you mean `resources`?
          fix "Rename to `resources`":
          | services:
          |   web:
          |     resources:
          |       - db
    "#]],
    );
    check(
        r#"
        services:
          web:
            memory: 512
        "#,
        expect![[r#"
        3:5-3:11 warning[unknown-key] unknown key `memory` under `services.web`: Convox ignores it (it belongs under `scale`: `scale.memory`)
    "#]],
    );
    check(
        r#"
        services:
          web:
            build:
              context: .
        "#,
        expect![[r#"
        4:7-4:14 warning[unknown-key] unknown key `context` under `services.web.build`: Convox ignores it (Convox's build has `path`, not `context`)
    "#]],
    );
    check(
        r#"
        services:
          web:
            port: 80
            health:
              internal: true
        "#,
        expect![[r#"
            5:7-5:15 warning[unknown-key] unknown key `internal` under `services.web.health`: Convox ignores it; did you mean `interval`?
              fix "Rename to `interval`":
              | services:
              |   web:
              |     port: 80
              |     health:
              |       interval: true
        "#]],
    );
    check(
        r#"
        servicess:
          web: {}
        "#,
        expect![[r#"
        1:1-1:10 warning[unknown-key] unknown key `servicess` at the top level: Convox ignores it; did you mean `services`?
          fix "Rename to `services`":
          | services:
          |   web: {}
    "#]],
    );
    check("services:\n  web:\n    labels:\n      anything: goes\n", expect![[""]]);
}

#[test]
fn wrong_types() {
    check(
        r#"
        services:
          web:
            command: [bin/web, --port, "3000"]
        "#,
        expect![[r#"
            1:1-1:9 warning[legacy-manifest] this looks like a Convox Generation 2 (ECS) manifest (`command` as a list): a Convox v3 (Kubernetes) rack ignores those keys, and rejects what is marked as an error
            3:14-3:39 error[wrong-type] `command` must be string, not a list: write the command as one string; Convox fails with: yaml: unmarshal errors: cannot unmarshal !!seq into string
              fix "Write the command as one string":
              | services:
              |   web:
              |     command: bin/web --port 3000
        "#]],
    );
    check(
        r#"
        services:
          web:
            agent:
              enabled: true
        "#,
        expect![[r#"
            1:1-1:9 warning[legacy-manifest] this looks like a Convox Generation 2 (ECS) manifest (`agent` as a map): a Convox v3 (Kubernetes) rack ignores those keys, and rejects what is marked as an error
            4:7-4:20 error[agent-ports] agent ports are now specified at the service level (the map form is Convox v2): write `agent: true`
              fix "Write `agent: true`":
              | services:
              |   web:
              |     agent: true
        "#]],
    );
    check(
        r#"
        environment:
          FOO: bar
        "#,
        expect![[r#"
            2:3-2:11 error[wrong-type] `environment` must be a list of `KEY` or `KEY=default` strings; Convox fails with: unknown type for service environment: map[interface {}]interface {}
        "#]],
    );
    check(
        r#"
        services:
          web:
            labels:
              - team=a
        "#,
        expect![[r#"
        4:7-4:15 error[wrong-type] `labels` must be map of strings, not a list: write labels as a map `key: value`
    "#]],
    );
    check(
        r#"
        services:
          web:
            ports:
              - port: 3000
                protocol: tcp
        "#,
        expect![[r#"
            4:9-5:22 error[wrong-type] each `ports` item must be a port (`3001`) or a port and protocol (`8125/udp`); Convox fails with: invalid port: map[port:3000 protocol:tcp]
        "#]],
    );
    check(
        "- services\n",
        expect![[r#"
        1:1-1:11 error[wrong-type] convox.yml must be a map of sections (`services:`, `resources:` ...), not a list
    "#]],
    );
    check(
        r#"
        services:
          web:
            scale:
              count: 2+
        "#,
        expect![[r#"
            4:14-4:16 error[invalid-scale] `scale` takes no "N+": write a range like `2-10`; Convox fails with: strconv.Atoi: parsing "2+": invalid syntax
        "#]],
    );
    check(
        r#"
        services:
          web:
            port: web
        "#,
        expect![[r#"
            3:11-3:14 error[invalid-port] a port must be a whole number (`3000`, `"https:3000"`, `8125/udp`); Convox fails with: strconv.Atoi: parsing "web": invalid syntax
        "#]],
    );
    check(
        r#"
        services:
          web:
            port: ${PORT}
        "#,
        expect![[r#"
            3:11-3:18 warning[variable-form] `${PORT}` must be set to a value of the right form: with a word such as `x`, Convox fails: a port must be a whole number (`3000`, `"https:3000"`, `8125/udp`); Convox fails with: strconv.Atoi: parsing "x": invalid syntax
        "#]],
    );
}

#[test]
fn names_and_references() {
    check(
        r#"
        services:
          celery_beat:
            command: x
        timers:
          t:
            schedule: "0 * * * *"
            service: celery_beat
        "#,
        expect![[r#"
            2:3-2:14 error[invalid-name] service name celery_beat invalid, must contain only lowercase alphanumeric and dashes
              fix "Rename service to `celery-beat` (and its references)":
              | services:
              |   celery-beat:
              |     command: x
              | timers:
              |   t:
              |     schedule: "0 * * * *"
              |     service: celery-beat
        "#]],
    );
    check(
        r#"
        resources:
          1db:
            type: postgres
        "#,
        expect![[r#"
        2:3-2:6 error[invalid-name] resource name 1db invalid, must contain only lowercase alphanumeric and dashes
        2:3-2:6 hint[unused-resource] no service links resource `1db`: nothing reads it
    "#]],
    );
    check(
        r#"
        timers:
          timer_1:
            schedule: "0 * * * *"
            service: nosuch
        "#,
        expect![[r#"
        2:3-2:10 error[invalid-name] timer name timer_1 invalid, must contain only lowercase alphanumeric and dashes
        4:14-4:20 error[undefined-service] timer timer_1 references a service that does not exist: nosuch
    "#]],
    );
    check(
        r#"
        services:
          web:
            resources:
              - database
              - cache:REDIS_URL
        "#,
        expect![[r#"
            4:9-4:17 error[undefined-resource] service web references a resource that does not exist: database
              fix "Declare resource `database` (type postgres)":
              | services:
              |   web:
              |     resources:
              |       - database
              |       - cache:REDIS_URL
              | resources:
              |   database:
              |     type: postgres
            5:9-5:14 error[undefined-resource] service web references a resource that does not exist: cache
              fix "Declare resource `cache` (type redis)":
              | services:
              |   web:
              |     resources:
              |       - database
              |       - cache:REDIS_URL
              | resources:
              |   cache:
              |     type: redis
        "#]],
    );
    check(
        r#"
        services:
          web:
            configMounts:
              - id: app
                dir: /etc
                filename: app.json
        "#,
        expect![[r#"
        4:13-4:16 error[undefined-config] config id: 'app' not found
    "#]],
    );
}

#[test]
fn resources() {
    check(
        r#"
        resources:
          db:
            options:
              storage: 10
        "#,
        expect![[r#"
        2:3-2:5 error[missing-type] resource "db" has blank type
        2:3-2:5 hint[unused-resource] no service links resource `db`: nothing reads it
    "#]],
    );
    check(
        r#"
        resources:
          db:
            type: postgress
        services:
          web:
            resources: [db]
        "#,
        expect![[r#"
        3:11-3:20 error[unknown-resource-type] unknown resource type `postgress`: the promote fails (open resource/postgress.yml.tmpl: file does not exist); did you mean `postgres`?
          fix "Write `postgres`":
          | resources:
          |   db:
          |     type: postgres
          | services:
          |   web:
          |     resources: [db]
    "#]],
    );
    check(
        r#"
        resources:
          cache1:
            type: redis
          cache2:
            type: redis
        services:
          web:
            resources: [cache1, cache2]
        "#,
        expect![[r#"
            4:3-4:9 warning[resource-name-collision] resources `cache1` and `cache2` both become `resource-cache` in Kubernetes (Convox drops digits): their objects collide
        "#]],
    );
    check(
        r#"
        resources:
          db:
            type: mysql
            options:
              version: 8.0
        services:
          web:
            resources: [db]
        "#,
        expect![[r#"
        5:16-5:19 warning[unquoted-version] unquoted decimal version 8.0: Convox reads it as a number and passes "8"; quote it: "8.0"
          fix "Quote as \"8.0\"":
          | resources:
          |   db:
          |     type: mysql
          |     options:
          |       version: "8.0"
          | services:
          |   web:
          |     resources: [db]
    "#]],
    );
    check(
        r#"
        resources:
          an-analytics-database-1:
            type: rds-postgres
            options:
              class: db.t3.micro
        services:
          web:
            resources: [an-analytics-database-1]
        "#,
        expect![[r#"
            2:3-2:26 error[name-too-long] rds resource name must not excced 20 char limit (an-analytics-database-1 has 23 characters; the limit is 20)
            2:3-2:26 error[missing-option] rds-postgres resource an-analytics-database-1 needs `options.version`: the promote fails without it
        "#]],
    );
    check(
        r#"
        environment:
          - DATABASE_URL
        resources:
          database:
            type: postgres
        services:
          web:
            resources: [database]
        "#,
        expect![[r#"
            2:5-2:17 warning[resource-overlay] `DATABASE_URL` is required, so the release environment sets it, which switches resource `database` off: Convox runs no postgres container and points `DATABASE_URL` at that URL
        "#]],
    );
}

#[test]
fn services() {
    check(
        r#"
        services:
          web:
            internal: true
            internalRouter: true
            port: 80
        "#,
        expect![[r#"
        4:21-4:25 error[internal-conflict] service web can not have both internal and internalRouter set as true
    "#]],
    );
    check(
        r#"
        services:
          worker:
            health: /health
            domain: example.com
        "#,
        expect![[r#"
        3:5-3:11 warning[needs-port] `health` has no effect: service worker has no `port`
        4:5-4:11 warning[needs-port] `domain` has no effect: service worker has no `port`
    "#]],
    );
    check(
        r#"
        services:
          web:
            port: 80
            internal: true
            domain: example.com
        "#,
        expect![[r#"
        5:13-5:24 warning[no-effect] `domain` has no effect on an internal service: web gets no Ingress
    "#]],
    );
    check(
        r#"
        services:
          web:
            deployment:
              minimum: -1
              maximum: 300
        "#,
        expect![[r#"
            4:16-4:18 error[deployment-bounds] service web deployment minimum can not be less than 0
            5:16-5:19 error[deployment-bounds] service web deployment maximum can not be greater than 200
        "#]],
    );
    check(
        r#"
        services:
          web:
            scale:
              cpu: 512
              limit:
                cpu: 256
        "#,
        expect![[r#"
            6:14-6:17 error[limit-below-request] cpu limit can not be less cpu request
        "#]],
    );
    check(
        r#"
        labels:
          app: x
        services:
          web:
            labels:
              service: y
        "#,
        expect![[r#"
        2:3-2:6 error[reserved-label] reserved label key 'app' is not allowed
        6:7-6:14 error[reserved-label] reserved label key 'service' is not allowed
    "#]],
    );
    check(
        r#"
        services:
          web:
            links:
              - db
            drain: 10
        "#,
        expect![[r#"
            1:1-1:9 warning[legacy-manifest] this looks like a Convox Generation 2 (ECS) manifest (`links`): a Convox v3 (Kubernetes) rack ignores those keys, and rejects what is marked as an error
            5:5-5:10 warning[no-effect] `drain` has no effect in Convox v3
        "#]],
    );
    check(
        r#"
        services:
          web:
            volumeOptions:
              - awsEfs:
                  id: data
              - emptyDir:
                  mountPath: /tmp
                  medium: Disk
        "#,
        expect![[r#"
            4:9-4:15 error[missing-key] awsEfs.mountPath is required
            4:9-4:15 error[missing-key] awsEfs.accessMode must be one of these values: ReadOnlyMany, ReadWriteMany, ReadWriteOnce
            6:9-6:17 error[missing-key] emptyDir.id is required
            8:19-8:23 error[invalid-value] emptyDir.medium's allowed values: Memory
        "#]],
    );
    check(
        r#"
        services:
          web:
            securityContext:
              runAsNonRoot: true
              runAsUser: 0
              seccompProfile: Localhost
              capabilities:
                add: [CAP_NET_ADMIN]
        "#,
        expect![[r#"
            5:18-5:19 error[security-context] service web: securityContext: runAsNonRoot=true is incompatible with runAsUser=0
            6:23-6:32 error[security-context] service web: securityContext.seccompProfile: Localhost is not supported (no localhostProfile field); use RuntimeDefault or Unconfined
            8:15-8:28 error[security-context] service web: securityContext.capabilities.add: "CAP_NET_ADMIN" must not include CAP_ prefix (use "NET_ADMIN")
        "#]],
    );
    check(
        r#"
        services:
          web:
            annotations:
              - just-a-key
        "#,
        expect![[r#"
            4:9-4:19 error[invalid-annotation] invalid annotation format: just-a-key (write `key=value`)
        "#]],
    );
    check(
        r#"
        services:
          web: {}
          web: {}
        "#,
        expect![[r#"
        3:3-3:6 warning[duplicate-key] `web` is declared twice (first on line 2): Convox keeps both entries, which then collide
    "#]],
    );
    check(
        r#"
        services:
          web:
            port: 80
            port: 81
        "#,
        expect![[r#"
        4:5-4:9 warning[duplicate-key] duplicate key `port` (first on line 3): Convox uses the last one
    "#]],
    );
}

#[test]
fn timers() {
    check(
        r#"
        services:
          jobs: {}
        timers:
          a:
            schedule: "0 3 * * ? *"
            service: jobs
          b:
            schedule: "61 * * * *"
            service: jobs
          c:
            schedule: "0 3 *"
            service: jobs
          d:
            schedule: "0 0 L * *"
            service: jobs
          e:
            schedule: "@daily"
            service: jobs
          f:
            schedule: "0 0 * * 7"
            service: jobs
          g:
            schedule: "0 0 * * 0-7"
            service: jobs
          h:
            schedule: "@every 1d"
            service: jobs
          i:
            schedule: "CRON_TZ=UTC 0 3 * * *"
            service: jobs
          j:
            schedule: "0 9 * jan-mar MON-FRI"
            service: jobs
        "#,
        expect![[r#"
            5:15-5:28 warning[schedule-rewritten] schedule has 6 fields: Convox keeps the first five, `0 3 * * *` (v2 AWS cron syntax)
            8:15-8:27 error[invalid-schedule] timer b: minute takes 0-59, `*`, ranges and `/step`; Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61
            11:15-11:22 error[invalid-schedule] timer c: a schedule has 5 fields (minute hour day-of-month month day-of-week); Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "0 3 *": expected exactly 5 fields, found 3: [0 3 *]
            14:15-14:26 error[invalid-schedule] timer d: day of month takes 1-31, `*`, ranges and `/step`; Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "0 0 L * *": failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax
            20:15-20:26 error[invalid-schedule] timer f: day of week takes 0-6 or SUN-SAT (Sunday is 0; 7 is refused), `*`, ranges and `/step`; Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "0 0 * * 7": end of range (7) above maximum (6): 7
            23:15-23:28 error[invalid-schedule] timer g: day of week takes 0-6 or SUN-SAT (Sunday is 0; 7 is refused), `*`, ranges and `/step`; Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "0 0 * * 0-7": end of range (7) above maximum (6): 0-7
            26:15-26:26 error[invalid-schedule] timer h: `@every` takes a Go duration such as `90s`, `15m` or `1h30m`; Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "@every 1d": failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"
            29:15-29:38 error[invalid-schedule] timer i: a time zone in the schedule is refused (Convox renders no `timeZone`: CronJobs run in the cluster's time zone); Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: "CRON_TZ=UTC 0 3 * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead
        "#]],
    );
    check(
        r#"
        services:
          jobs: {}
        timers:
          t:
            schedule: "0 * * * *"
            service: jobs
            concurrency: FORBID
        "#,
        expect![[r#"
            7:18-7:24 error[invalid-concurrency] concurrency `FORBID` becomes `concurrencyPolicy: FORBID`, which Kubernetes rejects at promote: use one of `Allow`, `Forbid`, `Replace`
              fix "Write `Forbid`":
              | services:
              |   jobs: {}
              | timers:
              |   t:
              |     schedule: "0 * * * *"
              |     service: jobs
              |     concurrency: Forbid
        "#]],
    );
    check(
        r#"
        services:
          jobs: {}
        timers:
          t:
            schedule: "0 * * * *"
            service: jobs
            concurrency: forbid
        "#,
        expect![[""]],
    );
    check(
        r#"
        timers:
          t:
            command: x
        "#,
        expect![[r#"
            2:3-2:4 error[missing-key] timer t references a service that does not exist: 
            2:3-2:4 error[missing-schedule] timer t has no `schedule`: Kubernetes rejects the CronJob
        "#]],
    );
}

#[test]
fn balancers() {
    check(
        r#"
        services:
          web: {}
        balancers:
          a:
            whitelist: 1.1.1.1
          b:
            service: nosuch
            ports:
              5000:
                port: 3000
                protocol: tcp
        "#,
        expect![[r#"
            4:3-4:4 error[missing-key] balancer a has blank service
            4:3-4:4 error[missing-key] balancer a has no ports
            5:16-5:23 error[invalid-cidr] balancer a whitelist 1.1.1.1 is not a valid cidr range
            7:14-7:20 error[undefined-service] balancer b refers to unknown service nosuch
            11:19-11:22 error[invalid-protocol] `protocol` must be one of `TCP`, `UDP`, not `tcp`: Kubernetes rejects it at promote
              fix "Write `TCP`":
              | services:
              |   web: {}
              | balancers:
              |   a:
              |     whitelist: 1.1.1.1
              |   b:
              |     service: nosuch
              |     ports:
              |       5000:
              |         port: 3000
              |         protocol: TCP
        "#]],
    );
    // SCTP: the API's Service validation takes it, the AWS network load balancer the template asks for
    // (provider/k8s/template/app/balancer.yml.tmpl:8, protocol verbatim at :35) does not: a warning.
    // A service's own `ports: - 9000/sctp` becomes a ClusterIP Service port (service.yml.tmpl:334): fine.
    check(
        r#"
        services:
          web:
            ports: [9000/sctp]
        balancers:
          b:
            service: web
            ports:
              5000:
                port: 3000
                protocol: SCTP
        "#,
        expect![[r#"
            10:19-10:23 warning[load-balancer-protocol] protocol `SCTP`: Kubernetes accepts the Service, but the AWS network load balancer Convox requests (`aws-load-balancer-type: nlb`) carries only TCP and UDP; the Service gets no external address (event `Protocol SCTP not supported by LoadBalancer`)
        "#]],
    );
}

#[test]
fn budget() {
    check(
        r#"
        services:
          web: {}
        budget:
          atCapAction: auto-shutdown
          notifyBeforeMinutes: 2
          shutdownGracePeriod: 2h
          neverAutoShutdown: [web, api]
        "#,
        expect![[r#"
            4:16-4:29 error[budget] budget.atCapAction "auto-shutdown" requires budget.atCapWebhookUrl to be set; auto-shutdown silently killing services without notification is rejected by design
            4:16-4:29 error[budget] budget.atCapAction "auto-shutdown" requires budget.monthlyCapUsd > 0; cannot shut down on cap breach without a cap
            4:16-4:29 error[budget] budget.atCapAction "auto-shutdown" with all services listed in neverAutoShutdown leaves no services eligible; either remove a service from neverAutoShutdown or use atCapAction "block-new-deploys"
            5:24-5:25 error[budget-value] budget.notifyBeforeMinutes must be between 5 and 1440; got 2
            6:24-6:26 error[budget-value] budget.shutdownGracePeriod must be between 0s and 1h; got 2h
            7:28-7:31 warning[undefined-service] budget.neverAutoShutdown contains "api" which is not a service in this manifest; ignoring at runtime
        "#]],
    );
}

#[test]
fn environment_and_interpolation() {
    check(
        r#"
        services:
          web:
            domain: ${HOST}
            environment:
              - X=${Y:-z}
        "#,
        expect![[r#"
        3:5-3:11 warning[needs-port] `domain` has no effect: service web has no `port`
        3:13-3:20 warning[undeclared-variable] `${HOST}` is not declared in any `environment`: unless the app sets HOST, Convox substitutes an empty string
        5:11-5:18 warning[unsupported-interpolation] Convox has no `${VAR:-default}`: it looks up a variable named `Y:-z` and substitutes an empty string
    "#]],
    );
}

#[test]
fn multi_document_and_ignore_comments() {
    check(
        r#"
        services:
          web: {}
        ---
        services:
          api: {}
        "#,
        expect![[r#"
        4:1-5:10 warning[extra-document] Convox reads only the first YAML document of convox.yml: this one is ignored
    "#]],
    );
    check(
        r#"
        services:
          web:
            bogus: 1 # convox-lsp: ignore[unknown-key]
            # convox-lsp: ignore
            other: 2
            third: 3 # convox-lsp: ignore[no-effect]
        "#,
        expect![[r#"
            6:5-6:10 warning[unknown-key] unknown key `third` under `services.web`: Convox ignores it
        "#]],
    );
}

#[test]
fn environment_entries_that_convox_drops() {
    check(
        r#"
        services:
          web:
            environment:
              - KEY: value
              - [A, B=1]
              - 42
        "#,
        expect![[r#"
        4:9-4:19 warning[no-effect] an environment entry must be `KEY` or `KEY=value`, not a map: Convox drops it silently (quote it)
        6:9-6:11 warning[no-effect] an environment entry must be `KEY` or `KEY=value`, not an integer: Convox drops it silently (quote it)
    "#]],
    );
}

/// What Convox's decoders silently drop is a warning, never an error (`pkg/manifest/yaml.go:305`,
/// `:456`, `:529`: type assertions).
#[test]
fn values_convox_ignores() {
    check(
        r#"services:
  web:
    port: 3000
    health:
      grace: "10"
    scale:
      cpu: "256"
      gpu:
        count: "1"
"#,
        expect![[r#"
            5:14-5:18 warning[ignored-value] Convox ignores this value: `grace` must be an integer, not a string (pkg/manifest/yaml.go:305); the default is used
            7:12-7:17 warning[ignored-value] Convox ignores this value: `cpu` must be an integer, not a string (pkg/manifest/yaml.go:456); the default is used
            9:16-9:19 warning[ignored-value] Convox ignores this value: `count` must be an integer, not a string (pkg/manifest/yaml.go:529); the default is used
        "#]],
    );
}

/// A section indented under `services:` (a service named `timers`), and a one-letter typo of a
/// sibling preferred over "it is a key of ...".
#[test]
fn likely_mistakes() {
    check(
        r#"services:
  web:
    port: 3000
    health:
      internal: 5
  timers:
    cleanup:
      schedule: "0 * * * *"
      service: web
"#,
        expect![[r#"
            5:7-5:15 warning[unknown-key] unknown key `internal` under `services.web.health`: Convox ignores it; did you mean `interval`?
              fix "Rename to `interval`":
              | services:
              |   web:
              |     port: 3000
              |     health:
              |       interval: 5
              |   timers:
              |     cleanup:
              |       schedule: "0 * * * *"
              |       service: web
            6:3-6:9 warning[misplaced-section] `timers` is indented under `services:`: Convox reads it as a service named `timers`, which deploys; move it to the top level (no indentation)
        "#]],
    );
}

/// rds read replicas, snapshot restores and imports take version and class from their source
/// (`provider/k8s/aws_resources.go:233`).
#[test]
fn rds_without_class_when_it_has_a_source() {
    check(
        r##"resources:
  replica:
    type: rds-postgres
    options:
      readSourceDB: "#convox.resources.main"
  restored:
    type: rds-postgres
    options:
      dbSnapshotIdentifier: snap-1
services:
  web:
    resources: [replica, restored]
"##,
        expect![[""]],
    );
}

/// A default in the manifest does not switch overlay mode: only the release environment does
/// (`provider/k8s/release.go:815`).
#[test]
fn overlay_only_from_a_required_variable() {
    check(
        r#"resources:
  database:
    type: postgres
services:
  web:
    resources: [database]
    environment:
      - DATABASE_URL=postgres://localhost/dev
"#,
        expect![[""]],
    );
}

/// A Generation 2 manifest: one warning at the top with the evidence, instead of one per v2 key;
/// the v2 forms v3 rejects keep their errors and quick fixes.
#[test]
fn legacy_manifests() {
    check(
        r#"services:
  web:
    links:
      - db
    command: [bin/web, --port, "3000"]
  datadog:
    agent:
      enabled: true
      ports:
        - 8125/udp
        - 8126/tcp
"#,
        expect![[r#"
            1:1-1:9 warning[legacy-manifest] this looks like a Convox Generation 2 (ECS) manifest (`links`, `command` as a list, `agent` as a map): a Convox v3 (Kubernetes) rack ignores those keys, and rejects what is marked as an error
            5:14-5:39 error[wrong-type] `command` must be string, not a list: write the command as one string; Convox fails with: yaml: unmarshal errors: cannot unmarshal !!seq into string
              fix "Write the command as one string":
              | services:
              |   web:
              |     links:
              |       - db
              |     command: bin/web --port 3000
              |   datadog:
              |     agent:
              |       enabled: true
              |       ports:
              |         - 8125/udp
              |         - 8126/tcp
            8:7-11:19 error[agent-ports] agent ports are now specified at the service level (the map form is Convox v2): write `agent: true`
              fix "Write `agent: true`":
              | services:
              |   web:
              |     links:
              |       - db
              |     command: [bin/web, --port, "3000"]
              |   datadog:
              |     agent: true
              |     ports:
              |       - 8125/udp
              |       - 8126/tcp
        "#]],
    );
    check(
        r#"services:
  web:
    port: 3000
workflows:
  merge:
    master:
      - deploy: staging/site
"#,
        expect![[r#"
            1:1-1:9 warning[legacy-manifest] this looks like a Convox Praxis manifest (`workflows:`): a Convox v3 (Kubernetes) rack ignores those keys, and rejects what is marked as an error
        "#]],
    );
}

/// With `rackVersion` set, what that rack does not support yet (Convox's release notes:
/// docs/reference/releases/3-24.md, 3.24.1 startupProbe timing, 3.24.5 securityContext, 3.24.6
/// imagePullSecrets).
#[test]
fn rack_version() {
    let text = r#"services:
  web:
    port: 3000
    startupProbe:
      grace: 30
    securityContext:
      runAsNonRoot: true
    imagePullSecrets:
      - registry: ghcr.io
        username: me
        passwordEnv: TOKEN
"#;
    let a = Analysis::from_text(text);
    let lines = |v: &str| {
        let rack = convox_lsp::ide::RackVersion::parse(v).unwrap();
        a.rack_version_diagnostics(rack)
            .iter()
            .map(|d| {
                format!(
                    "{} {}[{}] {}",
                    text[..d.range.start].matches('\n').count() + 1,
                    d.severity.as_str(),
                    d.code,
                    d.message
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    expect![[r#"
        6 warning[rack-version] `securityContext` needs rack 3.24.5 or later (rackVersion is 3.24.0): an older rack ignores it
        8 warning[rack-version] `imagePullSecrets` needs rack 3.24.6 or later (rackVersion is 3.24.0): an older rack ignores it
        5 warning[rack-version] before rack 3.24.1 (rackVersion is 3.24.0), the startup probe uses the liveness probe's timing, not this value"#]].assert_eq(&lines("3.24.0"));
    expect![[""]].assert_eq(&lines("3.24.6"));
}

/// A `# convox-lsp: ignore[rack-version]` comment silences a rack-version warning like any other.
#[test]
fn rack_version_warnings_follow_ignore_comments() {
    let text = "services:\n  web:\n    port: 3000\n    # convox-lsp: ignore[rack-version]\n    securityContext:\n      runAsNonRoot: true\n    imagePullSecrets:\n      - registry: ghcr.io\n        username: me\n        passwordEnv: TOKEN\n";
    let a = Analysis::from_text(text);
    let rack = convox_lsp::ide::RackVersion::parse("3.24.0");
    let codes: Vec<String> = a
        .diagnostics_in(None, rack)
        .iter()
        .filter(|d| d.code.as_str() == "rack-version")
        .map(|d| format!("{} {}", text[..d.range.start].matches('\n').count() + 1, d.message))
        .collect();
    expect![[r#"
        7 `imagePullSecrets` needs rack 3.24.6 or later (rackVersion is 3.24.0): an older rack ignores it"#]]
    .assert_eq(&codes.join("\n"));
}

#[test]
fn unknown_codes_in_ignore_comments() {
    // `typo` silences nothing: a warning names the valid codes; `unknown-kye` is fixed to the
    // nearest code, and the comment then silences the unknown key below it.
    let text = unindent(
        r#"
        services:
          web: # convox-lsp: ignore[typo]
            image: nginx
            # convox-lsp: ignore[unknown-kye]
            colour: red
        "#,
    );
    let out = render(&text);
    let lines: Vec<&str> =
        out.lines().filter(|l| !l.starts_with(' ')).map(|l| l.split(" Valid codes:").next().unwrap()).collect();
    expect![[r#"
        [
            "2:29-2:33 warning[unknown-code] `typo` is not a convox-lsp diagnostic code, so this comment silences nothing.",
            "4:26-4:37 warning[unknown-code] `unknown-kye` is not a convox-lsp diagnostic code, so this comment silences nothing. Did you mean `unknown-key`?",
            "5:5-5:11 warning[unknown-key] unknown key `colour` under `services.web`: Convox ignores it",
        ]
    "#]]
    .assert_debug_eq(&lines);
    assert!(out.contains("Valid codes: yaml-syntax, wrong-type, "), "{out}");
    assert!(out.contains("  |     # convox-lsp: ignore[unknown-key]\n"), "{out}");
}

/// A fixture written indented in the test: the common indentation removed.
fn unindent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().skip_while(|l| l.trim().is_empty()).collect();
    let indent =
        lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|l| format!("{}\n", l.get(indent..).unwrap_or("").trim_end())).collect()
}
