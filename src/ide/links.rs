//! Links from keys to their page of Convox's documentation (`docs` in the knowledge base; a key
//! without one shares its parent's).

use super::analysis::Analysis;
use crate::schema::{self, docs_url};
use crate::syntax::Segment;
use crate::syntax::yaml::{Kind, Node};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocLink {
    pub range: TextRange,
    pub url: String,
}

pub(super) fn doc_links(a: &Analysis) -> Vec<DocLink> {
    let mut out = Vec::new();
    walk(a.parse().root(), "", None, &mut out);
    out
}

fn walk(node: &Node, pattern: &str, inherited: Option<&str>, out: &mut Vec<DocLink>) {
    let sch = schema::schema();
    match &node.kind {
        Kind::Map(entries) => {
            for e in entries {
                let Some(key) = e.key.as_str() else { continue };
                let child = sch.step(pattern, &Segment::Key(key.to_string()));
                let Some(doc) = sch.get(&child) else { continue };
                let page = doc.docs.as_deref().or(inherited);
                if let Some(page) = page {
                    out.push(DocLink { range: e.key.range, url: docs_url(page) });
                }
                walk(&e.value, &child, page, out);
            }
        }
        Kind::Seq(items) => {
            let child = sch.step(pattern, &Segment::Index(0));
            for item in items {
                walk(item, &child, inherited, out);
            }
        }
        _ => {}
    }
}
