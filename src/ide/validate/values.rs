//! Values from a closed set (the knowledge base's `values`), each rule with Convox's words and the
//! stage that rejects it: Convox's validation, the promote, or Kubernetes applying the object.

use super::{Sink, code};
use crate::ide::codes::{Code, Stage};
use crate::ide::diagnostic::Fix;
use crate::model;
use crate::schema::KeyDoc;
use crate::syntax::yaml::Node;

/// The value written in the right case, as a fix.
fn case_fix(doc: &KeyDoc, v: &str, value: &Node) -> Option<Fix> {
    let f = doc.values.iter().find(|a| a.eq_ignore_ascii_case(v))?;
    Some(Fix { title: format!("Write `{f}`"), edits: vec![(value.range, super::fixes::scalar(f, true))] })
}

fn list(doc: &KeyDoc) -> String {
    doc.values.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ")
}

pub(super) fn check(key: &str, pattern: &str, value: &Node, v: &str, doc: &KeyDoc, sink: &mut Sink) {
    let allowed = doc.values.iter().any(|a| a == v);
    match pattern {
        "timers.*.concurrency" => concurrency(value, v, doc, sink),
        "services.*.scale.vpa.updateMode" => {
            // service.go:644-653: any case; `false` is read as `Off` (yaml.go:500).
            let ok = doc.values.iter().any(|a| a.eq_ignore_ascii_case(v)) || v.eq_ignore_ascii_case("false");
            if !ok {
                let message =
                    format!("vpa.updateMode must be one of these values: Off, Initial, Recreate (got {})", code(v));
                sink.add(value.range, Code::InvalidVpa, message);
            }
        }
        "services.*.scale.gpu.vendor" if !matches!(v, "nvidia" | "nvidia.com" | "amd" | "amd.com") => {
            sink.add(
                value.range,
                Code::GpuVendor,
                format!("gpu vendor {} is not nvidia or amd: Convox uses nvidia", code(v)),
            );
        }
        "services.*.scale.gpu.vendor" => {}
        "resources.*.type" if !allowed => resource_type(value, v, doc, sink),
        "services.*.volumeOptions[].emptyDir.medium" if !allowed => {
            // service.go:165
            let message = "emptyDir.medium's allowed values: Memory".to_string();
            sink.add_maybe_fix(value.range, Code::InvalidValue, message, case_fix(doc, v, value));
        }
        // Reserved values: `budget.rs` says so with Convox's words.
        "budget.shutdownOrder" | "budget.recoveryMode" if matches!(v, "priority-annotation" | "scheduled") => {}
        // Convox's own message for it comes from the securityContext rules.
        "services.*.securityContext.seccompProfile" if v == "Localhost" || v.is_empty() => {}
        // validate.go:380,446,461: an empty value is not checked.
        "budget.atCapAction" | "budget.shutdownOrder" | "budget.recoveryMode" if v.is_empty() => {}
        "budget.atCapAction" | "budget.shutdownOrder" | "budget.recoveryMode" if !allowed => {
            let quoted = doc.values.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ");
            sink.add(value.range, Code::BudgetValue, format!("{pattern} must be one of {quoted}; got \"{v}\""));
        }
        _ if !allowed => other(key, pattern, value, v, doc, sink),
        _ => {}
    }
}

/// Convox capitalises the first letter and leaves the rest (`timer.yml.tmpl`).
fn concurrency(value: &Node, v: &str, doc: &KeyDoc, sink: &mut Sink) {
    let rendered = model::concurrency_policy(v);
    if doc.values.contains(&rendered) {
        return;
    }
    let message = format!(
        "concurrency {} becomes `concurrencyPolicy: {rendered}`, which Kubernetes rejects at promote: use one of {}",
        code(v),
        list(doc)
    );
    sink.add_maybe_fix(value.range, Code::InvalidConcurrency, message, case_fix(doc, v, value));
}

fn resource_type(value: &Node, v: &str, doc: &KeyDoc, sink: &mut Sink) {
    let best = doc
        .values
        .iter()
        .map(|a| (strsim::jaro_winkler(v, a), a))
        .filter(|(s, _)| *s > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a.clone());
    let mut message = format!(
        "unknown resource type {}: the promote fails (open resource/{v}.yml.tmpl: file does not exist)",
        code(v)
    );
    let fix = match best {
        Some(b) => {
            message.push_str(&format!("; did you mean {}?", code(&b)));
            Some(Fix { title: format!("Write `{b}`"), edits: vec![(value.range, super::fixes::scalar(&b, true))] })
        }
        None => {
            message.push_str(&format!("; one of {}", list(doc)));
            None
        }
    };
    sink.add_maybe_fix(value.range, Code::UnknownResourceType, message, fix);
}

/// Any other closed set; who rejects it decides the code.
fn other(key: &str, pattern: &str, value: &Node, v: &str, doc: &KeyDoc, sink: &mut Sink) {
    let mut message = format!("{} must be one of {}, not {}", code(key), list(doc), code(v));
    let code = match pattern {
        // Kubernetes' Service validation takes SCTP (and Convox writes the value verbatim:
        // template/app/balancer.yml.tmpl:35), but the template asks AWS for a network load balancer
        // (balancer.yml.tmpl:8), and the AWS cloud provider's `checkProtocol` takes only TCP and
        // UDP for one: the Service is created, its load balancer never is.
        "balancers.*.ports.*.protocol" if v == "SCTP" => {
            message = "protocol `SCTP`: Kubernetes accepts the Service, but the AWS network load balancer Convox \
                       requests (`aws-load-balancer-type: nlb`) carries only TCP and UDP; the Service gets no external \
                       address (event `Protocol SCTP not supported by LoadBalancer`)"
                .to_string();
            Code::LoadBalancerProtocol
        }
        "balancers.*.ports.*.protocol" => Code::InvalidProtocol,
        p if p.ends_with("].metricType") => Code::InvalidMetricType,
        "services.*.securityContext.seccompProfile" => {
            // service.go:867
            message = format!(
                "securityContext.seccompProfile: {v:?} is not a supported value; allowed: RuntimeDefault, Unconfined"
            );
            Code::SecurityContext
        }
        _ => Code::InvalidValue,
    };
    if code.stage() > Stage::Validate && code.stage() < Stage::Never {
        message.push_str(": Kubernetes rejects it at promote");
    }
    sink.add_maybe_fix(value.range, code, message, case_fix(doc, v, value));
}
