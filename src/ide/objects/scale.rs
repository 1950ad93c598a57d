//! A service's replica range, as Convox holds it after loading: the one place it is decided.
//! Hover (headline and `scale` values), inlay hints, validation and the HPA the model renders read
//! it from here.

use super::read::Key;
use crate::model::Count;

/// The replica range of a service (`key`): a `scale:` written with no value or `null` is 0-0 (it
/// is an attribute, so the 1-1 default is not applied, `manifest.go:298-300`, and yaml.v2 leaves
/// the count at zero); otherwise [`count`] of its `scale`.
pub fn count_of(service: &Key) -> Count {
    let scale = service.get("scale");
    if service.has("scale") && scale.node.is_none_or(crate::syntax::yaml::Node::is_empty) {
        return Count { min: 0, max: 0 };
    }
    count(&scale)
}

/// `scale.count` after `ApplyDefaults` (`pkg/manifest/manifest.go:272-307`): `min` and `max`
/// override `count` (`manifest.go:275-290`), an autoscaled service without a max gets 10
/// (`manifest.go:293`), and a service that sets neither `count` nor `min`/`max` nor autoscale runs
/// one replica (`manifest.go:299-307`).
pub fn count(scale: &Key) -> Count {
    // `count:` with no value: the attribute is written, yaml.v2 decodes null to a zero count.
    if scale.has("count") && scale.get("count").node.is_none_or(crate::syntax::yaml::Node::is_empty) {
        return Count { min: 0, max: 0 };
    }
    let auto = autoscale_enabled(&scale.get("autoscale"));
    let written = match scale.node.and_then(|n| n.as_scalar()) {
        Some(_) => Some(scale.clone()),
        None => Some(scale.get("count")).filter(Key::exists),
    };
    let written = written.and_then(|k| crate::model::count(k.node?));
    let (mut min, mut max) = written.map_or((0, 0), |c| (c.min, c.max));
    let (smin, smax) = (scale.get("min").int_or_zero(), scale.get("max").int_or_zero());
    match (smin, smax) {
        (Some(a), Some(b)) => (min, max) = (a, b),
        (Some(a), None) => {
            min = a;
            if !auto {
                max = a;
            } else if max == 0 {
                max = 10;
            }
        }
        (None, Some(b)) => {
            max = b;
            if min == 0 && !auto {
                min = b;
            }
        }
        (None, None) if written.is_none() && !auto => (min, max) = (1, 1),
        (None, None) => {}
    }
    if auto && max == 0 {
        max = 10;
    }
    Count { min, max }
}

/// `ServiceAutoscale.IsEnabled` (`pkg/manifest/service.go:407`): a trigger slot or a custom
/// trigger is written.
pub fn autoscale_enabled(a: &Key) -> bool {
    ["cpu", "memory", "gpuUtilization", "queueDepth"].iter().any(|k| a.get(k).node.is_some_and(|n| !n.is_empty()))
        || !a.get("custom").items().is_empty()
}
