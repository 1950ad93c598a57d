//! A declared name (service, resource, timer, balancer), a reference to one, a resource type.

use std::fmt::Write as _;

use super::{Hover, finish, kubectl_block};
use crate::context::Context;
use crate::ide::analysis::Analysis;
use crate::ide::markdown::{code, prose};
use crate::ide::objects::AppObjects;
use crate::ide::place::{Bind, Standing, filled, standing};
use crate::model::{self, Resource};
use crate::schema::{self, KeyDoc, When};
use crate::syntax::{KeyPath, Segment};
use crate::text::TextRange;

/// A declared name's objects as the model renders them, each with the knowledge base's note,
/// then those it would render under another condition.
fn objects_block(out: &mut String, doc: &KeyDoc, b: &Bind) {
    let Some(owner) = &b.owner else { return };
    let _ = writeln!(out, "**Kubernetes** · namespace {}", code(&b.ctx.namespace()));
    for o in b.app.owned_by(owner) {
        let mut line = format!("- {}", code(&o.title()));
        let note = doc.k8s.iter().find(|r| r.kind == o.kind && b.fill(&r.name) == o.name).and_then(|r| r.note.as_ref());
        if let Some(n) = note {
            let _ = write!(line, " — {}", b.prose(n.trim()));
        }
        out.push_str(&line);
        out.push('\n');
    }
    let not_here: Vec<String> = b
        .app
        .not_created_by(owner)
        .filter(|n| !matches!(n.when, Some(When::Agent | When::NotAgent)))
        .map(|n| format!("{} ({})", code(&format!("{} {}", n.kind, n.name)), prose(&n.reason)))
        .collect();
    if !not_here.is_empty() {
        let _ = writeln!(out, "\nNot here: {}.", not_here.join("; "));
    }
    let outside: Vec<String> = doc
        .k8s
        .iter()
        .filter(|r| !r.kind.contains(' ') && standing(b, r).1 == Standing::Outside)
        .map(|r| code(&format!("{} {}", r.kind, b.fill(&r.name))))
        .collect();
    if !outside.is_empty() {
        let _ = writeln!(out, "\nMade by the rack, not the release: {}.", outside.join(", "));
    }
    out.push('\n');
}

/// Short kubectl names of the kinds a service can have.
pub(super) fn undeclared(ctx: &Context, range: TextRange, what: &str, name: &str) -> Option<Hover> {
    let out = format!(
        "**{what} {}** — not declared in this file\n\nConvox rejects a reference to a {what} the manifest does not declare.\n",
        code(name)
    );
    Some(finish(range, &out, ctx))
}

/// One part of a declared name's hover, in the order [`SECTIONS`] lists them. A new part (say, what
/// to check when a service does not run) is one more function here and one more entry there.
type Section = fn(&mut String, &Entity) -> Option<()>;

/// What every section of a declared name's hover reads.
struct Entity<'a> {
    a: &'a Analysis,
    b: Bind<'a>,
    doc: &'a KeyDoc,
    section: &'a str,
    name: &'a str,
}

/// The parts of a declared name's hover, top to bottom: what it is, the kubectl commands (early,
/// so a short float shows them), its objects, details per kind, then (for a service) the first
/// steps of its troubleshooting ladder.
const SECTIONS: &[Section] =
    &[title_section, kubectl_section, objects_section, resource_section, balancer_section, troubleshoot_section];

pub(super) fn entity_hover(
    a: &Analysis,
    ctx: &Context,
    app: &AppObjects,
    section: &str,
    name: &str,
    range: TextRange,
) -> Option<Hover> {
    let path = KeyPath(vec![Segment::Key(section.to_string()), Segment::Key(name.to_string())]);
    let doc = schema::schema().get(&format!("{section}.*"))?;
    let e = Entity { a, b: Bind::new(a, ctx, app, &path), doc, section, name };
    let mut out = String::new();
    for part in SECTIONS {
        part(&mut out, &e)?;
    }
    Some(finish(range, &out, ctx))
}

/// A service's "If it does not run": the first steps of its troubleshooting ladder.
fn troubleshoot_section(out: &mut String, e: &Entity) -> Option<()> {
    if e.section == "services"
        && let Some(steps) = crate::ide::ladder::short(e.a, e.b.ctx, e.b.app, e.name)
    {
        out.truncate(out.trim_end().len());
        out.push_str("\n\n");
        out.push_str(&steps);
    }
    Some(())
}

fn title_section(out: &mut String, e: &Entity) -> Option<()> {
    let (what, facts) = headline(e.a, &e.b, e.section, e.name)?;
    let _ = writeln!(out, "**{what} {}** — {}\n", code(e.name), facts.join(" · "));
    Some(())
}

fn kubectl_section(out: &mut String, e: &Entity) -> Option<()> {
    kubectl_block(out, &commands(e.doc, &e.b));
    Some(())
}

fn objects_section(out: &mut String, e: &Entity) -> Option<()> {
    objects_block(out, e.doc, &e.b);
    Some(())
}

fn resource_section(out: &mut String, e: &Entity) -> Option<()> {
    if e.section == "resources" {
        resource_details(out, e.a, e.a.model().resource(e.name)?, &e.b);
    }
    Some(())
}

fn balancer_section(out: &mut String, e: &Entity) -> Option<()> {
    if e.section == "balancers" {
        balancer_ports(out, e.a.model().balancer(e.name)?);
    }
    Some(())
}

/// What a declared name is, and its facts.
fn headline(a: &Analysis, b: &Bind, section: &str, name: &str) -> Option<(&'static str, Vec<String>)> {
    let m = a.model();
    Some(match section {
        "services" => {
            let s = m.service(name)?;
            // The workload the model renders: a Deployment, or a DaemonSet for an agent.
            let agent = b.holds(When::Agent) == Some(true);
            let mut facts = vec![if agent { "DaemonSet".to_string() } else { "Deployment".to_string() }];
            if let Some(p) = &s.port {
                facts.push(format!(
                    "port {}{}",
                    if p.value.scheme == "http" { String::new() } else { format!("{}:", p.value.scheme) },
                    p.value.port
                ));
            }
            let c = b.app.scale(name)?;
            if !agent {
                facts.push(if c.min == c.max {
                    format!("scale {}", c.min)
                } else {
                    format!("scale {}-{}", c.min, c.max)
                });
            }
            if s.is_internal() {
                facts.push("internal".to_string());
            }
            ("service", facts)
        }
        "resources" => {
            let r = m.resource(name)?;
            ("resource", r.type_name().map(|t| vec![t.to_string()]).unwrap_or_default())
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
            ("timer", facts)
        }
        "balancers" => {
            let bl = m.balancer(name)?;
            let mut facts = vec!["LoadBalancer".to_string()];
            if let Some(s) = &bl.service {
                facts.push(format!("→ {}", code(&s.value)));
            }
            ("balancer", facts)
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

/// The commands for a declared name: the objects layer's for its owner, else the knowledge
/// base's, filled in.
fn commands(doc: &KeyDoc, b: &Bind) -> Vec<String> {
    match &b.owner {
        Some(owner) => b.app.commands(owner),
        None => filled(b, &doc.kubectl),
    }
}

/// A managed resource's database: made by the rack's provisioner at promote, not by the release.
/// Its state lives in Secret `<resource>-r<rack>r-<app>` (`provider/k8s/aws_resources.go:36`); a
/// new instance is named after the first 20 characters of that id plus a random suffix
/// (`provider/aws/provisioner/helpers.go:163-168`, `rds/provisioner.go:93`); `import` links an
/// existing instance under its own identifier (`rds/provisioner.go:44-52`).
fn aws_line(out: &mut String, aws: &str, b: &Bind) {
    let doc = schema::schema().get("resources.*");
    let state = doc.and_then(|d| d.k8s.iter().find(|k| k.kind == "Secret" && k.when == Some(When::Managed)));
    let Some(state) = state.map(|k| b.fill(&k.name)) else { return };
    let short: String = state.chars().take(20).collect();
    let _ = writeln!(
        out,
        "In AWS: {}, made by the rack at promote. Its identifier is {} plus a random suffix (with `import`, the imported instance's own). The provisioner keeps its state in Secret {}; deleting that Secret uninstalls the database.\n",
        prose(aws),
        code(&short),
        code(&state)
    );
}

/// A resource's type facts and what it injects into the services that link it.
fn resource_details(out: &mut String, a: &Analysis, r: &Resource, b: &Bind) {
    let sch = schema::schema();
    let Some(t) = r.type_name().and_then(|t| sch.resource_type(t)) else { return };
    if !b.overlay() {
        let summary = prose(t.summary.trim_end_matches('.'));
        let _ = writeln!(out, "{summary}. Port {}; URL {}.\n", t.port, code(&b.fill(&t.url)));
    }
    if let Some(aws) = &t.aws {
        aws_line(out, aws, b);
    }
    if let Some(var) = a.model().overlay_vars(r).find(|v| v.default.is_none()).filter(|_| b.overlay()) {
        let _ = writeln!(
            out,
            "**Overlay**: {} is declared in `environment` without a default, so every release sets it. With it set, Convox runs no {} container: it renders only ConfigMap {} with that URL (USER, PASS, HOST, PORT and NAME empty).\n",
            code(&var.name.value),
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
    let vars = model::resource_vars(&r.name.value);
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
    let _ = writeln!(out, "{}\n", b.prose(t.description.trim()));
    let mut facts = vec![format!("port {}", t.port)];
    if let Some(image) = t.default_image() {
        facts.push(format!("image {}", code(&image)));
    }
    if !t.required_options.is_empty() {
        // `import` links an existing instance and takes none of them.
        let import =
            schema::schema().get("resources.*.options.import").is_some_and(|d| d.types.iter().any(|x| x == ty));
        facts.push(format!(
            "required for a new instance: {}{}",
            t.required_options.iter().map(|o| code(o)).collect::<Vec<_>>().join(", "),
            if import { " (none with `import`)" } else { "" }
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
