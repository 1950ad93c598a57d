//! The kubectl commands of an owner: the one place hover, code lenses and explain get them from.
//! Each is the knowledge base's template filled in and fitted to the objects the model renders
//! ([`AppObjects::fit`]), so no command names an object that is not there.

use super::fill::Placeholders;
use super::{AppObjects, Object, Owner, kubectl_name};
use crate::schema;

/// The kinds that say what a service is, in the order hints, the outline and its first command
/// name them (all labelled `service=<name>`).
const SERVICE_KINDS: [&str; 7] =
    ["Deployment", "DaemonSet", "Service", "Ingress", "HTTPProxy", "HorizontalPodAutoscaler", "ScaledObject"];

impl AppObjects {
    /// A service's workload, Service, Ingress or HTTPProxy and autoscaler, in the order of
    /// [`SERVICE_KINDS`].
    pub fn service_objects<'a>(&'a self, owner: &Owner) -> Vec<&'a Object> {
        let rank = |k: &str| SERVICE_KINDS.iter().position(|x| *x == k);
        let mut v: Vec<&Object> = self.owned_by(owner).filter(|o| rank(&o.kind).is_some()).collect();
        v.sort_by_key(|o| rank(&o.kind));
        v
    }

    /// kubectl commands for an owner: for a service first one `kubectl get` of every kind the
    /// model renders for it, then its key's `kubectl` templates in the knowledge base whose
    /// condition holds, filled in and fitted to the render. Made once per owner and model.
    pub fn commands(&self, owner: &Owner) -> Vec<String> {
        match self.positions(owner) {
            Some(p) => p.commands.get_or_init(|| self.make_commands(owner)).clone(),
            None => self.make_commands(owner),
        }
    }

    fn make_commands(&self, owner: &Owner) -> Vec<String> {
        let pattern = match owner {
            Owner::App => return Vec::new(),
            Owner::Service(_) => "services.*",
            Owner::Timer(_) => "timers.*",
            Owner::Resource(_) => "resources.*",
            Owner::Balancer(_) => "balancers.*",
        };
        let mut out: Vec<String> = Vec::new();
        if let Owner::Service(name) = owner {
            let mut kinds: Vec<&str> =
                self.service_objects(owner).iter().filter_map(|o| kubectl_name(&o.kind)).collect();
            kinds.dedup();
            if !kinds.is_empty() {
                out.push(format!("kubectl get {} -n {} -l service={name}", kinds.join(","), self.namespace));
            }
        }
        let Some(doc) = schema::schema().get(pattern) else { return out };
        let values = Placeholders::of_owner(self, owner);
        for c in doc.kubectl.iter().filter(|c| c.when().is_none_or(|w| self.holds(owner, w) != Some(false))) {
            let line = values.fill(c.text());
            // The knowledge base's `kubectl get deploy,... -l service=x` gives way to the concrete one.
            let generic = out.first().is_some_and(|first| {
                line.starts_with("kubectl get deploy,")
                    && first.rsplit(" -l ").next() == line.rsplit(" -l ").next()
                    && !line.contains(" -o ")
            });
            if let Some(line) = self.fit(&line).filter(|l| !generic && !out.contains(l)) {
                out.push(line);
            }
        }
        out
    }
}
