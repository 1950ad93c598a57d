//! Renames: a service, resource, timer or balancer that disappears while one with the same body
//! appears under a new name. Convox has no notion of a rename: the new name's objects are created
//! and the old name's are pruned, so names, volumes and data do not follow.

use super::{Action, Entry};
use crate::ide::analysis::Analysis;
use crate::ide::objects::Owner;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    /// `services`, `resources`, `timers` or `balancers`.
    pub section: &'static str,
    pub old: String,
    pub new: String,
}

impl Rename {
    fn owner(&self, name: &str) -> Owner {
        let name = name.to_string();
        match self.section {
            "services" => Owner::Service(name),
            "resources" => Owner::Resource(name),
            "timers" => Owner::Timer(name),
            _ => Owner::Balancer(name),
        }
    }

    /// `services.web -> services.www`.
    pub fn title(&self) -> String {
        format!("{0}.{1} -> {0}.{2}", self.section, self.old, self.new)
    }
}

/// (name, body) of each entry of each section: the body is the entry's text after its name,
/// dedented and with trailing spaces cut, so moving an entry or reindenting it is no change.
fn bodies(a: &Analysis) -> Vec<(&'static str, String, String)> {
    let m = a.model();
    let text = a.text();
    let body = |name: TextRange, entry: TextRange| normalize(text.get(name.end..entry.end).unwrap_or_default());
    let mut out = Vec::new();
    out.extend(m.services.iter().map(|x| ("services", x.name.value.clone(), body(x.name.range, x.range))));
    out.extend(m.resources.iter().map(|x| ("resources", x.name.value.clone(), body(x.name.range, x.range))));
    out.extend(m.timers.iter().map(|x| ("timers", x.name.value.clone(), body(x.name.range, x.range))));
    out.extend(m.balancers.iter().map(|x| ("balancers", x.name.value.clone(), body(x.name.range, x.range))));
    out
}

fn normalize(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(str::trim_end).filter(|l| !l.is_empty()).collect();
    let indent = lines.iter().skip(1).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == 0 { l } else { l.get(indent..).unwrap_or(l) });
        out.push('\n');
    }
    out
}

/// The renames from `old` to `new`: a name gone, a name new in the same section, same body. Each
/// name pairs once (the first match); a body too small to tell (empty) is no rename.
pub fn renames(old: &Analysis, new: &Analysis) -> Vec<Rename> {
    let (before, after) = (bodies(old), bodies(new));
    let has = |side: &[(&str, String, String)], s: &str, n: &str| side.iter().any(|(s2, n2, _)| *s2 == s && n2 == n);
    let gone: Vec<_> = before.iter().filter(|(s, n, _)| !has(&after, s, n)).collect();
    let mut added: Vec<_> = after.iter().filter(|(s, n, _)| !has(&before, s, n)).collect();
    let mut out = Vec::new();
    for (section, name, body) in gone {
        if body.trim_start_matches(':').trim().is_empty() {
            continue;
        }
        if let Some(i) = added.iter().position(|(s, _, b)| s == section && b == body) {
            let (_, new_name, _) = added.remove(i);
            out.push(Rename { section, old: name.clone(), new: new_name.clone() });
        }
    }
    out
}

/// Adds to the entries of renamed owners what a rename does.
pub fn annotate(renames: &[Rename], entries: &mut [Entry]) {
    for r in renames {
        let (old, new) = (r.owner(&r.old), r.owner(&r.new));
        for e in entries.iter_mut() {
            if e.owner == old && e.action == Action::Deleted {
                e.notes.push(format!(
                    "{}: renamed, and Convox knows no renames: the old name's objects are pruned, the new name's created",
                    r.title()
                ));
            } else if e.owner == new && e.action == Action::Created {
                let what = match e.kind.as_str() {
                    "PersistentVolumeClaim" => "a new, empty claim: the data of the old one is not copied",
                    "Service" => "a new DNS name: clients of the old name must change",
                    _ => "created under the new name",
                };
                e.notes.push(format!("{}: {what}", r.title()));
            }
        }
    }
}
