//! A service's Service (`app/service.yml.tmpl:570-602`) and its Ingress on the nginx router
//! (`app/ingress.yml.tmpl`, `app/ingress-internal.yml.tmpl`, parameters from
//! `provider/k8s/release.go:505-640`), or its HTTPProxy on contour.

use super::svc::{Svc, absent, labels, object};
use super::value::{Field, Placeholder, Value, f, int, list, map, overridden, pairs, s, with_hole};
use super::workload::extra_ports;
use super::{App, AppObjects, Object, Owner, Router};
use crate::schema::When;

pub fn build(app: &App, svc: &Svc, out: &mut AppObjects) {
    let owner = Owner::Service(svc.name.clone());
    match cluster_service(app, svc) {
        Some(o) => out.objects.push(o),
        None => out.not_created.push(absent(&owner, "Service", &svc.name, When::PortOrPorts)),
    }
    let kind = if app.ctx.router == Router::Contour { "HTTPProxy" } else { "Ingress" };
    let routable = svc.port.is_some();
    if routable && !svc.internal && !svc.internal_router {
        out.objects.extend(ingress(app, svc, false));
        // The other router's object, so hovers can say when it would exist (`release.go:505`).
        let (other, router) = if kind == "Ingress" { ("HTTPProxy", "contour") } else { ("Ingress", "nginx") };
        out.not_created.push(super::NotCreated {
            owner: owner.clone(),
            kind: other.into(),
            name: svc.name.clone(),
            when: None,
            reason: format!("only on a rack whose router is {router}"),
        });
    } else {
        out.not_created.push(absent(&owner, kind, &svc.name, When::Ingress));
    }
    let internal_name = if kind == "Ingress" { format!("{}-internal", svc.name) } else { svc.name.clone() };
    if routable && svc.internal_router {
        out.objects.extend(ingress(app, svc, true));
    } else {
        out.not_created.push(absent(&owner, kind, &internal_name, When::InternalRouter));
    }
}

fn cluster_service(app: &App, svc: &Svc) -> Option<Object> {
    let extra = extra_ports(svc);
    if svc.port.is_none() && extra.is_empty() {
        return None;
    }
    let (rack, app_name) = (app.ctx.rack(), app.ctx.app());
    let mut o = object(app, svc, "Service", "v1", &svc.name, "app/service.yml.tmpl:570");
    o.annotations = vec![f("convox.com/alias", s(format!("{}.{app_name}.{rack}.local", svc.name)))];
    o.labels = labels(app, svc, &[("app", app_name), ("service", &svc.name), ("rack", rack), ("system", "convox")]);
    let mut ports = Vec::new();
    if let Some((_, p)) = &svc.port {
        let from = format!("{}.port", svc.path());
        ports.push(map(vec![
            f("name", s("main")),
            f("port", int(*p)).from(from),
            f("protocol", s("TCP")),
            f("targetPort", s("main")),
        ]));
    }
    for (p, proto, path) in extra {
        let mut item = vec![f("name", s(format!("port-{p}"))), f("port", int(p)).from(path.clone())];
        if !proto.is_empty() {
            item.push(f("protocol", s(proto.to_uppercase())).from(path.clone()));
        }
        item.push(f("targetPort", int(p)));
        ports.push(map(item));
    }
    let selector = pairs(&[("service", &svc.name), ("type", "service")]);
    o.body =
        vec![f("spec", map(vec![f("type", s("ClusterIP")), f("selector", map(selector)), f("ports", list(ports))]))];
    Some(o)
}

/// The host Convox routes to a service (`provider/k8s/k8s.go` ServiceHost).
fn host(app: &App, svc: &Svc) -> Value {
    let (rack, app_name) = (app.ctx.rack(), app.ctx.app());
    if svc.internal {
        s(format!("{}.{app_name}.{rack}.local", svc.name))
    } else if svc.internal_router {
        with_hole(&format!("{}.{app_name}.", svc.name), Placeholder::InternalDomain, "")
    } else {
        with_hole(&format!("{}.{app_name}.", svc.name), Placeholder::RouterDomain, "")
    }
}

/// `domain`: a list, or one comma-separated string (`pkg/manifest/yaml.go:264`).
fn domains(svc: &Svc) -> Vec<String> {
    let d = svc.key.get("domain");
    let raw = match d.node.and_then(|n| n.as_str()) {
        Some(one) => one.split(',').map(str::to_string).collect(),
        None => d.strings(),
    };
    raw.into_iter().map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

fn ingress(app: &App, svc: &Svc, internal: bool) -> Vec<Object> {
    if app.ctx.router == Router::Contour {
        return super::contour::proxies(app, svc, internal, host(app, svc), &domains(svc));
    }
    let (name, template) = if internal {
        (format!("{}-internal", svc.name), "app/ingress-internal.yml.tmpl:1")
    } else {
        (svc.name.clone(), "app/ingress.yml.tmpl:1")
    };
    let mut o = object(app, svc, "Ingress", "networking.k8s.io/v1", &name, template);
    o.annotations = ingress_annotations(app, svc, internal);
    o.labels =
        labels(app, svc, &[("app", app.ctx.app()), ("service", &svc.name), ("system", "convox"), ("type", "service")]);
    let class = if internal { "nginx-internal" } else { "nginx" };
    let spec = vec![f("ingressClassName", s(class)), tls(app, svc, internal), rules(app, svc)];
    o.body = vec![f("spec", map(spec))];
    vec![o]
}

/// The annotations of ingress.yml.tmpl:5-24 and the rack's (`cert-manager.io/*`, dropped with
/// `certificate.id`), then `ingressAnnotations` but the reserved ones (release.go:1470).
fn ingress_annotations(app: &App, svc: &Svc, internal: bool) -> Vec<Field> {
    let k = &svc.key;
    let scheme = svc.port.as_ref().map(|(sc, _)| sc.clone()).unwrap_or_default();
    let timeout = k.get("timeout").int().unwrap_or(60).to_string();
    let t_from = k.get("timeout").path;
    let mut a = vec![
        f("alb.ingress.kubernetes.io/scheme", s(if internal { "internal" } else { "internet-facing" })),
        f("convox.com/backend-protocol", s(&scheme)).from(format!("{}.port", svc.path())),
        f("convox.com/idles", s(app.ctx.idles.to_string())),
        f("nginx.ingress.kubernetes.io/backend-protocol", s(&scheme)).from(format!("{}.port", svc.path())),
    ];
    for which in ["connect", "read", "send"] {
        a.push(f(format!("nginx.ingress.kubernetes.io/proxy-{which}-timeout"), s(&timeout)).from(t_from.clone()));
    }
    let snippet = format!("keepalive_timeout {timeout}s;\nclient_body_timeout {timeout}s;\n");
    a.push(f("nginx.ingress.kubernetes.io/server-snippet", s(snippet)).from(t_from));
    if k.get("sticky").is_true() {
        a.push(f("nginx.ingress.kubernetes.io/affinity", s("cookie")).from(k.get("sticky").path));
        a.push(f("nginx.ingress.kubernetes.io/session-cookie-name", s("CONVOXSESSION")).from(k.get("sticky").path));
    }
    let redirect = k.get("tls").get("redirect");
    a.push(
        f("nginx.ingress.kubernetes.io/ssl-redirect", s(redirect.bool().unwrap_or(true).to_string()))
            .from(redirect.path),
    );
    if let Some(w) = k.get("whitelist").str() {
        a.push(f("nginx.ingress.kubernetes.io/whitelist-source-range", s(w)).from(k.get("whitelist").path));
    }
    let cert = k.get("certificate");
    if cert.get("id").str().is_none() {
        a.push(f("cert-manager.io/cluster-issuer", s(app.ctx.provider.cert_issuer())));
        if let Some(d) = cert.get("duration").str() {
            a.push(f("cert-manager.io/duration", s(d)).from(cert.get("duration").path));
        }
    }
    let custom = k.get("ingressAnnotations");
    let later = custom
        .annotations()
        .into_iter()
        .filter(|(key, _)| !RESERVED.contains(&key.as_str()))
        .map(|(key, v)| f(key, s(v)).from(custom.path.clone()))
        .collect();
    overridden(a, later)
}

/// `reservedNginxAnnotations` (`provider/k8s/release.go:1467`).
const RESERVED: [&str; 12] = [
    "alb.ingress.kubernetes.io/scheme",
    "cert-manager.io/cluster-issuer",
    "cert-manager.io/duration",
    "nginx.ingress.kubernetes.io/backend-protocol",
    "nginx.ingress.kubernetes.io/proxy-connect-timeout",
    "nginx.ingress.kubernetes.io/proxy-read-timeout",
    "nginx.ingress.kubernetes.io/proxy-send-timeout",
    "nginx.ingress.kubernetes.io/server-snippet",
    "nginx.ingress.kubernetes.io/affinity",
    "nginx.ingress.kubernetes.io/session-cookie-name",
    "nginx.ingress.kubernetes.io/ssl-redirect",
    "nginx.ingress.kubernetes.io/whitelist-source-range",
];

/// `tls` (ingress.yml.tmpl:40-51): the service host with the rack's domain certificate (not on
/// the internal router), then the custom domains with `cert-<service>-domains`.
fn tls(app: &App, svc: &Svc, internal: bool) -> Field {
    let cert = svc.key.get("certificate").get("id");
    let mut entries = Vec::new();
    if app.ctx.domain_tls && !internal {
        let secret = cert.str().unwrap_or_else(|| format!("cert-{}", svc.name));
        entries.push(map(vec![f("hosts", list(vec![host(app, svc)])), from_if(f("secretName", s(secret)), &cert)]));
    }
    let ds = domains(svc);
    if !ds.is_empty() {
        let secret = cert.str().unwrap_or_else(|| format!("cert-{}-domains", svc.name));
        let from = svc.key.get("domain").path;
        entries.push(map(vec![
            f("hosts", list(ds.into_iter().map(s).collect())).from(from),
            from_if(f("secretName", s(secret)), &cert),
        ]));
    }
    f("tls", list(entries))
}

/// The field, noted as set from `k` when `k` is written.
fn from_if(x: Field, k: &super::read::Key) -> Field {
    if k.exists() { x.from(k.path.clone()) } else { x }
}

/// `rules`: the service host, then each domain, to the service's port (ingress.yml.tmpl:52-71).
fn rules(app: &App, svc: &Svc) -> Field {
    let port = svc.port.as_ref().map_or(0, |(_, p)| *p);
    let rule = |h: Value, from: Option<String>| {
        let backend =
            map(vec![f("service", map(vec![f("name", s(&svc.name)), f("port", map(vec![f("number", int(port))]))]))]);
        let path = map(vec![f("backend", backend), f("pathType", s("ImplementationSpecific"))]);
        let host = f("host", h);
        let host = match from {
            Some(k) => host.from(k),
            None => host,
        };
        map(vec![host, f("http", map(vec![f("paths", list(vec![path]))]))])
    };
    let mut items = vec![rule(host(app, svc), None)];
    let from = svc.key.get("domain").path;
    items.extend(domains(svc).into_iter().map(|d| rule(s(d), Some(from.clone()))));
    f("rules", list(items))
}
