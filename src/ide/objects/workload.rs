//! A service's Deployment (or DaemonSet for an agent): `provider/k8s/template/app/service.yml.tmpl:33-514`.

use super::read::Key;
use super::svc::{Svc, annotations, labels, object};
use super::value::{Field, Value, f, int, list, map, pairs, s};
use super::{App, Object, pod};

pub fn workload(app: &App, svc: &Svc) -> Object {
    let kind = if svc.agent { "DaemonSet" } else { "Deployment" };
    let mut o = object(app, svc, kind, "apps/v1", &svc.name, "app/service.yml.tmpl:33");
    if !svc.agent {
        o.annotations = pairs(&[("atom.conditions", "Available=True,Progressing=True/NewReplicaSetAvailable")]);
    }
    o.labels = labels(app, svc, &[("app", app.ctx.app()), ("type", "service"), ("service", &svc.name)]);
    let (rack, app_name) = (app.ctx.rack(), app.ctx.app());
    let selector = pairs(&[("system", "convox"), ("rack", rack), ("app", app_name), ("service", &svc.name)]);
    let mut spec = vec![f("selector", map(vec![f("matchLabels", map(selector))]))];
    if !svc.agent {
        spec.push(f("replicas", int(svc.count.min)).from(svc.count_key("min")));
        spec.push(strategy(svc));
    }
    spec.push(f("minReadySeconds", int(1)));
    spec.push(f("revisionHistoryLimit", int(1)));
    spec.push(f("template", map(vec![pod_metadata(app, svc), f("spec", map(pod_spec(app, svc)))])));
    o.body = vec![f("spec", map(spec))];
    o
}

/// `strategy.rollingUpdate` from `deployment.minimum`/`maximum` (release.go: MaxSurge = max-100,
/// MaxUnavailable = 100-min).
fn strategy(svc: &Svc) -> Field {
    let (min, max) = svc.deployment_bounds();
    let d = svc.key.get("deployment");
    let rolling = map(vec![
        f("maxSurge", s(format!("{}%", max - 100))).from(d.get("maximum").path),
        f("maxUnavailable", s(format!("{}%", 100 - min))).from(d.get("minimum").path),
    ]);
    f("strategy", map(vec![f("type", s("RollingUpdate")), f("rollingUpdate", rolling)]))
}

fn pod_metadata(app: &App, svc: &Svc) -> Field {
    let mut ann = Vec::new();
    if svc.agent {
        ann.push(f("scheduler.alpha.kubernetes.io/critical-pod", s("")));
    }
    ann.extend(annotations(&svc.key.get("annotations")));
    let (rack, app_name, name) = (app.ctx.rack(), app.ctx.app(), svc.name.as_str());
    let mut l =
        labels(app, svc, &[("system", "convox"), ("rack", rack), ("app", app_name), ("name", name), ("service", name)]);
    l.insert(5, f("release", Value::Placeholder(super::Placeholder::Release)));
    l.insert(6, f("type", s("service")));
    let mut meta = Vec::new();
    if !ann.is_empty() {
        meta.push(f("annotations", map(ann)));
    }
    meta.push(f("labels", map(l)));
    f("metadata", map(meta))
}

fn pod_spec(app: &App, svc: &Svc) -> Vec<Field> {
    let mut spec = Vec::new();
    spec.extend(pod::affinity(svc));
    spec.extend(pod::tolerations(svc));
    spec.extend(pod::host_and_dns(svc));
    spec.push(f("serviceAccountName", s(&svc.name)));
    let init = svc.key.get("init");
    spec.push(f("shareProcessNamespace", Value::Bool(init.bool().unwrap_or(true))).from(init.path.clone()));
    let grace = svc.key.get("termination").get("grace");
    spec.push(f("terminationGracePeriodSeconds", int(grace.int_or_zero().unwrap_or(30))).from(grace.path.clone()));
    spec.extend(init_container(svc));
    spec.push(f("containers", list(vec![map(container(app, svc))])));
    spec.push(pod::volumes(app, svc, false));
    spec
}

fn container(app: &App, svc: &Svc) -> Vec<Field> {
    let mut c = vec![f("name", s(app.ctx.app()))];
    let cmd = svc.key.get("command");
    if let Some(line) = cmd.str() {
        c.push(f("args", pod::words(&line)).from(cmd.path.clone()));
    }
    c.push(pod::container_env(svc, false).from(svc.key.get("resources").path));
    c.push(pod::env_from(&svc.name));
    c.push(f("image", pod::image(&svc.name)));
    c.push(f("imagePullPolicy", s("IfNotPresent")));
    c.extend(pod::lifecycle(svc));
    c.extend(super::probes::probes(svc));
    c.push(container_ports(svc));
    c.push(pod::resources(svc));
    c.extend(pod::security_context(svc));
    c.push(pod::volume_mounts(app, svc, false));
    c
}

/// `ports` besides `port`, after Convox drops the one equal to `port` over TCP
/// (manifest.go ApplyDefaults): (port, protocol as written, key).
pub fn extra_ports(svc: &Svc) -> Vec<(i64, String, String)> {
    let main = svc.port.as_ref().map(|(_, p)| *p);
    let key = svc.key.get("ports");
    key.items()
        .iter()
        .filter_map(|item| {
            let raw = item.node.and_then(|n| n.as_scalar())?;
            let (port, proto) = if raw.yaml11_type() == crate::syntax::yaml::ScalarType::Int {
                (raw.value.parse().ok()?, "tcp".to_string())
            } else {
                let (p, proto) = raw.value.split_once('/').unwrap_or((raw.value.as_str(), ""));
                (p.parse().ok()?, proto.to_string())
            };
            let effective = if proto.is_empty() { "tcp".to_string() } else { proto.to_lowercase() };
            (Some(port) != main || effective != "tcp").then(|| (port, proto, item.path.clone()))
        })
        .collect()
}

fn container_ports(svc: &Svc) -> Field {
    let mut ports = Vec::new();
    if let Some((_, p)) = &svc.port {
        ports.push(map(vec![f("name", s("main")), f("containerPort", int(*p)).from(format!("{}.port", svc.path()))]));
    }
    for (p, proto, path) in extra_ports(svc) {
        let mut item = vec![f("name", s(format!("port-{p}"))), f("containerPort", int(p)).from(path.clone())];
        if !proto.is_empty() {
            item.push(f("protocol", s(proto.to_uppercase())).from(path.clone()));
        }
        if svc.agent {
            item.push(f("hostPort", int(p)).from(format!("{}.agent", svc.path())));
        }
        ports.push(map(item));
    }
    f("ports", list(ports))
}

/// `initContainers` from `initContainer` (service.yml.tmpl:165-204).
fn init_container(svc: &Svc) -> Option<Field> {
    let ic = svc.key.get("initContainer");
    if !ic.exists() {
        return None;
    }
    let image = match ic.get("image").str() {
        Some(i) => s(i),
        None => pod::image(&svc.name),
    };
    let mut c = vec![f("name", s("init")), f("image", image).from(ic.get("image").path)];
    if let Some(cmd) = ic.get("command").str() {
        c.push(f("args", pod::words(&cmd)).from(ic.get("command").path));
    }
    let mut env = vec![map(vec![f("name", s("INIT_CONTAINER")), f("value", s("true"))])];
    env.extend(pod::resource_env(svc));
    c.push(f("env", list(env)));
    c.push(pod::env_from(&svc.name));
    let mounts = init_mounts(&ic);
    if !mounts.is_empty() {
        c.push(f("volumeMounts", list(mounts)));
    }
    Some(f("initContainers", list(vec![map(c)])).from(ic.path.clone()))
}

fn init_mounts(ic: &Key) -> Vec<Value> {
    let mut out = Vec::new();
    for item in ic.get("volumeOptions").items() {
        for (kind, prefix) in [("emptyDir", "ed"), ("awsEfs", "efs"), ("azureFiles", "azurefiles")] {
            let v = item.get(kind);
            if v.exists() {
                let id = v.get("id").str().unwrap_or_default();
                let mount = v.get("mountPath").str().unwrap_or_default();
                out.push(map(vec![
                    f("name", s(format!("{prefix}-{id}"))),
                    f("mountPath", s(mount)).from(v.path.clone()),
                ]));
            }
        }
    }
    for cm in ic.get("configMounts").items() {
        let id = cm.get("id").str().unwrap_or_default();
        let file = cm.get("filename").str().unwrap_or_default();
        let dir = cm.get("dir").str().unwrap_or_default();
        out.push(map(vec![
            f("name", s(format!("cfg-{id}"))),
            f("mountPath", s(format!("{}/{}", dir.trim_end_matches('/'), file))).from(cm.path.clone()),
            f("subPath", s(file)),
        ]));
    }
    out
}
