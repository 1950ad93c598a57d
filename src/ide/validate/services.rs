//! Service rules: `internal`, keys that need a port, labels, ports, deployment bounds,
//! securityContext, annotations; balancer ports and whitelists.

use super::{Sink, code};
use crate::ide::codes::Code;
use crate::model::{Manifest, Service, Spanned};
use crate::syntax::yaml::Node;

pub(super) fn services(m: &Manifest, root: &Node, sink: &mut Sink) {
    for s in &m.services {
        if let (Some(i), Some(ir)) = (&s.internal, &s.internal_router)
            && i.value
            && ir.value
        {
            sink.add(
                ir.range,
                Code::InternalConflict,
                format!("service {} can not have both internal and internalRouter set as true", s.name.value),
            );
        }
        if s.is_internal() && !s.domains.is_empty() {
            sink.add(
                s.domains[0].range,
                Code::NoEffect,
                format!("`domain` has no effect on an internal service: {} gets no Ingress", s.name.value),
            );
        }
        needs_port(s, sink);
        for l in &s.labels {
            reserved_label(&l.key, sink);
        }
    }
    for l in &m.labels {
        reserved_label(&l.key, sink);
    }
    balancers(m, sink);
    if let Some(services) = root.get("services").and_then(|e| e.value.as_map()) {
        for svc in services {
            let name = svc.key.as_str().unwrap_or_default();
            ports(&svc.value, sink);
            deployment(name, &svc.value, sink);
            security_context(name, &svc.value, sink);
        }
    }
    annotations(root, sink);
}

/// Keys that configure the Service, Ingress or probes Convox creates only for a service with a port.
fn needs_port(s: &Service, sink: &mut Sink) {
    if s.port.is_some() {
        return;
    }
    const KEYS: &[&str] = &[
        "health",
        "liveness",
        "domain",
        "sticky",
        "timeout",
        "tls",
        "whitelist",
        "certificate",
        "startupProbe",
        "grpcHealthEnabled",
        "ingressAnnotations",
        "internalRouter",
    ];
    for key in s.keys.iter().filter(|k| KEYS.contains(&k.value.as_str())) {
        sink.add(
            key.range,
            Code::NeedsPort,
            format!("{} has no effect: service {} has no `port`", code(&key.value), s.name.value),
        );
    }
}

fn reserved_label(key: &Spanned<String>, sink: &mut Sink) {
    if matches!(key.value.as_str(), "system" | "rack" | "app" | "name" | "service" | "release" | "type") {
        sink.add(key.range, Code::ReservedLabel, format!("reserved label key '{}' is not allowed", key.value));
    }
}

fn balancers(m: &Manifest, sink: &mut Sink) {
    for b in &m.balancers {
        if b.ports.is_empty() {
            sink.add(b.name.range, Code::MissingKey, format!("balancer {} has no ports", b.name.value));
        }
        for p in b.ports.iter().filter(|p| p.listen.value.parse::<u16>().is_err()) {
            let message = format!(
                "balancer port {}: strconv.Atoi: parsing \"{}\": invalid syntax",
                code(&p.listen.value),
                p.listen.value
            );
            sink.add(p.listen.range, Code::InvalidPort, message);
        }
        for w in b.whitelist.iter().filter(|w| w.value.parse::<ipnet::IpNet>().is_err()) {
            let message = format!("balancer {} whitelist {} is not a valid cidr range", b.name.value, w.value);
            sink.add(w.range, Code::InvalidCidr, message);
        }
    }
}

/// `port` and `ports` as Convox's decoders read them (`pkg/manifest/yaml.go` ServicePortScheme,
/// ServicePortProtocol).
fn ports(b: &Node, sink: &mut Sink) {
    if let Some(p) = b.get("port")
        && let Some(s) = p.value.as_str().filter(|s| !p.value.is_empty() && !s.contains("${"))
    {
        let num = s.rsplit_once(':').map_or(s, |(_, n)| n);
        if num.trim().parse::<u32>().is_err() {
            sink.add(
                p.value.range,
                Code::InvalidPort,
                format!("could not parse port: {s} (strconv.Atoi: parsing \"{num}\": invalid syntax)"),
            );
        }
    }
    for item in b.get("ports").and_then(|p| p.value.as_seq()).unwrap_or_default() {
        let Some(s) = item.as_str() else { continue };
        let (num, proto) = s.split_once('/').unwrap_or((s, "tcp"));
        if num.trim().parse::<u32>().is_err() || !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp") {
            sink.add(item.range, Code::InvalidPort, format!("invalid port: {s} (write `3001` or `8125/udp`)"));
        }
    }
}

/// validate.go: `deployment.minimum` 0-100, `deployment.maximum` 100-200.
fn deployment(name: &str, b: &Node, sink: &mut Sink) {
    let Some(d) = b.get("deployment") else { return };
    let bound = |k: &str| d.value.get(k).and_then(|e| Some((e.value.as_str()?.parse::<i64>().ok()?, e.value.range)));
    for (key, lo, hi) in [("minimum", 0, 100), ("maximum", 100, 200)] {
        let Some((v, r)) = bound(key) else { continue };
        let problem = if v < lo {
            format!("less than {lo}")
        } else if v > hi {
            format!("greater than {hi}")
        } else {
            continue;
        };
        sink.add(r, Code::DeploymentBounds, format!("service {name} deployment {key} can not be {problem}"));
    }
}

/// Convox's securityContext rules (`pkg/manifest/service.go`).
fn security_context(name: &str, b: &Node, sink: &mut Sink) {
    let Some(sc) = b.get("securityContext") else { return };
    let get = |k: &str| sc.value.get(k).map(|e| &e.value);
    if let Some(p) = get("seccompProfile").filter(|p| p.as_str() == Some("Localhost")) {
        sink.add(p.range, Code::SecurityContext, format!("service {name}: securityContext.seccompProfile: Localhost is not supported (no localhostProfile field); use RuntimeDefault or Unconfined"));
    }
    if get("runAsNonRoot").and_then(|n| n.as_str()) == Some("true")
        && let Some(u) = get("runAsUser").filter(|n| n.as_str() == Some("0"))
    {
        sink.add(
            u.range,
            Code::SecurityContext,
            format!("service {name}: securityContext: runAsNonRoot=true is incompatible with runAsUser=0"),
        );
    }
    let Some(caps) = get("capabilities") else { return };
    for list in ["add", "drop"] {
        for c in caps.get(list).and_then(|l| l.value.as_seq()).unwrap_or_default() {
            let Some(cs) = c.as_str() else { continue };
            if list == "add" && cs.starts_with("CAP_") {
                sink.add(c.range, Code::SecurityContext, format!("service {name}: securityContext.capabilities.add: \"{cs}\" must not include CAP_ prefix (use \"{}\")", &cs[4..]));
            } else if !cs.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_') {
                sink.add(c.range, Code::SecurityContext, format!("service {name}: securityContext.capabilities.{list}: \"{cs}\" is not a valid capability name (expected uppercase letters, digits, underscores)"));
            }
        }
    }
}

/// `annotations` items must be `key=value`: Convox panics on one without `=` for timers and
/// balancers, and rejects it for services.
fn annotations(root: &Node, sink: &mut Sink) {
    for section in ["services", "timers", "balancers"] {
        let Some(entries) = root.get(section).and_then(|e| e.value.as_map()) else { continue };
        for e in entries {
            for key in ["annotations", "ingressAnnotations"] {
                let Some(items) = e.value.get(key).and_then(|a| a.value.as_seq()) else { continue };
                for item in items {
                    if let Some(s) = item.as_str()
                        && !s.contains('=')
                    {
                        sink.add(
                            item.range,
                            Code::InvalidAnnotation,
                            format!("invalid annotation format: {s} (write `key=value`)"),
                        );
                    }
                }
            }
        }
    }
}
