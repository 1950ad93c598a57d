//! What the rack the app deploys to supports: the keys and behaviours that came with a rack
//! release (Convox's release notes, `docs/reference/releases/3-*.md`), checked against the
//! `rackVersion` setting. Nothing is said when the setting is empty.

use super::analysis::Analysis;
use super::codes::Code;
use super::diagnostic::Diagnostic;
use crate::syntax::yaml::Node;

/// A rack version, `3.24.1` (a leading `v` and a missing patch are accepted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RackVersion(pub u32, pub u32, pub u32);

impl RackVersion {
    pub fn parse(s: &str) -> Option<RackVersion> {
        let mut parts = s.trim().trim_start_matches('v').split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        Some(RackVersion(major, minor, patch))
    }
}

impl std::fmt::Display for RackVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// `(key path under a service, the first rack release with it, what an older rack does)`.
/// From the release notes of `3-19.md` ... `3-24.md`.
const SERVICE_KEYS: &[(&[&str], RackVersion, &str)] = &[
    (&["initContainer"], RackVersion(3, 19, 2), "an older rack ignores it"),
    (&["startupProbe"], RackVersion(3, 19, 0), "an older rack ignores it"),
    (&["configMounts"], RackVersion(3, 19, 0), "an older rack ignores it"),
    (&["disableHostUsers"], RackVersion(3, 23, 0), "an older rack ignores it"),
    (&["securityContext"], RackVersion(3, 24, 5), "an older rack ignores it"),
    (&["health", "port"], RackVersion(3, 24, 5), "an older rack probes the service port"),
    (&["liveness", "port"], RackVersion(3, 24, 5), "an older rack probes the service port"),
    (&["imagePullSecrets"], RackVersion(3, 24, 6), "an older rack ignores it"),
    (&["scale", "autoscale"], RackVersion(3, 24, 6), "an older rack ignores it"),
    (&["scale", "min"], RackVersion(3, 24, 6), "an older rack ignores it"),
    (&["scale", "max"], RackVersion(3, 24, 6), "an older rack ignores it"),
    (&["privileged"], RackVersion(3, 24, 5), "an older rack applies it to `convox run` only, not to the Deployment"),
];

/// Behaviours: `startupProbe` timing (3.24.1: "Fixed startupProbe using liveness timing values
/// instead of its own configuration").
const STARTUP_TIMING: RackVersion = RackVersion(3, 24, 1);

pub(super) fn diagnostics(a: &Analysis, rack: RackVersion) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = a.parse().root();
    let mut warn = |node_range: crate::text::TextRange, message: String| {
        out.push(Diagnostic {
            range: node_range,
            severity: Code::RackVersion.default_severity(),
            code: Code::RackVersion,
            message,
            fix: None,
        })
    };
    for (key, since) in [("configs", RackVersion(3, 19, 0)), ("budget", RackVersion(3, 24, 6))] {
        if let Some(e) = root.get(key).filter(|_| rack < since) {
            warn(
                e.key.range,
                format!("`{key}` needs rack {since} or later (rackVersion is {rack}): an older rack ignores it"),
            );
        }
    }
    for svc in root.get("services").and_then(|s| s.value.as_map()).unwrap_or_default() {
        for (path, since, older) in SERVICE_KEYS.iter().filter(|(_, since, _)| rack < *since) {
            if let Some(e) = lookup(&svc.value, path) {
                let key = path.join(".");
                warn(e.key.range, format!("`{key}` needs rack {since} or later (rackVersion is {rack}): {older}"));
            }
        }
        let timing = lookup(&svc.value, &["startupProbe"])
            .and_then(|p| ["grace", "interval", "timeout"].iter().find_map(|k| p.value.get(k)));
        if let Some(t) = timing.filter(|_| rack < STARTUP_TIMING) {
            warn(
                t.key.range,
                format!(
                    "before rack {STARTUP_TIMING} (rackVersion is {rack}), the startup probe uses the liveness probe's timing, not this value"
                ),
            );
        }
    }
    out
}

fn lookup<'a>(node: &'a Node, path: &[&str]) -> Option<&'a crate::syntax::yaml::Entry> {
    let (first, rest) = path.split_first()?;
    let e = node.get(first)?;
    if rest.is_empty() { Some(e) } else { lookup(&e.value, rest) }
}
