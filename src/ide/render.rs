//! A preview of the Kubernetes objects Convox renders for the manifest, as YAML, following
//! Convox's templates (`provider/k8s/template`) as `../shared/reference/convox-schema.md` records
//! them. Each field set from the manifest carries a comment naming its key.

use yaml_serde::{Mapping, Value};

use super::Analysis;
use crate::context::Context;
use crate::model::{self, Resource, Service, Timer};
use crate::schema::{self, ResourceCategory};

/// What the preview cannot know; printed at the top of the output.
pub const LEFT_OUT: &str = "\
# Left out (known only at deploy time): release ids (<RELEASE>), build ids and image tags (<BUILD>),
# the app's image repository (<app-repo>), the rack's router domain (<router-domain>), rack
# parameters (node selectors, resolver, TLS issuer), environment values (Secrets list keys only),
# and objects made by controllers (PodDisruptionBudgets, KEDA's HPA, Jobs, ReplicaSets).";

/// One object: its value and, per field path, the manifest key it comes from.
struct Obj {
    value: Value,
    notes: Vec<(String, String)>,
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in entries {
        m.insert(s(k), v);
    }
    Value::Mapping(m)
}

fn labels(pairs: &[(&str, &str)]) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(s(*k), s(*v));
    }
    Value::Mapping(m)
}

fn int(n: i64) -> Value {
    Value::Number(n.into())
}

fn meta(name: &str, ns: &str, labels_value: Value) -> Value {
    map(vec![("name", s(name)), ("namespace", s(ns)), ("labels", labels_value)])
}

pub(super) fn render(a: &Analysis, ctx: &Context, only_service: Option<&str>) -> Result<String, String> {
    let m = a.model();
    if let Some(name) = only_service
        && m.service(name).is_none()
    {
        return Err(format!("no service {name} in this manifest"));
    }
    let ns = ctx.namespace();
    let rack = ctx.rack_or_placeholder().to_string();
    let app = ctx.app_or_placeholder().to_string();
    let mut objects: Vec<Obj> = Vec::new();
    for svc in &m.services {
        if only_service.is_some_and(|n| n != svc.name.value) {
            continue;
        }
        service_objects(a, svc, &ns, &rack, &app, &mut objects);
    }
    for t in &m.timers {
        if only_service.is_some_and(|n| t.service.as_ref().is_none_or(|s| s.value != n)) {
            continue;
        }
        objects.push(timer_object(a, t, &ns, &rack, &app));
    }
    if only_service.is_none() {
        for r in &m.resources {
            resource_objects(a, r, &ns, &rack, &app, &mut objects);
        }
        for b in &m.balancers {
            let name = format!("balancer-{}", b.name.value);
            let svc = b.service.as_ref().map_or("", |s| s.value.as_str());
            let ports: Vec<Value> = b
                .ports
                .iter()
                .map(|p| {
                    let target: i64 = p.target.as_ref().and_then(|t| t.value.parse().ok()).unwrap_or(0);
                    let listen: i64 = p.listen.value.parse().unwrap_or(0);
                    let proto = p.protocol.as_ref().map_or("TCP", |x| x.value.as_str());
                    map(vec![
                        ("name", s(p.listen.value.clone())),
                        ("port", int(listen)),
                        ("protocol", s(proto)),
                        ("targetPort", int(target)),
                    ])
                })
                .collect();
            let mut spec = vec![
                ("type", s("LoadBalancer")),
                ("externalTrafficPolicy", s("Cluster")),
                ("selector", labels(&[("service", svc), ("type", "service")])),
                ("ports", Value::Sequence(ports)),
            ];
            if !b.whitelist.is_empty() {
                spec.push((
                    "loadBalancerSourceRanges",
                    Value::Sequence(b.whitelist.iter().map(|w| s(w.value.clone())).collect()),
                ));
            }
            let mut md =
                meta(&name, &ns, labels(&[("balancer", &b.name.value), ("service", svc), ("type", "balancer")]));
            if let Value::Mapping(mm) = &mut md {
                mm.insert(
                    s("annotations"),
                    labels(&[
                        ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb"),
                        ("service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout", "3600"),
                    ]),
                );
            }
            let key = format!("balancers.{}", b.name.value);
            objects.push(Obj {
                value: map(vec![
                    ("apiVersion", s("v1")),
                    ("kind", s("Service")),
                    ("metadata", md),
                    ("spec", map(spec)),
                ]),
                notes: vec![
                    ("metadata.name".into(), key.clone()),
                    ("spec.selector.service".into(), format!("{key}.service")),
                    ("spec.ports".into(), format!("{key}.ports")),
                    ("spec.loadBalancerSourceRanges".into(), format!("{key}.whitelist")),
                ],
            });
        }
    }
    let mut out = String::new();
    out.push_str(&format!("# Kubernetes objects Convox renders for this manifest, namespace {ns}.\n"));
    out.push_str(LEFT_OUT);
    out.push('\n');
    for o in objects {
        out.push_str("---\n");
        let yaml = yaml_serde::to_string(&o.value).map_err(|e| e.to_string())?;
        out.push_str(&annotate(&yaml, &o.notes));
    }
    Ok(out)
}

/// Appends `# from <key>` to the lines whose field path has a note. Paths are dotted keys, list
/// items counted as `[]`.
fn annotate(yaml: &str, notes: &[(String, String)]) -> String {
    let mut out = String::with_capacity(yaml.len() + notes.len() * 32);
    let mut stack: Vec<(usize, String)> = Vec::new();
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        let mut content = line.trim_start();
        let mut col = indent;
        // `- key: v`: an item of the list at this indent, then a key inside it.
        let mut segments: Vec<(usize, String)> = Vec::new();
        while let Some(rest) = content.strip_prefix("- ") {
            segments.push((col, "[]".to_string()));
            col += 2;
            content = rest;
        }
        if let Some((key, _)) = content.split_once(':')
            && !key.contains(' ')
            && !key.starts_with(['"', '\''])
        {
            segments.push((col, key.to_string()));
        }
        for (c, seg) in segments.iter() {
            // A `- ` item sits at its list key's column (yaml_serde does not indent sequences).
            let item = seg == "[]";
            while stack.last().is_some_and(|(i, top)| *i > *c || (*i == *c && (!item || top == "[]"))) {
                stack.pop();
            }
            stack.push((*c, seg.clone()));
        }
        let path = stack.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(".").replace(".[]", "[]");
        out.push_str(line);
        if let Some((_, key)) = notes.iter().find(|(p, _)| *p == path) {
            out.push_str(&format!("  # from {key}"));
        }
        out.push('\n');
    }
    out
}

fn service_objects(a: &Analysis, svc: &Service, ns: &str, rack: &str, app: &str, out: &mut Vec<Obj>) {
    let name = svc.name.value.as_str();
    let key = format!("services.{name}");
    let body = a.parse().root().get("services").and_then(|e| e.value.get(name)).map(|e| &e.value);
    let get = |path: &[&str]| -> Option<&crate::syntax::yaml::Node> {
        let mut n = body?;
        for k in path {
            n = &n.get(k)?.value;
        }
        Some(n)
    };
    let text = |path: &[&str]| get(path).and_then(|n| n.as_str()).map(str::to_string);
    let num = |path: &[&str]| text(path).and_then(|v| v.parse::<i64>().ok());
    let custom: Vec<(String, String)> = a
        .model()
        .labels
        .iter()
        .chain(svc.labels.iter())
        .filter_map(|kv| Some((kv.key.value.clone(), kv.value.as_ref()?.value.clone())))
        .collect();
    let with_custom = |base: &[(&str, &str)]| {
        let mut m = Mapping::new();
        for (k, v) in base {
            m.insert(s(*k), s(*v));
        }
        for (k, v) in &custom {
            m.insert(s(k.as_str()), s(v.as_str()));
        }
        Value::Mapping(m)
    };

    // Secret env-<svc>: keys only.
    let mut env_keys: Vec<String> = ["APP", "BUILD", "RACK", "RELEASE", "SERVICE"].map(String::from).to_vec();
    if svc.port.is_some() {
        env_keys.push("PORT".into());
    }
    for e in a.model().environment.iter().chain(svc.environment.iter()) {
        if !e.name.value.is_empty() && e.name.value != "*" && !env_keys.contains(&e.name.value) {
            env_keys.push(e.name.value.clone());
        }
    }
    let mut data = Mapping::new();
    for k in &env_keys {
        data.insert(s(k.as_str()), s("<value>"));
    }
    out.push(Obj {
        value: map(vec![
            ("apiVersion", s("v1")),
            ("kind", s("Secret")),
            ("metadata", meta(&format!("env-{name}"), ns, with_custom(&[("type", "env"), ("service", name)]))),
            ("type", s("Opaque")),
            ("data", Value::Mapping(data)),
        ]),
        notes: vec![("data".into(), format!("environment and {key}.environment"))],
    });

    // ServiceAccount.
    out.push(Obj {
        value: map(vec![
            ("apiVersion", s("v1")),
            ("kind", s("ServiceAccount")),
            ("metadata", meta(name, ns, with_custom(&[("service", name), ("type", "serviceaccount")]))),
        ]),
        notes: vec![("metadata.name".into(), key.clone())],
    });

    // The container.
    let mut notes: Vec<(String, String)> = vec![("metadata.name".into(), key.clone())];
    let c = "spec.template.spec.containers[]";
    let mut container = vec![("name", s(app)), ("image", s(format!("<app-repo>:{name}.<BUILD>")))];
    if let Some(cmd) = &svc.command {
        let args = shell_words::split(&cmd.value).unwrap_or_else(|_| vec![cmd.value.clone()]);
        container.push(("args", Value::Sequence(args.into_iter().map(s).collect())));
        notes.push((format!("{c}.args"), format!("{key}.command")));
    }
    container.push((
        "envFrom",
        Value::Sequence(vec![map(vec![("secretRef", map(vec![("name", s(format!("env-{name}")))]))])]),
    ));
    let mut env: Vec<Value> = vec![map(vec![
        ("name", s("INSTANCE_IP")),
        ("valueFrom", map(vec![("fieldRef", map(vec![("fieldPath", s("status.hostIP"))]))])),
    ])];
    for r in &svc.resources {
        let k8s = model::k8s_name(&r.name.value);
        let vars: Vec<(String, &str)> = match &r.alias {
            Some(alias) => {
                let suffix = alias.value.rsplit('_').next().unwrap_or("URL");
                let cm_key =
                    if ["URL", "USER", "PASS", "HOST", "PORT", "NAME"].contains(&suffix) { suffix } else { "URL" };
                vec![(alias.value.clone(), cm_key)]
            }
            None => ["URL", "USER", "PASS", "HOST", "PORT", "NAME"]
                .iter()
                .map(|v| (format!("{}_{v}", model::env_prefix(&r.name.value)), *v))
                .collect(),
        };
        for (var, cm_key) in vars {
            env.push(map(vec![
                ("name", s(var)),
                (
                    "valueFrom",
                    map(vec![(
                        "configMapKeyRef",
                        map(vec![("name", s(format!("resource-{k8s}"))), ("key", s(cm_key))]),
                    )]),
                ),
            ]));
        }
    }
    container.push(("env", Value::Sequence(env)));
    if !svc.resources.is_empty() {
        notes.push((format!("{c}.env"), format!("{key}.resources")));
    }
    let mut ports = Vec::new();
    if let Some(p) = &svc.port {
        ports.push(map(vec![("name", s("main")), ("containerPort", int(i64::from(p.value.port)))]));
    }
    for p in &svc.ports {
        let (n, proto) = p.value.split_once('/').unwrap_or((p.value.as_str(), "tcp"));
        if let Ok(n) = n.parse::<i64>() {
            ports.push(map(vec![
                ("name", s(format!("port-{n}"))),
                ("containerPort", int(n)),
                ("protocol", s(proto.to_uppercase())),
            ]));
        }
    }
    if !ports.is_empty() {
        container.push(("ports", Value::Sequence(ports)));
        notes.push((format!("{c}.ports"), format!("{key}.port / ports")));
    }
    if let Some(p) = &svc.port
        && p.value.scheme != "grpc"
        && text(&["health", "disable"]).as_deref() != Some("true")
    {
        let health_path = text(&["health", "path"])
            .or_else(|| get(&["health"]).and_then(|h| h.as_str()).map(str::to_string))
            .unwrap_or_else(|| "/".into());
        let interval = num(&["health", "interval"]).unwrap_or(5);
        let probe = map(vec![
            (
                "httpGet",
                map(vec![
                    ("path", s(health_path)),
                    ("port", int(i64::from(p.value.port))),
                    ("scheme", s(p.value.scheme.to_uppercase())),
                ]),
            ),
            ("initialDelaySeconds", int(num(&["health", "grace"]).unwrap_or(interval))),
            ("periodSeconds", int(interval)),
            ("timeoutSeconds", int(num(&["health", "timeout"]).unwrap_or(interval - 1))),
            ("successThreshold", int(1)),
            ("failureThreshold", int(3)),
        ]);
        container.push(("readinessProbe", probe));
        notes.push((format!("{c}.readinessProbe"), format!("{key}.health")));
        if let Some(lp) = text(&["liveness", "path"]) {
            let probe = map(vec![
                (
                    "httpGet",
                    map(vec![
                        ("path", s(lp)),
                        ("port", int(i64::from(p.value.port))),
                        ("scheme", s(p.value.scheme.to_uppercase())),
                    ]),
                ),
                ("initialDelaySeconds", int(num(&["liveness", "grace"]).unwrap_or(10))),
                ("periodSeconds", int(num(&["liveness", "interval"]).unwrap_or(5))),
                ("timeoutSeconds", int(num(&["liveness", "timeout"]).unwrap_or(5))),
                ("successThreshold", int(num(&["liveness", "successThreshold"]).unwrap_or(1))),
                ("failureThreshold", int(num(&["liveness", "failureThreshold"]).unwrap_or(3))),
            ]);
            container.push(("livenessProbe", probe));
            notes.push((format!("{c}.livenessProbe"), format!("{key}.liveness")));
        }
    }
    let cpu = num(&["scale", "cpu"]);
    let mem = num(&["scale", "memory"]);
    let lim_cpu = num(&["scale", "limit", "cpu"]);
    let lim_mem = num(&["scale", "limit", "memory"]);
    let mut requests = vec![
        ("cpu", s(format!("{}m", cpu.or(lim_cpu).unwrap_or(250)))),
        ("memory", s(format!("{}Mi", mem.or(lim_mem).unwrap_or(512)))),
    ];
    let mut limits = vec![("memory", s(format!("{}Mi", lim_mem.or(mem).unwrap_or(512))))];
    if let Some(lc) = lim_cpu {
        limits.insert(0, ("cpu", s(format!("{lc}m"))));
    }
    requests.shrink_to_fit();
    container.push(("resources", map(vec![("requests", map(requests)), ("limits", map(limits))])));
    notes.push((format!("{c}.resources.requests"), format!("{key}.scale.cpu / scale.memory")));
    notes.push((format!("{c}.resources.limits"), format!("{key}.scale.limit (memory defaults to scale.memory)")));
    if let Some(pre) = text(&["lifecycle", "preStop"]) {
        let cmd = shell_words::split(&pre).unwrap_or_else(|_| vec![pre.clone()]);
        container.push((
            "lifecycle",
            map(vec![(
                "preStop",
                map(vec![("exec", map(vec![("command", Value::Sequence(cmd.into_iter().map(s).collect()))]))]),
            )]),
        ));
        notes.push((format!("{c}.lifecycle"), format!("{key}.lifecycle")));
    }
    if text(&["privileged"]).as_deref() == Some("true") {
        container.push(("securityContext", map(vec![("privileged", Value::Bool(true))])));
        notes.push((format!("{c}.securityContext"), format!("{key}.privileged")));
    }

    let pod_labels = {
        let mut base = vec![
            ("system", "convox"),
            ("rack", rack),
            ("app", app),
            ("name", name),
            ("service", name),
            ("release", "<RELEASE>"),
            ("type", "service"),
        ];
        base.shrink_to_fit();
        with_custom(&base)
    };
    let mut pod_spec = vec![
        ("serviceAccountName", s(name)),
        ("shareProcessNamespace", Value::Bool(text(&["init"]).as_deref() != Some("false"))),
        ("terminationGracePeriodSeconds", int(num(&["termination", "grace"]).unwrap_or(30))),
    ];
    notes.push(("spec.template.spec.terminationGracePeriodSeconds".into(), format!("{key}.termination.grace")));
    notes.push(("spec.template.spec.shareProcessNamespace".into(), format!("{key}.init")));
    if let Some(nd) = num(&["dnsConfig", "ndots"]) {
        pod_spec.push(("dnsPolicy", s("None")));
        pod_spec.push((
            "dnsConfig",
            map(vec![(
                "options",
                Value::Sequence(vec![map(vec![("name", s("ndots")), ("value", s(nd.to_string()))])]),
            )]),
        ));
        notes.push(("spec.template.spec.dnsConfig".into(), format!("{key}.dnsConfig.ndots")));
    }
    if let Some(init_cmd) = text(&["initContainer", "command"]) {
        let args = shell_words::split(&init_cmd).unwrap_or_else(|_| vec![init_cmd.clone()]);
        let image = text(&["initContainer", "image"]).unwrap_or_else(|| format!("<app-repo>:{name}.<BUILD>"));
        pod_spec.push((
            "initContainers",
            Value::Sequence(vec![map(vec![
                ("name", s("init")),
                ("image", s(image)),
                ("args", Value::Sequence(args.into_iter().map(s).collect())),
                (
                    "envFrom",
                    Value::Sequence(vec![map(vec![("secretRef", map(vec![("name", s(format!("env-{name}")))]))])]),
                ),
            ])]),
        ));
        notes.push(("spec.template.spec.initContainers".into(), format!("{key}.initContainer")));
    }
    pod_spec.insert(0, ("containers", Value::Sequence(vec![map(container)])));
    let mut template_meta = vec![("labels", pod_labels)];
    let annotations: Vec<String> = get(&["annotations"])
        .and_then(|n| n.as_seq())
        .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if !annotations.is_empty() {
        let mut am = Mapping::new();
        for a in &annotations {
            let (k, v) = a.split_once('=').unwrap_or((a.as_str(), ""));
            am.insert(s(k), s(v));
        }
        template_meta.push(("annotations", Value::Mapping(am)));
        notes.push(("spec.template.metadata.annotations".into(), format!("{key}.annotations")));
    }
    let count = svc.count();
    let mut spec = vec![(
        "selector",
        map(vec![("matchLabels", labels(&[("system", "convox"), ("rack", rack), ("app", app), ("service", name)]))]),
    )];
    if !svc.is_agent() {
        let (max_default, min_default) =
            if text(&["singleton"]).as_deref() == Some("true") { (100, 0) } else { (200, 50) };
        let minimum = num(&["deployment", "minimum"]).unwrap_or(min_default);
        let maximum = num(&["deployment", "maximum"]).unwrap_or(max_default);
        spec.insert(0, ("replicas", int(count.min)));
        spec.push((
            "strategy",
            map(vec![
                ("type", s("RollingUpdate")),
                (
                    "rollingUpdate",
                    map(vec![
                        ("maxSurge", s(format!("{}%", maximum - 100))),
                        ("maxUnavailable", s(format!("{}%", 100 - minimum))),
                    ]),
                ),
            ]),
        ));
        notes.push((
            "spec.replicas".into(),
            format!("{key}.scale.count (the running count wins after the first deploy)"),
        ));
        notes.push(("spec.strategy.rollingUpdate".into(), format!("{key}.deployment")));
    }
    spec.push(("template", map(vec![("metadata", map(template_meta)), ("spec", map(pod_spec))])));
    let kind = if svc.is_agent() { "DaemonSet" } else { "Deployment" };
    out.push(Obj {
        value: map(vec![
            ("apiVersion", s("apps/v1")),
            ("kind", s(kind)),
            ("metadata", meta(name, ns, with_custom(&[("app", app), ("type", "service"), ("service", name)]))),
            ("spec", map(spec)),
        ]),
        notes,
    });

    // Service (ClusterIP).
    if svc.port.is_some() || !svc.ports.is_empty() {
        let mut ports = Vec::new();
        if let Some(p) = &svc.port {
            ports.push(map(vec![
                ("name", s("main")),
                ("port", int(i64::from(p.value.port))),
                ("protocol", s("TCP")),
                ("targetPort", s("main")),
            ]));
        }
        for p in &svc.ports {
            let (n, proto) = p.value.split_once('/').unwrap_or((p.value.as_str(), "tcp"));
            if let Ok(n) = n.parse::<i64>() {
                ports.push(map(vec![
                    ("name", s(format!("port-{n}"))),
                    ("port", int(n)),
                    ("protocol", s(proto.to_uppercase())),
                    ("targetPort", int(n)),
                ]));
            }
        }
        let mut md =
            meta(name, ns, with_custom(&[("app", app), ("service", name), ("rack", rack), ("system", "convox")]));
        if let Value::Mapping(mm) = &mut md {
            mm.insert(s("annotations"), labels(&[("convox.com/alias", &format!("{name}.{app}.{rack}.local"))]));
        }
        out.push(Obj {
            value: map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("Service")),
                ("metadata", md),
                (
                    "spec",
                    map(vec![
                        ("type", s("ClusterIP")),
                        ("selector", labels(&[("service", name), ("type", "service")])),
                        ("ports", Value::Sequence(ports)),
                    ]),
                ),
            ]),
            notes: vec![("spec.ports".into(), format!("{key}.port / ports"))],
        });
    }

    // Ingress.
    if let Some(p) = &svc.port
        && !svc.is_internal()
    {
        let internal_router = svc.is_internal_router();
        let ing_name = if internal_router { format!("{name}-internal") } else { name.to_string() };
        let mut hosts = vec![format!("{name}.{app}.<router-domain>")];
        hosts.extend(svc.domains.iter().map(|d| d.value.clone()));
        let rules: Vec<Value> = hosts
            .iter()
            .map(|h| {
                let backend = map(vec![(
                    "service",
                    map(vec![("name", s(name)), ("port", map(vec![("number", int(i64::from(p.value.port)))]))]),
                )]);
                map(vec![
                    ("host", s(h.as_str())),
                    (
                        "http",
                        map(vec![(
                            "paths",
                            Value::Sequence(vec![map(vec![
                                ("path", s("/")),
                                ("pathType", s("Prefix")),
                                ("backend", backend),
                            ])]),
                        )]),
                    ),
                ])
            })
            .collect();
        let timeout = num(&["timeout"]).unwrap_or(60).to_string();
        let mut ann = Mapping::new();
        ann.insert(s("nginx.ingress.kubernetes.io/backend-protocol"), s(p.value.scheme.to_uppercase()));
        for k in ["proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout"] {
            ann.insert(s(format!("nginx.ingress.kubernetes.io/{k}")), s(timeout.as_str()));
        }
        ann.insert(
            s("nginx.ingress.kubernetes.io/ssl-redirect"),
            s(if text(&["tls", "redirect"]).as_deref() == Some("false") { "false" } else { "true" }),
        );
        if text(&["sticky"]).as_deref() == Some("true") {
            ann.insert(s("nginx.ingress.kubernetes.io/affinity"), s("cookie"));
            ann.insert(s("nginx.ingress.kubernetes.io/session-cookie-name"), s("CONVOXSESSION"));
        }
        if let Some(w) = text(&["whitelist"]) {
            ann.insert(s("nginx.ingress.kubernetes.io/whitelist-source-range"), s(w));
        }
        if let Some(d) = text(&["certificate", "duration"]) {
            ann.insert(s("cert-manager.io/duration"), s(d));
        }
        for ia in
            get(&["ingressAnnotations"]).and_then(|n| n.as_seq()).unwrap_or_default().iter().filter_map(|i| i.as_str())
        {
            let (k, v) = ia.split_once('=').unwrap_or((ia, ""));
            ann.insert(s(k), s(v));
        }
        let mut md = meta(
            &ing_name,
            ns,
            with_custom(&[("app", app), ("service", name), ("system", "convox"), ("type", "service")]),
        );
        if let Value::Mapping(mm) = &mut md {
            mm.insert(s("annotations"), Value::Mapping(ann));
        }
        let tls = map(vec![
            ("hosts", Value::Sequence(hosts.iter().map(|h| s(h.as_str())).collect())),
            ("secretName", s(text(&["certificate", "id"]).unwrap_or_else(|| format!("cert-{name}")))),
        ]);
        out.push(Obj {
            value: map(vec![
                ("apiVersion", s("networking.k8s.io/v1")),
                ("kind", s("Ingress")),
                ("metadata", md),
                (
                    "spec",
                    map(vec![
                        ("ingressClassName", s(if internal_router { "nginx-internal" } else { "nginx" })),
                        ("tls", Value::Sequence(vec![tls])),
                        ("rules", Value::Sequence(rules)),
                    ]),
                ),
            ]),
            notes: vec![
                ("metadata.annotations".into(), format!("{key}.timeout, sticky, tls, whitelist, ingressAnnotations")),
                ("spec.rules".into(), format!("{key}.domain")),
            ],
        });
    }

    // HorizontalPodAutoscaler.
    if count.min != count.max && !svc.is_agent() && !svc.autoscales() {
        let mut metrics = Vec::new();
        for (what, path) in [("cpu", "cpu"), ("memory", "memory")] {
            if let Some(t) = num(&["scale", "targets", path]) {
                metrics.push(map(vec![
                    ("type", s("Resource")),
                    (
                        "resource",
                        map(vec![
                            ("name", s(what)),
                            ("target", map(vec![("type", s("Utilization")), ("averageUtilization", int(t))])),
                        ]),
                    ),
                ]));
            }
        }
        let mut spec = vec![
            ("scaleTargetRef", map(vec![("apiVersion", s("apps/v1")), ("kind", s("Deployment")), ("name", s(name))])),
            ("minReplicas", int(count.min)),
            ("maxReplicas", int(count.max)),
        ];
        if !metrics.is_empty() {
            spec.push(("metrics", Value::Sequence(metrics)));
        }
        out.push(Obj {
            value: map(vec![
                ("apiVersion", s("autoscaling/v2")),
                ("kind", s("HorizontalPodAutoscaler")),
                ("metadata", meta(name, ns, with_custom(&[("service", name)]))),
                ("spec", map(spec)),
            ]),
            notes: vec![
                ("spec.minReplicas".into(), format!("{key}.scale.count")),
                ("spec.maxReplicas".into(), format!("{key}.scale.count")),
                ("spec.metrics".into(), format!("{key}.scale.targets")),
            ],
        });
    }

    // EFS volumes.
    for item in get(&["volumeOptions"]).and_then(|n| n.as_seq()).unwrap_or_default() {
        if let Some(efs) = item.get("awsEfs") {
            let id = efs.value.get("id").and_then(|e| e.value.as_str()).unwrap_or("<id>");
            let mode = efs.value.get("accessMode").and_then(|e| e.value.as_str()).unwrap_or("ReadWriteMany");
            let class = efs.value.get("storageClass").and_then(|e| e.value.as_str()).unwrap_or("efs-sc");
            out.push(Obj {
                value: map(vec![
                    ("apiVersion", s("v1")),
                    ("kind", s("PersistentVolumeClaim")),
                    ("metadata", meta(&format!("efs-{name}-{id}"), ns, with_custom(&[("system", "convox")]))),
                    (
                        "spec",
                        map(vec![
                            ("accessModes", Value::Sequence(vec![s(mode)])),
                            ("storageClassName", s(class)),
                            ("resources", map(vec![("requests", map(vec![("storage", s("5Gi"))]))])),
                        ]),
                    ),
                ]),
                notes: vec![
                    ("metadata.name".into(), format!("{key}.volumeOptions[].awsEfs.id")),
                    ("spec.accessModes".into(), format!("{key}.volumeOptions[].awsEfs.accessMode")),
                ],
            });
        }
    }
}

fn timer_object(a: &Analysis, t: &Timer, ns: &str, rack: &str, app: &str) -> Obj {
    let name = t.name.value.as_str();
    let key = format!("timers.{name}");
    let svc_name = t.service.as_ref().map_or("<service>", |s| s.value.as_str());
    // Convox's compatibility rewrite: the first five fields, a bare `?` as `*`.
    let schedule = t.schedule.as_ref().map(|sc| model::convox_schedule(&sc.value)).unwrap_or_default();
    let mut container = vec![("name", s(app)), ("image", s(format!("<app-repo>:{svc_name}.<BUILD>")))];
    if let Some(cmd) = &t.command {
        let args = shell_words::split(&cmd.value).unwrap_or_else(|_| vec![cmd.value.clone()]);
        container.push(("args", Value::Sequence(args.into_iter().map(s).collect())));
    }
    container.push((
        "envFrom",
        Value::Sequence(vec![map(vec![("secretRef", map(vec![("name", s(format!("env-{svc_name}")))]))])]),
    ));
    let parallel = t.parallel_count.as_ref().map_or(1, |p| p.value.max(1));
    let pod = map(vec![
        (
            "metadata",
            map(vec![(
                "labels",
                labels(&[
                    ("system", "convox"),
                    ("rack", rack),
                    ("app", app),
                    ("name", name),
                    ("release", "<RELEASE>"),
                    ("service", svc_name),
                    ("type", "timer"),
                ]),
            )]),
        ),
        (
            "spec",
            map(vec![
                ("serviceAccountName", s(format!("timer-{name}"))),
                ("restartPolicy", s("Never")),
                ("containers", Value::Sequence(vec![map(container)])),
            ]),
        ),
    ]);
    let mut job_spec = vec![("backoffLimit", int(0))];
    if parallel > 1 {
        job_spec.push(("completionMode", s("Indexed")));
        job_spec.push(("completions", int(parallel)));
        job_spec.push(("parallelism", int(parallel)));
    }
    job_spec.push(("template", pod));
    let mut spec = vec![("schedule", s(schedule))];
    if let Some(c) = &t.concurrency {
        spec.push(("concurrencyPolicy", s(model::concurrency_policy(&c.value))));
    }
    spec.push(("successfulJobsHistoryLimit", int(1)));
    spec.push(("failedJobsHistoryLimit", int(1)));
    spec.push(("jobTemplate", map(vec![("spec", map(job_spec))])));
    let _ = a;
    Obj {
        value: map(vec![
            ("apiVersion", s("batch/v1")),
            ("kind", s("CronJob")),
            (
                "metadata",
                meta(
                    &format!("timer-{name}"),
                    ns,
                    labels(&[
                        ("system", "convox"),
                        ("provider", "k8s"),
                        ("rack", rack),
                        ("app", app),
                        ("release", "<RELEASE>"),
                    ]),
                ),
            ),
            ("spec", map(spec)),
        ]),
        notes: vec![
            ("metadata.name".into(), key.clone()),
            ("spec.schedule".into(), format!("{key}.schedule")),
            ("spec.concurrencyPolicy".into(), format!("{key}.concurrency")),
            ("spec.jobTemplate.spec.completions".into(), format!("{key}.parallelCount")),
            ("spec.jobTemplate.spec.template.spec.containers[].args".into(), format!("{key}.command")),
            ("spec.jobTemplate.spec.template.spec.containers[].image".into(), format!("{key}.service")),
        ],
    }
}

fn resource_objects(a: &Analysis, r: &Resource, ns: &str, rack: &str, app: &str, out: &mut Vec<Obj>) {
    let Some(ty) = r.type_name() else { return };
    let Some(rt) = schema::schema().resource_type(ty) else { return };
    let k8s = r.k8s_name();
    let name = format!("resource-{k8s}");
    let key = format!("resources.{}", r.name.value);
    let overlay = a.model().overlay_vars(r).next().is_some();
    let res_labels =
        [("system", "convox"), ("rack", rack), ("app", app), ("type", "resource"), ("resource", r.name.value.as_str())];
    let url = rt.url.replace("{k8sname}", &k8s).replace("{ns}", ns);
    let data = if overlay {
        map(vec![
            ("URL", s(format!("<${}_URL>", model::env_prefix(&r.name.value)))),
            ("USER", s("")),
            ("PASS", s("")),
            ("HOST", s("")),
            ("PORT", s("")),
            ("NAME", s("")),
        ])
    } else {
        map(vec![
            ("URL", s(url)),
            ("USER", s(if rt.port == 5432 { "app" } else { "root" })),
            ("PASS", s("<password>")),
            ("HOST", s(format!("{name}.{ns}.svc.cluster.local"))),
            ("PORT", s(rt.port.to_string())),
            ("NAME", s("app")),
        ])
    };
    out.push(Obj {
        value: map(vec![
            ("apiVersion", s("v1")),
            ("kind", s("ConfigMap")),
            ("metadata", meta(&name, ns, labels(&res_labels))),
            ("data", data),
        ]),
        notes: vec![("metadata.name".into(), key.clone())],
    });
    if rt.category == ResourceCategory::Managed || overlay {
        return;
    }
    let opt =
        |k: &str| r.options.iter().find(|o| o.key.value == k).and_then(|o| o.value.as_ref()).map(|v| v.value.clone());
    if rt.persistent {
        let storage = opt("storage").unwrap_or_else(|| "10".into());
        out.push(Obj {
            value: map(vec![
                ("apiVersion", s("v1")),
                ("kind", s("PersistentVolumeClaim")),
                ("metadata", meta(&name, ns, labels(&res_labels))),
                (
                    "spec",
                    map(vec![
                        ("accessModes", Value::Sequence(vec![s("ReadWriteOnce")])),
                        ("resources", map(vec![("requests", map(vec![("storage", s(format!("{storage}Gi")))]))])),
                    ]),
                ),
            ]),
            notes: vec![("spec.resources.requests.storage".into(), format!("{key}.options.storage"))],
        });
    }
    let version = opt("version").or_else(|| rt.default_version.clone()).unwrap_or_default();
    let image = r
        .image
        .as_ref()
        .map(|i| i.value.clone())
        .unwrap_or_else(|| rt.image.clone().unwrap_or_default().replace("{version}", &version));
    let mut container = vec![
        ("name", s(ty)),
        ("image", s(image)),
        ("ports", Value::Sequence(vec![map(vec![("containerPort", int(i64::from(rt.port)))])])),
    ];
    if let (Some(cpu), Some(mem)) = (opt("cpu"), opt("mem")) {
        let q = map(vec![("cpu", s(format!("{cpu}m"))), ("memory", s(format!("{mem}Mi")))]);
        container.push(("resources", map(vec![("requests", q.clone()), ("limits", q)])));
    }
    let mut spec = vec![
        (
            "selector",
            map(vec![(
                "matchLabels",
                labels(&[("system", "convox"), ("rack", rack), ("app", app), ("resource", r.name.value.as_str())]),
            )]),
        ),
        (
            "template",
            map(vec![
                ("metadata", map(vec![("labels", labels(&res_labels))])),
                ("spec", map(vec![("containers", Value::Sequence(vec![map(container)]))])),
            ]),
        ),
    ];
    if rt.persistent {
        spec.insert(0, ("strategy", map(vec![("type", s("Recreate"))])));
    }
    let mut dep_labels = res_labels.to_vec();
    dep_labels.push(("kind", ty));
    dep_labels.push(("name", r.name.value.as_str()));
    out.push(Obj {
        value: map(vec![
            ("apiVersion", s("apps/v1")),
            ("kind", s("Deployment")),
            ("metadata", meta(&name, ns, labels(&dep_labels))),
            ("spec", map(spec)),
        ]),
        notes: vec![("spec.template.spec.containers[].image".into(), format!("{key}.options.version / image"))],
    });
    out.push(Obj {
        value: map(vec![
            ("apiVersion", s("v1")),
            ("kind", s("Service")),
            ("metadata", meta(&name, ns, labels(&res_labels))),
            (
                "spec",
                map(vec![
                    ("type", s("NodePort")),
                    ("selector", labels(&[("resource", r.name.value.as_str())])),
                    ("ports", Value::Sequence(vec![map(vec![("port", int(i64::from(rt.port)))])])),
                ]),
            ),
        ]),
        notes: vec![],
    });
}

/// The objects one service, timer or resource renders to, as values: what `troubleshoot` reads
/// (names, labels, probes, requests) until the one object model replaces this preview.
pub(super) fn values_of(a: &Analysis, ctx: &Context, section: &str, name: &str) -> Vec<Value> {
    let m = a.model();
    let (ns, rack, app) =
        (ctx.namespace(), ctx.rack_or_placeholder().to_string(), ctx.app_or_placeholder().to_string());
    let mut objects = Vec::new();
    match section {
        "services" => {
            if let Some(s) = m.service(name) {
                service_objects(a, s, &ns, &rack, &app, &mut objects);
            }
        }
        "timers" => objects.extend(m.timer(name).map(|t| timer_object(a, t, &ns, &rack, &app))),
        "resources" => {
            if let Some(r) = m.resource(name) {
                resource_objects(a, r, &ns, &rack, &app, &mut objects);
            }
        }
        _ => {}
    }
    objects.into_iter().map(|o| o.value).collect()
}
