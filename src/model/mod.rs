//! The manifest as typed values, each with the range it was read from. Built from the lowered
//! YAML tree; a part that does not have the expected shape is left out (validation reports it),
//! and everything else is still there.

pub mod decode;
pub(crate) mod merge;
mod names;
mod read;

use crate::syntax::yaml::{Entry, Kind, Node, ScalarType, Style};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

/// A name as written (a key, or a string in a list), with its range.
pub type Name = Spanned<String>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every top-level key, known or not, with the range of its whole entry.
    pub sections: Vec<Section>,
    pub environment: Vec<EnvVar>,
    pub services: Vec<Service>,
    pub resources: Vec<Resource>,
    pub timers: Vec<Timer>,
    pub balancers: Vec<Balancer>,
    pub labels: Vec<KeyValue>,
    pub configs: Vec<Config>,
    pub params: Vec<KeyValue>,
    pub app_settings: Option<TextRange>,
    pub budget: Option<Budget>,
    /// `service(name)` and the like, indexed on the first lookup.
    names: names::NameIndex,
    /// The document as Convox reads it when a key is written twice ([`decode::document`]).
    convox: Option<std::sync::Arc<Node>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub key: Name,
    pub range: TextRange,
}

/// `KEY` or `KEY=default` in an `environment` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: Name,
    pub default: Option<Spanned<String>>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Name,
    pub value: Option<Spanned<String>>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: Name,
    /// The whole `name: {...}` entry.
    pub range: TextRange,
    /// Every key of the service's body.
    pub keys: Vec<Name>,
    pub agent: Option<Spanned<bool>>,
    pub build: Option<Spanned<String>>,
    /// The `build` key as written: path, Dockerfile and args with their ranges.
    pub build_spec: Option<BuildSpec>,
    pub image: Option<Spanned<String>>,
    pub command: Option<Spanned<String>>,
    pub port: Option<Spanned<Port>>,
    pub ports: Vec<Spanned<String>>,
    pub internal: Option<Spanned<bool>>,
    pub internal_router: Option<Spanned<bool>>,
    pub domains: Vec<Spanned<String>>,
    pub resources: Vec<ResourceRef>,
    pub environment: Vec<EnvVar>,
    pub labels: Vec<KeyValue>,
    pub config_mounts: Vec<Name>,
    pub volumes: Vec<Spanned<String>>,
    /// `accessControl.awsPodIdentity.policyArns` has entries.
    pub access_control: bool,
    /// `scale.limit.memory` is set.
    pub limit_memory: bool,
    /// `volumeOptions` has an `awsEfs` volume.
    pub efs: bool,
}

/// A service's `build`: a path (`build: ./api`) or `{path, manifest, args}`
/// (Convox: pkg/manifest/yaml.go:230-254).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSpec {
    /// The `build` key.
    pub key: TextRange,
    /// The string form's value, or `build.path`.
    pub path: Option<Spanned<String>>,
    /// `build.manifest`: the Dockerfile, relative to the path.
    pub manifest: Option<Spanned<String>>,
    /// `build.args` items.
    pub args: Vec<Spanned<String>>,
}

/// A service's `port`: `3000`, `"https:3000"` or `{port, scheme}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub scheme: String,
    pub port: u32,
}

/// `scale.count`: one number, or a `min-max` range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub min: i64,
    pub max: i64,
}

/// An entry of a service's `resources` list: `database` or `database:MY_DB_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRef {
    pub name: Name,
    pub alias: Option<Name>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub name: Name,
    pub range: TextRange,
    pub kind: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub options: Vec<KeyValue>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timer {
    pub name: Name,
    pub range: TextRange,
    pub schedule: Option<Spanned<String>>,
    pub command: Option<Spanned<String>>,
    pub service: Option<Name>,
    pub concurrency: Option<Spanned<String>>,
    pub parallel_count: Option<Spanned<i64>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Balancer {
    pub name: Name,
    pub range: TextRange,
    pub service: Option<Name>,
    pub ports: Vec<BalancerPort>,
    pub whitelist: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalancerPort {
    pub listen: Name,
    pub target: Option<Spanned<String>>,
    pub protocol: Option<Spanned<String>>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub id: Option<Name>,
    pub name: Option<Name>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    pub range: TextRange,
    pub never_auto_shutdown: Vec<Name>,
}

fn spanned<T>(value: T, range: TextRange) -> Spanned<T> {
    Spanned { value, range }
}

/// A scalar's string value (any style), with its range.
fn string(node: &Node) -> Option<Spanned<String>> {
    node.as_str().map(|s| spanned(s.to_string(), node.range))
}

fn key_name(e: &Entry) -> Option<Name> {
    string(&e.key)
}

fn boolean(node: &Node) -> Option<Spanned<bool>> {
    let s = node.as_scalar()?;
    if s.yaml11_type() != ScalarType::Bool {
        return None;
    }
    let v = matches!(s.value.to_ascii_lowercase().as_str(), "y" | "yes" | "true" | "on");
    Some(spanned(v, node.range))
}

fn integer(node: &Node) -> Option<Spanned<i64>> {
    let s = node.as_scalar()?;
    if s.yaml11_type() != ScalarType::Int {
        return None;
    }
    s.value.replace('_', "").parse().ok().map(|v| spanned(v, node.range))
}

/// The string items of a list (a scalar alone counts as a one-item list where Convox allows it).
fn strings(node: &Node) -> Vec<Spanned<String>> {
    match &node.kind {
        Kind::Seq(items) => items.iter().filter_map(string).collect(),
        _ => Vec::new(),
    }
}

fn key_values(node: &Node) -> Vec<KeyValue> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some(KeyValue { key: key_name(e)?, value: string(&e.value), range: e.range }))
        .collect()
}

/// `environment` items: `KEY` or `KEY=default`; nested lists are flattened as Convox does.
pub fn environment(node: &Node, text: &str) -> Vec<EnvVar> {
    let mut out = Vec::new();
    let Some(items) = node.as_seq() else { return out };
    for item in items {
        match &item.kind {
            Kind::Seq(_) => out.extend(environment(item, text)),
            Kind::Scalar(s) => {
                let (name, default) = match s.value.split_once('=') {
                    Some((k, v)) => (k, Some(v)),
                    None => (s.value.as_str(), None),
                };
                let name_range = value_range(text, item, 0, name.len());
                let default = default.map(|v| {
                    let start = name.len() + 1;
                    spanned(v.to_string(), value_range(text, item, start, start + v.len()))
                });
                out.push(EnvVar { name: spanned(name.to_string(), name_range), default, range: item.range });
            }
            _ => {}
        }
    }
    out
}

/// The source range of bytes `from..to` of a scalar's decoded value. Exact only where the source
/// spells the value byte for byte: a plain scalar, or a quoted one without escapes, doubled quotes
/// or line breaks (offset by the quote); anywhere else the whole scalar. So a range never starts
/// or ends inside a character, and an edit of a sub-range keeps the quoting.
pub fn value_range(text: &str, node: &Node, from: usize, to: usize) -> TextRange {
    let whole = node.range;
    let (Some(s), Some(raw)) = (node.as_scalar(), text.get(whole.start..whole.end)) else { return whole };
    let quote = match s.style {
        Style::Plain => 0,
        Style::SingleQuoted | Style::DoubleQuoted => 1,
        Style::Literal | Style::Folded => return whole,
    };
    let inner = raw.get(quote..raw.len().saturating_sub(quote));
    let verbatim = raw.len() >= 2 * quote && inner == Some(s.value.as_str()) && !raw.contains('\n');
    if !verbatim || from > to || !s.value.is_char_boundary(from) || !s.value.is_char_boundary(to) {
        return whole;
    }
    TextRange::new(whole.start + quote + from, whole.start + quote + to)
}

/// Whether `range` is exactly the source of the decoded value (an edit there can write a plain
/// name); `false` for the whole-scalar fallback of `value_range`.
pub fn is_verbatim(text: &str, range: TextRange, value: &str) -> bool {
    text.get(range.start..range.end) == Some(value)
}

/// Parses a port as Convox does: an integer, `"3000"`, `"https:3000"`, or `{port, scheme}`.
pub fn port(node: &Node) -> Option<Port> {
    match &node.kind {
        Kind::Scalar(s) => {
            let (scheme, num) = match s.value.split_once(':') {
                Some((scheme, num)) => (scheme.to_string(), num),
                None => ("http".to_string(), s.value.as_str()),
            };
            Some(Port { scheme, port: num.trim().parse().ok()? })
        }
        Kind::Map(_) => {
            let port = integer(&node.get("port")?.value)?.value;
            let scheme = node.get("scheme").and_then(|e| e.value.as_str()).unwrap_or("http");
            Some(Port { scheme: scheme.to_string(), port: u32::try_from(port).ok()? })
        }
        _ => None,
    }
}

/// Parses `scale.count` (or a scalar `scale`): `2`, `"2-10"`, or `{min, max}`.
pub fn count(node: &Node) -> Option<Count> {
    match &node.kind {
        Kind::Scalar(s) => {
            let v = s.value.trim();
            match v.split_once('-') {
                Some((a, b)) => Some(Count { min: a.trim().parse().ok()?, max: b.trim().parse().ok()? }),
                None => {
                    let n = v.parse().ok()?;
                    Some(Count { min: n, max: n })
                }
            }
        }
        // Each bound only where written, else Go's zero (`pkg/manifest/yaml.go:605-633`):
        // `count: {min: 1}` is 1-0, which Validate rejects.
        Kind::Map(_) => {
            let bound = |k: &str| -> Option<i64> {
                match node.get(k).map(|e| &e.value).filter(|v| !v.is_empty()) {
                    None => Some(0),
                    Some(v) => integer(v).map(|i| i.value).or_else(|| v.as_str()?.parse().ok()),
                }
            };
            Some(Count { min: bound("min")?, max: bound("max")? })
        }
        _ => None,
    }
}

impl Service {
    pub fn is_agent(&self) -> bool {
        self.agent.as_ref().is_some_and(|a| a.value)
    }

    pub fn is_internal(&self) -> bool {
        self.internal.as_ref().is_some_and(|a| a.value)
    }
}

impl Resource {
    pub fn type_name(&self) -> Option<&str> {
        self.kind.as_ref().map(|k| k.value.as_str())
    }

    /// The name Kubernetes objects use: Convox keeps only a-z, `-` and `.` (`cache1` -> `cache`).
    pub fn k8s_name(&self) -> String {
        k8s_name(&self.name.value)
    }
}

/// How Convox renders a timer's `concurrency`: the first letter upper-cased, the rest kept
/// (`forbid` → `Forbid`, `FORBID` stays `FORBID`, which Kubernetes rejects).
pub fn concurrency_policy(v: &str) -> String {
    let mut cs = v.chars();
    cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default()
}

/// Convox's compatibility rewrite of a timer schedule: the first five fields, a bare `?` as `*`.
pub fn convox_schedule(raw: &str) -> String {
    raw.split_whitespace().take(5).map(|f| if f == "?" { "*" } else { f }).collect::<Vec<_>>().join(" ")
}

/// Convox's `k8sname`: every character but a-z, `-` and `.` is dropped.
pub fn k8s_name(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_lowercase() || *c == '-' || *c == '.').collect()
}

/// A service's `resources:` item as Convox splits it (`strings.SplitN(r, ":", 2)`,
/// `pkg/manifest/service.go:1018`): the resource's name and, for `name:ENV_VAR`, the variable as
/// written (Convox trims it where it reads it). The one reader of this form.
pub fn resource_ref_parts(item: &str) -> (&str, Option<&str>) {
    match item.split_once(':') {
        Some((name, var)) => (name, Some(var)),
        None => (item, None),
    }
}

/// The environment variable prefix of a resource: upper case, `-` as `_`.
pub fn env_prefix(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// A `${NAME}` as Convox finds it in the raw text before the YAML is read: `range` is the whole
/// match, `name` what is between the braces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interpolation {
    pub range: TextRange,
    pub name: TextRange,
}

/// Every `${...}` of `text`, matched as Convox matches it (`pkg/manifest/helpers.go:7`,
/// `\$\{([^}]*?)\}`: up to the first `}`, newlines included), in order.
pub fn interpolations(text: &str) -> Vec<Interpolation> {
    let mut out = Vec::new();
    let mut at = 0;
    // memchr's searches: the text is scanned once per version, on every keystroke.
    let opening = memchr::memmem::Finder::new(b"${");
    while let Some(i) = opening.find(&text.as_bytes()[at..]) {
        let start = at + i;
        let Some(len) = memchr::memchr(b'}', &text.as_bytes()[start + 2..]) else { break };
        let end = start + 2 + len + 1;
        out.push(Interpolation { range: TextRange::new(start, end), name: TextRange::new(start + 2, end - 1) });
        at = end;
    }
    out
}

/// What a resource linked without an alias injects into a service, after its `<NAME>_` prefix, each
/// from the ConfigMap key of the same name (`pkg/manifest/resource.go:14-21` `AdditionalEnvNames`).
pub const RESOURCE_VARS: [&str; 6] = ["URL", "USER", "PASS", "HOST", "PORT", "NAME"];

/// The variables resource `name` injects when linked without an alias (`DATABASE_URL` ...).
pub fn resource_vars(name: &str) -> Vec<String> {
    let prefix = env_prefix(name);
    RESOURCE_VARS.iter().map(|v| format!("{prefix}_{v}")).collect()
}

impl Manifest {
    /// The manifest read from the parsed tree; `text` is the source the tree was parsed from
    /// (sub-ranges inside scalars are taken from it).
    pub fn from_yaml(root: &Node, text: &str) -> Manifest {
        merge::with_anchors(root, Some(text), || Self::read(root, text))
    }

    fn read(root: &Node, text: &str) -> Manifest {
        let mut m = Manifest { convox: decode::document(root).map(std::sync::Arc::new), ..Manifest::default() };
        for e in root.as_map().unwrap_or_default() {
            if let Some(key) = key_name(e) {
                m.sections.push(Section { key, range: e.range });
            }
        }
        let convox = m.convox.clone();
        let doc = convox.as_deref().unwrap_or(root);
        merge::with_anchors(doc, Some(text), || Self::sections(m, doc, text))
    }

    /// The sections of the document as Convox reads it.
    fn sections(mut m: Manifest, doc: &Node, text: &str) -> Manifest {
        let r = read::Reader { root: doc, text };
        let Some(entries) = doc.as_map() else { return m };
        for e in entries {
            let Some(key) = key_name(e) else { continue };
            let v = &e.value;
            match key.value.as_str() {
                "environment" => m.environment = environment(v, text),
                "services" => m.services = read::named(&r, v, read::service),
                "resources" => m.resources = read::named(&r, v, read::resource),
                "timers" => m.timers = read::named(&r, v, read::timer),
                "balancers" => m.balancers = read::named(&r, v, read::balancer),
                "labels" => m.labels = key_values(v),
                "params" => m.params = key_values(v),
                "configs" => m.configs = read::configs(&r, v),
                "appSettings" => m.app_settings = Some(e.range),
                "budget" => {
                    let never = v.get("neverAutoShutdown").map(|n| strings(&n.value)).unwrap_or_default();
                    m.budget = Some(Budget { range: e.range, never_auto_shutdown: never });
                }
                _ => {}
            }
        }
        m
    }

    /// The document as Convox reads it: `raw` (the parsed document) unless a key is written
    /// twice, where each is combined as Convox's decoder combines it ([`decode`]). Every reader
    /// of what Convox does with the manifest (the model, the objects it renders) reads this.
    pub fn document<'a>(&'a self, raw: &'a Node) -> &'a Node {
        self.convox.as_deref().unwrap_or(raw)
    }

    /// The `environment` entries (top level or of a service) that put resource `r` in overlay
    /// mode: `<NAME>_URL` required (no default), so the release environment must set it. Only the
    /// release environment decides (`provider/k8s/release.go:176,815`: `e[r.DefaultEnv()]` of
    /// `r.Env`); a default in the manifest is not in it. With it set, Convox runs no container
    /// for a containerized resource, only a ConfigMap with that URL.
    pub fn overlay_vars<'a>(&'a self, r: &Resource) -> impl Iterator<Item = &'a EnvVar> + 'a {
        let var = format!("{}_URL", env_prefix(&r.name.value));
        self.environment
            .iter()
            .chain(self.services.iter().flat_map(|s| s.environment.iter()))
            .filter(move |e| e.name.value == var && e.default.is_none())
    }
}

#[cfg(test)]
mod tests;
