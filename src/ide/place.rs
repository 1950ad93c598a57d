//! What the objects model says at one place of the manifest (a key path): the values of the
//! knowledge base's placeholders there ([`Bind`]), the conditions that hold there (the model's,
//! none evaluated here), the kubectl commands that apply ([`filled`]) and where each object the
//! knowledge base names stands ([`standing`]). Hover and explain both read it; neither imports
//! the other.

use crate::context::Context;
use crate::ide::analysis::Analysis;
use crate::ide::objects::{AppObjects, Owner, Placeholders};
use crate::model::{Balancer, Resource, Service, Timer};
use crate::schema::{self, K8sRef, ResourceCategory, When};
use crate::syntax::KeyPath;

/// The concrete values placeholders stand for at one place in the manifest, and the model of what
/// Convox renders there (every condition is the model's, none is evaluated here).
pub(in crate::ide) struct Bind<'a> {
    pub(in crate::ide) ctx: &'a Context,
    /// What the app renders: objects, conditions, commands.
    pub(in crate::ide) app: &'a AppObjects,
    /// The service, timer, resource or balancer the path belongs to.
    pub(in crate::ide) owner: Option<Owner>,
    pub(in crate::ide) service: Option<&'a Service>,
    pub(in crate::ide) resource: Option<&'a Resource>,
    pub(in crate::ide) timer: Option<&'a Timer>,
    pub(in crate::ide) balancer: Option<&'a Balancer>,
    /// The name under `services.*` / `resources.*` / `timers.*` / `balancers.*`.
    pub(in crate::ide) name: Option<String>,
    /// The value under the cursor and an item's `id`: set with [`Bind::set_value`] (which forgets
    /// the placeholders made from the old ones).
    pub(in crate::ide) value: Option<String>,
    pub(in crate::ide) id: Option<String>,
    /// [`Bind::placeholders`], made on the first fill (a hover fills hundreds of templates).
    filled: std::cell::OnceCell<Placeholders>,
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
            filled: std::cell::OnceCell::new(),
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

    /// The values of the knowledge base's placeholders here.
    pub(in crate::ide) fn placeholders(&self) -> Placeholders {
        Placeholders {
            ns: self.ctx.namespace(),
            rack: self.ctx.rack_or_placeholder().to_string(),
            app: self.ctx.app_or_placeholder().to_string(),
            name: self.name.clone(),
            service: self.service_name(),
            timer: self.timer.map(|t| t.name.value.clone()),
            resource: self.resource.map(|r| r.name.value.clone()),
            balancer: self.balancer.map(|b| b.name.value.clone()),
            value: self.value.clone(),
            id: self.id.clone(),
        }
    }

    /// Sets the value under the cursor and the item's `id` that `{value}` and `{id}` fill in.
    pub(in crate::ide) fn set_value(&mut self, value: Option<String>, id: Option<String>) {
        self.value = value;
        self.id = id;
        self.filled.take();
    }

    /// Replaces the placeholders of `FORMAT.md`. One that has no value here stays as `<name>`.
    pub(in crate::ide) fn fill(&self, template: &str) -> String {
        self.filled.get_or_init(|| self.placeholders()).fill(template)
    }

    /// A piece of the knowledge base's prose, filled in and made safe Markdown.
    pub(in crate::ide) fn prose(&self, template: &str) -> String {
        crate::ide::markdown::prose(&self.fill(template))
    }

    /// Whether a condition holds here, as the model decided it: the owner's, else (for a timer or
    /// a balancer) its service's. `None` when there is nothing to decide it on.
    pub(in crate::ide) fn holds(&self, when: When) -> Option<bool> {
        let owner = self.owner.as_ref()?;
        self.app.holds(owner, when).or_else(|| self.app.holds(&Owner::Service(self.service_name()?), when))
    }

    /// The resource is containerized but runs no container: its URL comes from the environment.
    pub(in crate::ide) fn overlay(&self) -> bool {
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

/// Where a knowledge-base object stands at one place of the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::ide) enum Standing {
    /// The release creates it (the model has it).
    Created,
    /// The release would create it under another condition: why not here.
    NotHere(String),
    /// Not part of the release: the rack, a provisioner or AWS makes it (state Secret, PDB, RDS).
    Outside,
    /// Nothing to decide it on (a key above any service): the condition, if any, in words.
    Unknown,
}

/// The object `r` names here, and where it stands.
pub(in crate::ide) fn standing(b: &Bind, r: &K8sRef) -> (String, Standing) {
    let name = b.fill(&r.name);
    let Some(owner) = &b.owner else { return (name, Standing::Unknown) };
    if name.contains('<') {
        // `Deployment {service}` under a resource: every service that lists it.
        return (name, Standing::Unknown);
    }
    if b.app.find(&r.kind, &name).is_some() {
        return (name, Standing::Created);
    }
    if let Some(n) = b.app.not_created(&r.kind, &name) {
        return (name, Standing::NotHere(n.reason.clone()));
    }
    match r.when.map(|w| (w, b.holds(w))) {
        Some((w, Some(false))) => (name, Standing::NotHere(w.describe().to_string())),
        _ if is_kubernetes(&r.kind) && created_elsewhere(b, owner, &r.kind) => (name, Standing::Created),
        _ => (name, Standing::Outside),
    }
}

/// A kind the release could render (the knowledge base also names AWS objects and log groups).
fn is_kubernetes(kind: &str) -> bool {
    !kind.contains(' ')
}

/// A timer or balancer key that names its service's objects: the model has them under the service.
fn created_elsewhere(b: &Bind, owner: &Owner, kind: &str) -> bool {
    let service = match owner {
        Owner::Timer(_) | Owner::Balancer(_) => b.service_name(),
        _ => None,
    };
    service.is_some_and(|s| b.app.owned_by(&Owner::Service(s)).any(|o| o.kind == kind))
}

/// The fields of object `kind name` the model sets from `key` (or a key below it).
pub(in crate::ide) fn fields_set(b: &Bind, key: &str, kind: &str, name: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for path in b.app.find(kind, name).map(|o| o.paths_set_by(key)).unwrap_or_default() {
        if !v.contains(&path) {
            v.push(path);
        }
    }
    v
}
