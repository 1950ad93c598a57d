//! `scale`: the count as Convox's decoder reads it (`pkg/manifest/yaml.go` ServiceScaleCount),
//! limits against requests (`pkg/manifest/manifest.go:337-342`, in `ApplyDefaults`).

use super::{Sink, decoders};
use crate::ide::codes::Code;
use crate::syntax::yaml::{Kind, Node, ScalarType};

pub(super) fn scale(root: &Node, sink: &mut Sink) {
    let Some(services) = root.get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        let Some(scale) = svc.value.get("scale") else { continue };
        let count = match &scale.value.kind {
            Kind::Map(_) => scale.value.get("count").map(|c| &c.value),
            Kind::Scalar(_) => Some(&scale.value),
            _ => None,
        };
        if let Some(c) = count.filter(|c| c.as_scalar().is_some() && !c.is_null()) {
            count_rule(c, sink);
        }
        // `count: {min, max}`: a string bound is read by `strconv.Atoi` (yaml.go:611, 625).
        for e in count.and_then(|c| c.as_map()).unwrap_or_default() {
            let quoted = e.value.as_scalar().is_some_and(|s| s.yaml11_type() == ScalarType::String);
            if let Some(v) = e.value.as_str().filter(|v| quoted && !v.contains("${") && v.parse::<i64>().is_err()) {
                sink.add(
                    e.value.range,
                    Code::InvalidScale,
                    decoders::go_words(
                        format!("`{}` must be a whole number", e.key.as_str().unwrap_or("count")),
                        format!("strconv.Atoi: parsing {v:?}: invalid syntax"),
                    ),
                );
            }
        }
        limits(&scale.value, scale.key.range, sink);
        if let Some(v) = scale.value.get("vpa").filter(|v| v.value.as_map().is_some()) {
            vpa(v, sink);
        }
    }
}

/// ServiceScaleCount's string case (`pkg/manifest/yaml.go:584-605`): `N` or `N-M`, each read by
/// `strconv.Atoi`; more dashes are `invalid scale`.
fn count_rule(c: &Node, sink: &mut Sink) {
    let Some(v) = c.as_str().filter(|v| !v.contains("${")) else { return };
    let parts: Vec<&str> = v.split('-').collect();
    if parts.len() > 2 {
        let human = "`scale` must be a count (`2`) or a range (`1-5`)";
        sink.add(c.range, Code::InvalidScale, decoders::go_words(human, format!("invalid scale: {v}")));
        return;
    }
    if let Some(bad) = parts.iter().find(|p| p.parse::<i64>().is_err()) {
        let human = if v.ends_with('+') {
            "`scale` takes no \"N+\": write a range like `2-10`"
        } else {
            "`scale` must be a count (`2`) or a range (`1-5`) of whole numbers"
        };
        sink.add(
            c.range,
            Code::InvalidScale,
            decoders::go_words(human, format!("strconv.Atoi: parsing {bad:?}: invalid syntax")),
        );
    }
}

fn limits(scale: &Node, key_range: crate::text::TextRange, sink: &mut Sink) {
    let int = |n: Option<&Node>| n.and_then(|n| n.as_str()).and_then(|s| s.parse::<i64>().ok());
    let get = |path: &[&str]| -> Option<&Node> {
        let mut n = scale;
        for k in path {
            n = &n.get(k)?.value;
        }
        Some(n)
    };
    for (req, lim, what) in [(["cpu"], ["limit", "cpu"], "cpu"), (["memory"], ["limit", "memory"], "memory")] {
        if let (Some(r), Some(l)) = (int(get(&req)), int(get(&lim)))
            && l > 0
            && l < r
        {
            let range = get(&lim).map_or(key_range, |n| n.range);
            sink.add(range, Code::LimitBelowRequest, format!("{what} limit can not be less {what} request"));
        }
    }
}

/// `VPA.Validate` (`pkg/manifest/service.go:638-660`), run when the promote builds the VPA.
fn vpa(v: &crate::syntax::yaml::Entry, sink: &mut Sink) {
    let get = |k: &str| v.value.get(k).and_then(|e| e.value.as_str());
    if get("updateMode").is_none_or(str::is_empty) {
        sink.add(
            v.key.range,
            Code::InvalidVpa,
            "vpa.updateMode is required. Allowed values: Off, Initial, Recreate".into(),
        );
    }
    if get("cpuOnly") == Some("true") && get("memOnly") == Some("true") {
        sink.add(v.key.range, Code::InvalidVpa, "vpa.cpuOnly and vpa.memOnly cannot both be true".into());
    }
}
