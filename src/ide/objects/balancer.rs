//! A balancer's Service `balancer-<name>` of type LoadBalancer
//! (`provider/k8s/template/app/balancer.yml.tmpl`).

use super::read::Key;
use super::value::{Field, f, int, list, map, overridden, pairs, s};
use super::{App, AppObjects, Object, Owner};

pub fn build(app: &App, name: &str, key: &Key, out: &mut AppObjects) {
    let service = key.get("service");
    let svc = service.str().unwrap_or_default();
    let owner = Owner::Balancer(name.to_string());
    let mut o = Object::new(owner, "Service", "v1", &format!("balancer-{name}"), app.ns(), "app/balancer.yml.tmpl:1");
    o.annotations = annotations(key);
    let mut labels =
        vec![f("balancer", s(name)), f("service", s(&svc)).from(service.path.clone()), f("type", s("balancer"))];
    let mut app_labels: Vec<(String, Field)> = app
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), f(k.clone(), s(v.str().unwrap_or_default())).from(v.path.clone())))
        .collect();
    app_labels.sort_by(|a, b| a.0.cmp(&b.0));
    labels.extend(app_labels.into_iter().map(|(_, x)| x));
    o.labels = labels;
    let mut spec = vec![f("type", s("LoadBalancer")), f("externalTrafficPolicy", s("Cluster"))];
    let wl = key.get("whitelist");
    let ranges = match wl.node.and_then(|n| n.as_str()) {
        Some(one) => vec![one.to_string()],
        None => wl.strings(),
    };
    if !ranges.is_empty() {
        spec.push(f("loadBalancerSourceRanges", list(ranges.into_iter().map(s).collect())).from(wl.path.clone()));
    }
    spec.push(f("selector", map(pairs(&[("service", &svc), ("type", "service")]))).from(service.path.clone()));
    spec.push(f("ports", list(ports(&key.get("ports")))));
    o.body = vec![f("spec", map(spec))];
    out.objects.push(o);
}

/// balancer.yml.tmpl:5-10: the fixed NLB annotations, then the balancer's, sorted.
fn annotations(key: &Key) -> Vec<Field> {
    let a = pairs(&[
        ("service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout", "3600"),
        ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb"),
    ]);
    let k = key.get("annotations");
    let mut custom: Vec<(String, String)> = k
        .strings()
        .into_iter()
        .filter_map(|x| x.split_once('=').map(|(a, b)| (a.to_string(), b.to_string())))
        .collect();
    custom.sort();
    overridden(a, custom.into_iter().map(|(name, v)| f(name, s(v)).from(k.path.clone())).collect())
}

/// `ports`: `<listen>: <target>` (TCP) or `<listen>: {port, protocol}`
/// (`pkg/manifest/yaml.go` BalancerPort), in the order written.
fn ports(k: &Key) -> Vec<super::Value> {
    k.entries()
        .into_iter()
        .map(|(listen, v)| {
            let (target, proto) = match v.node.and_then(|n| n.as_str()) {
                Some(t) => (t.parse::<i64>().unwrap_or(0), "TCP".to_string()),
                None => (v.get("port").int().unwrap_or(0), v.get("protocol").str().unwrap_or_default()),
            };
            let mut p = vec![
                f("name", s(&listen)).from(v.path.clone()),
                f("port", int(listen.parse().unwrap_or(0))).from(v.path.clone()),
            ];
            if !proto.is_empty() {
                p.push(f("protocol", s(proto)).from(v.path.clone()));
            }
            p.push(f("targetPort", int(target)).from(v.path.clone()));
            map(p)
        })
        .collect()
}
