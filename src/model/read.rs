//! Reading the named parts of a manifest (services, resources, timers, balancers, configs) into the
//! model, through aliases and merge keys as Convox reads them.

use super::decode::written;
use super::merge::{lookup, resolve};
use super::*;
use crate::syntax::yaml::{Entry, Kind, Node, Style};

/// A service's `resources:` item: `name` or `name:ENV_VAR`.
fn resource_ref(item: &Node, text: &str) -> Option<ResourceRef> {
    // A null item is an empty name to Convox (a `[]string`): "references a resource that does
    // not exist: ".
    let v = if item.is_empty() && !matches!(item.kind, Kind::Alias(_)) { "" } else { item.as_str()? };
    let range = item.range;
    Some(match resource_ref_parts(v) {
        (n, Some(alias)) => ResourceRef {
            name: spanned(n.to_string(), value_range(text, item, 0, n.len())),
            alias: Some(spanned(alias.to_string(), value_range(text, item, n.len() + 1, v.len()))),
            range,
        },
        (_, None) => {
            ResourceRef { name: spanned(v.to_string(), value_range(text, item, 0, v.len())), alias: None, range }
        }
    })
}

/// The entries of a `name: body` map (services, resources, timers, balancers); a merge key there
/// is no entry (Convox loses it, [`super::decode::merges_apply`]).
pub(super) fn named<'a, T>(r: &Reader<'a>, node: &'a Node, f: fn(&Reader<'a>, Name, &'a Entry) -> T) -> Vec<T> {
    let entries = node.as_map().unwrap_or_default().iter().filter(|e| !lost_merge(e));
    entries.filter_map(|e| Some(f(r, key_name(e)?, e))).collect()
}

/// A plain `<<` in a map of names (services, balancer ports ...), which Convox's `MapSlice` loses (a
/// quoted `"<<"` there is an entry of that name).
fn lost_merge(e: &&Entry) -> bool {
    e.key.as_scalar().is_some_and(|s| s.value == "<<" && s.style == Style::Plain)
}

/// The document the parts are read from: aliases resolved in it, and merge keys where Convox
/// reads them (not in the named sections, [`super::decode::merges_apply`]).
pub(super) struct Reader<'a> {
    pub root: &'a Node,
    pub text: &'a str,
}

impl<'a> Reader<'a> {
    /// The value of `key` in a map of a named section (a service, resource, timer, balancer or a
    /// map in one), an alias resolved, a merge key not read: Convox loses it there.
    pub fn get(&self, body: &'a Node, key: &str) -> Option<&'a Node> {
        written(self.root, body, key).map(|n| resolve(self.root, n, 0))
    }

    /// The value of `key` in a map outside the named sections, through merge keys.
    pub fn get_merged(&self, body: &'a Node, key: &str) -> Option<&'a Node> {
        lookup(self.root, body, key, 0).map(|n| resolve(self.root, n, 0))
    }
}

pub(super) fn service<'a>(r: &Reader<'a>, name: Name, e: &'a Entry) -> Service {
    let b = resolve(r.root, &e.value, 0);
    let text = r.text;
    let keys = b.as_map().unwrap_or_default().iter().filter_map(key_name).collect();
    let (build_spec, build) = build(r, b);
    let domains = domains(r, b);
    let resources = r
        .get(b, "resources")
        .and_then(Node::as_seq)
        .map(|items| items.iter().filter_map(|i| resource_ref(i, text)).collect())
        .unwrap_or_default();
    let config_mounts = r
        .get(b, "configMounts")
        .and_then(Node::as_seq)
        .map(|items| items.iter().filter_map(|i| r.get(i, "id").and_then(string)).collect())
        .unwrap_or_default();
    Service {
        name,
        range: e.range,
        keys,
        agent: r.get(b, "agent").and_then(boolean),
        build,
        build_spec,
        image: r.get(b, "image").and_then(string),
        command: r.get(b, "command").and_then(string),
        port: r.get(b, "port").and_then(|p| port(p).map(|v| spanned(v, p.range))),
        ports: r.get(b, "ports").map(strings).unwrap_or_default(),
        internal: r.get(b, "internal").and_then(boolean),
        internal_router: r.get(b, "internalRouter").and_then(boolean),
        domains,
        resources,
        environment: r.get(b, "environment").map(|n| environment(n, text)).unwrap_or_default(),
        labels: r.get(b, "labels").map(key_values).unwrap_or_default(),
        config_mounts,
        volumes: r.get(b, "volumes").map(strings).unwrap_or_default(),
        access_control: r
            .get(b, "accessControl")
            .and_then(|a| r.get(a, "awsPodIdentity"))
            .and_then(|a| r.get(a, "policyArns"))
            .and_then(Node::as_seq)
            .is_some_and(|l| !l.is_empty()),
        limit_memory: r
            .get(b, "scale")
            .and_then(|s| r.get(s, "limit"))
            .and_then(|l| r.get(l, "memory"))
            .is_some_and(|m| !m.is_empty()),
        efs: r
            .get(b, "volumeOptions")
            .and_then(Node::as_seq)
            .is_some_and(|v| v.iter().any(|i| i.get("awsEfs").is_some())),
    }
}

/// `build`: the spec as written (a path, or a map with `path`, `manifest`, `args`) and the build
/// context Convox uses (`.` for a map without `path`).
fn build<'a>(r: &Reader<'a>, b: &'a Node) -> (Option<BuildSpec>, Option<Spanned<String>>) {
    let build_spec = b.get("build").map(|e| {
        let n = &e.value;
        match &n.kind {
            Kind::Map(_) => BuildSpec {
                key: e.key.range,
                path: r.get(n, "path").and_then(string),
                manifest: r.get(n, "manifest").and_then(string),
                args: r.get(n, "args").map(strings).unwrap_or_default(),
            },
            _ => BuildSpec { key: e.key.range, path: string(n), manifest: None, args: Vec::new() },
        }
    });
    let build = r.get(b, "build").and_then(|n| match &n.kind {
        Kind::Map(_) => {
            build_spec.as_ref().and_then(|s| s.path.clone()).or_else(|| Some(spanned(".".to_string(), n.range)))
        }
        _ => build_spec.as_ref().and_then(|s| s.path.clone()),
    });
    (build_spec, build)
}

/// `domain`: a list, or one string of comma-separated domains.
fn domains<'a>(r: &Reader<'a>, b: &'a Node) -> Vec<Spanned<String>> {
    r.get(b, "domain")
        .map(|d| match &d.kind {
            Kind::Seq(_) => strings(d),
            Kind::Scalar(_) => string(d)
                .map(|s| {
                    s.value
                        .split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(|x| spanned(x.to_string(), s.range))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

pub(super) fn resource<'a>(r: &Reader<'a>, name: Name, e: &'a Entry) -> Resource {
    let b = resolve(r.root, &e.value, 0);
    Resource {
        name,
        range: e.range,
        // yaml.v2 decodes `type: null` (or `~`) into the string field as "": a blank type.
        kind: r
            .get(b, "type")
            .and_then(|t| if t.is_null() { Some(spanned(String::new(), t.range)) } else { string(t) }),
        image: r.get(b, "image").and_then(string),
        options: r.get(b, "options").map(key_values).unwrap_or_default(),
    }
}

pub(super) fn timer<'a>(r: &Reader<'a>, name: Name, e: &'a Entry) -> Timer {
    let b = resolve(r.root, &e.value, 0);
    Timer {
        name,
        range: e.range,
        schedule: r.get(b, "schedule").and_then(string),
        command: r.get(b, "command").and_then(string),
        service: r.get(b, "service").and_then(string),
        concurrency: r.get(b, "concurrency").and_then(string),
        parallel_count: r.get(b, "parallelCount").and_then(integer),
    }
}

pub(super) fn balancer<'a>(r: &Reader<'a>, name: Name, e: &'a Entry) -> Balancer {
    let b = resolve(r.root, &e.value, 0);
    let ports = r
        .get(b, "ports")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter(|p| !lost_merge(p))
        .filter_map(|p| {
            let listen = key_name(p)?;
            let (target, protocol) = match &p.value.kind {
                Kind::Map(_) => {
                    (r.get(&p.value, "port").and_then(string), r.get(&p.value, "protocol").and_then(string))
                }
                _ => (string(&p.value), None),
            };
            Some(BalancerPort { listen, target, protocol, range: p.range })
        })
        .collect();
    let whitelist = r
        .get(b, "whitelist")
        .map(|w| match &w.kind {
            Kind::Seq(_) => strings(w),
            _ => string(w).into_iter().collect(),
        })
        .unwrap_or_default();
    Balancer { name, range: e.range, service: r.get(b, "service").and_then(string), ports, whitelist }
}

pub(super) fn configs<'a>(r: &Reader<'a>, node: &'a Node) -> Vec<Config> {
    node.as_seq()
        .unwrap_or_default()
        .iter()
        .map(|c| Config {
            id: r.get_merged(c, "id").and_then(string),
            name: r.get_merged(c, "name").and_then(string),
            range: c.range,
        })
        .collect()
}
