//! `scale`: the count as Convox's decoder reads it (`pkg/manifest/yaml.go` ServiceScaleCount),
//! limits against requests (`pkg/manifest/validate.go`).

use super::Sink;
use crate::ide::codes::Code;
use crate::model;
use crate::syntax::yaml::{Kind, Node};

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
        limits(&scale.value, scale.key.range, sink);
    }
}

fn count_rule(c: &Node, sink: &mut Sink) {
    let v = c.as_str().unwrap_or_default();
    match model::count(c) {
        None => {
            let hint = if v.ends_with('+') { "; \"N+\" is not supported, write a range like \"2-10\"" } else { "" };
            sink.add(c.range, Code::InvalidScale, format!("invalid scale: {v}{hint}"));
        }
        // A minimum above the maximum: `autoscale.rs` (validate.go `scale.max must be >= scale.min`).
        _ => {}
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
            && l < r
        {
            let range = get(&lim).map_or(key_range, |n| n.range);
            sink.add(range, Code::LimitBelowRequest, format!("{what} limit can not be less {what} request"));
        }
    }
}
