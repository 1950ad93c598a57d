//! Values of the key at the cursor: closed sets, booleans, resource types, cron presets, counts,
//! ports; the names a reference key takes come from `names`.

use super::item::value_item;
use super::{CompletionItem, CompletionKind, names};
use crate::ide::analysis::Analysis;
use crate::schema::{self, Shape};
use crate::syntax::KeyPath;
use crate::text::TextRange;

pub(super) fn values(a: &Analysis, path: &KeyPath, replace: TextRange) -> Vec<CompletionItem> {
    let sch = schema::schema();
    let m = sch.lookup(path);
    let keys: Vec<&str> = path.keys().collect();
    let mut items = Vec::new();
    match m.pattern.as_str() {
        p if names::REFERENCES.contains(&p) => return names::references(a, p, &keys, replace),
        "resources.*.type" => {
            for (i, (t, rt)) in sch.resource_types().enumerate() {
                items.push(value_item(
                    t,
                    Some(rt.summary.trim_end_matches('.').to_string()),
                    CompletionKind::Value,
                    replace,
                    i,
                ));
            }
        }
        "timers.*.schedule" => {
            for (i, (cron, meaning)) in [
                ("0 * * * *", "every hour, on the hour"),
                ("*/15 * * * *", "every 15 minutes"),
                ("*/5 * * * *", "every 5 minutes"),
                ("0 0 * * *", "every day at midnight UTC"),
                ("0 3 * * *", "every day at 03:00 UTC"),
                ("0 9 * * 1-5", "weekdays at 09:00 UTC"),
                ("0 0 * * 0", "every Sunday at midnight UTC"),
                ("0 0 1 * *", "the first of every month at midnight UTC"),
            ]
            .iter()
            .enumerate()
            {
                let mut item = value_item(cron, Some((*meaning).to_string()), CompletionKind::Value, replace, i);
                item.insert = format!("\"{cron}\"");
                items.push(item);
            }
        }
        "services.*.scale.count" | "services.*.scale" => {
            for (i, (v, meaning)) in [
                ("1", "one replica"),
                ("2", "two replicas, no autoscaling"),
                ("2-10", "2 to 10 replicas, autoscaled by an HPA"),
                ("0", "no pods: a template for timers"),
            ]
            .iter()
            .enumerate()
            {
                items.push(value_item(v, Some((*meaning).to_string()), CompletionKind::Value, replace, i));
            }
        }
        "services.*.port" | "services.*.health.port" | "services.*.liveness.port" => {
            for (i, (v, meaning)) in
                [("3000", "HTTP on 3000"), ("\"https:443\"", "HTTPS to the container"), ("\"grpc:50051\"", "gRPC")]
                    .iter()
                    .enumerate()
            {
                items.push(value_item(v, Some((*meaning).to_string()), CompletionKind::Value, replace, i));
            }
        }
        _ => {
            if let Some(doc) = m.doc {
                if doc.status.is_some() {
                    return items;
                }
                for (i, v) in doc.values.iter().enumerate() {
                    items.push(value_item(v, None, CompletionKind::Value, replace, i));
                }
                if doc.values.is_empty() && doc.accepts.contains(&Shape::Boolean) {
                    for (i, v) in ["true", "false"].iter().enumerate() {
                        let detail = doc.default.as_deref().filter(|d| d == v).map(|_| "the default".to_string());
                        items.push(value_item(v, detail, CompletionKind::Value, replace, i));
                    }
                }
            }
        }
    }
    items
}
