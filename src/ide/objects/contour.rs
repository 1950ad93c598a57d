//! A service's HTTPProxies on a contour router (`provider/k8s/template/app/httpproxy.yml.tmpl`,
//! parameters from `provider/k8s/release.go:640-760`): one for the service host, one
//! `<service>-domain-<i>` per custom domain. The nginx `ingressAnnotations` Convox translates to
//! Contour (rate limits, timeouts) are left out.

use super::read::Key;
use super::svc::{Svc, labels, object};
use super::value::{Field, Value, f, int, list, map, s};
use super::{App, Object};

/// The template's `ingressClassName`: the rack's classes (`Engine.IngressClass`).
fn class(internal: bool) -> &'static str {
    if internal { "contour-internal" } else { "contour" }
}

/// `contourBackendProtocol` (release.go:1484).
fn backend_protocol(scheme: &str) -> Option<&'static str> {
    match scheme.to_uppercase().as_str() {
        "HTTPS" => Some("tls"),
        "GRPC" => Some("h2c"),
        "GRPCS" => Some("h2"),
        _ => None,
    }
}

pub fn proxies(app: &App, svc: &Svc, internal: bool, host: Value, domains: &[String]) -> Vec<Object> {
    let mut out = vec![proxy(app, svc, internal, &svc.name, host, false)];
    for (i, d) in domains.iter().enumerate() {
        let mut o = proxy(app, svc, internal, &format!("{}-domain-{i}", svc.name), s(d), true);
        o.from = vec![svc.key.get("domain").path];
        out.push(o);
    }
    out
}

fn proxy(app: &App, svc: &Svc, internal: bool, name: &str, fqdn: Value, domain: bool) -> Object {
    let mut o = object(app, svc, "HTTPProxy", "projectcontour.io/v1", name, "app/httpproxy.yml.tmpl:1");
    let base = [("app", app.ctx.app()), ("service", svc.name.as_str()), ("system", "convox"), ("type", "service")];
    o.labels = if domain { super::value::pairs(&base) } else { labels(app, svc, &base) };
    if !domain {
        let scheme = svc.port.as_ref().map(|(sc, _)| sc.clone()).unwrap_or_default();
        o.annotations = vec![
            f("convox.com/idles", s(app.ctx.idles.to_string())),
            f("convox.com/backend-protocol", s(scheme)).from(format!("{}.port", svc.path())),
        ];
    }
    let cert = svc.key.get("certificate").get("id");
    let mut vhost = vec![f("fqdn", fqdn)];
    let convox_tls = app.ctx.domain_tls && !internal;
    if cert.exists() || convox_tls {
        let fallback = if domain { format!("cert-{}-domains", svc.name) } else { format!("cert-{}", svc.name) };
        vhost.push(f("tls", map(vec![f("secretName", s(cert.str().unwrap_or(fallback)))])));
    }
    vhost.extend(allow_policy(svc, internal));
    let spec = vec![
        f("ingressClassName", s(class(internal))),
        f("virtualhost", map(vhost)),
        f("routes", list(vec![map(route(svc))])),
    ];
    o.body = vec![f("spec", map(spec))];
    o
}

/// `ipAllowPolicy` from `whitelist` (not on the internal router; source Peer without the rack's
/// proxy protocol).
fn allow_policy(svc: &Svc, internal: bool) -> Option<Field> {
    let wl = svc.key.get("whitelist");
    let cidrs: Vec<String> =
        wl.str().unwrap_or_default().split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
    if internal || cidrs.is_empty() {
        return None;
    }
    let items = cidrs.into_iter().map(|c| map(vec![f("cidr", s(c)), f("source", s("Peer"))])).collect();
    Some(f("ipAllowPolicy", list(items)).from(wl.path.clone()))
}

fn route(svc: &Svc) -> Vec<Field> {
    let k: &Key = &svc.key;
    let (scheme, port) = svc.port.clone().unwrap_or_default();
    let mut r =
        vec![f("conditions", list(vec![map(vec![f("prefix", s("/"))])])), f("enableWebsockets", Value::Bool(true))];
    let redirect = k.get("tls").get("redirect");
    if redirect.bool() == Some(false) {
        r.push(f("permitInsecure", Value::Bool(true)).from(redirect.path.clone()));
    }
    let mut backend = vec![f("name", s(&svc.name)), f("port", int(port))];
    if let Some(p) = backend_protocol(&scheme) {
        backend.push(f("protocol", s(p)).from(format!("{}.port", svc.path())));
    }
    r.push(f("services", list(vec![map(backend)])));
    let timeout = k.get("timeout").int().unwrap_or(60);
    let policy = map(vec![f("response", s("infinity")), f("idle", s(format!("{timeout}s")))]);
    r.push(f("timeoutPolicy", policy).from(k.get("timeout").path));
    if k.get("sticky").is_true() {
        r.push(f("loadBalancerPolicy", map(vec![f("strategy", s("Cookie"))])).from(k.get("sticky").path));
    }
    r
}
