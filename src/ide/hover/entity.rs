//! A declared name (service, resource, timer, balancer), a reference to one, a resource type.

use std::fmt::Write as _;

use super::{Analysis, Bind, Hover, filled, finish, kubectl_block};
use crate::context::Context;
use crate::ide::markdown::{code, prose};
use crate::model::{self, Resource};
use crate::schema::{self, KeyDoc, ResourceCategory};
use crate::syntax::{KeyPath, Segment};
use crate::text::TextRange;

/// A declared name's objects: only those that exist here, each with its note.
fn objects_block(out: &mut String, doc: &KeyDoc, b: &Bind) {
    let _ = writeln!(out, "**Kubernetes** · namespace {}", code(&b.ctx.namespace()));
    for r in doc.k8s.iter().filter(|r| r.when.is_none_or(|w| b.holds(w) != Some(false))) {
        let mut line = format!("- {}", code(&format!("{} {}", r.kind, b.fill(&r.name))));
        if let Some(n) = &r.note {
            let _ = write!(line, " — {}", b.prose(n.trim()));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
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

pub(super) fn undeclared(ctx: &Context, range: TextRange, what: &str, name: &str) -> Option<Hover> {
    let out = format!(
        "**{what} {}** — not declared in this file\n\nConvox rejects a reference to a {what} the manifest does not declare.\n",
        code(name)
    );
    Some(finish(range, &out, ctx))
}

pub(super) fn entity_hover(a: &Analysis, ctx: &Context, section: &str, name: &str, range: TextRange) -> Option<Hover> {
    let m = a.model();
    let sch = schema::schema();
    let path = KeyPath(vec![Segment::Key(section.to_string()), Segment::Key(name.to_string())]);
    let b = Bind::new(a, ctx, &path);
    let doc = sch.get(&format!("{section}.*"))?;
    let mut out = String::new();
    let (what, facts, selector) = headline(a, section, name)?;
    let _ = writeln!(out, "**{what} {}** — {}\n", code(name), facts.join(" · "));
    kubectl_block(&mut out, &commands(doc, &b, section, selector.as_deref()));
    objects_block(&mut out, doc, &b);
    if section == "resources" {
        resource_details(&mut out, a, m.resource(name)?, &b);
    }
    if section == "balancers" {
        balancer_ports(&mut out, m.balancer(name)?);
    }
    if section == "services"
        && let Some(steps) = crate::ide::troubleshoot::short(a, ctx, name)
    {
        out.truncate(out.trim_end().len());
        out.push_str("\n\n");
        out.push_str(&steps);
    }
    Some(finish(range, &out, ctx))
}

/// What a declared name is, its facts, and the label that selects its objects.
fn headline(a: &Analysis, section: &str, name: &str) -> Option<(&'static str, Vec<String>, Option<String>)> {
    let m = a.model();
    Some(match section {
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
    })
}

fn balancer_ports(out: &mut String, bl: &crate::model::Balancer) {
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

/// The commands for a declared name: for a service, one `kubectl get` of every kind it has.
fn commands(doc: &KeyDoc, b: &Bind, section: &str, selector: Option<&str>) -> Vec<String> {
    let ns = b.ctx.namespace();
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
    for c in filled(b, &doc.kubectl) {
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
    commands
}

/// A resource's type facts and what it injects into the services that link it.
fn resource_details(out: &mut String, a: &Analysis, r: &Resource, b: &Bind) {
    let sch = schema::schema();
    let Some(t) = r.type_name().and_then(|t| sch.resource_type(t)) else { return };
    let prefix = model::env_prefix(&r.name.value);
    if !b.overlay {
        let summary = prose(t.summary.trim_end_matches('.'));
        let _ = writeln!(out, "{summary}. Port {}; URL {}.\n", t.port, code(&b.fill(&t.url)));
    }
    if let Some(aws) = &t.aws {
        let aws = prose(aws);
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

pub(super) fn resource_type_hover(ty: &str, range: TextRange, b: &Bind) -> Option<Hover> {
    let t = schema::schema().resource_type(ty)?;
    let mut out = String::new();
    let _ = writeln!(out, "**resource type {}** — {}\n", code(ty), prose(t.summary.trim_end_matches('.')));
    let _ = writeln!(out, "{}\n", prose(t.description.trim()));
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
    Some(finish(range, &out, b.ctx))
}

/// The first kubectl command for a declared name (the one a code lens shows).
pub(in crate::ide) fn main_command(a: &Analysis, ctx: &Context, section: &str, name: &str) -> Option<String> {
    let path = KeyPath(vec![Segment::Key(section.to_string()), Segment::Key(name.to_string())]);
    let doc = schema::schema().get(&format!("{section}.*"))?;
    let (_, _, selector) = headline(a, section, name)?;
    commands(doc, &Bind::new(a, ctx, &path), section, selector.as_deref()).into_iter().next()
}
