//! The model of what Convox renders (`ide::objects`), field by field against Convox's templates:
//! each assertion cites the template line (`provider/k8s/template/...` at the commit the project
//! follows, copied in `../shared/tools/convox-oracle/templates`) or the Go source it checks. The
//! differential test (`tests/render_oracle.rs`) compares everything on the corpus; these pin the
//! differences issue 15 listed, and the model's API (conditions, absent objects, keys, kubectl).

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;
use convox_lsp::ide::objects::{AppObjects, Object, Owner, RenderContext};
use yaml_serde::Value;

const MANIFEST: &str = r#"
labels:
  team: core
environment:
  - DB_URL
services:
  web:
    port: 3000
    domain: shop.example.com
    health: /health
    startupProbe:
      path: /ready
    annotations:
      - eks.amazonaws.com/role-arn=arn:aws:iam::1:role/web
    nodeSelectorLabels:
      convox.io/label: big
    initContainer:
      command: bin/migrate
    resources:
      - db
      - pg
    volumeOptions:
      - awsEfs:
          id: shared
          accessMode: ReadWriteMany
          mountPath: /mnt/shared
      - emptyDir:
          id: scratch
          mountPath: /tmp/scratch
  both:
    port: 4000
    internal: true
    internalRouter: true
  agent:
    agent: true
    ports:
      - 5000/udp
resources:
  db:
    type: rds-postgres
    options:
      class: db.t3.micro
  pg:
    type: postgres
  cache:
    type: redis
timers:
  nightly:
    schedule: "0 3 * * ?"
    command: bin/nightly
    service: web
    concurrency: forbid
"#;

fn app() -> std::sync::Arc<AppObjects> {
    let ctx =
        RenderContext::new(&Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() });
    Analysis::from_text(MANIFEST).objects(&ctx)
}

fn obj<'a>(app: &'a AppObjects, kind: &str, name: &str) -> &'a Object {
    app.find(kind, name).unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// A field by dotted path; `[n]` picks a list item.
fn get(o: &Object, path: &str) -> Option<Value> {
    let mut v = o.value().to_yaml();
    for seg in path.split('.') {
        let (key, index) = match seg.split_once('[') {
            Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (seg, None),
        };
        if !key.is_empty() {
            v = v.get(key)?.clone();
        }
        if let Some(i) = index {
            v = v.get(i)?.clone();
        }
    }
    Some(v)
}

fn text(o: &Object, path: &str) -> String {
    match get(o, path) {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        other => panic!("{} {}: {path} is {other:?}", o.kind, o.name),
    }
}

#[test]
fn ingress_as_the_template_writes_it() {
    let app = app();
    let ing = obj(&app, "Ingress", "web");
    // app/ingress.yml.tmpl:52-60: no `path`, pathType ImplementationSpecific, service host first.
    assert_eq!(get(ing, "spec.rules[0].http.paths[0].path"), None);
    assert_eq!(text(ing, "spec.rules[0].http.paths[0].pathType"), "ImplementationSpecific");
    assert_eq!(text(ing, "spec.rules[0].host"), "web.shop.<router-domain>");
    assert_eq!(text(ing, "spec.rules[1].host"), "shop.example.com");
    // app/ingress.yml.tmpl:40-49: the service host with cert-web, the domains with cert-web-domains.
    assert_eq!(text(ing, "spec.tls[0].secretName"), "cert-web");
    assert_eq!(text(ing, "spec.tls[1].hosts[0]"), "shop.example.com");
    assert_eq!(text(ing, "spec.tls[1].secretName"), "cert-web-domains");
    // app/ingress.yml.tmpl:7-16: ALB scheme, idles, the scheme as written, the server snippet.
    assert_eq!(ann(ing, "alb.ingress.kubernetes.io/scheme"), "internet-facing");
    assert_eq!(ann(ing, "convox.com/idles"), "false");
    assert_eq!(ann(ing, "nginx.ingress.kubernetes.io/backend-protocol"), "http");
    assert_eq!(
        ann(ing, "nginx.ingress.kubernetes.io/server-snippet"),
        "keepalive_timeout 60s;\nclient_body_timeout 60s;\n"
    );
    // provider/k8s/release.go:505-560: the rack's cert-manager issuer annotation.
    assert_eq!(ann(ing, "cert-manager.io/cluster-issuer"), "letsencrypt");
}

/// A metadata annotation's value.
fn ann(o: &Object, key: &str) -> String {
    let f = o.annotations.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("{} lacks {key}", o.title()));
    f.value.as_str().unwrap_or_default().to_string()
}

fn label(o: &Object, key: &str) -> Option<String> {
    o.labels.iter().find(|f| f.key == key).map(|f| f.value.as_str().unwrap_or("<placeholder>").to_string())
}

#[test]
fn internal_and_internal_router_renders_the_internal_ingress() {
    let app = app();
    // pkg/manifest/service.go:1046-1069: External() leaves out internal and internalRouter
    // services, InternalRouter() keeps every internalRouter one; release.go:574 renders it.
    assert!(app.find("Ingress", "both").is_none());
    let ing = obj(&app, "Ingress", "both-internal");
    // app/ingress-internal.yml.tmpl:7 and 40-49: internal scheme, no TLS entry for the host.
    assert_eq!(ann(ing, "alb.ingress.kubernetes.io/scheme"), "internal");
    assert_eq!(get(ing, "spec.tls[0]"), None);
    // provider/k8s/k8s.go ServiceHost: `internal` wins: <service>.<app>.<rack>.local.
    assert_eq!(text(ing, "spec.rules[0].host"), "both.shop.acme.local");
    let owner = Owner::Service("both".into());
    assert!(app.not_created.iter().any(|n| n.owner == owner && n.kind == "Ingress" && n.name == "both"));
}

#[test]
fn volumes_probes_affinity_and_the_init_container() {
    let app = app();
    let dep = obj(&app, "Deployment", "web");
    let pod = "spec.template.spec";
    let c = "spec.template.spec.containers[0]";
    // app/service.yml.tmpl:266-272: startupProbe from startupProbe.path, on the service port.
    assert_eq!(text(dep, &format!("{c}.startupProbe.httpGet.path")), "/ready");
    assert_eq!(text(dep, &format!("{c}.startupProbe.httpGet.port")), "3000");
    // app/service.yml.tmpl:402-405 and 428-432: the ca volume and mount always.
    assert_eq!(text(dep, &format!("{c}.volumeMounts[0].mountPath")), "/etc/convox");
    assert_eq!(text(dep, &format!("{pod}.volumes[0].configMap.name")), "ca");
    // app/service.yml.tmpl:418-425 and 447-466: emptyDir and awsEfs volumes.
    assert_eq!(text(dep, &format!("{c}.volumeMounts[1].name")), "efs-shared");
    assert_eq!(text(dep, &format!("{pod}.volumes[1].persistentVolumeClaim.claimName")), "efs-web-shared");
    assert_eq!(text(dep, &format!("{pod}.volumes[2].name")), "ed-scratch");
    // app/service.yml.tmpl:89-98 and 123-131: nodeSelectorLabels -> affinity, and a dedicated
    // node pool's toleration.
    let term =
        format!("{pod}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]");
    assert_eq!(text(dep, &format!("{term}.matchExpressions[0].key")), "convox.io/label");
    assert_eq!(text(dep, &format!("{pod}.tolerations[0].value")), "big");
    // app/service.yml.tmpl:187-195: the init container's env: INIT_CONTAINER, then the resources'.
    assert_eq!(text(dep, &format!("{pod}.initContainers[0].env[0].name")), "INIT_CONTAINER");
    assert_eq!(text(dep, &format!("{pod}.initContainers[0].env[1].name")), "DB_URL");
    // app/efs.yml.tmpl:68: the EFS claim asks for 1Mi (the driver ignores it).
    let pvc = obj(&app, "PersistentVolumeClaim", "efs-web-shared");
    assert_eq!(text(pvc, "spec.resources.requests.storage"), "1Mi");
    assert_eq!(text(pvc, "spec.storageClassName"), "efs-sc");
}

#[test]
fn service_accounts_secrets_and_the_agent() {
    let app = app();
    // app/service.yml.tmpl:20-24: the service's annotations on its ServiceAccount.
    let sa = obj(&app, "ServiceAccount", "web");
    assert_eq!(ann(sa, "eks.amazonaws.com/role-arn"), "arn:aws:iam::1:role/web");
    // app/timer.yml.tmpl:2-13: a timer runs as ServiceAccount timer-<timer>.
    let tsa = obj(&app, "ServiceAccount", "timer-nightly");
    assert_eq!(ann(tsa, "convox.com/type"), "timer");
    let cron = obj(&app, "CronJob", "timer-nightly");
    assert_eq!(text(cron, "spec.jobTemplate.spec.template.spec.serviceAccountName"), "timer-nightly");
    // pkg/manifest timer: the first letter of concurrency upper-cased; the schedule's `?` as `*`.
    assert_eq!(text(cron, "spec.concurrencyPolicy"), "Forbid");
    assert_eq!(text(cron, "spec.schedule"), "0 3 * * *");
    // provider/k8s/helpers.go:53-96 and 139: the rack's and the build's keys in env-<service>.
    let secret = obj(&app, "Secret", "env-web");
    for key in ["RACK", "RACK_URL", "APP", "RELEASE", "BUILD", "BUILD_DESCRIPTION", "BUILD_GIT_SHA", "SERVICE", "PORT"]
    {
        assert!(get(secret, &format!("data.{key}")).is_some(), "env-web lacks {key}");
    }
    assert_eq!(text(secret, "data.SERVICE"), "d2Vi"); // base64 of `web`
    // app/service.yml.tmpl:330-337: an agent's ports are host ports too.
    let ds = obj(&app, "DaemonSet", "agent");
    assert_eq!(text(ds, "spec.template.spec.containers[0].ports[0].hostPort"), "5000");
    assert_eq!(text(ds, "spec.template.spec.containers[0].ports[0].protocol"), "UDP");
}

#[test]
fn resources_as_their_templates_write_them() {
    let app = app();
    // resource/postgres.yml.tmpl:20-29: the claim's labels have no `type`.
    let pvc = obj(&app, "PersistentVolumeClaim", "resource-pg");
    assert_eq!(label(pvc, "type"), None);
    assert_eq!(label(pvc, "resource").as_deref(), Some("pg"));
    // resource/postgres.yml.tmpl:130-134: the Service selects system, rack, app and resource.
    let svc = obj(&app, "Service", "resource-pg");
    for (k, v) in [("system", "convox"), ("rack", "acme"), ("app", "shop"), ("resource", "pg")] {
        assert_eq!(text(svc, &format!("spec.selector.{k}")), v);
    }
    // resource/rds-postgres.yml.tmpl:10-12: type and provisioner labels; the values come from
    // the provisioner (placeholders).
    let cm = obj(&app, "ConfigMap", "resource-db");
    assert_eq!(label(cm, "type").as_deref(), Some("rds-postgres"));
    assert_eq!(label(cm, "provisioner").as_deref(), Some("rds"));
    assert_eq!(text(cm, "data.HOST"), "<from-provisioner>");
    // resource/redis.yml.tmpl:13-18: USER, PASS and NAME empty.
    let redis = obj(&app, "ConfigMap", "resource-cache");
    assert_eq!(text(redis, "data.USER"), "");
    assert_eq!(text(redis, "data.URL"), "redis://resource-cache.acme-shop.svc.cluster.local:6379");
}

#[test]
fn overlay_mode_needs_the_url_in_the_release_environment() {
    // provider/k8s/release.go:814-816: `<NAME>_URL` in the release environment renders
    // resource/masked; a manifest default is not part of it (only `convox env set` is).
    let ctx = RenderContext::new(&Context::default());
    let with = |env: &str| {
        let text = format!("environment:\n  - {env}\nresources:\n  pg:\n    type: postgres\n");
        Analysis::from_text(&text).objects(&ctx)
    };
    let required = with("PG_URL");
    assert!(required.find("Deployment", "resource-pg").is_none());
    assert_eq!(required.holds(&Owner::Resource("pg".into()), convox_lsp::schema::When::Containerized), Some(false));
    let defaulted = with("PG_URL=postgres://elsewhere");
    assert!(defaulted.find("Deployment", "resource-pg").is_some());
}

#[test]
fn keys_absent_objects_and_commands() {
    let app = app();
    // Every field carries the manifest key it comes from.
    let set: Vec<String> =
        app.set_by("services.web.startupProbe").iter().map(|(o, p, _)| format!("{} {p}", o.title())).collect();
    assert!(set.contains(&"Deployment web spec.template.spec.containers[].startupProbe".to_string()), "{set:#?}");
    // Objects that exist under another condition, with the condition.
    let web = Owner::Service("web".into());
    let hpa = app.not_created.iter().find(|n| n.owner == web && n.kind == "HorizontalPodAutoscaler").unwrap();
    assert!(hpa.reason.contains("scale.count"), "{}", hpa.reason);
    // kubectl commands as data, namespace filled in.
    let cmds = app.commands(&web);
    assert!(!cmds.is_empty());
    assert!(cmds.iter().all(|c| c.starts_with("kubectl ") && c.contains("-n acme-shop")), "{cmds:#?}");
    // A command under a condition only where it holds (the knowledge base's `when`).
    let lines = |r: &str| app.commands(&Owner::Resource(r.into()));
    assert!(lines("pg").contains(&"kubectl get deploy,svc,pvc,cm -n acme-shop -l resource=pg".to_string()));
    assert!(!lines("pg").iter().any(|l| l.contains("get secret")));
    assert!(lines("db").contains(&"kubectl get secret db-racmer-shop -n acme-shop --show-labels".to_string()));
}

#[test]
fn a_contour_router_renders_http_proxies() {
    // The `convox.router` setting, as the server passes it.
    let target = Context {
        rack: Some("acme".into()),
        app: Some("shop".into()),
        router: Some("contour".into()),
        ..Context::default()
    };
    let ctx = RenderContext::new(&target);
    let app = Analysis::from_text(MANIFEST).objects(&ctx);
    // provider/k8s/release.go:505: on contour, HTTPProxies instead of Ingresses.
    assert!(app.find("Ingress", "web").is_none());
    let proxy = obj(&app, "HTTPProxy", "web");
    // app/httpproxy.yml.tmpl:21-23 and 35-38: class, host, one route on `/` with websockets.
    assert_eq!(text(proxy, "spec.ingressClassName"), "contour");
    assert_eq!(text(proxy, "spec.virtualhost.fqdn"), "web.shop.<router-domain>");
    assert_eq!(text(proxy, "spec.routes[0].conditions[0].prefix"), "/");
    assert_eq!(text(proxy, "spec.routes[0].enableWebsockets"), "true");
    // release.go:765: the response timeout is infinity; the idle one the service's timeout.
    assert_eq!(text(proxy, "spec.routes[0].timeoutPolicy.idle"), "60s");
    // app/httpproxy.yml.tmpl:63-78: one more HTTPProxy per custom domain.
    let domain = obj(&app, "HTTPProxy", "web-domain-0");
    assert_eq!(text(domain, "spec.virtualhost.fqdn"), "shop.example.com");
    assert_eq!(text(domain, "spec.virtualhost.tls.secretName"), "cert-web-domains");
    // The internal router's proxy keeps the service name.
    assert_eq!(text(obj(&app, "HTTPProxy", "both"), "spec.ingressClassName"), "contour-internal");
}

#[test]
fn the_provider_names_the_certificate_issuer() {
    let ctx = RenderContext::new(&Context { provider: Some("local".into()), ..Context::default() });
    let app = Analysis::from_text(MANIFEST).objects(&ctx);
    // provider/local/ingress.go:5: a local rack's Ingresses use the self-signed issuer.
    assert_eq!(ann(obj(&app, "Ingress", "web"), "cert-manager.io/cluster-issuer"), "self-signed");
}

#[test]
fn host_volume_names_are_hashed_and_cut_at_a_character() {
    // provider/k8s/helpers.go volumeName: <rack>-<app>-<hex of sha256(path)[0:20]>, cut to 62 when
    // longer than 63; a non-ASCII rack name is cut at a character boundary, never inside one.
    let rack = "räck-".repeat(8);
    let ctx = RenderContext::new(&Context { rack: Some(rack.clone()), app: Some("shop".into()), ..Context::default() });
    let manifest = "services:\n  web:\n    volumes:\n      - /var/run/docker.sock\n";
    let app = Analysis::from_text(manifest).objects(&ctx);
    let name = text(obj(&app, "Deployment", "web"), "spec.template.spec.volumes[1].name");
    assert!(name.len() <= 63 && name.starts_with(&rack[..10]), "{name}");
    let short =
        RenderContext::new(&Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() });
    let app = Analysis::from_text(manifest).objects(&short);
    let dep = obj(&app, "Deployment", "web");
    // sha256("/var/run/docker.sock"), first 20 bytes (`printf /var/run/docker.sock | sha256sum`).
    assert_eq!(text(dep, "spec.template.spec.volumes[1].name"), "acme-shop-71329c4cc6e32171553fa81d044eb31d1a3aac52");
    assert_eq!(text(dep, "spec.template.spec.volumes[1].hostPath.path"), "/var/run/docker.sock");
}
