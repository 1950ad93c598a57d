//! `convox-lsp explain`: every key of the file with the objects it becomes and a command.

use super::analysis::Analysis;
use super::objects::RenderContext;
use super::place::{Bind, Standing, filled, standing};
use crate::context::Context;
use crate::schema;
use crate::syntax::yaml::{Kind, Node};
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
    let app = a.objects(&RenderContext::new(ctx));
    let mut rows = Vec::new();
    let mut stack: Vec<(&Node, KeyPath)> = vec![(a.parse().root(), KeyPath::default())];
    while let Some((node, path)) = stack.pop() {
        let mut children = Vec::new();
        match &node.kind {
            Kind::Map(entries) => {
                for e in entries {
                    let Some(k) = e.key.as_str() else { continue };
                    let mut p = path.clone();
                    p.0.push(Segment::Key(k.to_string()));
                    rows.push(row(&Bind::new(a, ctx, &app, &p), &p, e.key.range.start));
                    children.push((&e.value, p));
                }
            }
            Kind::Seq(items) => {
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

/// One key: the objects the model says exist here (not those that would exist elsewhere).
fn row(b: &Bind, p: &KeyPath, offset: usize) -> ExplainRow {
    let keys: Vec<&str> = p.keys().collect();
    let entity = keys.len() == 2 && schema::NAMED_SECTIONS.contains(&keys[0]);
    let (objects, kubectl) = match schema::schema().lookup(p).doc {
        Some(doc) => {
            let objects = doc
                .k8s
                .iter()
                .filter_map(|r| {
                    let (name, standing) = standing(b, r);
                    if matches!(standing, Standing::NotHere(_)) {
                        return None;
                    }
                    let o = format!("{} {name}", r.kind);
                    Some(match (&r.field, entity) {
                        (Some(f), false) => format!("{o} {}", b.fill(f)),
                        _ => o,
                    })
                })
                .collect();
            (objects, filled(b, &doc.kubectl).into_iter().next())
        }
        None => (Vec::new(), None),
    };
    ExplainRow { path: p.to_string(), offset, objects, kubectl }
}
