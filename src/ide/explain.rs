//! `convox-lsp explain`: every key of the file with the objects it becomes and a command.

use super::Analysis;
use super::hover::{Bind, filled};
use crate::context::Context;
use crate::schema;
use crate::syntax::{KeyPath, Segment};

/// One row of `convox-lsp explain`: a key of the file, the objects it becomes, a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainRow {
    pub path: String,
    pub offset: usize,
    pub objects: Vec<String>,
    pub kubectl: Option<String>,
}

/// Every key of the first document with what it becomes here, in file order.
pub(super) fn explain(a: &Analysis, ctx: &Context) -> Vec<ExplainRow> {
    let mut rows = Vec::new();
    let mut stack: Vec<(&crate::syntax::yaml::Node, KeyPath)> = vec![(a.parse().root(), KeyPath::default())];
    let sch = schema::schema();
    while let Some((node, path)) = stack.pop() {
        let mut children = Vec::new();
        match &node.kind {
            crate::syntax::yaml::Kind::Map(entries) => {
                for e in entries {
                    let Some(k) = e.key.as_str() else { continue };
                    let mut p = path.clone();
                    p.0.push(Segment::Key(k.to_string()));
                    let m = sch.lookup(&p);
                    let b = Bind::new(a, ctx, &p);
                    let keys: Vec<&str> = p.keys().collect();
                    let entity = keys.len() == 2 && schema::NAMED_SECTIONS.contains(&keys[0]);
                    let (objects, kubectl) = match m.doc {
                        Some(doc) => {
                            let objects = doc
                                .k8s
                                .iter()
                                .filter(|r| r.when.is_none_or(|w| b.holds(w) != Some(false)))
                                .map(|r| {
                                    let o = format!("{} {}", r.kind, b.fill(&r.name));
                                    match (&r.field, entity) {
                                        (Some(f), false) => format!("{o} {}", b.fill(f)),
                                        _ => o,
                                    }
                                })
                                .collect();
                            (objects, filled(&b, &doc.kubectl).into_iter().next())
                        }
                        None => (Vec::new(), None),
                    };
                    rows.push(ExplainRow { path: p.to_string(), offset: e.key.range.start, objects, kubectl });
                    children.push((&e.value, p));
                }
            }
            crate::syntax::yaml::Kind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.0.push(Segment::Index(i));
                    children.push((item, p));
                }
            }
            _ => {}
        }
        stack.extend(children.into_iter().rev());
    }
    rows
}
