//! The values a hover's placeholders stand for at one place in the manifest.

use crate::context::Context;
use crate::ide::analysis::Analysis;
use crate::ide::objects::{AppObjects, Owner};
use crate::model::{self, Balancer, Resource, Service, Timer};
use crate::schema::{self, ResourceCategory, When};
use crate::syntax::KeyPath;

/// The concrete values placeholders stand for at one place in the manifest, and the model of what
/// Convox renders there (every condition is the model's, none is evaluated here).
pub(in crate::ide) struct Bind<'a> {
    pub(super) ctx: &'a Context,
    /// What the app renders: objects, conditions, commands.
    pub(super) app: &'a AppObjects,
    /// The service, timer, resource or balancer the path belongs to.
    pub(super) owner: Option<Owner>,
    pub(super) service: Option<&'a Service>,
    pub(super) resource: Option<&'a Resource>,
    pub(super) timer: Option<&'a Timer>,
    pub(super) balancer: Option<&'a Balancer>,
    /// The name under `services.*` / `resources.*` / `timers.*` / `balancers.*`.
    pub(super) name: Option<String>,
    pub(super) value: Option<String>,
    pub(super) id: Option<String>,
}

impl<'a> Bind<'a> {
    pub(in crate::ide) fn new(a: &'a Analysis, ctx: &'a Context, app: &'a AppObjects, path: &KeyPath) -> Bind<'a> {
        let m = a.model();
        let mut b = Bind {
            ctx,
            app,
            owner: Owner::of_key(&path.to_string()),
            service: None,
            resource: None,
            timer: None,
            balancer: None,
            name: None,
            value: None,
            id: None,
        };
        let keys: Vec<&str> = path.keys().collect();
        if let [section, name, ..] = keys.as_slice() {
            b.name = Some((*name).to_string());
            match *section {
                "services" => b.service = m.service(name),
                "resources" => b.resource = m.resource(name),
                "timers" => {
                    b.timer = m.timer(name);
                    b.service = b.timer.and_then(|t| t.service.as_ref()).and_then(|s| m.service(&s.value));
                }
                "balancers" => {
                    b.balancer = m.balancer(name);
                    b.service = b.balancer.and_then(|t| t.service.as_ref()).and_then(|s| m.service(&s.value));
                }
                _ => b.name = None,
            }
        }
        b
    }

    pub(in crate::ide) fn service_name(&self) -> Option<String> {
        if let Some(s) = self.service {
            return Some(s.name.value.clone());
        }
        if let Some(t) = self.timer {
            return t.service.as_ref().map(|s| s.value.clone());
        }
        if let Some(b) = self.balancer {
            return b.service.as_ref().map(|s| s.value.clone());
        }
        None
    }

    /// Replaces the placeholders of `FORMAT.md`. One that has no value here stays as `<name>`.
    pub(in crate::ide) fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let key = &after[..j];
            let value = match key {
                "ns" => Some(self.ctx.namespace()),
                "rack" => Some(self.ctx.rack_or_placeholder().to_string()),
                "app" => Some(self.ctx.app_or_placeholder().to_string()),
                "service" => self.service_name(),
                "name" => self.name.clone(),
                "timer" => self.timer.map(|t| t.name.value.clone()),
                "resource" => self.resource.map(|r| r.name.value.clone()),
                "balancer" => self.balancer.map(|b| b.name.value.clone()),
                "k8sname" => self.resource.map(Resource::k8s_name),
                "RESOURCE" => self.resource.map(|r| model::env_prefix(&r.name.value)),
                "value" => self.value.clone(),
                "id" => self.id.clone(),
                // `{.spec...}` in a jsonpath and anything unknown: literal text.
                _ => {
                    out.push('{');
                    rest = after;
                    continue;
                }
            };
            out.push_str(&value.unwrap_or_else(|| format!("<{key}>")));
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A piece of the knowledge base's prose, filled in and made safe Markdown.
    pub(super) fn prose(&self, template: &str) -> String {
        crate::ide::markdown::prose(&self.fill(template))
    }

    /// Whether a condition holds here, as the model decided it: the owner's, else (for a timer or
    /// a balancer) its service's. `None` when there is nothing to decide it on.
    pub(in crate::ide) fn holds(&self, when: When) -> Option<bool> {
        let owner = self.owner.as_ref()?;
        self.app.holds(owner, when).or_else(|| self.app.holds(&Owner::Service(self.service_name()?), when))
    }

    /// The resource is containerized but runs no container: its URL comes from the environment.
    pub(super) fn overlay(&self) -> bool {
        let category = self.resource.and_then(|r| schema::schema().resource_type(r.type_name()?)).map(|t| t.category);
        category == Some(ResourceCategory::Containerized) && self.holds(When::Containerized) == Some(false)
    }
}

/// The commands that apply here, filled in, without repeats.
pub(in crate::ide) fn filled(b: &Bind, commands: &[schema::Command]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for t in commands {
        if t.when().is_some_and(|w| b.holds(w) == Some(false)) {
            continue;
        }
        // Fitted to the render: an agent's `deploy` is its DaemonSet, a kind not rendered is left out.
        let Some(c) = b.app.fit(&b.fill(t.text())) else { continue };
        if !v.contains(&c) {
            v.push(c);
        }
    }
    v
}
