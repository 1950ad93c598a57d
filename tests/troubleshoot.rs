//! The troubleshooting ladder as a user reads it (`convox-lsp troubleshoot`, `convox.troubleshoot`):
//! one snapshot per service kind, timer and resource type of `examples/convox.yml` and
//! `tests/fixtures/troubleshoot.yml`; steps that do not apply never appear; every Convox fact the
//! ladder states is checked here against Convox's source (file:line at the mirror's HEAD).

mod fixture;

use convox_lsp::context::Context;
use convox_lsp::ide::{Analysis, troubleshoot};
use expect_test::expect_file;

const EXAMPLE: &str = include_str!("../examples/convox.yml");
const FIXTURE: &str = include_str!("fixtures/troubleshoot.yml");

fn ctx() -> Context {
    Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() }
}

fn ladder(text: &str, name: &str) -> String {
    troubleshoot::ladder(&Analysis::from_text(text), &ctx(), name).unwrap_or_else(|names| panic!("{name}: {names:?}"))
}

/// The step titles of a ladder, in order.
fn titles(md: &str) -> Vec<&str> {
    md.lines().filter_map(|l| l.strip_prefix("## ")).collect()
}

// ---------------------------------------------------------------------------------------------
// Snapshots: one per kind.

#[test]
fn web_with_port_ingress_and_hpa() {
    expect_file!["snapshots/troubleshoot/web.md"].assert_eq(&ladder(EXAMPLE, "web"));
}

#[test]
fn worker_without_port() {
    expect_file!["snapshots/troubleshoot/worker.md"].assert_eq(&ladder(EXAMPLE, "worker"));
}

#[test]
fn agent_daemonset_with_ports() {
    expect_file!["snapshots/troubleshoot/agent.md"].assert_eq(&ladder(EXAMPLE, "agent"));
}

#[test]
fn scaled_to_zero() {
    expect_file!["snapshots/troubleshoot/jobs.md"].assert_eq(&ladder(EXAMPLE, "jobs"));
}

#[test]
fn internal_https_service_from_an_image() {
    expect_file!["snapshots/troubleshoot/api.md"].assert_eq(&ladder(FIXTURE, "api"));
}

#[test]
fn internal_router_with_init_container_and_no_health() {
    expect_file!["snapshots/troubleshoot/admin.md"].assert_eq(&ladder(FIXTURE, "admin"));
}

#[test]
fn timers() {
    expect_file!["snapshots/troubleshoot/cleanup.md"].assert_eq(&ladder(EXAMPLE, "cleanup"));
    expect_file!["snapshots/troubleshoot/nightly.md"].assert_eq(&ladder(FIXTURE, "nightly"));
}

#[test]
fn resources_by_type() {
    for (text, name) in [
        (EXAMPLE, "database"),     // postgres, overlay: DATABASE_URL is declared
        (EXAMPLE, "cache"),        // redis
        (EXAMPLE, "analytics-db"), // rds-postgres
        (FIXTURE, "db"),           // postgres with a PVC
        (FIXTURE, "reports"),      // rds-mysql
    ] {
        expect_file![format!("snapshots/troubleshoot/resource-{name}.md")].assert_eq(&ladder(text, name));
    }
}

// ---------------------------------------------------------------------------------------------
// Only the steps that apply.

#[test]
fn steps_that_do_not_apply_never_appear() {
    // No port: no endpoints, no reach, no Ingress, no HPA (`scale.count: 2` is no range).
    let worker = ladder(EXAMPLE, "worker");
    for absent in ["endpoints", "Ingress", "HorizontalPodAutoscaler", "metrics-server", "netshoot"] {
        assert!(!worker.contains(absent), "worker mentions {absent}:\n{worker}");
    }
    // An agent is a DaemonSet: no HPA; `ports` give it a Service, so endpoints apply.
    let agent = ladder(EXAMPLE, "agent");
    assert!(agent.contains("ds/agent") && !agent.contains("deploy/agent") && !agent.contains("hpa"), "{agent}");
    assert!(agent.contains("kubectl get endpoints agent -n acme-shop"), "{agent}");
    // Scaled to 0: one step, no pods to look at.
    assert_eq!(titles(&ladder(EXAMPLE, "jobs")), ["1. No pods, by design", "Works locally, not in Kubernetes?"]);
    // internal: a Service but no Ingress (release.go: only Routable().External() get one).
    let api = ladder(FIXTURE, "api");
    assert!(api.contains("kubectl get endpoints api") && !api.contains("ingress"), "{api}");
    // A timer has no Service, endpoints, Ingress or HPA; it has its CronJob and Jobs.
    let timer = ladder(EXAMPLE, "cleanup");
    for absent in ["endpoints", "ingress", "hpa", "--previous"] {
        assert!(!timer.contains(absent), "timer mentions {absent}:\n{timer}");
    }
    // Managed and overlay resources run no pod.
    for name in ["analytics-db", "database"] {
        let md = ladder(EXAMPLE, name);
        assert!(!md.contains("kubectl get pods") && !md.contains("kubectl logs"), "{name}:\n{md}");
    }
    // Only a service with an init container gets its step.
    assert!(ladder(FIXTURE, "admin").contains("-c init") && !ladder(FIXTURE, "api").contains("-c init"));
}

#[test]
fn an_unknown_name_lists_the_names() {
    let err = troubleshoot::ladder(&Analysis::from_text(EXAMPLE), &ctx(), "wbe").unwrap_err();
    assert_eq!(
        err,
        ["web", "worker", "agent", "jobs", "cleanup", "data-import", "database", "cache", "analytics-db", "sessions"]
    );
}

#[test]
fn a_name_shared_by_two_sections_is_qualified() {
    let text = "services:\n  db:\n    build: .\nresources:\n  db:\n    type: redis\n";
    let a = Analysis::from_text(text);
    let lenses: Vec<String> = troubleshoot::lenses(&a).into_iter().map(|l| l.name).collect();
    assert_eq!(lenses, ["db", "resources.db"]);
    assert!(troubleshoot::ladder(&a, &ctx(), "resources.db").unwrap().starts_with("# Troubleshooting resource `db`"));
    assert!(troubleshoot::ladder(&a, &ctx(), "db").unwrap().starts_with("# Troubleshooting service `db`"));
}

#[test]
fn a_broken_document_still_has_a_ladder_for_what_it_declares() {
    // The unclosed quote breaks the last line only: `web` keeps its port, so its ladder is whole.
    let text = "services:\n  web:\n    port: 3000\n  worker:\n    command: \"bin/w\n";
    let a = Analysis::from_text(text);
    let web = troubleshoot::ladder(&a, &ctx(), "web").unwrap();
    assert!(web.contains("kubectl get endpoints web -n acme-shop"), "{web}");
    assert!(troubleshoot::ladder(&a, &ctx(), "worker").unwrap().starts_with("# Troubleshooting service `worker`"));
    // Nothing declared: no names to offer.
    assert!(troubleshoot::ladder(&Analysis::from_text(""), &ctx(), "web").unwrap_err().is_empty());
    assert!(troubleshoot::ladder(&Analysis::from_text(":\n- [\n"), &ctx(), "web").unwrap_err().is_empty());
}

// ---------------------------------------------------------------------------------------------
// The Convox facts the ladder states, against Convox's source.

#[test]
fn namespaces_and_their_labels() {
    let web = ladder(EXAMPLE, "web");
    // terraform/rack/k8s/main.tf:1-14: Namespace "${var.name}-system" labelled app=system,
    // rack=<rack>, system=convox, type=rack. provider/k8s/release.go:290-293: every object of an
    // app's promote, its Namespace (app/app.yml.tmpl) included, is labelled
    // system=convox,rack=<rack>,app=<app>; provider/k8s/app.go:197 lists apps with
    // system=convox,rack=<rack>,type=app. So one selector lists both namespaces.
    assert!(web.contains("namespace `acme-shop`"), "{web}");
    assert!(web.contains("`acme-system` (both listed by `kubectl get ns -l system=convox,rack=acme`)"), "{web}");
}

#[test]
fn the_router_runs_in_the_racks_namespace() {
    let web = ladder(EXAMPLE, "web");
    // terraform/rack/aws/main.tf:107-124: module "router" gets namespace = module.k8s.namespace
    // (the rack's <rack>-system); terraform/router/aws/main.tf:30-41 passes it to ../nginx, whose
    // Deployment ingress-nginx (terraform/router/nginx/main.tf:236-256) selects
    // system=convox, service=ingress-nginx; IngressClass "nginx" (:52-54); it publishes Service
    // "router" (:305, terraform/router/aws/main.tf:173-176).
    assert!(web.contains("kubectl get pods -n acme-system -l system=convox,service=ingress-nginx\n"), "{web}");
    assert!(web.contains("kubectl get svc router -n acme-system"), "{web}");
    assert!(web.contains("Ingress `web` (class nginx)"), "{web}");
    // The internal router: IngressClass nginx-internal (terraform/router/nginx/main.tf:430-436),
    // Deployment ingress-nginx-internal (:440-456); the Ingress is <service>-internal
    // (provider/k8s/template/app/ingress-internal.yml.tmpl:5).
    let admin = ladder(FIXTURE, "admin");
    assert!(admin.contains("kubectl describe ingress admin-internal -n acme-shop"), "{admin}");
    assert!(admin.contains("-l system=convox,service=ingress-nginx-internal"), "{admin}");
}

#[test]
fn on_a_contour_router_the_httpproxies_and_envoy() {
    // The setting `convox.router` (Context.router) reaches the object model.
    let contour = Context { router: Some("contour".into()), ..ctx() };
    let md = troubleshoot::ladder(&Analysis::from_text(EXAMPLE), &contour, "web").unwrap();
    // provider/k8s/release.go:505: HTTPProxies instead of the Ingress; app/httpproxy.yml.tmpl:6-10
    // labels them service=<name>. terraform/router/aws/main.tf:13-17,24: the router's Service
    // selects the Envoy pods app.kubernetes.io/component=envoy, app.kubernetes.io/instance=contour
    // (helm release "contour" in the rack's namespace, terraform/router/aws/contour.tf:20-30).
    assert!(!md.contains("kubectl describe ingress"), "{md}");
    assert!(md.contains("kubectl get httpproxy -n acme-shop -l service=web"), "{md}");
    assert!(
        md.contains(
            "kubectl get pods -n acme-system -l app.kubernetes.io/component=envoy,app.kubernetes.io/instance=contour"
        ),
        "{md}"
    );
    assert!(md.contains("HTTPProxies (`web`, `web-domain-0`)"), "{md}");
}

#[test]
fn metrics_server_and_the_hpa() {
    let web = ladder(EXAMPLE, "web");
    // terraform/metrics/k8s/main.tf:118-138: Deployment metrics-server in kube-system, pods
    // labelled k8s-app=metrics-server. provider/k8s/template/app/service.yml.tmpl:477-495: the HPA
    // is named after the service and targets its Deployment.
    assert!(web.contains("kubectl get pods -n kube-system -l k8s-app=metrics-server"), "{web}");
    assert!(web.contains("kubectl get hpa web -n acme-shop"), "{web}");
}

#[test]
fn pod_labels_and_selectors() {
    // provider/k8s/template/app/service.yml.tmpl:76-83: pods labelled service=<name>,
    // type=service, release=<release>; :549-552: the Service selects service and type.
    let web = ladder(EXAMPLE, "web");
    assert!(web.contains("kubectl get pods -n acme-shop -l service=web,type=service -o wide"), "{web}");
    assert!(web.contains("-l service=web,type=service,release=<release>"), "{web}");
    assert!(web.contains("selects the pods labelled `service=web,type=service`"), "{web}");
    // provider/k8s/template/app/timer.yml.tmpl:42-49: a timer's pods are labelled type=timer,
    // name=<timer> (and service=<its service>, so `service=jobs` alone would mix them in).
    assert!(ladder(EXAMPLE, "cleanup").contains("-l type=timer,name=cleanup"));
    // provider/k8s/template/resource/redis.yml.tmpl and postgres.yml.tmpl:63-69: a resource's
    // pods are labelled type=resource, resource=<name>.
    assert!(ladder(EXAMPLE, "cache").contains("-l type=resource,resource=cache"));
}

#[test]
fn timer_facts() {
    let md = ladder(EXAMPLE, "cleanup");
    // provider/k8s/template/app/timer.yml.tmpl:16-20: CronJob timer-<name>; :24-25: one
    // successful and one failed Job kept; :28: backoffLimit 0; :139: restartPolicy Never;
    // :141: serviceAccountName timer-<name>.
    assert!(md.contains("kubectl get cronjob timer-cleanup -n acme-shop"), "{md}");
    assert!(md.contains("only the last successful and the last failed Job are kept"), "{md}");
    assert!(md.contains("Convox sets `backoffLimit: 0`"), "{md}");
    assert!(md.contains("(`restartPolicy: Never`)"), "{md}");
    assert!(md.contains("ServiceAccount `timer-cleanup`"), "{md}");
}

#[test]
fn managed_resources_and_the_port_variable() {
    // provider/k8s/aws_resources.go:132-134: the provisioner's state Secrets are labelled
    // system=convox,type=state.
    assert!(ladder(EXAMPLE, "analytics-db").contains("kubectl get secret -n acme-shop -l system=convox,type=state"));
    // provider/k8s/helpers.go:126-128: PORT is set to the service's port.
    assert!(ladder(EXAMPLE, "web").contains("Convox sets `PORT=3000`"));
    // pkg/build/docker.go:69-71: an `image:` service's image is pulled at build time and tagged
    // into the app's repository.
    assert!(ladder(FIXTURE, "api").contains("`convox build` pulls `registry.example.com/api:1.4.2`"));
}

#[test]
fn every_key_the_ladder_names_is_a_key_convox_reads() {
    let data = convox_lsp::schema::ladder::ladder();
    let sch = convox_lsp::schema::schema();
    let looks = data
        .steps
        .iter()
        .flat_map(|s| s.bad.iter().flat_map(|b| b.look.iter()))
        .chain(data.checklist.iter().flat_map(|c| c.look.iter()));
    for key in looks {
        let known = match key.strip_prefix('/') {
            Some(top) => sch.get(top).is_some(),
            None => ["services", "timers", "resources"].iter().any(|s| sch.get(&format!("{s}.*.{key}")).is_some()),
        };
        assert!(known, "troubleshoot.yml names {key}, which the knowledge base does not have");
    }
}

#[test]
fn the_service_hover_has_the_short_ladder() {
    let a = Analysis::from_text(EXAMPLE);
    let app = troubleshoot::app_objects(&a, &ctx());
    let short = troubleshoot::short(&a, &ctx(), &app, "web").unwrap();
    expect_test::expect![[r#"
        **If it does not run** — the first steps of the troubleshooting ladder (`convox-lsp troubleshoot`, the code lens "troubleshoot"):

        - `kubectl get pods -n acme-shop -l service=web,type=service -o wide`
        - `kubectl describe pods -n acme-shop -l service=web,type=service`
        - `kubectl logs -n acme-shop deploy/web --previous --tail=100`
    "#]]
    .assert_eq(&short);
    assert_eq!(troubleshoot::short(&a, &ctx(), &app, "jobs"), None, "a service scaled to 0 has nothing to run");
}

// ---------------------------------------------------------------------------------------------
// The seed rows in hovers: namespaces, release queries, config and secret rollouts.

fn hover(fixture: &str) -> String {
    let fixture: &str = &fixture::dedent(fixture);
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    // Hovers wrap prose at 78 columns: compare words, one space between them.
    let md = Analysis::from_text(&text).hover(offset, &ctx()).map(|h| h.markdown).unwrap_or_default();
    md.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\n\n", "\u{0}")
        .replace('\n', " ")
        .replace('\u{0}', "\n\n")
}

#[test]
fn services_hover_names_both_namespaces() {
    let md = hover(
        r#"
        serv$0ices:
          web:
            port: 3000
        "#,
    );
    // terraform/rack/k8s/main.tf:1-14 (the rack's <rack>-system, labelled system=convox, rack);
    // provider/k8s/release.go:290-293 (an app's objects, its Namespace included, labelled
    // system=convox, rack, app, release).
    assert!(md.contains("the rack's namespace `acme-system`"), "{md}");
    assert!(md.contains("kubectl get ns -l system=convox,rack=acme"), "{md}");
    // provider/k8s/template/app/service.yml.tmpl:82: pods carry their release.
    assert!(md.contains("kubectl get pods -n acme-shop -l type=service -L service,release"), "{md}");
}

#[test]
fn environment_hovers_say_what_a_change_does() {
    let top = hover(
        r#"
        environ$0ment:
          - PORT=3000
        services:
          web:
            port: 3000
        "#,
    );
    let svc = hover(
        r#"
        services:
          web:
            port: 3000
            environ$0ment:
              - KEY
        "#,
    );
    for md in [&top, &svc] {
        // pkg/cli/env.go:315-331: `convox env set` calls ReleaseCreate with the new env and
        // promotes only with --promote (:73-80 declares the flag). provider/k8s/release.go:290-293:
        // a promote applies every object with release=<id>; service.yml.tmpl:82 puts it in the
        // pod template, so every promote rolls the pods.
        assert!(md.contains("`convox env set`") && md.contains("`--promote`"), "{md}");
        assert!(md.contains("kubectl get pods -n acme-shop -l release=<release>"), "{md}");
        assert!(md.contains("convox releases -a shop"), "{md}");
    }
}

#[test]
fn config_hovers_say_what_a_change_does() {
    let configs = hover(
        r#"
        conf$0igs:
          - id: settings
            value: x
        "#,
    );
    // provider/k8s/release.go:281 and :1577-1620: configs are written at promote, before the
    // release is applied (:290). provider/k8s/app.go:125-147 (AppConfigSet, behind
    // `convox config set`, pkg/cli/config.go:84) patches the Secret and creates no release;
    // pkg/cli/config.go:31,90-92: only --restart restarts the app.
    assert!(configs.contains("`convox config set` patches the Secret at once but makes no release"), "{configs}");
    assert!(configs.contains("`convox config set --restart`"), "{configs}");
    assert!(
        configs.contains("kubectl get secret cfg-<id> -n acme-shop -o jsonpath='{.metadata.resourceVersion}'"),
        "{configs}"
    );
    // provider/k8s/template/app/service.yml.tmpl:408-412: each configMount is a subPath mount.
    let mounts = hover(
        r#"
        configs:
          - id: settings
        services:
          web:
            config$0Mounts:
              - id: settings
                dir: /etc/app
                filename: s.json
        "#,
    );
    assert!(mounts.contains("mounted with subPath"), "{mounts}");
    // provider/k8s/service.go:391-445: `convox services restart` patches the pod template.
    assert!(mounts.contains("`convox services restart web`"), "{mounts}");
    assert!(mounts.contains("kubectl rollout status deploy/web -n acme-shop"), "{mounts}");
}

// ---------------------------------------------------------------------------------------------
// The rest of ../shared/seeds/003: Pending pods and the node autoscaler, node capacity, a
// configuration change the pods did not pick up, the ServiceAccount's rights.

/// Karpenter runs in `kube-system` (terraform/cluster/aws/karpenter.tf:34-40, helm release
/// `karpenter`, `namespace = "kube-system"`; its pods carry `app.kubernetes.io/name=karpenter`,
/// karpenter.tf:142), the Cluster Autoscaler is Deployment `cluster-autoscaler` in `kube-system`
/// (terraform/cluster/aws/autoscaler.tf:319-329). The seed's `-n karpenter` is not Convox's.
#[test]
fn pending_pods_lead_to_the_node_autoscaler_of_the_rack() {
    for name in ["web", "worker", "agent", "cleanup", "cache"] {
        let md = ladder(EXAMPLE, name);
        for command in [
            "kubectl get events -n acme-shop --field-selector reason=FailedScheduling",
            "kubectl get nodepools,nodeclaims",
            "kubectl logs -n kube-system -l app.kubernetes.io/name=karpenter --tail=50",
            "kubectl logs -n kube-system deploy/cluster-autoscaler --tail=50",
        ] {
            assert!(md.contains(command), "{name} lacks `{command}`:\n{md}");
        }
        assert!(!md.contains("-n karpenter"), "{name}: Karpenter is in kube-system");
    }
    // No pod, no Pending: scaled to zero, managed and overlay resources.
    for name in ["jobs", "analytics-db", "database"] {
        assert!(!ladder(EXAMPLE, name).contains("nodeclaims"), "{name} runs no pod");
    }
}

/// Node capacity beside the pods' own use: `top nodes` and the nodes' pressure Conditions.
#[test]
fn node_capacity_and_pressure_beside_top_pods() {
    let md = ladder(EXAMPLE, "web");
    assert!(md.contains("kubectl top pods -n acme-shop -l service=web,type=service --containers\nkubectl top nodes\n"));
    for condition in ["MemoryPressure", "DiskPressure", "PIDPressure"] {
        assert!(md.contains(&format!(r#".status.conditions[?(@.type=="{condition}")].status"#)), "{condition}");
    }
}

/// Env changes through a release roll the pods (the pod template carries the release:
/// provider/k8s/template/app/service.yml.tmpl `release: {{.Release.Id}}` in the template's labels);
/// the env Secret `env-<service>` (service.yml.tmpl:1-16) changed another way does not.
#[test]
fn a_configuration_change_and_when_a_restart_is_the_remedy() {
    let md = ladder(EXAMPLE, "web");
    for command in [
        "kubectl rollout status deploy/web -n acme-shop --timeout=10s",
        "kubectl get secret env-web -n acme-shop -o jsonpath='{.metadata.resourceVersion} {.metadata.managedFields[*].time}'",
        "kubectl get pods -n acme-shop -l service=web,type=service -o custom-columns=NAME:.metadata.name,STARTED:.status.startTime,RELEASE:.metadata.labels.release",
        "`kubectl rollout restart deploy/web -n acme-shop`",
        "`convox services restart web -a shop`",
    ] {
        assert!(md.contains(command), "web lacks `{command}`:\n{md}");
    }
    // An agent is a DaemonSet: the same step names it.
    assert!(ladder(EXAMPLE, "agent").contains("kubectl rollout restart ds/agent -n acme-shop"));
    // A timer's pods are new at each run: no rollout.
    assert!(!ladder(EXAMPLE, "cleanup").contains("rollout"));
    assert!(!ladder(EXAMPLE, "jobs").contains("rollout"), "no pods at scale 0");
}

/// The ServiceAccount's rights, only where the pods get cloud rights through it: `accessControl`
/// (pod identity) or an IAM role annotation, which Convox copies onto the ServiceAccount
/// (service.yml.tmpl:18-32). Convox's app templates bind no Role to it (no RoleBinding under
/// provider/k8s/template/app/).
#[test]
fn the_service_accounts_rights_where_it_has_a_role() {
    let web = ladder(EXAMPLE, "web");
    assert!(web.contains("kubectl auth can-i --list -n acme-shop --as=system:serviceaccount:acme-shop:web"), "{web}");
    assert!(web.contains("kubectl get serviceaccount web -n acme-shop -o jsonpath='{.metadata.annotations}'"));
    assert!(!ladder(EXAMPLE, "worker").contains("auth can-i"), "worker has no accessControl or role");
    let irsa = "services:\n  api:\n    image: nginx\n    annotations:\n      - eks.amazonaws.com/role-arn=arn:aws:iam::1:role/api\n";
    assert!(ladder(irsa, "api").contains("--as=system:serviceaccount:acme-shop:api"));
    let timer = "services:\n  web:\n    image: nginx\ntimers:\n  nightly:\n    schedule: \"0 3 * * *\"\n    command: bin/run\n    service: web\n    annotations:\n      - eks.amazonaws.com/role-arn=arn:aws:iam::1:role/nightly\n";
    assert!(ladder(timer, "nightly").contains("--as=system:serviceaccount:acme-shop:timer-nightly"));
}
