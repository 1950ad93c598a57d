//! A service's probes (`provider/k8s/template/app/service.yml.tmpl:254-320`), only with `port`,
//! after Convox's defaults (`pkg/manifest/manifest.go` ApplyDefaults).

use super::read::Key;
use super::svc::Svc;
use super::value::{Field, f, int, map, s};

/// A probe's port: `health.port` / `liveness.port` when set, else the service's port.
struct ProbePort {
    port: Option<i64>,
    scheme: Option<String>,
}

fn probe_port(k: &Key) -> ProbePort {
    let Some(node) = k.node else { return ProbePort { port: None, scheme: None } };
    let p = crate::model::port(node);
    let written_scheme = match node.as_str() {
        Some(v) => v.split_once(':').map(|(s, _)| s.to_string()),
        None => k
            .get("scheme")
            .str()
            .or_else(|| k.get("port").str().and_then(|v| v.split_once(':').map(|(s, _)| s.to_string()))),
    };
    let scheme = written_scheme.filter(|x| !x.is_empty()).map(|x| if x == "grpc" { "GRPC".into() } else { x });
    ProbePort { port: p.map(|p| i64::from(p.port)).filter(|p| *p > 0), scheme }
}

pub fn probes(svc: &Svc) -> Vec<Field> {
    let Some((scheme, port)) = svc.port.clone() else { return Vec::new() };
    let mut out = Vec::new();
    out.extend(startup(svc, port));
    let health = svc.key.get("health");
    let liveness = svc.key.get("liveness");
    let (hp, lp) = (probe_port(&health.get("port")), probe_port(&liveness.get("port")));
    let grpc = scheme == "GRPC";
    let live_path = liveness.get("path").str().map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let live_scheme = lp.scheme.clone().unwrap_or_else(|| scheme.clone());
    if !grpc
        && live_scheme != "GRPC"
        && let Some(path) = live_path
    {
        out.push(liveness_http(&liveness, &lp, port, &path));
    }
    let health_scheme = hp.scheme.clone().unwrap_or_else(|| scheme.clone());
    let disabled = health.get("disable").is_true();
    if !grpc && health_scheme != "GRPC" && !disabled {
        out.push(readiness_http(&health, &hp, port, &health_scheme));
    } else if svc.key.get("grpcHealthEnabled").is_true() {
        out.extend(grpc_probes(svc, &health, hp.port.unwrap_or(port), lp.port.unwrap_or(port)));
    }
    out
}

/// `health` read as Convox's ServiceHealth (`pkg/manifest/yaml.go:296`): a path string or a map;
/// (path, grace, interval, timeout) with the defaults 5, grace = interval, timeout = interval - 1.
fn health_values(health: &Key) -> (String, i64, i64, i64) {
    let path = match health.node.and_then(|n| n.as_str()) {
        Some(p) => p.to_string(),
        None => health.get("path").str().unwrap_or_default(),
    };
    let interval = health.get("interval").int().unwrap_or(5);
    let grace = health.get("grace").int().unwrap_or(interval);
    let timeout = health.get("timeout").int().unwrap_or(interval - 1);
    (if path.is_empty() { "/".into() } else { path }, grace, interval, timeout)
}

fn timing(k: &Key, values: [(&str, i64); 5]) -> Vec<Field> {
    let names = ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"];
    names
        .iter()
        .zip(values)
        .map(|(name, (key, v))| {
            let field = f(*name, int(v));
            if key.is_empty() { field } else { field.from(k.get(key).path) }
        })
        .collect()
}

fn readiness_http(health: &Key, hp: &ProbePort, port: i64, scheme: &str) -> Field {
    let (path, grace, interval, timeout) = health_values(health);
    let get = map(vec![
        f("path", s(path)).from(health.path.clone()),
        f("port", int(hp.port.unwrap_or(port))),
        f("scheme", s(scheme.to_uppercase())),
    ]);
    let mut probe = vec![f("httpGet", get)];
    probe.extend(timing(health, [("grace", grace), ("interval", interval), ("timeout", timeout), ("", 1), ("", 3)]));
    f("readinessProbe", map(probe)).from(health.path.clone())
}

/// Liveness defaults: grace 10, interval 5, timeout 5, success 1, failure 3.
fn liveness_values(l: &Key) -> [(&'static str, i64); 5] {
    [
        ("grace", l.get("grace").int().unwrap_or(10)),
        ("interval", l.get("interval").int().unwrap_or(5)),
        ("timeout", l.get("timeout").int().unwrap_or(5)),
        ("successThreshold", l.get("successThreshold").int().unwrap_or(1)),
        ("failureThreshold", l.get("failureThreshold").int().unwrap_or(3)),
    ]
}

fn liveness_http(l: &Key, lp: &ProbePort, port: i64, path: &str) -> Field {
    let mut get = vec![f("path", s(path)).from(l.get("path").path), f("port", int(lp.port.unwrap_or(port)))];
    if let Some(sc) = &lp.scheme {
        get.push(f("scheme", s(sc.to_uppercase())).from(l.get("port").path));
    }
    let mut probe = vec![f("httpGet", map(get))];
    probe.extend(timing(l, liveness_values(l)));
    f("livenessProbe", map(probe)).from(l.path.clone())
}

fn grpc_probes(svc: &Svc, health: &Key, ready_port: i64, live_port: i64) -> Vec<Field> {
    let (_, grace, interval, timeout) = health_values(health);
    let from = svc.key.get("grpcHealthEnabled").path;
    [("readinessProbe", ready_port), ("livenessProbe", live_port)]
        .into_iter()
        .map(|(name, port)| {
            let mut probe = vec![f("grpc", map(vec![f("port", int(port))]))];
            probe.extend(timing(
                health,
                [("grace", grace), ("interval", interval), ("timeout", timeout), ("", 1), ("", 5)],
            ));
            f(name, map(probe)).from(from.clone())
        })
        .collect()
}

/// `startupProbe` (service.yml.tmpl:255-272): with `startupProbe.path` or `tcpSocketPort`, or a
/// GPU service's default TCP probe; its timings default to the liveness ones, then the GPU ones.
fn startup(svc: &Svc, port: i64) -> Option<Field> {
    let sp = svc.key.get("startupProbe");
    let path = sp.get("path").str().map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let mut tcp = sp.get("tcpSocketPort").str().map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let gpu_default = svc.gpu_count > 0 && path.is_none() && tcp.is_none();
    if gpu_default {
        tcp = Some(port.to_string());
    }
    if path.is_none() && tcp.is_none() {
        return None;
    }
    let l = svc.key.get("liveness");
    let live_on = l.get("path").str().is_some_and(|p| !p.trim().is_empty());
    let live = liveness_values(&l);
    let gpu = svc.gpu_count > 0 && tcp.is_some();
    let gpu_defaults = [300, 10, 5, 1, 180];
    let names = ["grace", "interval", "timeout", "successThreshold", "failureThreshold"];
    let mut values = [("", 0i64); 5];
    for (i, name) in names.iter().enumerate() {
        let inherited = if live_on { live[i].1 } else { 0 };
        let mut v = sp.get(name).int().unwrap_or(inherited);
        if gpu && v == 0 {
            v = gpu_defaults[i];
        }
        values[i] = (*name, v);
    }
    let mut probe = Vec::new();
    if let Some(p) = &path {
        probe.push(f("httpGet", map(vec![f("path", s(p)).from(sp.get("path").path), f("port", int(port))])));
    }
    if let Some(t) = &tcp {
        let v = t.parse::<i64>().map(int).unwrap_or_else(|_| s(t));
        probe.push(f("tcpSocket", map(vec![f("port", v).from(sp.get("tcpSocketPort").path)])));
    }
    probe.extend(timing(&sp, values));
    Some(f("startupProbe", map(probe)).from(sp.path.clone()))
}
