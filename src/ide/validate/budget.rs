//! Convox's budget validation (`pkg/manifest/validate.go` `validateBudget`), with its messages.

use super::Sink;
use crate::ide::codes::Code;
use crate::model::Manifest;
use crate::syntax::yaml::Node;

/// Convox's budget validation (`pkg/manifest/validate.go`), with its messages.
fn budget_rules(m: &Manifest, budget: &crate::syntax::yaml::Entry, sink: &mut Sink) {
    let b = &budget.value;
    let get = |k: &str| b.get(k);
    if let Some(e) = get("shutdownOrder")
        && e.value.as_str() == Some("priority-annotation")
    {
        sink.add(e.value.range, Code::BudgetValue, "budget.shutdownOrder \"priority-annotation\" reserved for a future release; use \"largest-cost\" or \"newest\"".to_string());
    }
    if let Some(e) = get("recoveryMode")
        && e.value.as_str() == Some("scheduled")
    {
        sink.add(
            e.value.range,
            Code::BudgetValue,
            "budget.recoveryMode \"scheduled\" reserved for 3.25.0; use \"auto-on-reset\" or \"manual\"".to_string(),
        );
    }
    if let Some(e) = get("notifyBeforeMinutes")
        && let Some(n) = e.value.as_str().and_then(|v| v.parse::<i64>().ok())
        && n != 0
        && !(5..=1440).contains(&n)
    {
        sink.add(
            e.value.range,
            Code::BudgetValue,
            format!("budget.notifyBeforeMinutes must be between 5 and 1440; got {n}"),
        );
    }
    if let Some(e) = get("shutdownGracePeriod")
        && let Some(v) = e.value.as_str()
    {
        match go_duration_secs(v) {
            None => sink.add(
                e.value.range,
                Code::BudgetValue,
                format!("budget.shutdownGracePeriod must be a Go duration string (e.g. \"5m\", \"30s\"); got \"{v}\""),
            ),
            Some(secs) if !(0.0..=3600.0).contains(&secs) => {
                sink.add(
                    e.value.range,
                    Code::BudgetValue,
                    format!("budget.shutdownGracePeriod must be between 0s and 1h; got {v}"),
                );
            }
            _ => {}
        }
    }
    auto_shutdown(m, budget, sink);
}

/// `auto-shutdown` needs a webhook, a cap and an eligible service (validate.go:390-505).
fn auto_shutdown(m: &Manifest, budget: &crate::syntax::yaml::Entry, sink: &mut Sink) {
    let b = &budget.value;
    let get = |k: &str| b.get(k);
    let text = |k: &str| get(k).and_then(|e| e.value.as_str()).map(str::to_string);
    if text("atCapAction").as_deref() == Some("auto-shutdown") {
        let range = get("atCapAction").map_or(budget.key.range, |e| e.value.range);
        if text("atCapWebhookUrl").is_none_or(|u| u.is_empty()) {
            sink.add(
                range,
                Code::Budget,
                "budget.atCapAction \"auto-shutdown\" requires budget.atCapWebhookUrl to be set; auto-shutdown silently killing services without notification is rejected by design".to_string(),
            );
        }
        let cap = text("monthlyCapUsd").and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        if cap <= 0.0 {
            sink.add(
                range,
                Code::Budget,
                "budget.atCapAction \"auto-shutdown\" requires budget.monthlyCapUsd > 0; cannot shut down on cap breach without a cap".to_string(),
            );
        }
        if m.services.is_empty() {
            sink.add(
                range,
                Code::Budget,
                "budget.atCapAction \"auto-shutdown\" requires at least one service in the services block; timer-only apps cannot be auto-shut. Use \"block-new-deploys\" or remove auto-shutdown.".to_string(),
            );
        } else if m
            .services
            .iter()
            .all(|s| m.budget.as_ref().is_some_and(|b| b.never_auto_shutdown.iter().any(|n| n.value == s.name.value)))
        {
            sink.add(range, Code::Budget, "budget.atCapAction \"auto-shutdown\" with all services listed in neverAutoShutdown leaves no services eligible; either remove a service from neverAutoShutdown or use atCapAction \"block-new-deploys\"".to_string());
        }
    }
}

/// Seconds in a Go duration string (`1h30m`, `90s`, `500ms`); `None` when it is not one.
fn go_duration_secs(s: &str) -> Option<f64> {
    if s == "0" {
        return Some(0.0);
    }
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[unit_len..];
    }
    Some(if neg { -total } else { total })
}

pub(super) fn budget(m: &Manifest, root: &Node, sink: &mut Sink) {
    if let (Some(_), Some(b)) = (&m.budget, root.get("budget")) {
        budget_rules(m, b, sink);
    }
}
