//! The value tree of an object: maps of fields (each naming the manifest keys it comes from),
//! lists, scalars and explicit placeholders. Small constructors keep the builders readable.

use std::borrow::Cow;

use yaml_serde::{Mapping, Value as Yaml};

/// A value Convox knows only on the rack (or at deploy time): never guessed, always marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// The release id (`RABCDEFGHIJ`), in pod labels and the env Secret.
    Release,
    /// The build id, in the image tag and the env Secret.
    Build,
    /// The app's image repository (`<registry>/<app>`).
    Repository,
    /// A password the rack generates (resource databases, the rack API URL).
    Password,
    /// The rack's router domain (`<router-domain>`), in Ingress hosts.
    RouterDomain,
    /// The rack's internal router domain, in internal Ingress hosts.
    InternalDomain,
    /// A value from the app's environment (`convox env set`), base64 in the Secret.
    EnvValue,
    /// The rack's CA certificate.
    Ca,
    /// A managed resource's connection info (the AWS endpoint, user, password ...).
    Provisioned,
    /// The rack's EFS file system id (prefixed to a volume handle without one).
    EfsFileSystem,
}

impl Placeholder {
    /// How the preview prints it.
    pub fn text(self) -> &'static str {
        match self {
            Placeholder::Release => "<release>",
            Placeholder::Build => "<build>",
            Placeholder::Repository => "<app-repo>",
            Placeholder::Password => "<password>",
            Placeholder::RouterDomain => "<router-domain>",
            Placeholder::InternalDomain => "<internal-router-domain>",
            Placeholder::EnvValue => "<value>",
            Placeholder::Ca => "<rack-ca>",
            Placeholder::EfsFileSystem => "<efs-id>",
            Placeholder::Provisioned => "<from-provisioner>",
        }
    }
}

/// A value in an object. Strings may embed placeholders (`Text`), e.g. an image
/// `<app-repo>:web.<build>`: each part is kept so consumers can tell them apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Mostly a constant of the template (no copy of it is made).
    Str(Cow<'static, str>),
    Int(i64),
    Bool(bool),
    /// A whole value unknown offline.
    Placeholder(Placeholder),
    /// A string made of literal parts and placeholders.
    Text(Vec<Part>),
    Map(Vec<Field>),
    List(Vec<Value>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    Hole(Placeholder),
}

/// One entry of a map: its key, value, and the manifest key paths it is set from (concrete
/// paths such as `services.web.scale.count`; empty when the template writes a constant).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Mostly a name the template writes (no copy of it is made).
    pub key: Cow<'static, str>,
    pub value: Value,
    pub from: Vec<String>,
}

impl Field {
    /// Whether this field or one inside it comes from a key `pred` accepts (read in place: no
    /// path is built and nothing is cloned).
    pub fn any_from(&self, pred: &impl Fn(&String) -> bool) -> bool {
        self.from.iter().any(pred) || self.value.any_from(pred)
    }

    /// Adds a manifest key this field comes from. The list is grown by one, exactly: most fields
    /// come from one key, and a list grown by `push` starts with room for four, which the model's
    /// [`shrink_fields`] then gave back one reallocation per field.
    pub fn from(mut self, key: impl Into<String>) -> Field {
        self.from.reserve_exact(1);
        self.from.push(key.into());
        self
    }
}

/// `base`, then each of `later` replacing any field of its key written before it (a template's
/// `{{ range }}` over custom labels or annotations after its own): what removing the earlier one
/// and appending each gives, in one pass over both.
pub fn overridden(base: Vec<Field>, later: Vec<Field>) -> Vec<Field> {
    let mut last: std::collections::HashMap<String, usize> = std::collections::HashMap::with_capacity(later.len());
    for (i, x) in later.iter().enumerate() {
        last.insert(x.key.to_string(), i);
    }
    let mut out: Vec<Field> = base.into_iter().filter(|x| !last.contains_key(x.key.as_ref())).collect();
    out.extend(later.into_iter().enumerate().filter(|(i, x)| last[x.key.as_ref()] == *i).map(|(_, x)| x));
    out
}

pub fn f(key: impl Into<Cow<'static, str>>, value: Value) -> Field {
    Field { key: key.into(), value, from: Vec::new() }
}

pub fn s(v: impl AsRef<str> + Into<String>) -> Value {
    Value::Str(shared(v))
}

/// A string value, without a copy when it is one the templates write for every object (the
/// labels' `system`, a port's protocol ...): the model of a large app holds tens of thousands.
fn shared(v: impl AsRef<str> + Into<String>) -> Cow<'static, str> {
    match COMMON.binary_search(&v.as_ref()) {
        Ok(i) => Cow::Borrowed(COMMON[i]),
        Err(_) => Cow::Owned(v.into()),
    }
}

/// The constants of [`shared`], sorted.
const COMMON: &[&str] = &[
    "/etc/convox",
    "100%",
    "256m",
    "50%",
    "512Mi",
    "60",
    "<app>",
    "<rack>",
    "Always",
    "Available=True,Progressing=True/NewReplicaSetAvailable",
    "ClusterIP",
    "Deployment",
    "HOST",
    "HTTP",
    "HTTPS",
    "INSTANCE_IP",
    "IfNotPresent",
    "ImplementationSpecific",
    "NAME",
    "Opaque",
    "PASS",
    "PORT",
    "Prefix",
    "ReadWriteMany",
    "ReadWriteOnce",
    "Recreate",
    "Resource",
    "RollingUpdate",
    "TCP",
    "UDP",
    "URL",
    "USER",
    "Utilization",
    "app",
    "apps/v1",
    "balancer",
    "ca",
    "convox",
    "cpu",
    "env",
    "false",
    "http",
    "https",
    "internal",
    "internet-facing",
    "keepalive_timeout 60s;\nclient_body_timeout 60s;\n",
    "letsencrypt",
    "main",
    "memory",
    "name",
    "nginx",
    "resource",
    "self-signed",
    "service",
    "serviceaccount",
    "status.hostIP",
    "system",
    "timer",
    "true",
    "type",
    "v1",
];

pub fn int(n: i64) -> Value {
    Value::Int(n)
}

pub fn map(fields: Vec<Field>) -> Value {
    Value::Map(fields)
}

pub fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

pub fn text(parts: Vec<Part>) -> Value {
    Value::Text(parts)
}

pub fn lit(v: impl Into<String>) -> Part {
    Part::Lit(v.into())
}

/// `{key: value}` string pairs as a map of constant fields.
pub fn pairs(items: &[(&'static str, &str)]) -> Vec<Field> {
    items.iter().map(|(k, v)| f(*k, s(*v))).collect()
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Field]> {
        match self {
            Value::Map(fs) => Some(fs),
            _ => None,
        }
    }

    /// The field `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.iter().find(|x| x.key == key).map(|x| &x.value)
    }

    /// The value as YAML, placeholders printed as `<release>` and so on.
    pub fn to_yaml(&self) -> Yaml {
        match self {
            Value::Str(v) => Yaml::String(v.to_string()),
            Value::Int(n) => Yaml::Number((*n).into()),
            Value::Bool(b) => Yaml::Bool(*b),
            Value::Placeholder(p) => Yaml::String(p.text().to_string()),
            Value::Text(parts) => Yaml::String(parts_text(parts)),
            Value::Map(fields) => map_yaml(fields),
            Value::List(items) => Yaml::Sequence(items.iter().map(Value::to_yaml).collect()),
        }
    }

    /// Every field below this value with its dotted path (list items as `[]`), depth first.
    /// Whether a field inside comes from a key `pred` accepts ([`Field::any_from`]).
    pub fn any_from(&self, pred: &impl Fn(&String) -> bool) -> bool {
        match self {
            Value::Map(fields) => fields.iter().any(|f| f.any_from(pred)),
            Value::List(items) => items.iter().any(|v| v.any_from(pred)),
            _ => false,
        }
    }

    pub fn walk<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Field)>) {
        match self {
            Value::Map(fields) => {
                for x in fields {
                    let path = if prefix.is_empty() { x.key.to_string() } else { format!("{prefix}.{}", x.key) };
                    out.push((path.clone(), x));
                    x.value.walk(&path, out);
                }
            }
            Value::List(items) => {
                for item in items {
                    item.walk(&format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }
}

/// The fields below `fields` (paths from `prefix`, which is left as it was) that `pred`
/// accepts, each given to `emit` with its path, in the order of [`Value::walk`]; nothing is
/// copied.
pub(super) fn walk_matching<'a>(
    fields: &'a [Field],
    prefix: &mut String,
    pred: &impl Fn(&Field) -> bool,
    emit: &mut impl FnMut(&str, &'a Field),
) {
    let len = prefix.len();
    for x in fields {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(&x.key);
        if pred(x) {
            emit(prefix, x);
        }
        walk_value_matching(&x.value, prefix, pred, emit);
        prefix.truncate(len);
    }
}

fn walk_value_matching<'a>(
    v: &'a Value,
    prefix: &mut String,
    pred: &impl Fn(&Field) -> bool,
    emit: &mut impl FnMut(&str, &'a Field),
) {
    match v {
        Value::Map(fields) => walk_matching(fields, prefix, pred, emit),
        Value::List(items) => {
            let len = prefix.len();
            prefix.push_str("[]");
            for item in items {
                walk_value_matching(item, prefix, pred, emit);
            }
            prefix.truncate(len);
        }
        _ => {}
    }
}

/// Whether a field below `fields` has a path (from `prefix`) that `pred` accepts, as
/// [`Value::walk`] names them.
pub(super) fn any_path(fields: &[Field], prefix: &mut String, pred: &impl Fn(&str) -> bool) -> bool {
    let len = prefix.len();
    for x in fields {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(&x.key);
        let found = pred(prefix) || value_any_path(&x.value, prefix, pred);
        prefix.truncate(len);
        if found {
            return true;
        }
    }
    false
}

fn value_any_path(v: &Value, prefix: &mut String, pred: &impl Fn(&str) -> bool) -> bool {
    match v {
        Value::Map(fields) => any_path(fields, prefix, pred),
        Value::List(items) => {
            let len = prefix.len();
            prefix.push_str("[]");
            let found = items.iter().any(|item| value_any_path(item, prefix, pred));
            prefix.truncate(len);
            found
        }
        _ => false,
    }
}

/// A map's fields as YAML, as [`Value::to_yaml`] gives a `Value::Map`.
pub(super) fn map_yaml(fields: &[Field]) -> Yaml {
    let mut m = Mapping::with_capacity(fields.len());
    for x in fields {
        m.insert(Yaml::String(x.key.to_string()), x.value.to_yaml());
    }
    Yaml::Mapping(m)
}

/// Gives back the spare capacity of the lists below `fields`.
pub(super) fn shrink_fields(fields: &mut Vec<Field>) {
    fields.shrink_to_fit();
    for x in fields.iter_mut() {
        x.from.shrink_to_fit();
        shrink_value(&mut x.value);
    }
}

fn shrink_value(v: &mut Value) {
    match v {
        Value::Map(fields) => shrink_fields(fields),
        Value::List(items) => {
            items.shrink_to_fit();
            items.iter_mut().for_each(shrink_value);
        }
        Value::Text(parts) => parts.shrink_to_fit(),
        _ => {}
    }
}

pub fn parts_text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(v) => v.as_str(),
            Part::Hole(h) => h.text(),
        })
        .collect()
}

/// A text value `prefix<hole>suffix`.
pub fn with_hole(prefix: &str, hole: Placeholder, suffix: &str) -> Value {
    text(vec![Part::Lit(prefix.into()), Part::Hole(hole), Part::Lit(suffix.into())])
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_strings_are_sorted_and_shared() {
        assert!(super::COMMON.windows(2).all(|w| w[0] < w[1]));
        assert!(matches!(super::shared("convox"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(super::shared(String::from("web")), std::borrow::Cow::Owned(_)));
    }

    #[test]
    fn overridden_is_removing_the_earlier_and_appending_each() {
        use super::{f, int, overridden};
        let mut rng = crate::seeded::Seeded::new(11);
        let mut next = |n: u64| rng.below(n as usize) as u64;
        for _ in 0..2_000 {
            let (nb, nl) = (next(5), next(6));
            let mut make = |n: u64| (0..n).map(|i| f(format!("k{}", next(5)), int(i as i64))).collect::<Vec<_>>();
            let (base, later) = (make(nb), make(nl));
            let mut reference = base.clone();
            for x in later.clone() {
                reference.retain(|y| y.key != x.key);
                reference.push(x);
            }
            assert_eq!(overridden(base, later), reference);
        }
    }
}
