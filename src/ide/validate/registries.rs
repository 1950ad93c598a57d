//! `imagePullSecrets` (`pkg/manifest/service.go:1085-1120`, `validate.go:157-168`).

use std::collections::HashMap;

use super::Sink;
use crate::ide::codes::Code;
use crate::syntax::yaml::Node;

pub(super) fn registries(root: &Node, sink: &mut Sink) {
    let Some(services) = root.get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        let name = svc.key.as_str().unwrap_or_default();
        let items = svc.value.get("imagePullSecrets").and_then(|c| c.value.as_seq()).unwrap_or_default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let text = |k: &str| item.get(k).and_then(|e| e.value.as_str()).unwrap_or_default().to_string();
            let registry = text("registry");
            let at = item.get("registry").map_or(item.range, |e| e.value.range);
            if let Some(problem) = secret_problem(&registry, &text("username"), &text("password"), &text("passwordEnv"))
            {
                sink.add(at, Code::InvalidRegistry, format!("service {name} imagePullSecrets[{i}]: {problem}"));
                continue;
            }
            let lower = registry.to_lowercase();
            if let Some(prev) = seen.get(&lower) {
                sink.add(at, Code::InvalidRegistry, format!("service {name} imagePullSecrets[{i}]: duplicate registry {registry:?} (also declared at index {prev}); each registry may be declared at most once per service"));
                continue;
            }
            seen.insert(lower, i);
        }
    }
}

/// `ServiceImagePullSecret.Validate`, in its order.
fn secret_problem(registry: &str, username: &str, password: &str, password_env: &str) -> Option<String> {
    Some(if registry.trim().is_empty() {
        "registry is required".to_string()
    } else if registry.contains("://") {
        format!("registry {registry:?} must not include a scheme (drop http:// or https://)")
    } else if registry.contains('/') {
        format!("registry {registry:?} must not include a path (use the host only)")
    } else if registry != registry.to_lowercase() {
        format!("registry {registry:?} must be lowercase")
    } else if !valid_host(registry) {
        format!("registry {registry:?} is not a valid registry hostname")
    } else if username.trim().is_empty() {
        "username is required".to_string()
    } else if !password.is_empty() && !password_env.is_empty() {
        "use passwordEnv to reference an env var, OR password for a literal value, not both".to_string()
    } else if password.is_empty() && password_env.is_empty() {
        "password or passwordEnv is required".to_string()
    } else {
        return None;
    })
}

/// `registryHostValidator` (service.go:1083): lowercase DNS labels, an optional `:port`.
fn valid_host(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    let label = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    host.split('.').all(label) && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}
