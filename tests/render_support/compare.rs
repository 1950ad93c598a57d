//! The field-for-field comparison of our render with Convox's own (`convox-render`): every object
//! and field the oracle renders must be in ours with the same value, except the oracle's stubs and
//! what `objects::LEFT_OUT` declares.

use std::collections::BTreeMap;
use std::sync::Arc;

use convox_lsp::context::Context;
use convox_lsp::env::Environment;
use convox_lsp::ide::objects::{LEFT_OUT, RenderContext};
use convox_lsp::ide::{Analysis, Evaluated};
use serde::Deserialize;
use yaml_serde::Value;

pub fn documents(yaml: &str) -> Vec<Value> {
    yaml_serde::Deserializer::from_str(yaml)
        .filter_map(|d| Value::deserialize(d).ok())
        .filter(|v| v.is_mapping())
        .collect()
}

/// (kind, name) of an object.
fn id(v: &Value) -> (String, String) {
    let s = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or_default().to_string();
    (s(v.get("kind")), s(v.get("metadata").and_then(|m| m.get("name"))))
}

/// Our placeholders as the oracle stubs them (its README: release RTEST, build BTEST, image
/// repository REPO, router domains acme.example and acme.internal).
fn as_stubbed(v: &Value) -> Value {
    match v.as_str() {
        Some(s) => Value::String(
            s.replace("<release>", "RTEST")
                .replace("<build>", "BTEST")
                .replace("<app-repo>", "REPO")
                .replace("<router-domain>", "acme.example")
                .replace("<internal-router-domain>", "acme.internal"),
        ),
        None => v.clone(),
    }
}

/// A value the oracle stubs or only the rack knows (passwords, environment values).
fn is_stub(ours: &Value) -> bool {
    // `${VAR}`s are not stubs: both sides substitute the same release environment.
    ours.as_str().is_some_and(|s| ["<password>", "<value>", "<efs-id>"].iter().any(|p| s.contains(p)))
}

/// Differences that come from outside the model, each with its reason (a follow-up elsewhere).
const KNOWN: &[(&str, &str, &str)] = &[];

/// The declared left-out this oracle field falls under, if any.
fn left_out(kind: &str, path: &str) -> Option<&'static str> {
    LEFT_OUT
        .iter()
        .find(|l| l.fields.iter().any(|(k, p)| (*k == kind || *k == "*") && path.starts_with(p)))
        .map(|l| l.what)
}

#[derive(Default)]
pub struct Tally {
    pub files: usize,
    pub objects: usize,
    pub objects_matched: usize,
    pub fields: usize,
    pub fields_matched: usize,
    pub stubbed: usize,
    pub stubbed_by: BTreeMap<String, usize>,
    pub extra_fields: BTreeMap<String, (usize, String)>,
    pub left_out: BTreeMap<&'static str, usize>,
    pub missing_objects: BTreeMap<String, usize>,
    pub extra_objects: BTreeMap<String, usize>,
    pub wrong: BTreeMap<String, (usize, String)>,
}

impl Tally {
    pub fn compare_file(&mut self, oracle: &[Value], ours: &[Value], file: &str) {
        self.files += 1;
        let ours_by_id: BTreeMap<(String, String), &Value> = ours.iter().map(|v| (id(v), v)).collect();
        for o in oracle {
            let (kind, name) = id(o);
            self.objects += 1;
            let Some(mine) = ours_by_id.get(&(kind.clone(), name.clone())) else {
                *self.missing_objects.entry(format!("{kind} {name}")).or_default() += 1;
                continue;
            };
            self.objects_matched += 1;
            self.compare_object(&kind, o, mine, file);
        }
        let theirs: Vec<(String, String)> = oracle.iter().map(id).collect();
        for v in ours {
            let (kind, name) = id(v);
            if !theirs.contains(&(kind.clone(), name.clone()))
                && !matches!(kind.as_str(), "ConfigMap" | "PersistentVolume")
            {
                *self.extra_objects.entry(format!("{kind} {name}")).or_default() += 1;
            }
        }
    }

    fn compare_object(&mut self, kind: &str, oracle: &Value, ours: &Value, file: &str) {
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        super::leaves(oracle, "", &mut a);
        super::leaves(ours, "", &mut b);
        self.compare_extra(kind, &a, &b, file);
        for (path, want) in &a {
            self.fields += 1;
            let got = b.get(path);
            if got.is_some_and(|g| as_stubbed(g) == *want) {
                self.fields_matched += 1;
            } else if got.is_some_and(is_stub) {
                self.stubbed += 1;
                *self.stubbed_by.entry(format!("{kind} {}", strip_indices(path))).or_default() += 1;
            } else if let Some(what) = left_out(kind, path) {
                *self.left_out.entry(what).or_default() += 1;
            } else if let Some((_, _, why)) = KNOWN.iter().find(|(f, p, _)| *f == file && path.ends_with(p)) {
                *self.left_out.entry(why).or_default() += 1;
            } else {
                let general = format!("{kind} {}", strip_indices(path));
                let e = self.wrong.entry(general).or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    e.1 = format!("{file}: want {want:?}, got {got:?}");
                }
            }
        }
    }

    /// Fields we write that Convox does not: only the env Secret's keys for names the release
    /// sets (`convox env set`), which the oracle leaves out of its Secret.
    fn compare_extra(&mut self, kind: &str, a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>, file: &str) {
        for (path, got) in b {
            // A list item whose value only the rack knows is the environment's, as is a Secret key.
            let mut items = path.match_indices(']').map(|(i, _)| &path[..=i]);
            let from_env = items.any(|p| b.iter().any(|(k, v)| k.starts_with(p) && is_stub(v)));
            if a.contains_key(path) || from_env || (kind == "Secret" && path.starts_with("data.") && is_stub(got)) {
                continue;
            }
            let e = self.extra_fields.entry(format!("{kind} {}", strip_indices(path))).or_insert((0, String::new()));
            e.0 += 1;
            if e.1.is_empty() {
                e.1 = format!("{file}: {got:?}");
            }
        }
    }

    pub fn report(&self) -> String {
        let pct = |a: usize, b: usize| if b == 0 { 100.0 } else { 100.0 * a as f64 / b as f64 };
        let mut r = format!(
            "{} manifests; objects {}/{} matched ({:.1}%); fields {}/{} matched ({:.1}%), {} stubbed by the oracle, {} left out\n",
            self.files,
            self.objects_matched,
            self.objects,
            pct(self.objects_matched, self.objects),
            self.fields_matched,
            self.fields,
            pct(self.fields_matched, self.fields),
            self.stubbed,
            self.left_out.values().sum::<usize>(),
        );
        for (what, n) in &self.left_out {
            r.push_str(&format!("  left out {n}: {what}\n"));
        }
        for (o, n) in &self.missing_objects {
            r.push_str(&format!("  MISSING object {o} ({n})\n"));
        }
        for (o, n) in &self.extra_objects {
            r.push_str(&format!("  extra object {o} ({n})\n"));
        }
        for (path, n) in &self.stubbed_by {
            r.push_str(&format!("  stubbed {path} ({n})\n"));
        }
        for (path, (n, example)) in &self.extra_fields {
            r.push_str(&format!("  EXTRA {path} ({n}): {example}\n"));
        }
        for (path, (n, example)) in &self.wrong {
            r.push_str(&format!("  WRONG {path} ({n}): {example}\n"));
        }
        r
    }
}

fn strip_indices(path: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for c in path.chars() {
        match c {
            '[' => {
                skip = true;
                out.push_str("[]");
            }
            ']' => skip = false,
            _ if skip => {}
            _ => out.push(c),
        }
    }
    out
}

/// The names a manifest requires (`- NAME` in the top-level or a service's `environment`), once
/// each: the oracle sets them to `x` unless told otherwise (its README).
pub fn required_names(text: &str) -> Vec<String> {
    let a = Analysis::from_text(text);
    let m = a.model();
    let mut required: Vec<String> = Vec::new();
    for e in m.environment.iter().chain(m.services.iter().flat_map(|s| s.environment.iter())) {
        if e.default.is_none() && e.name.value != "*" && !required.contains(&e.name.value) {
            required.push(e.name.value.clone());
        }
    }
    required
}

/// Our objects for rack `acme`, app `shop` (the oracle's), the manifest evaluated with `env` and
/// `env` merged as Convox merges the release environment.
pub fn ours_with(text: &str, env: Environment) -> Vec<Value> {
    let evaluated = Evaluated::new(text, &env);
    let target = Context {
        rack: Some("acme".into()),
        app: Some("shop".into()),
        environment: Some(Arc::new(env)),
        ..Context::default()
    };
    evaluated.analysis.objects(&RenderContext::new(&target)).objects.iter().map(|o| o.value().to_yaml()).collect()
}
