//! Convox's own YAML decoders (`pkg/manifest/yaml.go`), as data. Two kinds decide differently
//! from yaml.v2's plain struct fields (which convert any scalar to a string field):
//!
//! - a **type switch** (`switch t := w.(type)`) accepts exactly its cases, with no conversion,
//!   and fails the load with its own message for anything else (`health: 5` →
//!   `unknown type for service health: int`). yaml.v2 does not call a decoder for a null value,
//!   but does for a null list item;
//! - a **type assertion** on a map entry (`t["grace"].(int)`) keeps the value when it has the
//!   type and drops it silently otherwise (`health.grace: "10"` is ignored, the default is used).

use std::collections::HashMap;

use crate::schema::{FxBuild, Shape};
use crate::syntax::yaml::Node;

/// A type switch: the shapes it has a case for, and its message for the others.
pub(super) struct Switch {
    pub accepts: &'static [Shape],
    /// `{T}` is Go's `%T` of the value, `{V}` the value as Go prints it.
    pub message: &'static str,
    /// What the key takes, as a noun phrase (the sentence in front of Convox's words).
    pub hint: &'static str,
}

use Shape::{Boolean as B, Integer as I, List as L, Map as M, String as S};

/// `(key pattern, decoder)`; the line is where the decoder's error is returned.
pub(super) const SWITCHES: &[(&str, Switch)] = &[
    // yaml.go:224 (a map: yaml.go:222, its own code)
    ("services.*.agent", Switch { accepts: &[B], message: "could not parse agent: {V}", hint: "`true` or `false`" }),
    // yaml.go:250
    (
        "services.*.build",
        Switch {
            accepts: &[M, S],
            message: "unknown type for service build: {T}",
            hint: "a path or a map with `path`",
        },
    ),
    // yaml.go:290, 280
    (
        "services.*.domain",
        Switch {
            accepts: &[L, S],
            message: "unknown type for service domain: {T}",
            hint: "a host name or a list of them",
        },
    ),
    (
        "services.*.domain[]",
        Switch { accepts: &[S], message: "unknown type for service domain: {T}", hint: "a host name" },
    ),
    // yaml.go:328
    (
        "services.*.health",
        Switch {
            accepts: &[M, S],
            message: "unknown type for service health: {T}",
            hint: "a path or a map with `path`",
        },
    ),
    // yaml.go:414, 356
    (
        "services.*.port",
        Switch {
            accepts: &[M, S, I],
            message: "invalid port: {V}",
            hint: "a port (`3000`, `\"https:3000\"`) or a map with `port`",
        },
    ),
    (
        "services.*.ports[]",
        Switch {
            accepts: &[S, I],
            message: "invalid port: {V}",
            hint: "a port (`3001`) or a port and protocol (`8125/udp`)",
        },
    ),
    // yaml.go:514, 538, 635, 603-631
    (
        "services.*.scale",
        Switch {
            accepts: &[I, S, M],
            message: "unknown type for service scale: {T}",
            hint: "a count (`2`, `1-5`) or a map",
        },
    ),
    (
        "services.*.scale.gpu",
        Switch {
            accepts: &[M, I],
            message: "unknown type for service scale gpu: {T}",
            hint: "a count or a map with `count`",
        },
    ),
    (
        "services.*.scale.count",
        Switch { accepts: &[I, S, M], message: "invalid scale: {V}", hint: "a count (`2`) or a range (`1-5`)" },
    ),
    // yaml.go:166
    (
        "services.*.annotations",
        Switch {
            accepts: &[L],
            message: "failed to unmarshal annotations: yaml: unmarshal errors: cannot unmarshal {Y} into []interface {}",
            hint: "a list of `key=value` strings",
        },
    ),
    (
        "services.*.ingressAnnotations",
        Switch {
            accepts: &[L],
            message: "failed to unmarshal annotations: yaml: unmarshal errors: cannot unmarshal {Y} into []interface {}",
            hint: "a list of `key=value` strings",
        },
    ),
    // yaml.go:131
    (
        "environment",
        Switch {
            accepts: &[L],
            message: "unknown type for service environment: {T}",
            hint: "a list of `KEY` or `KEY=default` strings",
        },
    ),
    (
        "services.*.environment",
        Switch {
            accepts: &[L],
            message: "unknown type for service environment: {T}",
            hint: "a list of `KEY` or `KEY=default` strings",
        },
    ),
    // yaml.go:97, 103
    (
        "balancers.*.whitelist",
        Switch {
            accepts: &[L, S],
            message: "unknown type for balancer whitelist: {T}",
            hint: "a CIDR range or a list of them",
        },
    ),
    (
        "balancers.*.whitelist[]",
        Switch { accepts: &[S], message: "unknown type for balancer whitelist: {T}", hint: "a CIDR range" },
    ),
];

/// Map entries read by a type assertion, or a switch without a default case: `(key pattern,
/// the shapes kept, source line)`.
pub(super) const ASSERTIONS: &[(&str, &[Shape], &str)] = &[
    ("services.*.health.grace", &[I], "yaml.go:305"),
    ("services.*.health.path", &[S], "yaml.go:308"),
    ("services.*.health.interval", &[I], "yaml.go:311"),
    ("services.*.health.timeout", &[I], "yaml.go:314"),
    ("services.*.health.disable", &[B], "yaml.go:317"),
    ("services.*.scale.cpu", &[I], "yaml.go:456"),
    ("services.*.scale.memory", &[I], "yaml.go:466"),
    ("services.*.scale.gpu.count", &[I], "yaml.go:529"),
    ("services.*.scale.gpu.vendor", &[S], "yaml.go:532"),
    // scaleBoundInt (yaml.go:788): an integer, or a float without a fraction.
    ("services.*.scale.min", &[I], "yaml.go:483"),
    ("services.*.scale.max", &[I], "yaml.go:486"),
    // BalancerPort: a map or an int; anything else leaves the target 0.
    ("balancers.*.ports.*", &[I, M], "yaml.go:65-76"),
];

/// `scale.count: {min, max}` (yaml.go:606-631): entries of a map the knowledge base describes as
/// one key.
const COUNT_BOUND: Switch = Switch { accepts: &[I, S], message: "invalid scale: {P}", hint: "a whole number" };

pub(super) fn switch(pattern: &str) -> Option<&'static Switch> {
    let bound = pattern.strip_suffix(".min").or_else(|| pattern.strip_suffix(".max"));
    if bound == Some("services.*.scale.count") {
        return Some(&COUNT_BOUND);
    }
    by_pattern().get(pattern).and_then(|&(s, _)| s)
}

type ByPattern = HashMap<&'static str, (Option<&'static Switch>, Option<(&'static [Shape], &'static str)>), FxBuild>;

/// [`SWITCHES`] and [`ASSERTIONS`] by pattern: asked for every key and item of the document.
fn by_pattern() -> &'static ByPattern {
    static BY: std::sync::OnceLock<ByPattern> = std::sync::OnceLock::new();
    BY.get_or_init(|| {
        let mut by = ByPattern::default();
        for (p, s) in SWITCHES {
            by.entry(*p).or_default().0.get_or_insert(s);
        }
        for (p, shapes, line) in ASSERTIONS {
            by.entry(*p).or_default().1.get_or_insert((*shapes, *line));
        }
        by
    })
}

pub(super) fn assertion(pattern: &str) -> Option<(&'static [Shape], &'static str)> {
    by_pattern().get(pattern).and_then(|&(_, a)| a)
}

/// Go's `%T` of a decoded YAML value (`interface{}` from yaml.v2).
pub(super) fn go_type(got: Option<Shape>) -> &'static str {
    match got {
        Some(S) => "string",
        Some(I) => "int",
        Some(Shape::Number) => "float64",
        Some(B) => "bool",
        Some(L) => "[]interface {}",
        Some(M) => "map[interface {}]interface {}",
        Some(Shape::Null) | None => "<nil>",
    }
}

/// A type switch's message for `value` at `pattern` (in `parent`, the map Convox prints for
/// `{P}`): what the key takes, then Convox's words.
pub(super) fn message(s: &Switch, pattern: &str, got: Option<Shape>, value: &Node, parent: Option<&Node>) -> String {
    let words = s
        .message
        .replace("{T}", go_type(got))
        .replace("{V}", &go_print(value))
        .replace("{P}", &go_print(parent.unwrap_or(value)))
        .replace("{Y}", &got.map(|g| yaml_tag(g, value)).unwrap_or_default());
    let last = pattern.rsplit('.').next().unwrap_or(pattern);
    let subject = match last.strip_suffix("[]") {
        Some(list) => format!("each `{list}` item"),
        None => format!("`{last}`"),
    };
    go_words(format!("{subject} must be {}", s.hint), words)
}

/// A message that passes on words Go or Convox print (`strconv.Atoi: parsing "abc": invalid
/// syntax`, `yaml: unmarshal errors: ...`): a sentence for a person first, then those words as
/// they are, so they can be searched for.
pub(super) fn go_words(human: impl std::fmt::Display, words: impl std::fmt::Display) -> String {
    format!("{human}; Convox fails with: {words}")
}

/// yaml.v2's tag and value for a value it cannot decode: ``!!str `abc` ``, `!!seq`, `!!map`.
pub(super) fn yaml_tag(got: Shape, value: &Node) -> String {
    let scalar = |tag: &str| format!("!!{tag} `{}`", value.as_str().unwrap_or_default());
    match got {
        S => scalar("str"),
        I => scalar("int"),
        Shape::Number => scalar("float"),
        B => scalar("bool"),
        L => "!!seq".to_string(),
        M => "!!map".to_string(),
        Shape::Null => "!!null".to_string(),
    }
}

/// A value as Go's `%v` prints it: `map[a:1 b:2]` (keys sorted), `[a b]`, the scalar.
pub(super) fn go_print(n: &Node) -> String {
    match &n.kind {
        crate::syntax::yaml::Kind::Map(entries) => {
            let mut kv: Vec<String> = entries
                .iter()
                .map(|e| format!("{}:{}", e.key.as_str().unwrap_or_default(), go_print(&e.value)))
                .collect();
            kv.sort();
            format!("map[{}]", kv.join(" "))
        }
        crate::syntax::yaml::Kind::Seq(items) => {
            format!("[{}]", items.iter().map(go_print).collect::<Vec<_>>().join(" "))
        }
        _ => n.as_str().unwrap_or("<nil>").to_string(),
    }
}

/// Whether `node` is a float with no fraction, which `scaleBoundInt` keeps.
pub(super) fn whole_float(node: &Node) -> bool {
    node.as_str().and_then(|s| s.parse::<f64>().ok()).is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}
