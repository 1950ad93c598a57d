//! Hover: what a key, name or value is, the Kubernetes objects it becomes in the app's namespace,
//! and the kubectl commands that show them. Every fact comes from the knowledge base (`schema`)
//! and the model; this module only picks, fills in and lays out.

use std::fmt::Write as _;

use super::Analysis;
use crate::context::Context;
use crate::model::{self, Balancer, Resource, Service, Timer};
use crate::schema::{self, KeyDoc, ResourceCategory, Status, When};
use crate::syntax::{KeyPath, Segment, Target};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

/// The concrete values placeholders stand for at one place in the manifest.
struct Bind<'a> {
    ctx: &'a Context,
    service: Option<&'a Service>,
    resource: Option<&'a Resource>,
    timer: Option<&'a Timer>,
    balancer: Option<&'a Balancer>,
    /// The name under `services.*` / `resources.*` / `timers.*` / `balancers.*`.
    name: Option<String>,
    value: Option<String>,
    id: Option<String>,
    /// The resource's `<NAME>_URL` is set by the environment (overlay mode).
    overlay: bool,
}

impl<'a> Bind<'a> {
    fn new(a: &'a Analysis, ctx: &'a Context, path: &KeyPath) -> Bind<'a> {
        let m = a.model();
        let mut b = Bind {
            ctx,
            service: None,
            resource: None,
            timer: None,
            balancer: None,
            name: None,
            value: None,
            id: None,
            overlay: false,
        };
        let keys: Vec<&str> = path.keys().collect();
        if let [section, name, ..] = keys.as_slice() {
            b.name = Some((*name).to_string());
            match *section {
                "services" => b.service = m.service(name),
                "resources" => {
                    b.resource = m.resource(name);
                    b.overlay = b.resource.is_some_and(|r| m.overlay_vars(r).next().is_some());
                }
                "timers" => {
                    b.timer = m.timer(name);
                    b.service = b.timer.and_then(|t| t.service.as_ref()).and_then(|s| m.service(&s.value));
                }
                "balancers" => {
                    b.balancer = m.balancer(name);
                    b.service = b.balancer.and_then(|t| t.service.as_ref()).and_then(|s| m.service(&s.value));
                }
                _ => b.name = None,
            }
        }
        b
    }

    fn service_name(&self) -> Option<String> {
        if let Some(s) = self.service {
            return Some(s.name.value.clone());
        }
        if let Some(t) = self.timer {
            return t.service.as_ref().map(|s| s.value.clone());
        }
        if let Some(b) = self.balancer {
            return b.service.as_ref().map(|s| s.value.clone());
        }
        None
    }

    /// Replaces the placeholders of `FORMAT.md`. One that has no value here stays as `<name>`.
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let key = &after[..j];
            let value = match key {
                "ns" => Some(self.ctx.namespace()),
                "rack" => Some(self.ctx.rack_or_placeholder().to_string()),
                "app" => Some(self.ctx.app_or_placeholder().to_string()),
                "service" => self.service_name(),
                "name" => self.name.clone(),
                "timer" => self.timer.map(|t| t.name.value.clone()),
                "resource" => self.resource.map(|r| r.name.value.clone()),
                "balancer" => self.balancer.map(|b| b.name.value.clone()),
                "k8sname" => self.resource.map(Resource::k8s_name),
                "RESOURCE" => self.resource.map(|r| model::env_prefix(&r.name.value)),
                "value" => self.value.clone(),
                "id" => self.id.clone(),
                // `{.spec...}` in a jsonpath and anything unknown: literal text.
                _ => {
                    out.push('{');
                    rest = after;
                    continue;
                }
            };
            out.push_str(&value.unwrap_or_else(|| format!("<{key}>")));
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Whether a condition holds here: `None` when there is nothing to decide it on.
    fn holds(&self, when: When) -> Option<bool> {
        let svc = || self.service;
        Some(match when {
            When::Port => svc()?.port.is_some(),
            When::PortOrPorts => svc().map(|s| s.port.is_some() || !s.ports.is_empty())?,
            When::Ingress => svc().map(|s| s.port.is_some() && !s.is_internal() && !s.is_internal_router())?,
            When::InternalRouter => svc().map(|s| s.port.is_some() && s.is_internal_router())?,
            When::Agent => svc()?.is_agent(),
            When::NotAgent => !svc()?.is_agent(),
            When::CountRange => svc().map(|s| {
                let c = s.count();
                c.min != c.max && !s.is_agent() && !s.autoscales()
            })?,
            When::Autoscale => svc()?.autoscales(),
            When::Containerized | When::Persistent | When::Managed => {
                let r = self.resource?;
                let t = schema::schema().resource_type(r.type_name()?)?;
                // With `<NAME>_URL` set, Convox runs no container: only a ConfigMap with that URL.
                let runs = t.category == ResourceCategory::Containerized && !self.overlay;
                match when {
                    When::Containerized => runs,
                    When::Managed => t.category == ResourceCategory::Managed,
                    _ => runs && t.persistent,
                }
            }
            When::Parallel => self.timer?.parallel_count.as_ref().is_some_and(|p| p.value > 1),
            When::AccessControl => svc()?.access_control,
            When::NoLimitMemory => !svc()?.limit_memory,
            When::Efs => svc()?.efs,
        })
    }
}

fn code(s: &str) -> String {
    if s.contains('`') { format!("`` {s} ``") } else { format!("`{s}`") }
}

/// The header, type line and description of a key doc.
fn key_block(out: &mut String, title: &str, path: &str, doc: &KeyDoc, b: &Bind) {
    let _ = writeln!(out, "**{title}** — {}\n", b.fill(doc.summary.trim_end_matches('.')));
    let mut facts = vec![code(path), doc.ty.clone()];
    // A resource option's default depends on the resource's type.
    let type_default = (path.starts_with("resources.") && path.ends_with(".options.version"))
        .then(|| b.resource.and_then(|r| schema::schema().resource_type(r.type_name()?)))
        .flatten()
        .map(|t| match (&t.image, &t.default_version) {
            (Some(img), Some(v)) => format!("default {}", code(&img.replace("{version}", v))),
            _ => "no default: required".to_string(),
        });
    if let Some(d) = type_default {
        facts.push(d);
    } else if let Some(d) = &doc.default {
        facts.push(format!("default {}", code(d)));
    }
    if doc.required {
        facts.push("required".to_string());
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    if !doc.values.is_empty() {
        let vals: Vec<String> = doc.values.iter().map(|v| code(v)).collect();
        let _ = writeln!(out, "One of {}.\n", vals.join(", "));
    }
    match doc.status {
        Some(Status::NoEffect) => out.push_str("**No effect in Convox v3.**\n\n"),
        Some(Status::Removed) => out.push_str("**Not in Convox v3**: silently ignored.\n\n"),
        Some(Status::Reserved) => out.push_str("**Reserved** for a future Convox release.\n\n"),
        None => {}
    }
    let _ = writeln!(out, "{}\n", b.fill(doc.description.trim()));
}

/// The Kubernetes section: objects that apply here (with the fields set), then those that do
/// not. Entries for the same object are merged; the Deployment/DaemonSet alternative is not
/// listed as missing.
fn k8s_block(out: &mut String, doc: &KeyDoc, b: &Bind) {
    let ns = b.ctx.namespace();
    if doc.k8s.is_empty() {
        if let Some(no) = &doc.no_k8s {
            let _ = writeln!(out, "**Kubernetes**: no object. {}\n", b.fill(no.trim()));
        }
        return;
    }
    // (object, fields, notes, unknown condition) in first-seen order.
    type Line = (String, Vec<String>, Vec<String>, Option<When>);
    let mut here: Vec<Line> = Vec::new();
    let mut not_here: Vec<String> = Vec::new();
    for r in &doc.k8s {
        let object = code(&format!("{} {}", r.kind, b.fill(&r.name)));
        match r.when.map(|w| (w, b.holds(w))) {
            Some((When::Agent | When::NotAgent, Some(false))) => {}
            Some((w, Some(false))) => {
                let what = match &r.field {
                    Some(f) => format!("{object} → {}", code(&b.fill(f))),
                    None => object,
                };
                let item = format!("{what} ({})", w.describe());
                if !not_here.contains(&item) {
                    not_here.push(item);
                }
            }
            cond => {
                let unknown = cond.and_then(|(w, h)| h.is_none().then_some(w));
                let i = match here.iter().position(|(o, ..)| *o == object) {
                    Some(i) => i,
                    None => {
                        here.push((object, Vec::new(), Vec::new(), unknown));
                        here.len() - 1
                    }
                };
                if let Some(f) = &r.field {
                    here[i].1.push(code(&b.fill(f)));
                }
                if let Some(n) = &r.note {
                    here[i].2.push(b.fill(n.trim()));
                }
            }
        }
    }
    if here.is_empty() {
        let _ = writeln!(out, "**Kubernetes** · namespace {}: nothing here.", code(&ns));
    } else {
        let _ = writeln!(out, "**Kubernetes** · namespace {}", code(&ns));
    }
    for (object, fields, notes, unknown) in &here {
        let mut line = format!("- {object}");
        if !fields.is_empty() {
            let _ = write!(line, " → {}", fields.join(", "));
        }
        if let Some(w) = unknown {
            let _ = write!(line, " ({})", w.describe());
        }
        if !notes.is_empty() {
            let _ = write!(line, " — {}", notes.join("; "));
        }
        out.push_str(&line);
        out.push('\n');
    }
    if !not_here.is_empty() {
        let _ = writeln!(out, "\nNot here: {}.", not_here.join("; "));
    }
    out.push('\n');
}

/// A declared name's objects: only those that exist here, each with its note.
fn objects_block(out: &mut String, doc: &KeyDoc, b: &Bind) {
    let _ = writeln!(out, "**Kubernetes** · namespace {}", code(&b.ctx.namespace()));
    for r in doc.k8s.iter().filter(|r| r.when.is_none_or(|w| b.holds(w) != Some(false))) {
        let mut line = format!("- {}", code(&format!("{} {}", r.kind, b.fill(&r.name))));
        if let Some(n) = &r.note {
            let _ = write!(line, " — {}", b.fill(n.trim()));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}

fn kubectl_block(out: &mut String, commands: &[String]) {
    if commands.is_empty() {
        return;
    }
    out.push_str("```sh\n");
    for c in commands {
        out.push_str(c);
        out.push('\n');
    }
    out.push_str("```\n");
}

/// The commands that apply here, filled in, without repeats.
fn filled(b: &Bind, commands: &[schema::Command]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for t in commands {
        if t.when().is_some_and(|w| b.holds(w) == Some(false)) {
            continue;
        }
        let mut c = b.fill(t.text());
        if b.service.is_some_and(Service::is_agent) && b.timer.is_none() && b.balancer.is_none() {
            // An agent is a DaemonSet: the same commands, on `ds`.
            c = c
                .replace("get deploy ", "get ds ")
                .replace("describe deploy ", "describe ds ")
                .replace(" deploy/", " ds/");
        }
        if !v.contains(&c) {
            v.push(c);
        }
    }
    v
}

/// Short kubectl names of the kinds a service can have.
fn short_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Deployment" => "deploy",
        "DaemonSet" => "ds",
        "Service" => "svc",
        "Ingress" => "ing",
        "HorizontalPodAutoscaler" => "hpa",
        "Secret" => "secret",
        "ServiceAccount" => "sa",
        "ConfigMap" => "cm",
        "PersistentVolumeClaim" => "pvc",
        "CronJob" => "cronjob",
        _ => return None,
    })
}

pub(super) fn hover(a: &Analysis, offset: usize, ctx: &Context) -> Option<Hover> {
    if let Some(h) = interpolation_hover(a, offset, ctx) {
        return Some(h);
    }
    let at = a.key_path_at(offset);
    let (range, on_key) = match at.target {
        Target::Key(r) => (r, true),
        Target::Value(r) if !r.is_empty() => (r, false),
        _ => return None,
    };
    let keys: Vec<&str> = at.path.keys().collect();
    let sch = schema::schema();
    let m = sch.lookup(&at.path);
    let mut b = Bind::new(a, ctx, &at.path);
    let text = &a.text()[range.start..range.end];
    b.value = if on_key {
        node_at_path(a, &at.path).and_then(|n| n.as_str()).map(str::to_string)
    } else {
        Some(text.trim_matches(['"', '\'']).to_string())
    };
    b.id = id_next_to(a, &at.path);

    // Declared names: a whole service, resource, timer or balancer.
    if on_key && keys.len() == 2 && schema::NAMED_SECTIONS.contains(&keys[0]) && at.path.len() == 2 {
        return entity_hover(a, ctx, keys[0], keys[1], range);
    }
    if !on_key {
        // References to declared names.
        let pattern = m.pattern.as_str();
        match pattern {
            "services.*.resources[]" => {
                let name = text.split(':').next().unwrap_or(text).trim_matches(['"', '\'']);
                let r = TextRange::new(range.start, range.start + (text.find(':').unwrap_or(text.len())));
                return entity_hover(a, ctx, "resources", name, r).or_else(|| undeclared(range, "resource", name));
            }
            "timers.*.service" | "balancers.*.service" | "budget.neverAutoShutdown[]" => {
                let name = b.value.clone().unwrap_or_default();
                return entity_hover(a, ctx, "services", &name, range).or_else(|| undeclared(range, "service", &name));
            }
            "environment[]" | "services.*.environment[]" => return env_hover(a, ctx, &at.path, range, text),
            "resources.*.type" => {
                if let Some(h) = resource_type_hover(text.trim_matches(['"', '\'']), range, &b) {
                    return Some(h);
                }
            }
            _ => {}
        }
    }
    let doc = match m.doc {
        Some(doc) => doc,
        None => {
            let boolean = node_at_path(a, &at.path)
                .and_then(|n| n.as_scalar())
                .is_some_and(|s| s.yaml11_type() == crate::syntax::yaml::ScalarType::Bool);
            if on_key && let Some(h) = unknown_key_hover(&at.path, &m.pattern, range, text, boolean) {
                return Some(h);
            }
            // A key of a free-form map (`labels`, `nodeSelectorLabels` ...): the map's doc.
            let parent = m.pattern.rsplit_once('.').map(|(p, _)| p)?;
            sch.get(parent).filter(|_| sch.children(parent).next().is_none())?
        }
    };
    let mut out = String::new();
    let title = keys.last().copied().unwrap_or(m.pattern.as_str());
    key_block(&mut out, title, &at.path.to_string(), doc, &b);
    if !on_key {
        value_note(&mut out, &m.pattern, text, &b);
    }
    k8s_block(&mut out, doc, &b);
    kubectl_block(&mut out, &filled(&b, &doc.kubectl));
    Some(Hover { range, markdown: out.trim_end().to_string() + "\n" })
}

/// A key Convox does not read where it is written: it is silently ignored.
fn unknown_key_hover(
    path: &KeyPath,
    pattern: &str,
    range: TextRange,
    key: &str,
    value_is_boolean: bool,
) -> Option<Hover> {
    let sch = schema::schema();
    let parent = pattern.rsplit_once('.').map_or("", |(p, _)| p);
    let siblings: Vec<&str> = sch.children(parent).map(|(k, _, _)| k).filter(|k| *k != "*").collect();
    // Under a map of free-form keys (labels, nodeSelectorLabels ...) every key is the user's.
    if siblings.is_empty() || (!parent.is_empty() && sch.get(parent).is_none()) {
        return None;
    }
    let mut out = String::new();
    let where_ =
        if parent.is_empty() { "at the top level".to_string() } else { format!("under {}", code(&path_parent(path))) };
    let _ = writeln!(
        out,
        "**{}** — not a key Convox reads {where_}
",
        code(key)
    );
    out.push_str("Convox ignores unknown keys without a word: this setting has no effect.\n");
    if let Some(s) = schema::suggest(key, &siblings, value_is_boolean) {
        let _ = write!(out, "\nDid you mean {}?\n", code(s));
    }
    Some(Hover { range, markdown: out })
}

fn path_parent(path: &KeyPath) -> String {
    let mut p = path.clone();
    p.0.pop();
    p.to_string()
}

/// The value node at a key path of the first document.
fn node_at_path<'a>(a: &'a Analysis, path: &KeyPath) -> Option<&'a crate::syntax::yaml::Node> {
    let mut node = a.parse().root();
    for seg in &path.0 {
        node = match seg {
            Segment::Key(k) => &node.get(k)?.value,
            Segment::Index(i) => node.as_seq()?.get(*i)?,
        };
    }
    Some(node)
}

/// The `id` beside a volume or configMount key, for `{id}`.
fn id_next_to(a: &Analysis, path: &KeyPath) -> Option<String> {
    let mut node = a.parse().root();
    let mut found = None;
    for seg in &path.0 {
        node = match seg {
            Segment::Key(k) => &node.get(k)?.value,
            Segment::Index(i) => node.as_seq()?.get(*i)?,
        };
        if let Some(id) = node.get("id").and_then(|e| e.value.as_str()) {
            found = Some(id.to_string());
        }
        // `- awsEfs: {id: x}`: the id sits one level below the list item.
        if let Some(entries) = node.as_map()
            && entries.len() == 1
            && let Some(id) = entries[0].value.get("id").and_then(|e| e.value.as_str())
        {
            found = Some(id.to_string());
        }
    }
    found
}

fn undeclared(range: TextRange, what: &str, name: &str) -> Option<Hover> {
    Some(Hover {
        range,
        markdown: format!(
            "**{what} {}** — not declared in this file\n\nConvox rejects a reference to a {what} the manifest does not declare.\n",
            code(name)
        ),
    })
}

/// What a value means, for the values that have one.
fn value_note(out: &mut String, pattern: &str, text: &str, b: &Bind) {
    let v = text.trim_matches(['"', '\'']);
    match pattern {
        "services.*.scale.count" | "services.*.scale" => {
            if let Some(s) = b.service {
                let c = s.count();
                if c.min != c.max {
                    let _ = writeln!(
                        out,
                        "{}: between {} and {} replicas; {}.\n",
                        code(v),
                        c.min,
                        c.max,
                        if s.autoscales() { "KEDA scales them" } else { "the HorizontalPodAutoscaler scales them" }
                    );
                } else if c.min == 0 {
                    let _ = writeln!(
                        out,
                        "{}: no pods run; the Deployment stays as a template (timers can still use the service).\n",
                        code(v)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "{}: {} replica{}, no autoscaling.\n",
                        code(v),
                        c.min,
                        if c.min == 1 { "" } else { "s" }
                    );
                }
            }
        }
        "timers.*.concurrency" => {
            let rendered = model::concurrency_policy(v);
            if ["Allow", "Forbid", "Replace"].contains(&rendered.as_str()) {
                let _ = writeln!(out, "{} renders as {}.\n", code(v), code(&format!("concurrencyPolicy: {rendered}")));
            } else {
                let _ = writeln!(
                    out,
                    "{} renders as {}, which Kubernetes rejects at promote: use Allow, Forbid or Replace.\n",
                    code(v),
                    code(&format!("concurrencyPolicy: {rendered}"))
                );
            }
        }
        _ => {}
    }
}

fn entity_hover(a: &Analysis, ctx: &Context, section: &str, name: &str, range: TextRange) -> Option<Hover> {
    let m = a.model();
    let sch = schema::schema();
    let path = KeyPath(vec![Segment::Key(section.to_string()), Segment::Key(name.to_string())]);
    let b = Bind::new(a, ctx, &path);
    let doc = sch.get(&format!("{section}.*"))?;
    let mut out = String::new();
    let ns = ctx.namespace();
    let (what, facts, selector) = match section {
        "services" => {
            let s = m.service(name)?;
            let mut facts = vec![if s.is_agent() { "DaemonSet".to_string() } else { "Deployment".to_string() }];
            if let Some(p) = &s.port {
                facts.push(format!(
                    "port {}{}",
                    if p.value.scheme == "http" { String::new() } else { format!("{}:", p.value.scheme) },
                    p.value.port
                ));
            }
            let c = s.count();
            if !s.is_agent() {
                facts.push(if c.min == c.max {
                    format!("scale {}", c.min)
                } else {
                    format!("scale {}-{}", c.min, c.max)
                });
            }
            if s.is_internal() {
                facts.push("internal".to_string());
            }
            ("service", facts, Some(format!("service={name}")))
        }
        "resources" => {
            let r = m.resource(name)?;
            (
                "resource",
                r.type_name().map(|t| vec![t.to_string()]).unwrap_or_default(),
                Some(format!("resource={name}")),
            )
        }
        "timers" => {
            let t = m.timer(name)?;
            let mut facts = Vec::new();
            if let Some(s) = &t.schedule {
                facts.push(format!("{} (UTC)", code(&s.value)));
            }
            if let Some(s) = &t.service {
                facts.push(format!("runs on {}", code(&s.value)));
            }
            if let Some(p) = t.parallel_count.as_ref().filter(|p| p.value > 1) {
                facts.push(format!("{} parallel pods per run (Indexed Job, `TIMER_INDEX`)", p.value));
            }
            ("timer", facts, None)
        }
        "balancers" => {
            let bl = m.balancer(name)?;
            let mut facts = vec!["LoadBalancer".to_string()];
            if let Some(s) = &bl.service {
                facts.push(format!("→ {}", code(&s.value)));
            }
            ("balancer", facts, None)
        }
        _ => return None,
    };
    let _ = writeln!(out, "**{what} {}** — {}\n", code(name), facts.join(" · "));
    if section == "resources" {
        resource_details(&mut out, a, m.resource(name)?, &b);
    }
    if section == "balancers" {
        let bl = m.balancer(name)?;
        if !bl.ports.is_empty() {
            let ports: Vec<String> = bl
                .ports
                .iter()
                .map(|p| {
                    let target = p.target.as_ref().map_or("?", |t| t.value.as_str());
                    let proto = p.protocol.as_ref().map_or("TCP", |t| t.value.as_str());
                    format!("{} → {target}/{proto}", p.listen.value)
                })
                .collect();
            let _ = writeln!(out, "Ports: {}.\n", ports.join(", "));
        }
    }
    objects_block(&mut out, doc, &b);
    let mut commands = Vec::new();
    if let Some(sel) = selector.filter(|_| section == "services") {
        let mut kinds: Vec<&str> = Vec::new();
        for r in &doc.k8s {
            if r.when.is_some_and(|w| b.holds(w) == Some(false)) {
                continue;
            }
            // Only the kinds labelled `service=<name>` (not PVCs, Secrets, ServiceAccounts).
            if let Some(k) = short_kind(&r.kind)
                && !kinds.contains(&k)
                && matches!(k, "deploy" | "ds" | "svc" | "ing" | "hpa")
            {
                kinds.push(k);
            }
        }
        if !kinds.is_empty() {
            commands.push(format!("kubectl get {} -n {ns} -l {sel}", kinds.join(",")));
        }
    }
    for c in filled(&b, &doc.kubectl) {
        // The generic `kubectl get <every kind> -l service=x` gives way to the concrete one.
        let generic = commands.first().is_some_and(|first: &String| {
            c.starts_with("kubectl get deploy,")
                && first.rsplit(" -l ").next() == c.rsplit(" -l ").next()
                && !c.contains(" -o ")
        });
        if !generic && !commands.contains(&c) {
            commands.push(c);
        }
    }
    kubectl_block(&mut out, &commands);
    Some(Hover { range, markdown: out.trim_end().to_string() + "\n" })
}

/// A resource's type facts and what it injects into the services that link it.
fn resource_details(out: &mut String, a: &Analysis, r: &Resource, b: &Bind) {
    let sch = schema::schema();
    let Some(t) = r.type_name().and_then(|t| sch.resource_type(t)) else { return };
    let prefix = model::env_prefix(&r.name.value);
    if !b.overlay {
        let _ = writeln!(out, "{}. Port {}; URL {}.\n", t.summary.trim_end_matches('.'), t.port, code(&b.fill(&t.url)));
    }
    if let Some(aws) = &t.aws {
        let _ = writeln!(out, "In AWS: {aws}. In the cluster: its ConfigMap, and the provisioner's state Secret.\n");
    }
    if let Some(var) = a.model().overlay_vars(r).next().filter(|_| t.category == ResourceCategory::Containerized) {
        let _ = writeln!(
            out,
            "**Overlay**: {} is declared in `environment`{}. With it set, Convox runs no {} container: it renders only ConfigMap {} with that URL (USER, PASS, HOST, PORT and NAME empty).\n",
            code(&var.name.value),
            var.default
                .as_ref()
                .map(|d| format!(" with default {}", code(&d.value)))
                .unwrap_or_else(|| " (required, so always set)".to_string()),
            r.type_name().unwrap_or("resource"),
            code(&format!("resource-{}", r.k8s_name()))
        );
    }
    let users: Vec<String> = a
        .model()
        .services
        .iter()
        .filter(|s| s.resources.iter().any(|x| x.name.value == r.name.value))
        .map(|s| code(&s.name.value))
        .collect();
    let vars = ["URL", "USER", "PASS", "HOST", "PORT", "NAME"].map(|v| format!("{prefix}_{v}"));
    if users.is_empty() {
        let _ = writeln!(out, "No service links it yet (add it to a service's `resources:`).\n");
    } else {
        let _ = writeln!(
            out,
            "Injected into {} as {} (from ConfigMap {}).\n",
            users.join(", "),
            vars.iter().map(|v| code(v)).collect::<Vec<_>>().join(", "),
            code(&format!("resource-{}", r.k8s_name()))
        );
    }
    if r.k8s_name() != r.name.value {
        let _ = writeln!(
            out,
            "Kubernetes names drop every character but a-z, `-` and `.`: {} becomes {}.\n",
            code(&r.name.value),
            code(&format!("resource-{}", r.k8s_name()))
        );
    }
}

fn resource_type_hover(ty: &str, range: TextRange, b: &Bind) -> Option<Hover> {
    let t = schema::schema().resource_type(ty)?;
    let mut out = String::new();
    let _ = writeln!(out, "**resource type {}** — {}\n", code(ty), t.summary.trim_end_matches('.'));
    let _ = writeln!(out, "{}\n", t.description.trim());
    let mut facts = vec![format!("port {}", t.port)];
    if let (Some(img), Some(v)) = (&t.image, &t.default_version) {
        facts.push(format!("image {}", code(&img.replace("{version}", v))));
    }
    if !t.required_options.is_empty() {
        facts.push(format!(
            "required options: {}",
            t.required_options.iter().map(|o| code(o)).collect::<Vec<_>>().join(", ")
        ));
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    let objects: Vec<String> = t
        .objects
        .iter()
        .map(|k| code(&format!("{k} resource-{}", b.resource.map_or("<name>".to_string(), Resource::k8s_name))))
        .collect();
    let _ = writeln!(out, "**Kubernetes** · namespace {}: {}\n", code(&b.ctx.namespace()), objects.join(", "));
    Some(Hover { range, markdown: out.trim_end().to_string() + "\n" })
}

/// An `environment` entry: where the variable ends up, and how to read it in the cluster.
fn env_hover(a: &Analysis, ctx: &Context, path: &KeyPath, range: TextRange, text: &str) -> Option<Hover> {
    let raw = text.trim_matches(['"', '\'']);
    let (name, default) = match raw.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (raw, None),
    };
    let keys: Vec<&str> = path.keys().collect();
    let m = a.model();
    let services: Vec<&Service> = match keys.as_slice() {
        ["services", svc, ..] => m.service(svc).into_iter().collect(),
        _ => m.services.iter().collect(),
    };
    env_markdown(ctx, name, default, &services, range, keys.first() == Some(&"services"))
}

fn env_markdown(
    ctx: &Context,
    name: &str,
    default: Option<&str>,
    services: &[&Service],
    range: TextRange,
    service_level: bool,
) -> Option<Hover> {
    let ns = ctx.namespace();
    let mut out = String::new();
    if name == "*" {
        let _ = writeln!(out, "**environment `*`** — every variable of the app's environment\n");
        out.push_str("Pulls in every variable set with `convox env set`, declared or not.\n");
        return Some(Hover { range, markdown: out });
    }
    let _ = writeln!(
        out,
        "**environment variable {}** — {}\n",
        code(name),
        match default {
            Some(d) => format!("default {}", code(d)),
            None => "required".to_string(),
        }
    );
    match default {
        Some(_) => out.push_str("A value set with `convox env set` wins over the default.\n\n"),
        None => {
            let _ = writeln!(
                out,
                "No default: it must be set with `convox env set {name}=... -a {}`, or the build fails with {}.\n",
                ctx.app_or_placeholder(),
                code(&format!("required env: {name}"))
            );
        }
    }
    let secrets: Vec<String> = services.iter().map(|s| code(&format!("Secret env-{}", s.name.value))).collect();
    if secrets.is_empty() {
        let _ = writeln!(
            out,
            "**Kubernetes**: goes into each service's Secret `env-<service>`; this file declares no service yet.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "**Kubernetes** · namespace {}: {} {} (key {}), read by the pods through `envFrom`.\n",
            code(&ns),
            if service_level { "only in" } else { "in every service's Secret:" },
            secrets.join(", "),
            code(name)
        );
    }
    if let Some(s) = services.first() {
        let _ = writeln!(
            out,
            "```sh\nkubectl get secret env-{} -n {ns} -o jsonpath='{{.data.{name}}}' | base64 -d\n```",
            s.name.value
        );
    }
    Some(Hover { range, markdown: out.trim_end().to_string() + "\n" })
}

/// `${VAR}` anywhere in a value: Convox substitutes it from the app's environment before reading
/// the YAML.
fn interpolation_hover(a: &Analysis, offset: usize, ctx: &Context) -> Option<Hover> {
    let text = a.text();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let col = offset - line_start;
    let mut search = 0;
    while let Some(i) = line[search..].find("${") {
        let start = search + i;
        let end = line[start..].find('}').map(|j| start + j + 1)?;
        if start <= col && col <= end {
            let var = &line[start + 2..end - 1];
            let range = TextRange::new(line_start + start, line_start + end);
            let m = a.model();
            let declared = m
                .environment
                .iter()
                .chain(m.services.iter().flat_map(|s| s.environment.iter()))
                .find(|e| e.name.value == var);
            let mut out = String::new();
            let _ = writeln!(
                out,
                "**{}** — replaced from the app's environment before the YAML is read\n",
                code(&format!("${{{var}}}"))
            );
            if var.contains(":-") || var.contains(":=") {
                let _ = writeln!(
                    out,
                    "Convox has no `${{VAR:-default}}` syntax: it looks up a variable named {} and gets an empty string.\n",
                    code(var)
                );
            } else {
                let _ = writeln!(
                    out,
                    "Convox substitutes the value of {} from `convox env` (and build args at build time); an unset variable becomes an empty string, silently.\n",
                    code(var)
                );
            }
            match declared {
                Some(e) => {
                    let _ = writeln!(
                        out,
                        "Declared in `environment`{}.\n",
                        e.default.as_ref().map(|d| format!(" with default {}", code(&d.value))).unwrap_or_default()
                    );
                }
                None => out.push_str("Not declared in any `environment` list of this file.\n\n"),
            }
            let _ = writeln!(out, "```sh\nconvox env get {var} -a {}\n```", ctx.app_or_placeholder());
            return Some(Hover { range, markdown: out.trim_end().to_string() + "\n" });
        }
        search = end;
    }
    None
}

/// One row of `convox-lsp explain`: a key of the file, the objects it becomes, a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainRow {
    pub path: String,
    pub offset: usize,
    pub objects: Vec<String>,
    pub kubectl: Option<String>,
}

/// Every key of the first document with what it becomes here, in file order.
pub(super) fn explain(a: &Analysis, ctx: &Context) -> Vec<ExplainRow> {
    let mut rows = Vec::new();
    let mut stack: Vec<(&crate::syntax::yaml::Node, KeyPath)> = vec![(a.parse().root(), KeyPath::default())];
    let sch = schema::schema();
    while let Some((node, path)) = stack.pop() {
        let mut children = Vec::new();
        match &node.kind {
            crate::syntax::yaml::Kind::Map(entries) => {
                for e in entries {
                    let Some(k) = e.key.as_str() else { continue };
                    let mut p = path.clone();
                    p.0.push(Segment::Key(k.to_string()));
                    let m = sch.lookup(&p);
                    let b = Bind::new(a, ctx, &p);
                    let keys: Vec<&str> = p.keys().collect();
                    let entity = keys.len() == 2 && schema::NAMED_SECTIONS.contains(&keys[0]);
                    let (objects, kubectl) = match m.doc {
                        Some(doc) => {
                            let objects = doc
                                .k8s
                                .iter()
                                .filter(|r| r.when.is_none_or(|w| b.holds(w) != Some(false)))
                                .map(|r| {
                                    let o = format!("{} {}", r.kind, b.fill(&r.name));
                                    match (&r.field, entity) {
                                        (Some(f), false) => format!("{o} {}", b.fill(f)),
                                        _ => o,
                                    }
                                })
                                .collect();
                            (objects, filled(&b, &doc.kubectl).into_iter().next())
                        }
                        None => (Vec::new(), None),
                    };
                    rows.push(ExplainRow { path: p.to_string(), offset: e.key.range.start, objects, kubectl });
                    children.push((&e.value, p));
                }
            }
            crate::syntax::yaml::Kind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.0.push(Segment::Index(i));
                    children.push((item, p));
                }
            }
            _ => {}
        }
        stack.extend(children.into_iter().rev());
    }
    rows
}

/// The objects a declared name becomes here, as `Kind name` (the knowledge base's list for the
/// section, with conditions decided): for symbols, inlay hints and code lenses.
pub(super) fn entity_objects(a: &Analysis, ctx: &Context, section: &str, name: &str) -> Vec<(String, String)> {
    let path = KeyPath(vec![Segment::Key(section.to_string()), Segment::Key(name.to_string())]);
    let b = Bind::new(a, ctx, &path);
    let Some(doc) = schema::schema().get(&format!("{section}.*")) else { return Vec::new() };
    doc.k8s
        .iter()
        .filter(|r| r.when.is_some_and(|w| b.holds(w) == Some(true)) || r.when.is_none())
        .map(|r| (r.kind.clone(), b.fill(&r.name)))
        .collect()
}

/// The first kubectl command for a declared name (the one a code lens shows).
pub(super) fn main_command(a: &Analysis, ctx: &Context, section: &str, name: &str) -> Option<String> {
    let h = entity_hover(a, ctx, section, name, TextRange::default())?;
    let block = h.markdown.split("```sh\n").nth(1)?;
    block.lines().next().map(str::to_string)
}
