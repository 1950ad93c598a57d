//! Service rules: `internal`, keys that need a port, labels, ports, deployment bounds,
//! securityContext, annotations; balancer ports and whitelists.

use super::{Sink, code, decoders};
use crate::ide::codes::Code;
use crate::model::{Manifest, Service, Spanned};
use crate::syntax::yaml::{Kind, Node, ScalarType};
use crate::text::TextRange;

/// Each service's port condition and replica range, by name (`objects::services_port_and_scale`).
pub(super) use crate::ide::objects::PortAndScale;

pub(super) fn services(m: &Manifest, root: &Node, port_and_scale: &PortAndScale, sink: &mut Sink) {
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
        needs_port(s, port_and_scale, sink);
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

/// Keys that configure the Service, Ingress or probes Convox creates only for a service with a port
/// (whether it has one is the object model's condition, not worked out here).
fn needs_port(s: &Service, port_and_scale: &PortAndScale, sink: &mut Sink) {
    if port_and_scale.get(&s.name.value).map(|(port, _)| *port) != Some(false) {
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
            let message = decoders::go_words(
                format!("balancer port {} must be a port number", code(&p.listen.value)),
                format!("strconv.Atoi: parsing {:?}: invalid syntax", p.listen.value),
            );
            sink.add(p.listen.range, Code::InvalidPort, message);
        }
        for w in b.whitelist.iter().filter(|w| w.value.parse::<ipnet::IpNet>().is_err()) {
            let message = format!("balancer {} whitelist {} is not a valid cidr range", b.name.value, w.value);
            sink.add(w.range, Code::InvalidCidr, message);
        }
    }
}

/// `port` and `ports` as Convox's decoders read them (`pkg/manifest/yaml.go:362-420`
/// ServicePortScheme, `:334-358` ServicePortProtocol); the types are checked in `decoders.rs`.
fn ports(b: &Node, sink: &mut Sink) {
    // `health.port`, `liveness.port`: the same decoder (yaml.go:320 remarshals into it).
    let probes = ["health", "liveness"].into_iter().filter_map(|k| b.get(k).and_then(|h| h.value.get("port")));
    for p in probes.chain(b.get("port")) {
        match &p.value.kind {
            Kind::Map(_) => port_map(&p.value, sink),
            _ => {
                if let Some(s) = p.value.as_str().filter(|s| !p.value.is_empty() && !s.contains("${")) {
                    let parts: Vec<&str> = s.split(':').collect();
                    atoi(parts.get(1).copied().unwrap_or(s), p.value.range, sink);
                }
            }
        }
    }
    for item in b.get("ports").and_then(|p| p.value.as_seq()).unwrap_or_default() {
        let Some(s) = item.as_str().filter(|s| !s.contains("${")) else { continue };
        let mut parts = s.split('/');
        atoi(parts.next().unwrap_or(s), item.range, sink);
        // `protocol: {{ upper .Protocol }}` (template/app/service.yml.tmpl:334): Kubernetes takes
        // TCP, UDP, SCTP.
        if let Some(proto) = parts.next()
            && !matches!(proto.to_ascii_uppercase().as_str(), "TCP" | "UDP" | "SCTP")
        {
            sink.add(
                item.range,
                Code::InvalidProtocol,
                format!("protocol {}: Kubernetes rejects the Service at promote (write `8125/udp`)", code(proto)),
            );
        }
    }
}

/// Go's `strconv.Atoi`, with its error.
fn atoi(num: &str, range: TextRange, sink: &mut Sink) {
    if num.parse::<i64>().is_err() {
        let human = "a port must be a whole number (`3000`, `\"https:3000\"`, `8125/udp`)";
        sink.add(
            range,
            Code::InvalidPort,
            decoders::go_words(human, format!("strconv.Atoi: parsing {num:?}: invalid syntax")),
        );
    }
}

/// `port: {port, scheme}`: a port that is missing, zero or not a number or string fails
/// (`could not parse port: map[...]`, yaml.go:388-396); a scheme that is not a string panics.
fn port_map(v: &Node, sink: &mut Sink) {
    let port = v.get("port").map(|e| &e.value).filter(|n| !n.is_null());
    let ok = match port.and_then(|n| n.as_scalar()) {
        Some(sc) => match sc.yaml11_type() {
            ScalarType::Int => sc.value.parse::<i64>().is_ok_and(|n| n != 0),
            ScalarType::String => {
                let parts: Vec<&str> = sc.value.split(':').collect();
                let num = parts.get(1).copied().unwrap_or(&sc.value);
                num.parse::<i64>().is_ok_and(|n| n != 0) || num.contains("${")
            }
            _ => false,
        },
        None => false,
    };
    if !ok {
        let message = format!("could not parse port: {}", super::decoders::go_print(v));
        sink.add(port.map_or(v.range, |n| n.range), Code::InvalidPort, message);
    }
    if let Some(s) = v.get("scheme").filter(|e| !e.value.is_empty())
        && s.value.as_scalar().is_none_or(|sc| sc.yaml11_type() != ScalarType::String)
    {
        sink.add(
            s.value.range,
            Code::WrongType,
            "`scheme` must be a string: Convox's decoder panics (interface conversion)".to_string(),
        );
    }
}

/// validate.go: `deployment.minimum` 0-100, `deployment.maximum` 100-200.
fn deployment(name: &str, b: &Node, sink: &mut Sink) {
    let Some(d) = b.get("deployment") else { return };
    // A key written without a value is 0: ApplyDefaults fills in only absent keys.
    let bound = |k: &str| {
        let e = d.value.get(k)?;
        // yaml.v2 truncates a float into the int field.
        let v =
            if e.value.is_empty() { Some(0) } else { e.value.as_str()?.parse::<f64>().ok().map(|f| f.trunc() as i64) };
        Some((v?, if e.value.is_empty() { e.key.range } else { e.value.range }))
    };
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
            } else if !(cs.starts_with(|ch: char| ch.is_ascii_uppercase())
                && cs.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_'))
            {
                // service.go:854: `^[A-Z][A-Z0-9_]*$`
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
                    if section == "services" {
                        annotation(item, sink);
                    } else {
                        plain_annotation(item, sink);
                    }
                }
            }
        }
    }
}

/// One `annotations` item (`pkg/manifest/yaml.go:163-206`): `key=value`, or a map whose values
/// are strings.
fn annotation(item: &Node, sink: &mut Sink) {
    match &item.kind {
        Kind::Map(entries) => {
            for e in entries {
                let key_string = e.key.as_scalar().is_some_and(|s| s.yaml11_type() == ScalarType::String);
                if !key_string {
                    let message =
                        format!("annotation key is not a string: {} (quote it)", e.key.as_str().unwrap_or_default());
                    sink.add(e.key.range, Code::InvalidAnnotation, message);
                    continue;
                }
                let is_string = e.value.as_scalar().is_some_and(|s| s.yaml11_type() == ScalarType::String);
                if !is_string && !sink.text[e.value.range.start..e.value.range.end].contains("${") {
                    let key = e.key.as_str().unwrap_or_default();
                    let range = if e.value.is_empty() { e.key.range } else { e.value.range };
                    sink.add(
                        range,
                        Code::InvalidAnnotation,
                        format!("annotation value is not a string: {key} (quote it)"),
                    );
                }
            }
        }
        Kind::Scalar(s)
            if s.yaml11_type() != ScalarType::String && !sink.text[item.range.start..item.range.end].contains("${") =>
        {
            let t = match s.yaml11_type() {
                ScalarType::Int => "int",
                ScalarType::Float => "float64",
                ScalarType::Bool => "bool",
                _ => "<nil>",
            };
            sink.add(
                item.range,
                Code::InvalidAnnotation,
                decoders::go_words(
                    "an annotation must be a `key=value` string",
                    format!("unsupported annotation type: {t}"),
                ),
            );
        }
        Kind::Seq(_) => {
            let message = decoders::go_words(
                "an annotation must be a `key=value` string",
                "unsupported annotation type: []interface {}",
            );
            sink.add(item.range, Code::InvalidAnnotation, message);
        }
        _ if item.is_empty() => {
            let message = "unsupported annotation type: <nil> (write `key=value`)".to_string();
            sink.add(item.range, Code::InvalidAnnotation, message);
        }
        _ => {
            if let Some(s) = item.as_str().filter(|s| !s.contains('='))
                && !item.is_null()
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

/// A timer's or balancer's annotation is a plain string, split at `=` by the promote
/// (`pkg/manifest/timer.go:22`, `balancer.go:32`: `parts[1]`): one without `=` crashes it.
fn plain_annotation(item: &Node, sink: &mut Sink) {
    if let Some(s) = item.as_str().filter(|s| !s.contains('=') && !s.contains("${"))
        && !item.is_null()
    {
        let message = format!(
            "annotation {} has no `=`: Convox's promote crashes on it (index out of range); write `key=value`",
            code(s)
        );
        sink.add(item.range, Code::AnnotationCrash, message);
    }
}

/// The top-level sections, which users indent under `services:` by mistake.
const SECTIONS: &[&str] =
    &["resources", "timers", "balancers", "environment", "configs", "labels", "budget", "appSettings", "params"];

/// A section indented under `services:` (`timers:` two spaces in) is a service of that name,
/// which deploys: said on the key. `true` when `key` under `services` is one.
pub(super) fn misplaced_section(key: &str, body: &Node) -> bool {
    let schema = crate::schema::schema();
    SECTIONS.contains(&key)
        && body.as_map().is_some_and(|entries| {
            entries.iter().any(|e| e.key.as_str().is_some_and(|k| schema.get(&format!("services.*.{k}")).is_none()))
        })
}
