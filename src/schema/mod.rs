//! The knowledge base: every key of `convox.yml`, what it accepts, its default, and the Kubernetes
//! objects and fields it becomes, with the kubectl commands that inspect them. Kept as data
//! (`data/*.yml`, format in `FORMAT.md`), embedded in the binary and read once. Hover, completion,
//! validation, `docs/reference.md` and the JSON Schema all read it from here.

pub mod json_schema;
pub mod ladder;
mod load;
pub mod reference;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::syntax::{KeyPath, Segment};

/// The YAML shapes a key accepts.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    String,
    Integer,
    Number,
    Boolean,
    Map,
    List,
    Null,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Parsed, but does nothing in Convox v3.
    NoEffect,
    /// A v2 key: silently ignored by v3.
    Removed,
    /// Reserved for a future Convox release.
    Reserved,
}

/// A condition under which an object exists or a field is set (`FORMAT.md`, "Condition tokens").
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    Port,
    PortOrPorts,
    Ingress,
    InternalRouter,
    Agent,
    NotAgent,
    CountRange,
    Autoscale,
    Containerized,
    Persistent,
    Managed,
    Parallel,
    /// The service has `accessControl.awsPodIdentity.policyArns`.
    AccessControl,
    /// The service has no `scale.limit.memory`.
    NoLimitMemory,
    /// The service has `volumeOptions` with an `awsEfs` volume.
    Efs,
}

impl When {
    /// How a hover says the condition in words.
    pub fn describe(self) -> &'static str {
        match self {
            When::Port => "only when the service has `port`",
            When::PortOrPorts => "only when the service has `port` or `ports`",
            When::Ingress => "only when the service has `port` and is neither `internal` nor `internalRouter`",
            When::InternalRouter => "only with `port` and `internalRouter: true`",
            When::Agent => "only for an agent (`agent: true`)",
            When::NotAgent => "not for an agent",
            When::CountRange => "only when `scale.count` is a range, without autoscale, not for an agent",
            When::Autoscale => "only with `scale.autoscale` or `scale.keda`",
            When::Containerized => "only for a containerized resource whose URL is not set in the environment",
            When::Persistent => {
                "only for postgres, postgis, mysql and mariadb, when their URL is not set in the environment"
            }
            When::Managed => "only for rds-* and elasticache-* resources",
            When::Parallel => "only when `parallelCount` is more than 1",
            When::AccessControl => "only with `accessControl.awsPodIdentity`",
            When::NoLimitMemory => "only without `scale.limit.memory`",
            When::Efs => "only with an `awsEfs` volume",
        }
    }
}

/// One Kubernetes object a key creates or sets a field of.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct K8sRef {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub when: Option<When>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A kubectl command, maybe only under a condition (`{cmd: ..., when: managed}`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Command {
    Always(String),
    When { cmd: String, when: When },
}

impl Command {
    pub fn text(&self) -> &str {
        match self {
            Command::Always(c) | Command::When { cmd: c, .. } => c,
        }
    }

    pub fn when(&self) -> Option<When> {
        match self {
            Command::Always(_) => None,
            Command::When { when, .. } => Some(*when),
        }
    }
}

/// Everything known about one key pattern.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyDoc {
    pub summary: String,
    pub description: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub accepts: Vec<Shape>,
    #[serde(default, deserialize_with = "load::strings")]
    pub forms: Vec<String>,
    #[serde(default, deserialize_with = "load::opt_string")]
    pub default: Option<String>,
    #[serde(default, deserialize_with = "load::strings")]
    pub values: Vec<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub k8s: Vec<K8sRef>,
    #[serde(default)]
    pub no_k8s: Option<String>,
    #[serde(default)]
    pub kubectl: Vec<Command>,
    #[serde(default)]
    pub errors: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// For resource options: the resource types the option applies to.
    #[serde(default)]
    pub types: Vec<String>,
    /// The page of Convox's documentation about this key, a path under its `docs/` folder
    /// (`reference/primitives/app/service.md`); keys below it share it.
    #[serde(default)]
    pub docs: Option<String>,
}

/// The docs.convox.com address of a page of Convox's `docs/` folder (`README.md` is the folder).
pub fn docs_url(page: &str) -> String {
    let page = page.strip_suffix(".md").unwrap_or(page);
    let page = page.strip_suffix("/README").unwrap_or(page);
    format!("https://docs.convox.com/{page}")
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ResourceCategory {
    Containerized,
    Managed,
}

/// One resource `type`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResourceType {
    pub summary: String,
    pub description: String,
    pub category: ResourceCategory,
    #[serde(default)]
    pub persistent: bool,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default, deserialize_with = "load::opt_string")]
    pub default_version: Option<String>,
    pub port: u16,
    pub url: String,
    pub objects: Vec<String>,
    #[serde(default)]
    pub required_options: Vec<String>,
    #[serde(default)]
    pub aws: Option<String>,
    /// A containerized type's database and container, as its template writes them.
    #[serde(default)]
    pub container: Option<ResourceContainer>,
}

impl ResourceType {
    /// The image Convox runs for this type at `version` (`image`'s `{version}` filled).
    pub fn image_at(&self, version: &str) -> String {
        self.image.as_deref().unwrap_or_default().replace("{version}", version)
    }

    /// The image at the default version, for a type that has both.
    pub fn default_image(&self) -> Option<String> {
        self.image.as_ref()?;
        Some(self.image_at(self.default_version.as_deref()?))
    }
}

/// What a containerized resource template writes besides image and port
/// (`provider/k8s/template/resource/<type>.yml.tmpl`): the ConfigMap's USER and NAME, the
/// container's env (`{password}` for the rack-derived password), the data volume's mount.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResourceContainer {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub database: String,
    #[serde(default)]
    pub env: Vec<(String, String)>,
    #[serde(default)]
    pub mount: Option<String>,
    #[serde(default)]
    pub sub_path: Option<String>,
    /// The Deployment is labelled `name: <resource>` too (postgres, postgis).
    #[serde(default)]
    pub name_label: bool,
}

/// The known key an unknown one most likely meant, if any is close enough. A key that is the start
/// of a known one (`transitEncryption`) most likely meant it; with a boolean value, the `...Enabled`
/// form.
pub fn suggest<'a>(key: &str, known: &[&'a str], value_is_boolean: bool) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    let score = |s: &str| {
        let ls = s.to_ascii_lowercase();
        let mut score = strsim::jaro_winkler(&lower, &ls);
        if ls.starts_with(&lower) {
            score += 0.5;
            if value_is_boolean && ls.ends_with("enabled") {
                score += 0.25;
            }
        }
        score
    };
    known.iter().map(|s| (score(s), *s)).filter(|(s, _)| *s > 0.8).max_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, s)| s)
}

/// The sections whose keys are names the user chooses.
pub const NAMED_SECTIONS: [&str; 4] = ["services", "resources", "timers", "balancers"];

pub struct Schema {
    keys: IndexMap<String, KeyDoc, FxBuild>,
    resource_types: IndexMap<String, ResourceType>,
    /// Every pattern and every prefix of one, at segment boundaries.
    prefixes: HashSet<String, FxBuild>,
    /// The lists whose items have a pattern: `x` for each `x[]`.
    lists: HashSet<String, FxBuild>,
    /// Each pattern's direct children ([`Schema::children`]) as positions in `keys`, in data
    /// order (a completion or hover asked them by scanning every pattern).
    children: HashMap<String, Vec<usize>, FxBuild>,
}

/// The multiply-rotate hash of rustc (FxHash): the schema's keys are short, trusted strings,
/// looked up once per node of the document, where SipHash cost more than the rest of the lookup.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// A path matched against the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match<'a> {
    pub pattern: String,
    pub doc: Option<&'a KeyDoc>,
    /// The name bound to the first `*` (`web` in `services.web.port`).
    pub name: Option<String>,
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| load::load().unwrap_or_else(|e| panic!("{e}")));

/// The knowledge base (loaded on first use; the data is checked by the tests).
pub fn schema() -> &'static Schema {
    &SCHEMA
}

impl Schema {
    fn new(keys: IndexMap<String, KeyDoc>, resource_types: IndexMap<String, ResourceType>) -> Schema {
        let keys: IndexMap<String, KeyDoc, FxBuild> = keys.into_iter().collect();
        let mut prefixes = HashSet::default();
        for pattern in keys.keys() {
            let mut end = 0;
            for (i, c) in pattern.char_indices() {
                if c == '.' || c == '[' {
                    prefixes.insert(pattern[..i].to_string());
                }
                end = i + c.len_utf8();
            }
            prefixes.insert(pattern[..end].to_string());
        }
        let lists = keys.keys().filter_map(|k| k.strip_suffix("[]")).map(str::to_string).collect();
        let mut children: HashMap<String, Vec<usize>, FxBuild> = HashMap::default();
        for (i, pattern) in keys.keys().enumerate() {
            // A child's own key is the last segment; it names no list item.
            let (parent, key) = pattern.rsplit_once('.').unwrap_or(("", pattern));
            if !key.is_empty() && !key.contains('[') {
                children.entry(parent.to_string()).or_default().push(i);
            }
        }
        Schema { keys, resource_types, prefixes, lists, children }
    }

    pub fn keys(&self) -> impl Iterator<Item = (&str, &KeyDoc)> {
        self.keys.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn get(&self, pattern: &str) -> Option<&KeyDoc> {
        self.keys.get(pattern)
    }

    pub fn resource_types(&self) -> impl Iterator<Item = (&str, &ResourceType)> {
        self.resource_types.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.get(name)
    }

    /// The direct children of a pattern, in data order: `(child key, pattern, doc)`.
    pub fn children<'a, 'p>(
        &'a self,
        parent: &'p str,
    ) -> impl Iterator<Item = (&'a str, &'a str, &'a KeyDoc)> + use<'a, 'p> {
        let positions = self.children.get(parent).map_or(&[][..], Vec::as_slice);
        positions.iter().filter_map(move |&i| {
            let (p, d) = self.keys.get_index(i)?;
            Some((p.rsplit_once('.').map_or(p.as_str(), |(_, key)| key), p.as_str(), d))
        })
    }

    /// Matches a concrete path (`services.web.scale.count`, `services.web.volumeOptions[0].awsEfs`)
    /// against the patterns: a key the data names wins over `*`.
    pub fn lookup(&self, path: &KeyPath) -> Match<'_> {
        let mut pattern = String::new();
        let mut name = None;
        for seg in &path.0 {
            let next = self.step(&pattern, seg);
            if let Segment::Key(k) = seg
                && name.is_none()
                && next.ends_with('*')
                && NAMED_SECTIONS.contains(&pattern.as_str())
            {
                name = Some(k.clone());
            }
            pattern = next;
        }
        let doc = self.keys.get(&pattern);
        Match { pattern, doc, name }
    }

    /// Whether the knowledge base describes the items of the list at `pattern` (`pattern[]`).
    pub fn has_items(&self, pattern: &str) -> bool {
        self.lists.contains(pattern)
    }

    /// [`Schema::step`] by a key, in place: `pattern` becomes the pattern below it, without a
    /// new string (the validation's walk steps once per key of the document).
    pub fn step_key(&self, pattern: &mut String, key: &str) {
        let len = pattern.len();
        if len > 0 {
            pattern.push('.');
        }
        pattern.push_str(key);
        if !self.prefixes.contains(pattern.as_str()) {
            pattern.truncate(len + usize::from(len > 0));
            pattern.push('*');
        }
    }

    /// The pattern one segment below `pattern`: the key itself when the data names it, else `*`
    /// (or `[]` for a list index). Walking a document step by step costs one string per node.
    pub fn step(&self, pattern: &str, seg: &Segment) -> String {
        let mut next = String::with_capacity(pattern.len() + 16);
        next.push_str(pattern);
        match seg {
            Segment::Key(k) => self.step_key(&mut next, k),
            Segment::Index(_) => next.push_str("[]"),
        }
        next
    }
}

#[cfg(test)]
mod tests;
