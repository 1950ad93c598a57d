//! An `environment` entry and a `${VAR}` in a value.

use std::fmt::Write as _;

use super::{Hover, finish};
use crate::context::Context;
use crate::ide::analysis::Analysis;
use crate::ide::markdown::code;
use crate::model::Service;
use crate::syntax::KeyPath;
use crate::text::TextRange;

/// An `environment` entry: where the variable ends up, and how to read it in the cluster.
pub(super) fn env_hover(a: &Analysis, ctx: &Context, path: &KeyPath, range: TextRange, text: &str) -> Option<Hover> {
    let raw = text.trim_matches(['"', '\'']);
    let (name, default) = match raw.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (raw, None),
    };
    let keys: Vec<&str> = path.keys().collect();
    let m = a.model();
    let services: Vec<&Service> = match keys.as_slice() {
        ["services", svc, ..] => m.service(svc).into_iter().collect(),
        _ => m.services.iter().collect(),
    };
    env_markdown(ctx, name, default, &services, range, keys.first() == Some(&"services"))
}

fn env_markdown(
    ctx: &Context,
    name: &str,
    default: Option<&str>,
    services: &[&Service],
    range: TextRange,
    service_level: bool,
) -> Option<Hover> {
    let ns = ctx.namespace();
    let mut out = String::new();
    if name == "*" {
        let _ = writeln!(out, "**environment `*`** — every variable of the app's environment\n");
        out.push_str("Pulls in every variable set with `convox env set`, declared or not.\n");
        return Some(finish(range, &out, ctx));
    }
    let _ = writeln!(
        out,
        "**environment variable {}** — {}\n",
        code(name),
        match default {
            Some(d) => format!("default {}", code(d)),
            None => "required".to_string(),
        }
    );
    match default {
        Some(_) => out.push_str("A value set with `convox env set` wins over the default.\n\n"),
        None => {
            let _ = writeln!(
                out,
                "No default: it must be set with `convox env set {name}=... -a {}`, or the build fails with {}.\n",
                ctx.app_or_placeholder(),
                code(&format!("required env: {name}"))
            );
        }
    }
    let secrets: Vec<String> = services.iter().map(|s| code(&format!("Secret env-{}", s.name.value))).collect();
    if secrets.is_empty() {
        let _ = writeln!(
            out,
            "**Kubernetes**: goes into each service's Secret `env-<service>`; this file declares no service yet.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "**Kubernetes** · namespace {}: {} {} (key {}), read by the pods through `envFrom`.\n",
            code(&ns),
            if service_level { "only in" } else { "in every service's Secret:" },
            secrets.join(", "),
            code(name)
        );
    }
    if let Some(s) = services.first() {
        let _ = writeln!(
            out,
            "```sh\nkubectl get secret env-{} -n {ns} -o jsonpath='{{.data.{name}}}' | base64 -d\n```",
            s.name.value
        );
    }
    Some(finish(range, &out, ctx))
}

/// `${VAR}` anywhere in a value: Convox substitutes it from the app's environment before reading
/// the YAML.
pub(super) fn interpolation_hover(a: &Analysis, offset: usize, ctx: &Context) -> Option<Hover> {
    let text = a.text();
    // In order and disjoint: the one that may hold `offset` is the last starting at or before it.
    let all = a.interpolations();
    let i = *all[..all.partition_point(|i| i.range.start <= offset)].last()?;
    if offset > i.range.end || text[i.range.start..i.range.end].contains('\n') {
        return None;
    }
    let var = &text[i.name.start..i.name.end];
    let range = i.range;
    let m = a.model();
    let declared =
        m.environment.iter().chain(m.services.iter().flat_map(|s| s.environment.iter())).find(|e| e.name.value == var);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**{}** — replaced from the app's environment before the YAML is read\n",
        code(&format!("${{{var}}}"))
    );
    let env = ctx.environment.as_deref();
    if var.contains(":-") || var.contains(":=") {
        let _ = writeln!(
            out,
            "Convox has no `${{VAR:-default}}` syntax: it looks up a variable named {} and gets an empty string.\n",
            code(var)
        );
    } else if let Some(v) = env.and_then(|e| e.get(var)) {
        let shown = if v.value.is_empty() { "the empty string".to_string() } else { code(&v.value) };
        let _ = writeln!(out, "Value: {shown}, from {}.\n", v.source.describe());
    } else if env.is_some() {
        let _ = writeln!(
            out,
            "Not set in the environment given: Convox substitutes an empty string{}.\n",
            if declared.is_some_and(|e| e.default.is_none()) {
                ", and the release refuses to run without it (`required env`)"
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(
            out,
            "Convox substitutes the value of {} from `convox env` (and build args at build time); an unset variable becomes an empty string. Give an environment (`convox.envFile`, `convox.environment`; `--env-file`, `-e`) to see it here.\n",
            code(var)
        );
    }
    match declared {
        // The default is the service's variable's, not the substitution's: `${VAR}` reads the
        // release's environment only (pkg/manifest/manifest.go:52, interpolate(data, env)).
        Some(e) => {
            let _ = writeln!(
                out,
                "Declared in `environment`{}.\n",
                e.default
                    .as_ref()
                    .map(|d| format!(" with default {}, which sets the variable in the containers but not here: `${{{var}}}` reads only the app's environment", code(&d.value)))
                    .unwrap_or_default()
            );
        }
        None => out.push_str("Not declared in any `environment` list of this file.\n\n"),
    }
    let _ = writeln!(out, "```sh\nconvox env get {var} -a {}\n```", ctx.app_or_placeholder());
    Some(finish(range, &out, ctx))
}
