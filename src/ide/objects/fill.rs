//! The knowledge base's placeholders (`src/schema/FORMAT.md`: `{ns}`, `{service}`, `{k8sname}`
//! ...) and the one scanner that fills any template: a hover's, explain's, a code lens's kubectl
//! command (`AppObjects::commands`), the troubleshooting ladder's steps (with the ladder's own
//! facts). Anything else in braces (a jsonpath's `{.spec.replicas}`) stays as written.

use super::{AppObjects, Owner};

/// Replaces each `{key}` of `template` with `value(key)`: `Some(Some(v))` is `v`, `Some(None)` a
/// placeholder with no value here (written `<key>`), `None` not a placeholder (kept as written).
pub fn fill_with(template: &str, value: impl Fn(&str) -> Option<Option<String>>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}').and_then(|j| Some((value(&after[..j])?, j))) {
            Some((v, j)) => {
                out.push_str(&v.unwrap_or_else(|| format!("<{}>", &after[..j])));
                rest = &after[j + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The values the knowledge base's placeholders take at one place of the manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placeholders {
    /// `<rack>-<app>`, and the rack and app (`<rack>`, `<app>` when unknown).
    pub ns: String,
    pub rack: String,
    pub app: String,
    /// The name under `services.*` / `resources.*` / `timers.*` / `balancers.*`.
    pub name: Option<String>,
    /// The service: the owner's, or a timer's or balancer's.
    pub service: Option<String>,
    pub timer: Option<String>,
    pub resource: Option<String>,
    pub balancer: Option<String>,
    /// The value under the cursor, and an item's `id`.
    pub value: Option<String>,
    pub id: Option<String>,
}

impl Placeholders {
    /// The values an owner's own keys give (`{name}`, and `{service}`, `{timer}` ... by its kind).
    pub fn of_owner(app: &AppObjects, owner: &Owner) -> Placeholders {
        let mut p = Placeholders {
            ns: app.namespace.clone(),
            rack: app.rack.clone(),
            app: app.app.clone(),
            ..Default::default()
        };
        let (slot, name) = match owner {
            Owner::App => return p,
            Owner::Service(n) => (&mut p.service, n),
            Owner::Timer(n) => (&mut p.timer, n),
            Owner::Resource(n) => (&mut p.resource, n),
            Owner::Balancer(n) => (&mut p.balancer, n),
        };
        *slot = Some(name.clone());
        p.name = Some(name.clone());
        p
    }

    /// `template` with its placeholders filled; one with no value here stays as `<name>`.
    pub fn fill(&self, template: &str) -> String {
        fill_with(template, |key| {
            Some(match key {
                "ns" => Some(self.ns.clone()),
                "rack" => Some(self.rack.clone()),
                "app" => Some(self.app.clone()),
                "service" => self.service.clone(),
                "name" => self.name.clone(),
                "timer" => self.timer.clone(),
                "resource" => self.resource.clone(),
                "balancer" => self.balancer.clone(),
                "k8sname" => self.resource.as_deref().map(crate::model::k8s_name),
                "RESOURCE" => self.resource.as_deref().map(crate::model::env_prefix),
                "value" => self.value.clone(),
                "id" => self.id.clone(),
                _ => return None,
            })
        })
    }
}
