//! The pod parts a service's Deployment/DaemonSet and a timer's CronJob share
//! (`provider/k8s/template/app/service.yml.tmpl` and `timer.yml.tmpl` repeat them): labels,
//! affinity, tolerations, DNS, the container's env, resources, securityContext, volumes.

use sha2::{Digest, Sha256};

use super::App;
use super::read::Key;
use super::svc::Svc;
use super::value::{Field, Part, Placeholder, Value, f, int, list, lit, map, s, text};

/// The image Convox runs for a service: `<repo>:<service>.<build>` (`helpers.go` image).
pub fn image(svc: &str) -> Value {
    text(vec![Part::Hole(Placeholder::Repository), lit(format!(":{svc}.")), Part::Hole(Placeholder::Build)])
}

/// A command split the way Convox splits it (`shellsplit`), as a list.
pub fn words(cmd: &str) -> Value {
    list(shell_words::split(cmd).unwrap_or_else(|_| vec![cmd.to_string()]).into_iter().map(s).collect())
}

/// `affinity` from `nodeSelectorLabels` and `nodeAffinityLabels` (service.yml.tmpl:86-113).
pub fn affinity(svc: &Svc) -> Option<Field> {
    let sel = svc.key.get("nodeSelectorLabels");
    let aff = svc.key.get("nodeAffinityLabels");
    let selectors = sorted_entries(&sel);
    let prefs = aff.items();
    if selectors.is_empty() && prefs.is_empty() {
        return None;
    }
    let mut node = Vec::new();
    if !selectors.is_empty() {
        let exprs = selectors.iter().map(|(k, v)| in_expr(k, v)).collect();
        let term = map(vec![f("matchExpressions", list(exprs))]);
        node.push(
            f("requiredDuringSchedulingIgnoredDuringExecution", map(vec![f("nodeSelectorTerms", list(vec![term]))]))
                .from(sel.path.clone()),
        );
    }
    if !prefs.is_empty() {
        let items = prefs
            .iter()
            .map(|p| {
                let expr =
                    in_expr(&p.get("label").str().unwrap_or_default(), &p.get("value").str().unwrap_or_default());
                map(vec![
                    f("weight", int(p.get("weight").int().unwrap_or(0))),
                    f("preference", map(vec![f("matchExpressions", list(vec![expr]))])),
                ])
            })
            .collect();
        node.push(f("preferredDuringSchedulingIgnoredDuringExecution", list(items)).from(aff.path.clone()));
    }
    Some(f("affinity", map(vec![f("nodeAffinity", map(node))])))
}

fn sorted_entries(k: &Key) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = k.entries().into_iter().map(|(k, v)| (k, v.str().unwrap_or_default())).collect();
    v.sort();
    v
}

fn in_expr(key: &str, value: &str) -> Value {
    map(vec![f("key", s(key)), f("operator", s("In")), f("values", list(vec![s(value)]))])
}

/// `tolerations` for a dedicated node pool or a GPU (service.yml.tmpl:114-137).
pub fn tolerations(svc: &Svc) -> Option<Field> {
    let sel = svc.key.get("nodeSelectorLabels");
    let mut items: Vec<Value> = sorted_entries(&sel)
        .into_iter()
        .filter(|(k, _)| k == "convox.io/label" || k == "convox.io/nodepool")
        .map(|(_, v)| {
            map(vec![
                f("key", s("dedicated-node")),
                f("operator", s("Equal")),
                f("value", s(v)),
                f("effect", s("NoSchedule")),
            ])
        })
        .collect();
    if svc.gpu_count > 0 {
        items.push(map(vec![f("key", s(gpu_key(svc))), f("operator", s("Exists")), f("effect", s("NoSchedule"))]));
    }
    (!items.is_empty()).then(|| f("tolerations", list(items)).from(sel.path.clone()))
}

fn gpu_key(svc: &Svc) -> &'static str {
    if svc.key.get("scale").get("gpu").get("vendor").str().as_deref() == Some("amd") {
        "amd.com/gpu"
    } else {
        "nvidia.com/gpu"
    }
}

/// `hostUsers`, `dnsPolicy` and `dnsConfig` (service.yml.tmpl:138-160; the rack's resolver is
/// left out).
pub fn host_and_dns(svc: &Svc) -> Vec<Field> {
    let mut out = Vec::new();
    let hu = svc.key.get("disableHostUsers");
    if hu.is_true() {
        out.push(f("hostUsers", Value::Bool(false)).from(hu.path.clone()));
    }
    let nd = svc.key.get("dnsConfig").get("ndots");
    if let Some(n) = nd.int().filter(|n| *n > 0) {
        out.push(f("dnsPolicy", s("None")).from(nd.path.clone()));
        let opt = map(vec![f("name", s("ndots")), f("value", s(n.to_string()))]);
        out.push(f("dnsConfig", map(vec![f("options", list(vec![opt])).from(nd.path.clone())])));
    }
    out
}

/// One `configMapKeyRef` env entry per linked resource variable (service.yml.tmpl:218-224).
pub fn resource_env(svc: &Svc) -> Vec<Value> {
    let key = svc.key.get("resources");
    let mut out = Vec::new();
    for item in key.items() {
        let Some(raw) = item.str() else { continue };
        let (name, vars) = match crate::model::resource_ref_parts(&raw) {
            (n, Some(alias)) => (n.to_string(), vec![alias.trim().to_string()]),
            (_, None) => (raw.clone(), crate::model::resource_vars(&raw)),
        };
        for var in vars {
            let suffix = var.rsplit('_').next().unwrap_or_default();
            let cm_key = if crate::model::RESOURCE_VARS.contains(&suffix) { suffix } else { "URL" };
            let cm =
                map(vec![f("name", s(format!("resource-{}", crate::model::k8s_name(&name)))), f("key", s(cm_key))]);
            out.push(map(vec![
                f("name", s(var)).from(item.path.clone()),
                f("valueFrom", map(vec![f("configMapKeyRef", cm)])),
            ]));
        }
    }
    out
}

/// `env` for the main container: `INSTANCE_IP`, the timer index, the resource variables.
pub fn container_env(svc: &Svc, timer_index: bool) -> Field {
    let mut env = vec![map(vec![
        f("name", s("INSTANCE_IP")),
        f("valueFrom", map(vec![f("fieldRef", map(vec![f("fieldPath", s("status.hostIP"))]))])),
    ])];
    if timer_index {
        let path = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
        env.push(map(vec![
            f("name", s("TIMER_INDEX")),
            f("valueFrom", map(vec![f("fieldRef", map(vec![f("fieldPath", s(path))]))])),
        ]));
    }
    env.extend(resource_env(svc));
    f("env", list(env))
}

pub fn env_from(svc_name: &str) -> Field {
    f("envFrom", list(vec![map(vec![f("secretRef", map(vec![f("name", s(format!("env-{svc_name}")))]))])]))
}

/// `resources.limits` and `.requests` (service.yml.tmpl:383-404), after Convox's defaults.
pub fn resources(svc: &Svc) -> Field {
    let scale = svc.key.get("scale");
    let (cpu_key, mem_key) = (scale.get("cpu").path, scale.get("memory").path);
    let limit = scale.get("limit");
    let mut limits = Vec::new();
    if let Some(c) = limit.get("cpu").int().filter(|c| *c > 0) {
        limits.push(f("cpu", s(format!("{c}m"))).from(limit.get("cpu").path));
    }
    if svc.gpu_count > 0 {
        limits.push(f(gpu_key(svc), s(svc.gpu_count.to_string())).from(scale.get("gpu").path));
    }
    if let Some(m) = limit.get("memory").int().filter(|m| *m > 0) {
        limits.push(f("memory", s(format!("{m}Mi"))).from(limit.get("memory").path));
    } else if svc.memory > 0 {
        limits.push(f("memory", s(format!("{}Mi", svc.memory))).from(mem_key.clone()));
    }
    let mut requests = Vec::new();
    if svc.cpu > 0 {
        requests.push(f("cpu", s(format!("{}m", svc.cpu))).from(cpu_key));
    }
    if svc.gpu_count > 0 {
        requests.push(f(gpu_key(svc), s(svc.gpu_count.to_string())).from(scale.get("gpu").path));
    }
    if svc.memory > 0 {
        requests.push(f("memory", s(format!("{}Mi", svc.memory))).from(mem_key));
    }
    f("resources", map(vec![f("limits", map(limits)), f("requests", map(requests))]))
}

/// `securityContext` from `privileged` and `securityContext` (service.yml.tmpl:405-445).
pub fn security_context(svc: &Svc) -> Option<Field> {
    let sc = svc.key.get("securityContext");
    let mut out = Vec::new();
    let privileged = svc.key.get("privileged");
    if privileged.is_true() {
        out.push(f("privileged", Value::Bool(true)).from(privileged.path.clone()));
    }
    for k in ["runAsNonRoot", "runAsUser", "runAsGroup", "readOnlyRootFilesystem", "allowPrivilegeEscalation"] {
        let v = sc.get(k);
        let value = match (v.bool(), v.node.and_then(|n| n.as_str()).and_then(|x| x.parse::<i64>().ok())) {
            (Some(b), _) => Value::Bool(b),
            (None, Some(n)) => int(n),
            _ => continue,
        };
        out.push(f(k, value).from(v.path.clone()));
    }
    let caps = sc.get("capabilities");
    let (drop, add) = (caps.get("drop").strings(), caps.get("add").strings());
    if !drop.is_empty() || !add.is_empty() {
        let mut c = Vec::new();
        if !drop.is_empty() {
            c.push(f("drop", list(drop.into_iter().map(s).collect())).from(caps.get("drop").path));
        }
        if !add.is_empty() {
            c.push(f("add", list(add.into_iter().map(s).collect())).from(caps.get("add").path));
        }
        out.push(f("capabilities", map(c)));
    }
    let sp = sc.get("seccompProfile");
    if let Some(p) = sp.str() {
        out.push(f("seccompProfile", map(vec![f("type", s(p))])).from(sp.path.clone()));
    }
    (!out.is_empty()).then(|| f("securityContext", map(out)))
}

/// `lifecycle` hooks (service.yml.tmpl:234-253).
pub fn lifecycle(svc: &Svc) -> Option<Field> {
    let lc = svc.key.get("lifecycle");
    let mut hooks = Vec::new();
    for (k, name) in [("postStart", "postStart"), ("preStop", "preStop")] {
        let key = lc.get(k);
        if let Some(cmd) = key.str() {
            hooks.push(f(name, map(vec![f("exec", map(vec![f("command", words(&cmd))]))])).from(key.path.clone()));
        }
    }
    (!hooks.is_empty()).then(|| f("lifecycle", map(hooks)))
}

/// Convox's host-path volume roots (`provider/k8s/helpers.go` systemVolume).
fn system_volume(v: &str) -> bool {
    matches!(
        v,
        "/cgroup/"
            | "/proc/"
            | "/sys/fs/cgroup/"
            | "/sys/kernel/debug/"
            | "/var/log/audit/"
            | "/var/run/"
            | "/var/run/docker.sock"
            | "/var/snap/microk8s/current/docker.sock"
    )
}

/// Where a `volumes` entry comes from on the node (`helpers.go` volumeFrom).
fn volume_from(app: &str, service: &str, v: &str) -> String {
    let from = v.split(':').next().unwrap_or_default();
    if system_volume(from) {
        from.to_string()
    } else if v.contains(':') {
        clean_path(&format!("/mnt/volumes/{app}/app/{from}"))
    } else {
        clean_path(&format!("/mnt/volumes/{app}/service/{service}/{from}"))
    }
}

/// Go's `path.Join` cleaning: no doubled or trailing slashes, `.` and `..` resolved.
fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `helpers.go` volumeName: `<rack>-<app>-<first 20 bytes of sha256(path) in hex>`, at most 62.
fn volume_name(rack: &str, app: &str, v: &str) -> String {
    let hash = Sha256::digest(v.as_bytes());
    let hex: String = hash[..20].iter().map(|b| format!("{b:02x}")).collect();
    let mut name = format!("{rack}-{app}-{hex}");
    if name.len() > 63 {
        let mut cut = 62;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name
}

/// `volumeMounts` of the main container (service.yml.tmpl:446-470).
pub fn volume_mounts(app: &App, svc: &Svc, timer: bool) -> Field {
    let (rack, app_name) = (app.ctx.rack(), app.ctx.app());
    let mut out = vec![map(vec![f("name", s("ca")), f("mountPath", s("/etc/convox"))])];
    let vols = svc.key.get("volumes");
    for v in vols.strings() {
        let to = v.split_once(':').map_or(v.as_str(), |(_, t)| t).to_string();
        let name = volume_name(rack, app_name, &volume_from(app_name, &svc.name, &v));
        out.push(map(vec![f("name", s(name)), f("mountPath", s(to)).from(vols.path.clone())]));
    }
    out.extend(config_mounts(&svc.key.get("configMounts")));
    out.extend(option_mounts(&svc.key.get("volumeOptions"), !timer));
    f("volumeMounts", list(out))
}

/// `cfg-<id>` mounts of `configMounts`.
fn config_mounts(k: &Key) -> Vec<Value> {
    k.items()
        .iter()
        .map(|cm| {
            let id = cm.get("id").str().unwrap_or_default();
            let file = cm.get("filename").str().unwrap_or_default();
            let dir = cm.get("dir").str().unwrap_or_default();
            map(vec![
                f("name", s(format!("cfg-{id}"))).from(cm.get("id").path),
                f("mountPath", s(join_path(&dir, &file))).from(cm.get("dir").path),
                f("subPath", s(file)).from(cm.get("filename").path),
            ])
        })
        .collect()
}

/// Go's `filepath.Join`.
fn join_path(dir: &str, file: &str) -> String {
    let joined = [dir, file].iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>().join("/");
    if joined.is_empty() {
        return String::new();
    }
    let cleaned = clean_path(&joined);
    if joined.starts_with('/') { cleaned } else { cleaned.trim_start_matches('/').to_string() }
}

/// Mounts of `volumeOptions` (`emptyDir`, `awsEfs`, and `azureFiles` where the template has it).
fn option_mounts(k: &Key, azure: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for item in k.items() {
        for (kind, prefix) in [("emptyDir", "ed"), ("awsEfs", "efs"), ("azureFiles", "azurefiles")] {
            let v = item.get(kind);
            if !v.exists() || (kind == "azureFiles" && !azure) {
                continue;
            }
            let id = v.get("id").str().unwrap_or_default();
            out.push(map(vec![
                f("name", s(format!("{prefix}-{id}"))).from(v.get("id").path),
                f("mountPath", s(v.get("mountPath").str().unwrap_or_default())).from(v.get("mountPath").path),
            ]));
        }
    }
    out
}

/// The pod's `volumes` (service.yml.tmpl:471-514; timer.yml.tmpl claims host volumes).
pub fn volumes(app: &App, svc: &Svc, timer: bool) -> Field {
    let (rack, app_name) = (app.ctx.rack(), app.ctx.app());
    let ca =
        map(vec![f("name", s("ca")), f("configMap", map(vec![f("name", s("ca")), f("optional", Value::Bool(true))]))]);
    let mut out = vec![ca];
    let vols = svc.key.get("volumes");
    let mut sources: Vec<String> = vols.strings().iter().map(|v| volume_from(app_name, &svc.name, v)).collect();
    sources.sort();
    sources.dedup();
    for src in sources {
        let name = volume_name(rack, app_name, &src);
        let body = if system_volume(&src) {
            f("hostPath", map(vec![f("path", s(src))]))
        } else if timer {
            f("persistentVolumeClaim", map(vec![f("claimName", s(name.clone()))]))
        } else {
            f("emptyDir", map(vec![]))
        };
        out.push(map(vec![f("name", s(name)), body.from(vols.path.clone())]));
    }
    out.extend(option_volumes(svc, timer));
    for cm in svc.key.get("configMounts").items() {
        let id = cm.get("id").str().unwrap_or_default();
        let item = map(vec![f("key", s("app.json")), f("path", s(cm.get("filename").str().unwrap_or_default()))]);
        out.push(map(vec![
            f("name", s(format!("cfg-{id}"))),
            f("secret", map(vec![f("secretName", s(format!("cfg-{id}"))), f("items", list(vec![item]))]))
                .from(cm.path.clone()),
        ]));
    }
    f("volumes", list(out))
}

fn option_volumes(svc: &Svc, timer: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for item in svc.key.get("volumeOptions").items() {
        let ed = item.get("emptyDir");
        if ed.exists() {
            let mut spec = Vec::new();
            for k in ["medium", "sizeLimit"] {
                if let Some(v) = ed.get(k).str() {
                    spec.push(f(k, s(v)).from(ed.get(k).path));
                }
            }
            let id = ed.get("id").str().unwrap_or_default();
            out.push(map(vec![f("name", s(format!("ed-{id}"))), f("emptyDir", map(spec)).from(ed.path.clone())]));
        }
        for (kind, prefix) in [("awsEfs", "efs"), ("azureFiles", "azurefiles")] {
            let v = item.get(kind);
            if !v.exists() || (kind == "azureFiles" && timer) {
                continue;
            }
            let id = v.get("id").str().unwrap_or_default();
            let claim = map(vec![f("claimName", s(format!("{prefix}-{}-{id}", svc.name)))]);
            out.push(map(vec![
                f("name", s(format!("{prefix}-{id}"))),
                f("persistentVolumeClaim", claim).from(v.path.clone()),
            ]));
        }
    }
    out
}
