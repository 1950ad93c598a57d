//! The kinds the model renders, with the names kubectl and the features give them (the one
//! table), and [`AppObjects::fit`]: a kubectl command narrowed to the objects that are rendered.

use std::borrow::Cow;

use super::{AppObjects, Object};

/// (kind, kubectl's short name, how hints and the outline abbreviate it).
const KINDS: &[(&str, &str, &str)] = &[
    ("Deployment", "deploy", "Deployment"),
    ("DaemonSet", "ds", "DaemonSet"),
    ("Service", "svc", "Service"),
    ("Ingress", "ing", "Ingress"),
    ("HTTPProxy", "httpproxy", "HTTPProxy"),
    ("HorizontalPodAutoscaler", "hpa", "HPA"),
    ("ScaledObject", "scaledobject", "ScaledObject"),
    ("Secret", "secret", "Secret"),
    ("ServiceAccount", "sa", "ServiceAccount"),
    ("ConfigMap", "cm", "ConfigMap"),
    ("PersistentVolumeClaim", "pvc", "PVC"),
    ("PersistentVolume", "pv", "PV"),
    ("CronJob", "cronjob", "CronJob"),
];

/// kubectl's short name of a kind (`deploy`, `hpa`, `httpproxy`).
pub fn kubectl_name(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|k| k.0 == kind).map(|k| k.1)
}

/// How hints and symbols name a kind: the long ones shortened (`HPA`, `PVC`).
pub fn abbreviation(kind: &str) -> &str {
    KINDS.iter().find(|k| k.0 == kind).map_or(kind, |k| k.2)
}

/// The kind a kubectl resource word stands for (`deploy`, `deployments`, `Deployment`); `None`
/// for kinds the release does not render (pods, jobs, nodes ...).
pub fn of_kubectl(word: &str) -> Option<&'static str> {
    // Compared without regard to case, nothing lower-cased into a copy (a hover asks ~10 times).
    let strip = |suffix: &str| {
        let n = word.len().checked_sub(suffix.len())?;
        (word.is_char_boundary(n) && word[n..].eq_ignore_ascii_case(suffix)).then(|| &word[..n])
    };
    let ends = |s: &str, c: u8| s.as_bytes().last().is_some_and(|b| b.eq_ignore_ascii_case(&c));
    let singular = strip("es").filter(|s| ends(s, b's') || ends(s, b'x')).or_else(|| strip("s"));
    let same = |x: &str, k: &(&str, &str, &str)| x.eq_ignore_ascii_case(k.1) || x.eq_ignore_ascii_case(k.0);
    KINDS.iter().find(|k| [word, singular.unwrap_or(word)].iter().any(|x| same(x, k))).map(|k| k.0)
}

/// The words of a command line as a shell splits them; a line with no quote, escape, comment or
/// whitespace but spaces is split on its spaces (most of the knowledge base's commands, several
/// per hover).
fn words(line: &str) -> Option<Vec<Cow<'_, str>>> {
    if line.bytes().any(|b| matches!(b, b'\'' | b'"' | b'\\' | b'#' | b'\t' | b'\n' | b'\r' | b'\x0c')) {
        return shell_words::split(line).ok().map(|ws| ws.into_iter().map(Cow::Owned).collect());
    }
    Some(line.split(' ').filter(|w| !w.is_empty()).map(Cow::Borrowed).collect())
}

/// The parts of a `kubectl get|describe` line that name objects (borrowed from its words).
struct Query<'w> {
    /// The resource word as written (`deploy,svc,pvc,cm`, `ing`).
    kinds: &'w str,
    name: Option<&'w str>,
    namespace: Option<&'w str>,
    selector: Option<&'w str>,
    jsonpath: Option<&'w str>,
}

fn query<'w>(words: &'w [Cow<'_, str>]) -> Option<Query<'w>> {
    let (first, rest) = words.split_first()?;
    if first != "kubectl" {
        return None;
    }
    let mut q = Query { kinds: "", name: None, namespace: None, selector: None, jsonpath: None };
    let mut positional: Vec<&str> = Vec::new();
    let mut it = rest.iter().map(|w| w.as_ref());
    while let Some(w) = it.next() {
        match w {
            "-n" | "--namespace" => q.namespace = it.next(),
            "-l" | "--selector" => q.selector = it.next(),
            "-o" | "--output" => q.jsonpath = it.next().and_then(|o| o.strip_prefix("jsonpath=")),
            "-L" | "-c" | "--sort-by" | "--field-selector" => {
                it.next();
            }
            "--" | "|" => break,
            flag if flag.starts_with('-') => {}
            word => positional.push(word),
        }
    }
    if !matches!(positional.first(), Some(&("get" | "describe"))) || positional.len() > 3 {
        return None;
    }
    q.kinds = positional.get(1)?;
    q.name = positional.get(2).copied();
    if q.kinds.contains('/') {
        return None;
    }
    Some(q)
}

/// Whether an object carries every `key=value` (or `key`) of a selector.
pub fn selects(selector: &str, o: &Object) -> bool {
    terms(selector).all(|(k, v)| o.labels.iter().any(|l| l.key == k && v.is_none_or(|v| l.value.as_str() == Some(v))))
}

/// A selector's terms: `key=value` or `key` alone.
pub(super) fn terms(selector: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    selector.split(',').map(|t| t.split_once('=').map_or((t, None), |(k, v)| (k, Some(v))))
}

impl AppObjects {
    /// A `kubectl get`/`describe` of the app's namespace narrowed to what is rendered: each kind
    /// of the list kept only when an object of that kind has the name and carries the selector's
    /// labels, an Ingress that the router made an HTTPProxy asked as one; `None` when nothing it
    /// names is rendered, or when its `jsonpath` names a field the object does not have (`status`
    /// aside: Kubernetes fills it). Other commands, and other namespaces, are kept as they are.
    pub fn fit(&self, line: &str) -> Option<String> {
        let words = words(line)?;
        let Some(q) = query(&words) else { return self.fit_slashed(line, &words) };
        if q.namespace.as_ref().is_some_and(|n| *n != self.namespace)
            || q.name.as_ref().is_some_and(|n| n.contains('<'))
        {
            return Some(line.to_string());
        }
        let mut kept: Vec<&str> = Vec::new();
        for word in q.kinds.split(',') {
            let Some(kind) = of_kubectl(word) else {
                // Pods are made from a rendered pod template: one must carry the selector's labels.
                let pods = matches!(word, "pods" | "pod" | "po");
                if !pods || q.selector.as_ref().is_none_or(|s| s.contains('<') || self.templates_select(s)) {
                    kept.push(word);
                }
                continue;
            };
            let found = |o: &&Object| {
                q.name.as_ref().is_none_or(|n| o.name == *n)
                    && q.selector.as_ref().is_none_or(|s| selects(s, o))
                    && q.jsonpath.as_ref().is_none_or(|p| has_path(o, p))
            };
            // The word as written when its kind is there, else the stand-in's.
            match self.rendered_as(kind, q.name, q.selector, found) {
                Some(k) if kubectl_name(kind) == Some(k) => kept.push(word),
                Some(k) if !kept.contains(&k) => kept.push(k),
                _ => {}
            }
        }
        if kept.is_empty() {
            return None;
        }
        let written = format!(" {} ", q.kinds);
        Some(line.replacen(&written, &format!(" {} ", kept.join(",")), 1))
    }

    /// The kubectl name of `kind` when an object of it passes `found`, else of the kind the render
    /// makes in its place (a DaemonSet for an agent's Deployment, an HTTPProxy on a contour router).
    fn rendered_as(
        &self,
        kind: &str,
        name: Option<&str>,
        selector: Option<&str>,
        found: impl Fn(&&Object) -> bool,
    ) -> Option<&'static str> {
        let instead = match kind {
            "Deployment" => Some("DaemonSet"),
            "Ingress" => Some("HTTPProxy"),
            _ => None,
        };
        std::iter::once(kind)
            .chain(instead)
            .find(|k| self.candidates(k, name, selector).any(|o| found(&o)))
            .and_then(kubectl_name)
    }

    /// `kubectl logs deploy/web`, `rollout status deploy/web`: each `kind/name` the render has, or
    /// its stand-in; `None` when one names nothing rendered.
    fn fit_slashed(&self, line: &str, words: &[Cow<'_, str>]) -> Option<String> {
        let mut out = line.to_string();
        for w in words.iter().skip(1).take_while(|w| *w != "--") {
            let Some((k, name)) = w.split_once('/') else { continue };
            let Some(kind) = of_kubectl(k) else { continue };
            if name.contains('<') {
                continue;
            }
            let k2 = self.rendered_as(kind, Some(name), None, |o| o.name == name)?;
            out = out.replacen(w.as_ref(), &format!("{k2}/{name}"), 1);
        }
        Some(out)
    }
}

/// Whether a jsonpath (`{.spec.template.spec.containers[0].image}`) names a field of the object.
fn has_path(o: &Object, jsonpath: &str) -> bool {
    let path = jsonpath.trim_matches(['{', '}', '.']).replace("[0]", "[]").replace("[*]", "[]");
    if path.starts_with("status.") || path.starts_with("metadata.") {
        return true;
    }
    o.has_field(&path)
}

#[cfg(test)]
mod tests {
    use super::of_kubectl;

    #[test]
    fn kubectl_words_name_their_kind_in_any_case_and_number() {
        let cases = [
            ("deploy", Some("Deployment")),
            ("Deployments", Some("Deployment")),
            ("DEPLOYMENT", Some("Deployment")),
            ("ingresses", Some("Ingress")),
            ("ing", Some("Ingress")),
            ("svc", Some("Service")),
            ("services", Some("Service")),
            ("hpa", Some("HorizontalPodAutoscaler")),
            ("pvc", Some("PersistentVolumeClaim")),
            ("configmaps", Some("ConfigMap")),
            ("pods", None),
            ("jobs", None),
            ("", None),
            ("é", None),
            ("seés", None),
        ];
        for (word, kind) in cases {
            assert_eq!(of_kubectl(word), kind, "{word}");
        }
    }

    #[test]
    fn command_lines_split_as_a_shell_splits_them() {
        for line in [
            "kubectl get deploy,svc -n r-a -l service=web",
            "  kubectl   logs  -n r-a deploy/web --tail=100 ",
            "kubectl get pods -n r-a -o jsonpath='{.items[*].status.phase}'",
            "kubectl get svc web -o \"jsonpath={.spec}\" # a comment",
            "kubectl get\tpods",
            "echo a\\ b",
            "",
        ] {
            assert_eq!(
                super::words(line).map(|ws| ws.into_iter().map(String::from).collect::<Vec<_>>()),
                shell_words::split(line).ok(),
                "{line}"
            );
        }
    }
}
