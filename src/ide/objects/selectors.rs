//! The rendered objects by kind, by kind and name, by kind and label, and the pod templates by
//! label, built once per model on the first kubectl command narrowed ([`AppObjects::fit`]): an
//! `explain` of a large app narrows a command for every key, and a scan of every object (and of
//! every pod template's labels) per command made it quadratic in the number of services.

use std::collections::HashMap;

use super::{AppObjects, Object};

/// Positions in `objects` followed by `outside` (one numbering for both).
#[derive(Clone, Debug, Default)]
pub(super) struct SelectorIndex(std::sync::OnceLock<Index>);

impl PartialEq for SelectorIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SelectorIndex {}

#[derive(Clone, Debug, Default)]
struct Index {
    by_kind: HashMap<String, Vec<usize>>,
    /// By kind, then name (nested, so that a lookup makes no key).
    by_name: HashMap<String, HashMap<String, Vec<usize>>>,
    /// By kind, then `key=value` of each object's own labels.
    by_label: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Each pod template's labels (a workload's, a CronJob's job's), and by `key=value`.
    templates: Vec<Vec<(String, String)>>,
    templates_by_label: HashMap<String, Vec<usize>>,
}

/// The `key=value` terms of a selector, the ones that can be looked up.
fn equalities(selector: &str) -> impl Iterator<Item = &str> {
    selector.split(',').filter(|t| t.contains('='))
}

impl AppObjects {
    fn selector_index(&self) -> &Index {
        self.selectors.0.get_or_init(|| {
            let mut ix = Index::default();
            for (i, o) in self.objects.iter().chain(&self.outside).enumerate() {
                ix.by_kind.entry(o.kind.clone()).or_default().push(i);
                ix.by_name.entry(o.kind.clone()).or_default().entry(o.name.clone()).or_default().push(i);
                let by_label = ix.by_label.entry(o.kind.clone()).or_default();
                for l in &o.labels {
                    if let Some(v) = l.value.as_str() {
                        by_label.entry(format!("{}={v}", l.key)).or_default().push(i);
                    }
                }
                if let Some(labels) = template_labels(o) {
                    for (k, v) in &labels {
                        ix.templates_by_label.entry(format!("{k}={v}")).or_default().push(ix.templates.len());
                    }
                    ix.templates.push(labels);
                }
            }
            ix
        })
    }

    fn at(&self, i: usize) -> &Object {
        self.objects.get(i).unwrap_or_else(|| &self.outside[i - self.objects.len()])
    }

    /// The objects of `kind` that may have this name and carry this selector's labels: a superset
    /// of the matches, found through the index (the caller checks each, and stops at the first
    /// that matches). Of
    /// a selector's terms, the one fewest objects carry is looked up (`service=web,timer=t9` in an
    /// app of thousands of timers of `web`: the timer's).
    pub(super) fn candidates(
        &self,
        kind: &str,
        name: Option<&str>,
        selector: Option<&str>,
    ) -> impl Iterator<Item = &Object> + '_ {
        let ix = self.selector_index();
        let by_label = |term: &str| ix.by_label.get(kind)?.get(term);
        let list = match (name, selector) {
            (Some(n), _) => ix.by_name.get(kind).and_then(|names| names.get(n)),
            (None, Some(s)) if equalities(s).next().is_some() => {
                // A term no object carries: none can match.
                let lists: Option<Vec<&Vec<usize>>> = equalities(s).map(by_label).collect();
                lists.and_then(|l| l.into_iter().min_by_key(|l| l.len()))
            }
            _ => ix.by_kind.get(kind),
        };
        list.into_iter().flatten().map(|&i| self.at(i))
    }

    /// Whether a pod template (a workload's, a CronJob's job's) carries a selector's labels.
    pub(super) fn templates_select(&self, selector: &str) -> bool {
        let ix = self.selector_index();
        let matches = |labels: &Vec<(String, String)>| {
            super::kinds::terms(selector)
                .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && v.is_none_or(|v| lv == v)))
        };
        if equalities(selector).next().is_none() {
            return ix.templates.iter().any(matches);
        }
        // The term fewest templates carry (none carries one: no template matches).
        let lists: Option<Vec<&Vec<usize>>> = equalities(selector).map(|t| ix.templates_by_label.get(t)).collect();
        lists
            .and_then(|l| l.into_iter().min_by_key(|l| l.len()))
            .is_some_and(|l| l.iter().any(|&t| matches(&ix.templates[t])))
    }
}

/// A pod template's labels: `spec.template` (Deployment, DaemonSet) or
/// `spec.jobTemplate.spec.template` (CronJob).
fn template_labels(o: &Object) -> Option<Vec<(String, String)>> {
    if !matches!(o.kind.as_str(), "Deployment" | "DaemonSet" | "CronJob" | "StatefulSet" | "Job") {
        return None;
    }
    let labels = o.template_labels()?;
    Some(labels.iter().filter_map(|l| Some((l.key.to_string(), l.value.as_str()?.to_string()))).collect())
}
