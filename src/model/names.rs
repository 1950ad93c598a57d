//! Lookups by name: each section's entries indexed by name on the first lookup, so that a feature
//! that asks about every entry of a large manifest (explain, hints, the cross-checks) costs linear
//! time, not a scan of the section per entry.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Balancer, Manifest, Resource, Service, Timer};

/// Positions in `services`, `resources`, `timers` and `balancers` by name (the first entry of a
/// name, as a scan would find it). Derived from the rest, so it never makes two models differ.
#[derive(Clone, Debug, Default)]
pub struct NameIndex(OnceLock<[HashMap<String, usize>; 4]>);

impl PartialEq for NameIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for NameIndex {}

fn positions<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (i, n) in names.enumerate() {
        index.entry(n.to_string()).or_insert(i);
    }
    index
}

impl Manifest {
    fn names(&self) -> &[HashMap<String, usize>; 4] {
        self.names.0.get_or_init(|| {
            [
                positions(self.services.iter().map(|s| s.name.value.as_str())),
                positions(self.resources.iter().map(|r| r.name.value.as_str())),
                positions(self.timers.iter().map(|t| t.name.value.as_str())),
                positions(self.balancers.iter().map(|b| b.name.value.as_str())),
            ]
        })
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.names()[0].get(name).map(|&i| &self.services[i])
    }

    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.names()[1].get(name).map(|&i| &self.resources[i])
    }

    pub fn timer(&self, name: &str) -> Option<&Timer> {
        self.names()[2].get(name).map(|&i| &self.timers[i])
    }

    pub fn balancer(&self, name: &str) -> Option<&Balancer> {
        self.names()[3].get(name).map(|&i| &self.balancers[i])
    }
}
