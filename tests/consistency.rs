//! Every feature agrees with the render: each object a hover, inlay hint, code lens, explain line or
//! troubleshooting step names exists in the objects the model renders, with that kind and name;
//! each `kubectl ... -l` selector matches a rendered object's labels; each `jsonpath` names a field
//! of the object; each replica range shown is the render's. Over every corpus manifest Convox
//! accepts (`tests/consistency/accepted.txt`, from `convox-check --json`) and generated manifests
//! of every service shape, resource type, overlay and both routers. Zero exceptions.

mod skip;

use std::collections::BTreeSet;

use convox_lsp::context::Context;
use convox_lsp::ide::objects::{AppObjects, Object, RenderContext, Value};
use convox_lsp::ide::{Analysis, HintConfig, troubleshoot};
use convox_lsp::text::TextRange;

/// The kinds the release renders, by every name kubectl takes for them.
fn kind(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().trim_end_matches(".convox.com") {
        "deploy" | "deployment" | "deployments" => "Deployment",
        "ds" | "daemonset" | "daemonsets" => "DaemonSet",
        "svc" | "service" | "services" => "Service",
        "ing" | "ingress" | "ingresses" => "Ingress",
        "hpa" | "horizontalpodautoscaler" | "horizontalpodautoscalers" => "HorizontalPodAutoscaler",
        "cm" | "configmap" | "configmaps" => "ConfigMap",
        "secret" | "secrets" => "Secret",
        "sa" | "serviceaccount" | "serviceaccounts" => "ServiceAccount",
        "cj" | "cronjob" | "cronjobs" => "CronJob",
        "pvc" | "persistentvolumeclaim" | "persistentvolumeclaims" => "PersistentVolumeClaim",
        "pv" | "persistentvolume" | "persistentvolumes" => "PersistentVolume",
        "httpproxy" | "httpproxies" | "proxy" => "HTTPProxy",
        _ => return None,
    })
}

/// Kinds made from a rendered object's pod template (their labels are the template's).
fn templated(word: &str) -> bool {
    matches!(word, "pod" | "pods" | "po")
}

fn text(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("{:?}", other.to_yaml()),
    }
}

fn labels(o: &Object) -> Vec<(String, String)> {
    o.labels.iter().map(|f| (f.key.to_string(), text(&f.value))).collect()
}

/// The labels of the pods a workload or CronJob makes.
fn pod_labels(o: &Object) -> Option<Vec<(String, String)>> {
    let v = o.value();
    let spec = v.get("spec")?;
    let template = spec.get("template").or_else(|| spec.get("jobTemplate")?.get("spec")?.get("template"))?;
    let l = template.get("metadata")?.get("labels")?.as_map()?;
    Some(l.iter().map(|f| (f.key.to_string(), text(&f.value))).collect())
}

fn matches(selector: &str, labels: &[(String, String)]) -> bool {
    selector.split(',').all(|term| match term.split_once('=') {
        Some((k, v)) => labels.iter().any(|(lk, lv)| lk == k && lv == v),
        None => labels.iter().any(|(lk, _)| lk == term),
    })
}

/// A kubectl command's problems against the render (empty: it is true).
fn check_command(app: &AppObjects, line: &str) -> Vec<String> {
    let words = shell_words::split(line).unwrap_or_default();
    let Some(rest) = words.strip_prefix(&["kubectl".to_string()]) else { return vec![] };
    let (mut positional, mut selector, mut jsonpath, mut namespace) = (Vec::new(), None, None, None);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        match w.as_str() {
            "--" => break,
            "-l" | "--selector" => selector = it.next().cloned(),
            "-o" | "--output" => {
                jsonpath = it.next().and_then(|o| o.strip_prefix("jsonpath=").map(str::to_string));
            }
            "-n" | "--namespace" => namespace = it.next().cloned(),
            "-L" | "-c" | "--sort-by" | "--tail" | "--since" | "--field-selector" => {
                it.next();
            }
            flag if flag.starts_with('-') => {}
            word => positional.push(word.to_string()),
        }
    }
    let mut problems = Vec::new();
    // The rack's own objects (its router, metrics server) are not the release's.
    if namespace.is_some_and(|n| n != app.namespace) {
        return problems;
    }
    let Some(verb) = positional.first().cloned() else { return problems };
    let targets: Vec<(String, Option<String>)> = match verb.as_str() {
        "get" | "describe" => match positional.get(1) {
            Some(t) if t.contains('/') => {
                let (k, n) = t.split_once('/').unwrap();
                vec![(k.to_string(), Some(n.to_string()))]
            }
            Some(t) => t.split(',').map(|k| (k.to_string(), positional.get(2).cloned())).collect(),
            None => return problems,
        },
        "logs" | "exec" | "port-forward" | "top" | "rollout" => positional
            .iter()
            .skip(if verb == "rollout" { 2 } else { 1 })
            .filter_map(|t| t.split_once('/').map(|(k, n)| (k.to_string(), Some(n.to_string()))))
            .take(1)
            .collect(),
        _ => return problems,
    };
    for (word, name) in targets {
        // A name the key documents in general (`env-<service>` on `services`) names no object.
        if name.as_ref().is_some_and(|n| n.contains('<')) {
            continue;
        }
        if let Some(k) = kind(&word) {
            // `outside`: what the rack makes for the app beside the release (a managed resource's
            // state Secret, provider/k8s/aws_resources.go:59-74).
            let found: Vec<&Object> = app
                .objects
                .iter()
                .chain(&app.outside)
                .filter(|o| o.kind == k)
                .filter(|o| name.as_ref().is_none_or(|n| &o.name == n))
                .filter(|o| selector.as_ref().is_none_or(|s| matches(s, &labels(o))))
                .collect();
            if found.is_empty() {
                problems.push(format!(
                    "no {k} {} {}",
                    name.clone().unwrap_or_default(),
                    selector.clone().unwrap_or_default()
                ));
            } else if let Some(path) = jsonpath.as_ref().filter(|p| !p.starts_with("{.status.")) {
                // `status` is filled in by Kubernetes, not rendered.
                let path = path.trim_matches(|c| c == '{' || c == '}' || c == '.');
                let path = path.replace("[0]", "[]").replace("[*]", "[]");
                let has = |o: &&Object| {
                    o.fields().iter().any(|(p, _)| {
                        p == &path || p.starts_with(&format!("{path}.")) || p.starts_with(&format!("{path}["))
                    }) || path.starts_with("metadata.")
                };
                if !found.iter().any(has) {
                    problems.push(format!("no field {path} on {k}"));
                }
            }
        } else if templated(&word)
            && let Some(s) = &selector
            && !s.contains('<')
            && !app.objects.iter().filter_map(pod_labels).any(|l| matches(s, &l))
        {
            problems.push(format!("no pod template labelled {s}"));
        }
    }
    problems
}

/// The kubectl lines of a Markdown text (code blocks and code spans).
fn kubectl_lines(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in md.lines() {
        let t = line.trim().trim_start_matches("$ ");
        if t.starts_with("kubectl ") {
            out.push(t.to_string());
        }
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 1 && span.starts_with("kubectl ") {
                out.push(span.to_string());
            }
        }
    }
    out
}

/// Every problem of one manifest, as `source: problem`.
fn check(text: &str, ctx: &Context) -> Vec<String> {
    let a = Analysis::from_text(text);
    let app = a.objects(&RenderContext::new(ctx));
    let mut commands: BTreeSet<(String, String)> = BTreeSet::new();
    for row in a.explain(ctx) {
        commands.extend(row.kubectl.map(|k| (format!("explain {}", row.path), k)));
    }
    for lens in a.code_lenses(ctx) {
        commands.insert((format!("lens {}", &text[lens.range.start..lens.range.end]), lens.command));
    }
    let mut problems = Vec::new();
    for t in troubleshoot::targets(&a) {
        let name = t.qualified();
        if let Ok(md) = troubleshoot::ladder(&a, ctx, &name) {
            commands.extend(kubectl_lines(&md).into_iter().map(|k| (format!("troubleshoot {name}"), k)));
        }
    }
    let m = a.model();
    let names = m.services.iter().map(|s| &s.name).chain(m.resources.iter().map(|r| &r.name));
    let names = names.chain(m.timers.iter().map(|t| &t.name)).chain(m.balancers.iter().map(|b| &b.name));
    for n in names {
        if let Some(h) = a.hover(n.range.start, ctx) {
            commands.extend(kubectl_lines(&h.markdown).into_iter().map(|k| (format!("hover {}", n.value), k)));
            problems.extend(headline_scale(&app, &n.value, &h.markdown));
        }
    }
    for (source, line) in &commands {
        problems.extend(check_command(&app, line).into_iter().map(|p| format!("{source}: `{line}`: {p}")));
    }
    let all = TextRange::new(0, text.len());
    for h in a.inlay_hints(ctx, all, HintConfig { objects: true, defaults: true }) {
        problems.extend(check_hint(&app, &h.label).into_iter().map(|p| format!("hint `{}`: {p}", h.label)));
    }
    problems
}

/// The rendered replica range of a service: (Deployment replicas, HPA bounds).
fn rendered_scale(app: &AppObjects, service: &str) -> (Option<i64>, Option<(i64, i64)>) {
    let int = |o: &Object, k: &str| match o.value().get("spec").and_then(|s| s.get(k)) {
        Some(Value::Int(n)) => Some(*n),
        _ => None,
    };
    let replicas = app.find("Deployment", service).and_then(|o| int(o, "replicas"));
    let hpa = app
        .find("HorizontalPodAutoscaler", service)
        .and_then(|o| Some((int(o, "minReplicas")?, int(o, "maxReplicas")?)));
    (replicas, hpa)
}

/// The `scale N` / `scale a-b` of a service hover's headline against the render.
fn headline_scale(app: &AppObjects, service: &str, md: &str) -> Vec<String> {
    let first = md.lines().next().unwrap_or_default();
    if !first.contains("**service ") {
        return vec![];
    }
    let Some(shown) = first.split(" · ").find_map(|p| p.trim().strip_prefix("scale ")) else { return vec![] };
    let (min, max) = match shown.split_once('-') {
        Some((a, b)) => (a.parse().unwrap_or(-1), b.parse().unwrap_or(-1)),
        None => (shown.parse().unwrap_or(-1), shown.parse().unwrap_or(-1)),
    };
    let (replicas, hpa) = rendered_scale(app, service);
    let mut out = Vec::new();
    let port = first.split(" · ").any(|p| p.trim().starts_with("port "));
    if port != app.find("Service", service).is_some() {
        out.push(format!("hover {service}: headline `{first}` but Service rendered: {}", !port));
    }
    if replicas.is_some_and(|r| r != min) {
        out.push(format!("hover {service}: headline `scale {shown}` but replicas {replicas:?}"));
    }
    if hpa.is_some_and(|h| h != (min, max)) {
        out.push(format!("hover {service}: headline `scale {shown}` but HPA {hpa:?}"));
    }
    out
}

/// An objects hint (`→ Deployment web, Service web, HPA 2-6`, `→ resource-db (postgres, PVC)`)
/// against the render.
fn check_hint(app: &AppObjects, label: &str) -> Vec<String> {
    let Some(body) = label.strip_prefix("→ ") else { return vec![] };
    if let Some((name, what)) = body.split_once(" (") {
        if !name.starts_with("resource-") {
            return vec![];
        }
        let has = |kind: &str| app.find(kind, name).is_some();
        let ok = match what.split(", ").nth(1).unwrap_or_default().trim_end_matches(')') {
            "PVC" => has("Deployment") && has("PersistentVolumeClaim"),
            "no PVC" => has("Deployment") && !has("PersistentVolumeClaim"),
            "overlay: no container" => !has("Deployment") && has("ConfigMap"),
            _ => !has("Deployment"),
        };
        return if ok { vec![] } else { vec![format!("the render's objects named {name} disagree")] };
    }
    let mut out = Vec::new();
    let mut service = None;
    for part in body.split(", ") {
        let Some((k, rest)) = part.split_once(' ') else { continue };
        let kind = match k {
            "HPA" => {
                let (min, max) = rest.split_once('-').unwrap_or((rest, rest));
                let hpa = service.and_then(|s| rendered_scale(app, s).1);
                if hpa.map(|(a, b)| (a.to_string(), b.to_string())) != Some((min.into(), max.into())) {
                    out.push(format!("HPA {rest} but the render's is {hpa:?}"));
                }
                continue;
            }
            "path" | "interval" | "grace" | "timeout" | "count" | "cpu" | "memory" => continue,
            k => k,
        };
        match app.find(kind, rest) {
            None => out.push(format!("no {kind} {rest} rendered")),
            Some(o) => service = service.or(Some(o.name.as_str())),
        }
    }
    out
}

fn acme(router: Option<&str>) -> Context {
    Context {
        rack: Some("acme".into()),
        app: Some("shop".into()),
        router: router.map(str::to_string),
        provider: None,
        environment: None,
    }
}

#[test]
fn every_accepted_corpus_manifest_agrees_with_its_render() {
    let Some(shared) = skip::shared("consistency", &["corpus"]) else {
        assert!(
            !skip::required(),
            "the corpus ../shared/corpus is missing where every suite is required (CONVOX_LSP_NO_SKIP)"
        );
        return;
    };
    let dir = shared.join("corpus");
    let accepted = include_str!("consistency/accepted.txt");
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in accepted.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for router in [None, Some("contour")] {
            problems.extend(check(&text, &acme(router)).into_iter().map(|p| format!("{file} ({router:?}): {p}")));
        }
        checked += 1;
    }
    assert!(checked > 150, "only {checked} manifests");
    assert!(problems.is_empty(), "{} disagreements:\n{}", problems.len(), problems.join("\n"));
}

/// Every service shape, timer, resource type, overlay and balancer, one manifest each.
fn generated() -> Vec<String> {
    let services = [
        "    port: 3000\n",
        "    command: worker\n",
        "    agent: true\n",
        "    agent: true\n    port: 8125\n",
        "    port: 3000\n    internal: true\n",
        "    port: 3000\n    internalRouter: true\n",
        "    port: 3000\n    scale: 3\n",
        "    port: 3000\n    scale:\n      count: 2-8\n",
        "    port: 3000\n    scale:\n      min: 2\n      max: 6\n",
        "    port: 3000\n    scale:\n      count: 3\n      min: 2\n",
        "    port: 3000\n    scale:\n      count: 3\n      max: 6\n",
        "    scale:\n      count: 1-4\n      targets:\n        cpu: 70\n        memory: 80\n",
        "    port: 3000\n    scale:\n      count: 0\n",
        "    port: 3000\n    scale:\n      memory: 1024\n      cpu: 500\n",
        "    port: 3000\n    health:\n      path: /check\n      interval: 10\n",
        "    port: 3000\n    health: /up\n",
        "    port: 3000\n    scale:\n      min: 1\n      autoscale:\n        cpu:\n          threshold: 70\n",
        "    port: https:8443\n    domain: shop.example.com\n",
        "    volumeOptions:\n      - awsEfs:\n          id: efs-1\n          accessMode: ReadWriteMany\n          mountPath: /data\n",
    ];
    let types = schema_types();
    // Aliases and merge keys: `worker` is the anchored map (its port and scale); `web`'s merge key
    // is lost (Convox decodes services through yaml.v2's MapSlice), so it has neither.
    let mut out = vec![unindent(
        r#"
        x-base: &base
          port: 3000
          scale:
            min: 2
            max: 6
        services:
          web:
            <<: *base
            image: nginx
          worker: *base
        "#,
    )];
    for (i, body) in services.iter().enumerate() {
        let resources: String = types.iter().map(|t| format!("  {t}:\n    type: {t}\n")).collect();
        let links: String = types.iter().map(|t| format!("      - {t}\n")).collect();
        out.push(format!(
            "environment:\n  - POSTGIS_URL\nresources:\n{resources}services:\n  web{i}:\n    image: nginx\n{body}    resources:\n{links}  other:\n    image: busybox\ntimers:\n  nightly:\n    schedule: \"0 3 * * ?\"\n    command: bin/nightly\n    service: web{i}\nbalancers:\n  tcp:\n    service: web{i}\n    ports:\n      5000: 3000\n"
        ));
    }
    out
}

/// The resource types of the knowledge base.
fn schema_types() -> Vec<String> {
    convox_lsp::schema::schema().resource_types().map(|(t, _)| t.to_string()).collect()
}

#[test]
fn generated_manifests_of_every_shape_agree_with_their_render() {
    let mut problems = Vec::new();
    for text in generated() {
        assert!(!Analysis::from_text(&text).model().services.is_empty(), "{text}");
        for router in [None, Some("contour")] {
            let found = check(&text, &acme(router));
            problems.extend(found.into_iter().map(|p| format!("{p}\n  in ({router:?}):\n{text}")));
        }
    }
    assert!(problems.is_empty(), "{} disagreements:\n{}", problems.len(), problems.join("\n"));
}

/// The checker itself finds the disagreements the features once had (issue 24's examples).
#[test]
fn the_checker_catches_commands_that_name_nothing_rendered() {
    let text = r#"
        resources:
          redis:
            type: redis
        services:
          api:
            image: nginx
          agent:
            image: datadog
            agent: true
    "#;
    let text = unindent(text);
    let a = Analysis::from_text(&text);
    let app = a.objects(&RenderContext::new(&acme(None)));
    for bad in [
        "kubectl get svc api -n acme-shop",
        "kubectl get ing api -n acme-shop",
        "kubectl get pvc -n acme-shop -l resource=redis",
        "kubectl get deploy,hpa -n acme-shop -l service=agent",
        "kubectl get deploy api -n acme-shop -o jsonpath='{.spec.template.spec.containers[0].readinessProbe}'",
        "kubectl get pods -n acme-shop -l type=timer",
    ] {
        assert!(!check_command(&app, bad).is_empty(), "not caught: {bad}");
    }
    for good in [
        "kubectl get deploy api -n acme-shop",
        "kubectl get ds -n acme-shop -l service=agent",
        "kubectl get deploy,svc,cm -n acme-shop -l resource=redis",
        "kubectl get pods -n acme-shop -l service=api",
    ] {
        assert_eq!(check_command(&app, good), Vec::<String>::new(), "{good}");
    }
}

/// A fixture written indented in the test, as YAML: the common indentation removed.
fn unindent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().skip_while(|l| l.trim().is_empty()).collect();
    let indent =
        lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|l| format!("{}\n", l.get(indent..).unwrap_or("").trim_end())).collect()
}
