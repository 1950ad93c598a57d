//! `scale.min`/`scale.max`/`scale.count` as `ApplyDefaults` settles them
//! (`pkg/manifest/manifest.go:270-296`), and `validateServiceScale`
//! (`pkg/manifest/validate.go:201-300`): bounds, autoscale thresholds, trigger names, scale to zero.

use super::{Sink, decoders};
use crate::ide::codes::Code;
use crate::model;
use crate::syntax::yaml::{Kind, Node, ScalarType};
use crate::text::TextRange;

pub(super) fn autoscale(root: &Node, port_and_scale: &super::services::PortAndScale, sink: &mut Sink) {
    let Some(services) = root.get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        // `scale: 2-1` (the count's scalar form) or a map.
        let Some(scale) =
            svc.value.get("scale").filter(|s| matches!(s.value.kind, Kind::Map(_)) || s.value.as_scalar().is_some())
        else {
            continue;
        };
        let map = matches!(scale.value.kind, Kind::Map(_));
        if map {
            metadata(&scale.value, sink);
        }
        let agent = svc.value.get("agent").and_then(|a| a.value.as_str()) == Some("true");
        let auto = scale.value.get("autoscale").filter(|a| enabled(&a.value));
        // validate.go:212: an agent's autoscale is ignored (a warning on stderr), nothing checked.
        if agent && (auto.is_some() || scale.value.get("keda").is_some()) {
            continue;
        }
        let name = svc.key.as_str().unwrap_or_default();
        let Some(&(_, model::Count { min, max })) = port_and_scale.get(name) else { continue };
        // Each error on the value that is wrong: `min`/`max` where written, else the count.
        let value_at = |k: &str| scale.value.get(k).map(|e| e.value.range);
        let count_at = if map { value_at("count") } else { Some(scale.value.range) };
        let min_at = value_at("min").or(count_at).unwrap_or(scale.key.range);
        let max_at = value_at("max").or(count_at).unwrap_or(scale.key.range);
        let mut err = |at: TextRange, m: String| sink.add(at, Code::InvalidAutoscale, format!("service {name}: {m}"));
        if min < 0 {
            err(min_at, "scale.min must be >= 0".into());
        }
        if max < 0 {
            err(max_at, "scale.max must be >= 0".into());
        }
        if max < min {
            err(max_at, "scale.max must be >= scale.min".into());
        }
        let Some(a) = auto else { continue };
        if max < 1 {
            err(max_at, "scale.max must be >= 1 when autoscale is enabled".into());
        }
        if max == min && max >= 1 {
            err(
                max_at,
                "scale.max must be > scale.min when autoscale is enabled (ScaledObject would be a no-op)".into(),
            );
        }
        triggers(name, &a.value, &scale.value, min, sink);
    }
}

/// `ServiceAutoscale.IsEnabled` (service.go:407): any trigger slot, or a custom trigger.
fn enabled(a: &Node) -> bool {
    ["cpu", "memory", "gpuUtilization", "queueDepth"].iter().any(|k| a.get(k).is_some_and(|e| !e.value.is_empty()))
        || a.get("custom").and_then(|c| c.value.as_seq()).is_some_and(|c| !c.is_empty())
}

fn int(n: Option<&Node>) -> Option<i64> {
    let n = n?;
    let s = n.as_scalar()?;
    match s.yaml11_type() {
        ScalarType::Int => s.value.parse().ok(),
        ScalarType::Float => s.value.parse::<f64>().ok().filter(|f| f.fract() == 0.0).map(|f| f as i64),
        _ => None,
    }
}

fn number(n: Option<&Node>) -> f64 {
    n.and_then(|n| n.as_scalar())
        .filter(|s| matches!(s.yaml11_type(), ScalarType::Int | ScalarType::Float))
        .and_then(|s| s.value.parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn triggers(name: &str, a: &Node, scale: &Node, min: i64, sink: &mut Sink) {
    let slot = |k: &str| a.get(k).filter(|e| !e.value.is_empty());
    let mut err = |range: TextRange, m: String| sink.add(range, Code::InvalidAutoscale, format!("service {name}: {m}"));
    let invalid_percent = |v: f64| v.is_nan() || v <= 0.0 || v > 100.0;
    let threshold = |e: &crate::syntax::yaml::Entry| {
        let t = e.value.get("threshold");
        (number(t.map(|t| &t.value)), t.map_or(e.key.range, |t| t.value.range))
    };
    for (k, words) in
        [("cpu", "between 1 and 100"), ("memory", "between 1 and 100"), ("gpuUtilization", "> 0 and <= 100")]
    {
        if let Some(e) = slot(k) {
            let (v, r) = threshold(e);
            if invalid_percent(v) {
                err(r, format!("scale.autoscale.{k}.threshold must be {words}"));
            }
        }
    }
    if let Some(e) = slot("gpuUtilization") {
        let gpu = scale.get("gpu").map(|g| &g.value);
        let count = gpu
            .and_then(|g| if g.as_scalar().is_some() { int(Some(g)) } else { int(g.get("count").map(|c| &c.value)) });
        if count.unwrap_or(0) == 0 {
            err(e.key.range, "scale.autoscale.gpuUtilization requires scale.gpu.count >= 1".into());
        }
    }
    if let Some(e) = slot("queueDepth") {
        let (v, r) = threshold(e);
        if v <= 0.0 {
            err(r, "scale.autoscale.queueDepth.threshold must be > 0".into());
        }
    }
    for k in ["cpu", "memory", "gpuUtilization", "queueDepth"] {
        if let Some(e) = slot(k) {
            mode(k, &e.value, &mut err);
        }
    }
    let custom = a.get("custom").and_then(|c| c.value.as_seq()).unwrap_or_default();
    for (i, t) in custom.iter().enumerate() {
        custom_trigger(i, t, &mut err);
    }
    let to_zero = slot("gpuUtilization").is_some()
        || slot("queueDepth").is_some()
        || custom.iter().any(|t| {
            let ty = t.get("type").and_then(|x| x.value.as_str()).unwrap_or_default().to_ascii_lowercase();
            !matches!(ty.as_str(), "cpu" | "memory" | "cron")
        });
    if min == 0 && !to_zero {
        let range = scale.get("min").or(scale.get("count")).map_or(a.range, |e| e.value.range);
        err(range, "scale.min: 0 combined with only always-active autoscale triggers (cpu/memory/cron) will never scale to zero; KEDA's cpu/memory/cron scalers are always active. Add scale.autoscale.queueDepth, scale.autoscale.gpuUtilization, or a scale.autoscale.custom[] prometheus/external trigger, or raise scale.min to 1.".into());
    }
}

/// `validateAutoscaleMode` (validate.go:309): the metric name and the Prometheus URL.
fn mode(field: &str, m: &Node, err: &mut impl FnMut(TextRange, String)) {
    if let Some(e) = m.get("metricName")
        && let Some(v) = e.value.as_str().filter(|v| !v.is_empty() && !valid_metric(v))
    {
        err(e.value.range, format!("scale.autoscale.{field}.metricName {v:?} must match ^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    }
    if let Some(e) = m.get("prometheusUrl")
        && let Some(v) = e.value.as_str().filter(|v| !v.is_empty() && !v.contains("${"))
    {
        let (scheme, rest) = v.split_once("://").unwrap_or(("", v));
        let problem = if scheme != "http" && scheme != "https" {
            format!("must use http or https scheme, got {scheme:?}")
        } else if rest.split(['/', '?', '#']).next().unwrap_or("").is_empty() {
            "must include a host".to_string()
        } else {
            return;
        };
        err(e.value.range, format!("scale.autoscale.{field}.prometheusUrl {problem}"));
    }
}

fn valid_metric(v: &str) -> bool {
    let mut chars = v.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// validate.go:265-275: a custom trigger's name and authentication.
fn custom_trigger(i: usize, t: &Node, err: &mut impl FnMut(TextRange, String)) {
    if let Some(e) = t.get("name")
        && let Some(n) = e.value.as_str().filter(|n| !n.is_empty())
    {
        if !super::names::valid_name(n) {
            err(
                e.value.range,
                format!(
                    "scale.autoscale.custom[{i}].name {n:?} invalid, must contain only lowercase alphanumeric and dashes"
                ),
            );
        }
        if n.to_ascii_lowercase().starts_with("convox-") {
            err(e.value.range, format!("scale.autoscale.custom[{i}].name: {n:?} uses reserved prefix 'convox-'"));
        }
    }
    if let Some(k) = t.get("authenticationRef").and_then(|r| r.value.get("kind"))
        && k.value.as_str() == Some("ClusterTriggerAuthentication")
    {
        err(
            k.value.range,
            format!(
                "scale.autoscale.custom[{i}].authenticationRef.kind: ClusterTriggerAuthentication is not permitted"
            ),
        );
    }
}

/// KEDA trigger `metadata` is `map[string]string`, decoded through JSON (`remarshalUsingKyaml`,
/// yaml.go:476,489); sigs.k8s.io/yaml turns a number or boolean into the target's string, but a
/// list or a map fails the load.
fn metadata(scale: &Node, sink: &mut Sink) {
    let lists = [("autoscale", "custom"), ("keda", "triggers")];
    let triggers = lists.iter().filter_map(|(a, b)| Some((*b, scale.get(a)?.value.get(b)?.value.as_seq()?)));
    for (list, t) in triggers.flat_map(|(l, items)| items.iter().map(move |t| (l, t))) {
        let Some(entries) = t.get("metadata").and_then(|m| m.value.as_map()) else { continue };
        for e in entries {
            let json = match e.value.as_scalar().map(|s| s.yaml11_type()) {
                Some(_) => continue,
                None if e.value.is_empty() => continue,
                _ if e.value.as_seq().is_some() => "array",
                _ => "object",
            };
            if sink.text[e.value.range.start..e.value.range.end].contains("${") {
                continue;
            }
            sink.add(
                e.value.range,
                Code::WrongType,
                decoders::go_words(
                    format!("a `{list}` metadata value must be a string"),
                    format!("json: cannot unmarshal {json} into Go struct field ScaleTriggers.{list}.metadata of type string"),
                ),
            );
        }
    }
}
