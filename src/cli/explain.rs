//! `explain PATH [KEY.PATH]`.

use std::fmt::Write as _;

use super::{display_name, read_input};

/// `explain PATH [KEY.PATH]`: the whole file as key -> objects -> kubectl, or one key's hover.
pub fn explain(path: &str, key: Option<&str>, ctx: &crate::context::Context) -> Result<String, String> {
    let text = read_input(path)?;
    let analysis = super::env::analysis(&text, ctx);
    let rows = analysis.explain(ctx);
    let mut out = String::new();
    match key {
        Some(k) => {
            let want = k.trim();
            let row = rows.iter().find(|r| r.path == want).ok_or_else(|| {
                let near: Vec<&str> = rows
                    .iter()
                    .map(|r| r.path.as_str())
                    .filter(|p| p.starts_with(want.split('.').next().unwrap_or("")))
                    .take(5)
                    .collect();
                format!(
                    "{}: no key {want}{}",
                    display_name(path),
                    if near.is_empty() { String::new() } else { format!(" (keys there: {})", near.join(", ")) }
                )
            })?;
            let hover = analysis
                .hover(row.offset, ctx)
                .ok_or_else(|| format!("{}: nothing known about {want}", display_name(path)))?;
            out.push_str(&hover.markdown);
        }
        None => {
            let _ = writeln!(out, "# {} (namespace {})", display_name(path), ctx.namespace());
            let _ = writeln!(out, "# {}", crate::ide::troubleshoot::namespaces(ctx));
            for r in rows {
                let _ = writeln!(out, "{}", r.path);
                if r.objects.is_empty() {
                    let _ = writeln!(out, "  -> (no Kubernetes object)");
                } else {
                    let _ = writeln!(out, "  -> {}", r.objects.join("; "));
                }
                if let Some(c) = r.kubectl {
                    let _ = writeln!(out, "  $ {c}");
                }
            }
        }
    }
    Ok(out)
}
