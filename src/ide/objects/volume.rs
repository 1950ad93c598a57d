//! A service's EFS volumes (`provider/k8s/template/app/efs.yml.tmpl`): a PersistentVolumeClaim
//! `efs-<service>-<id>` per `volumeOptions[].awsEfs`, and a PersistentVolume
//! `efs-pv-<app>-<service>-<id>` when it names a `volumeHandle`.

use super::read::Key;
use super::svc::{Svc, labels, object};
use super::value::{Field, Part, Placeholder, Value, f, list, lit, map, s, text};
use super::{App, AppObjects, Object};

pub fn build(app: &App, svc: &Svc, out: &mut AppObjects) {
    for item in svc.key.get("volumeOptions").items() {
        let efs = item.get("awsEfs");
        if !efs.exists() {
            continue;
        }
        let id = efs.get("id").str().unwrap_or_default();
        let handle = efs.get("volumeHandle").str();
        if let Some(h) = &handle {
            out.objects.push(volume(app, svc, &efs, &id, h));
        }
        out.objects.push(claim(app, svc, &efs, &id, handle.is_some()));
    }
}

fn storage_class(efs: &Key, with_handle: bool) -> Field {
    let class = efs.get("storageClass");
    let default = if with_handle { "efs-sc-base" } else { "efs-sc" };
    f("storageClassName", s(class.str().unwrap_or_else(|| default.into()))).from(class.path)
}

fn pv_name(app: &App, svc: &Svc, id: &str) -> String {
    format!("efs-pv-{}-{}-{id}", app.ctx.app(), svc.name)
}

/// efs.yml.tmpl:4-49 (with a handle) and 50-69 (without).
fn claim(app: &App, svc: &Svc, efs: &Key, id: &str, with_handle: bool) -> Object {
    let mut o =
        object(app, svc, "PersistentVolumeClaim", "v1", &format!("efs-{}-{id}", svc.name), "app/efs.yml.tmpl:30");
    o.from = vec![efs.path.clone()];
    o.labels = labels(app, svc, &[("system", "convox")]);
    let mode = efs.get("accessMode");
    let mut spec = vec![
        f("accessModes", list(vec![s(mode.str().unwrap_or_default())])).from(mode.path.clone()),
        storage_class(efs, with_handle),
    ];
    if with_handle {
        spec.push(f("volumeMode", s("Filesystem")));
        spec.push(f("volumeName", s(pv_name(app, svc, id))));
    }
    spec.push(f("resources", map(vec![f("requests", map(vec![f("storage", s("1Mi"))]))])));
    o.body = vec![f("spec", map(spec))];
    o
}

/// The volume handle after `VolumeAwsEfs.ProcessTemplate` (`pkg/manifest/service.go`): the rack's
/// EFS file system id is prefixed when the handle has no `:`; `[APP]` and `[SERVICE]` replaced.
fn handle_value(app: &App, svc: &Svc, raw: &str) -> Value {
    let h = raw.replace("[APP]", app.ctx.app()).replace("[SERVICE]", &svc.name);
    if h.contains(':') { s(h) } else { text(vec![Part::Hole(Placeholder::EfsFileSystem), lit(format!(":{h}"))]) }
}

fn volume(app: &App, svc: &Svc, efs: &Key, id: &str, handle: &str) -> Object {
    let mut o = object(app, svc, "PersistentVolume", "v1", &pv_name(app, svc, id), "app/efs.yml.tmpl:4");
    o.namespace = None;
    o.from = vec![efs.get("volumeHandle").path];
    o.labels = vec![f("system", s("convox")), f("app", s(app.ctx.app()))];
    let options = ["noresvport", "rsize=1048576", "wsize=1048576", "hard", "timeo=600", "retrans=2"];
    let csi = map(vec![
        f("driver", s("efs.csi.aws.com")),
        f("volumeHandle", handle_value(app, svc, handle)).from(efs.get("volumeHandle").path),
    ]);
    o.body = vec![f(
        "spec",
        map(vec![
            f("accessModes", list(vec![s("ReadWriteMany")])),
            f("capacity", map(vec![f("storage", s("500Gi"))])),
            f("csi", csi),
            f("mountOptions", list(options.iter().map(|x| s(*x)).collect())),
            f("persistentVolumeReclaimPolicy", s("Delete")),
            storage_class(efs, true),
            f("volumeMode", s("Filesystem")),
        ]),
    )];
    o
}
