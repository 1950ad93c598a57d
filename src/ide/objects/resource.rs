//! A resource's objects (`provider/k8s/template/resource/*.yml.tmpl`, chosen by
//! `provider/k8s/release.go:814` releaseTemplateResource): a containerized resource gets a
//! ConfigMap, a PersistentVolumeClaim (databases), a Deployment and a Service; with `<NAME>_URL`
//! in the release environment only the `masked` ConfigMap; rds-*/elasticache-* a ConfigMap of the
//! provisioner's connection info.

use super::fill::Placeholders;
use super::read::Key;
use super::value::{Field, Placeholder, Value, f, int, list, map, pairs, s, with_hole};
use super::{App, AppObjects, NotCreated, Object, Owner};
use crate::schema::{self, ResourceCategory, ResourceContainer, ResourceType, When};

/// Overlay mode: `<NAME>_URL` is in the release environment. Offline, that is a name the manifest
/// requires (an `environment` entry without `=`, set with `convox env set` before a deploy can
/// pass); a default written in the manifest is not part of the release environment.
/// With a release environment, exactly Convox's test: the variable is set and not blank
/// (`provider/k8s/release.go:815`).
pub fn overlay(app: &App, name: &str) -> bool {
    let var = format!("{}_URL", crate::model::env_prefix(name));
    if let Some(env) = app.ctx.names.environment.as_deref() {
        return env.get(&var).is_some_and(|v| !v.value.trim().is_empty());
    }
    let m = app.model;
    m.environment
        .iter()
        .chain(m.services.iter().flat_map(|s| s.environment.iter()))
        .any(|e| e.name.value == var && e.default.is_none())
}

pub fn build(app: &App, name: &str, key: &Key, out: &mut AppObjects) {
    let owner = Owner::Resource(name.to_string());
    let ty = key.get("type").str().unwrap_or_default();
    let Some(rt) = schema::schema().resource_type(&ty) else { return };
    let masked = overlay(app, name);
    let containerized = rt.category == ResourceCategory::Containerized && !masked;
    let persistent = containerized && rt.persistent;
    out.conditions.push((owner.clone(), When::Containerized, containerized));
    out.conditions.push((owner.clone(), When::Persistent, persistent));
    out.conditions.push((owner.clone(), When::Managed, rt.category == ResourceCategory::Managed));
    let r = Res { name, key, ty: &ty, rt, k8s: format!("resource-{}", crate::model::k8s_name(name)) };
    if rt.category == ResourceCategory::Managed {
        out.objects.push(managed_config(app, &r));
        out.outside.push(state_secret(app, &r));
        return;
    }
    out.objects.push(if masked { masked_config(app, &r) } else { config(app, &r) });
    let mut absent = |kind: &str, when: When| {
        let reason = if masked {
            format!("not while `{}_URL` is set in the app's environment", crate::model::env_prefix(name))
        } else {
            when.describe().into()
        };
        out.not_created.push(NotCreated {
            owner: owner.clone(),
            kind: kind.into(),
            name: r.k8s.clone(),
            when: Some(when),
            reason,
        });
    };
    if !containerized {
        for kind in ["PersistentVolumeClaim", "Deployment", "Service"] {
            absent(kind, if kind == "PersistentVolumeClaim" { When::Persistent } else { When::Containerized });
        }
        return;
    }
    if rt.persistent {
        out.objects.push(claim(app, &r));
    }
    out.objects.push(deployment(app, &r));
    out.objects.push(service(app, &r));
}

struct Res<'a> {
    name: &'a str,
    key: &'a Key<'a>,
    ty: &'a str,
    rt: &'a ResourceType,
    k8s: String,
}

impl Res<'_> {
    fn port(&self) -> i64 {
        i64::from(self.rt.port)
    }

    /// The template's container facts (`resource-types.yml`).
    fn container(&self) -> ResourceContainer {
        self.rt.container.clone().unwrap_or_default()
    }
}

fn object(app: &App, r: &Res, kind: &str, api: &str, template: &'static str) -> Object {
    Object::new(Owner::Resource(r.name.to_string()), kind, api, &r.k8s, app.ns(), template)
}

fn base_labels(app: &App, r: &Res, with_type: bool) -> Vec<Field> {
    let mut l = pairs(&[("system", "convox"), ("rack", app.ctx.rack()), ("app", app.ctx.app())]);
    if with_type {
        l.push(f("type", s("resource")));
    }
    l.push(f("resource", s(r.name)));
    l
}

fn host(app: &App, r: &Res) -> String {
    format!("{}.{}.svc.cluster.local", r.k8s, app.ns())
}

fn password_text(before: &str, after: &str) -> Value {
    with_hole(before, Placeholder::Password, after)
}

/// The ConfigMap of a containerized resource (each template's lines 1-18): the knowledge base's
/// URL with the rack's password as a placeholder.
fn config(app: &App, r: &Res) -> Object {
    let mut o = object(app, r, "ConfigMap", "v1", "resource/<type>.yml.tmpl:1");
    o.labels = base_labels(app, r, true);
    let c = r.container();
    let url =
        Placeholders { ns: app.ns(), resource: Some(r.name.to_string()), ..Placeholders::default() }.fill(&r.rt.url);
    let url = match url.split_once("<password>") {
        Some((before, after)) => password_text(before, after),
        None => s(url),
    };
    let pass = if r.rt.url.contains("<password>") { Value::Placeholder(Placeholder::Password) } else { s("") };
    o.body = vec![f(
        "data",
        map(vec![
            f("URL", url),
            f("USER", s(c.user)),
            f("PASS", pass),
            f("HOST", s(host(app, r))),
            f("PORT", s(r.port().to_string())),
            f("NAME", s(c.database)),
        ]),
    )];
    o
}

/// resource/masked.yml.tmpl: the URL from the app's environment, the rest empty.
fn masked_config(app: &App, r: &Res) -> Object {
    let mut o = object(app, r, "ConfigMap", "v1", "resource/masked.yml.tmpl:1");
    o.labels = base_labels(app, r, true);
    let var = format!("{}_URL", crate::model::env_prefix(r.name));
    let url = match app.ctx.names.environment.as_deref().and_then(|e| e.get(&var)) {
        // release.go:815-816: the value, trimmed.
        Some(v) => s(v.value.trim()),
        None => Value::Placeholder(Placeholder::EnvValue),
    };
    let mut data = vec![f("URL", url).from(format!("environment {var}"))];
    data.extend(pairs(&[("USER", ""), ("PASS", ""), ("HOST", ""), ("PORT", ""), ("NAME", "")]));
    o.body = vec![f("data", map(data))];
    o
}

/// rds-*.yml.tmpl and elasticache-*.yml.tmpl: labels `type: <type>` and `provisioner`; the data
/// is the provisioner's connection info (placeholders; USER and NAME empty where the template
/// writes them empty).
fn managed_config(app: &App, r: &Res) -> Object {
    let mut o = object(app, r, "ConfigMap", "v1", "resource/rds-postgres.yml.tmpl:1");
    let (provisioner, resource_label) = if r.ty.starts_with("rds-") {
        ("rds", crate::model::k8s_name(r.name))
    } else {
        ("elasticache", r.name.to_string())
    };
    o.labels = pairs(&[("system", "convox"), ("rack", app.ctx.rack()), ("app", app.ctx.app())]);
    o.labels.push(f("type", s(r.ty)).from(r.key.get("type").path));
    o.labels.push(f("resource", s(resource_label)));
    o.labels.push(f("provisioner", s(provisioner)));
    let unknown = || Value::Placeholder(Placeholder::Provisioned);
    let empty_user = r.ty.starts_with("elasticache-");
    let empty_pass = r.ty == "elasticache-memcached";
    let data = vec![
        f("URL", unknown()),
        f("USER", if empty_user { s("") } else { unknown() }),
        f("PASS", if empty_pass { s("") } else { unknown() }),
        f("HOST", unknown()),
        f("PORT", unknown()),
        f("NAME", if empty_user { s("") } else { unknown() }),
    ];
    o.body = vec![f("data", map(data))];
    o
}

fn option<'k>(r: &Res<'k>, k: &str) -> Key<'k> {
    r.key.get("options").get(k)
}

/// postgres.yml.tmpl:20-35 (no `type` label).
fn claim(app: &App, r: &Res) -> Object {
    let mut o = object(app, r, "PersistentVolumeClaim", "v1", "resource/postgres.yml.tmpl:20");
    o.labels = base_labels(app, r, false);
    let storage = option(r, "storage");
    let size = format!("{}Gi", storage.str().unwrap_or_else(|| "10".into()));
    let req = map(vec![f("requests", map(vec![f("storage", s(size)).from(storage.path.clone())]))]);
    o.body = vec![f("spec", map(vec![f("accessModes", list(vec![s("ReadWriteOnce")])), f("resources", req)]))];
    o
}

fn deployment(app: &App, r: &Res) -> Object {
    let mut o = object(app, r, "Deployment", "apps/v1", "resource/postgres.yml.tmpl:37");
    let (e, persistent) = (r.container(), r.rt.persistent);
    o.annotations = pairs(&[("atom.conditions", "Available=True,Progressing=True/NewReplicaSetAvailable")]);
    let mut l = base_labels(app, r, true);
    l.insert(4, f("kind", s(r.ty)));
    if e.name_label {
        l.push(f("name", s(r.name)));
    }
    o.labels = l;
    let selector =
        pairs(&[("system", "convox"), ("rack", app.ctx.rack()), ("app", app.ctx.app()), ("resource", r.name)]);
    let mut spec = vec![f("selector", map(vec![f("matchLabels", map(selector))])), f("replicas", int(1))];
    if persistent {
        spec.push(f("strategy", map(vec![f("type", s("Recreate"))])));
    }
    let meta = map(vec![f("labels", map(base_labels(app, r, true)))]);
    let mut pod = vec![f("containers", list(vec![map(container(r, &e))]))];
    if persistent {
        let claim = map(vec![f("claimName", s(&r.k8s))]);
        pod.push(f("volumes", list(vec![map(vec![f("name", s("data")), f("persistentVolumeClaim", claim)])])));
    }
    spec.push(f("template", map(vec![f("metadata", meta), f("spec", map(pod))])));
    o.body = vec![f("spec", map(spec))];
    o
}

fn container(r: &Res, e: &ResourceContainer) -> Vec<Field> {
    let default_version = r.rt.default_version.clone().unwrap_or_default();
    let version = option(r, "version");
    let img = r.key.get("image");
    let image_value = match img.str() {
        Some(i) => f("image", s(i)).from(img.path.clone()),
        None => f("image", s(r.rt.image_at(&version.str().unwrap_or(default_version)))).from(version.path.clone()),
    };
    let mut c = vec![f("name", s(r.ty)), image_value, f("imagePullPolicy", s("IfNotPresent"))];
    c.push(f("ports", list(vec![map(vec![f("containerPort", int(r.port()))])])));
    if !e.env.is_empty() {
        let env = e
            .env
            .iter()
            .map(|(k, v)| {
                let value = if v == "{password}" { Value::Placeholder(Placeholder::Password) } else { s(v) };
                map(vec![f("name", s(k)), f("value", value)])
            })
            .collect();
        c.push(f("env", list(env)));
    }
    if let Some(path) = &e.mount {
        let mut m = vec![f("mountPath", s(path)), f("name", s("data"))];
        if let Some(sp) = &e.sub_path {
            m.push(f("subPath", s(sp)));
        }
        c.push(f("volumeMounts", list(vec![map(m)])));
    }
    c.extend(resources(r));
    c
}

/// `resources` from the `cpu` and `mem` options, the same for limits and requests.
fn resources(r: &Res) -> Option<Field> {
    let mut q = Vec::new();
    let (cpu, mem) = (option(r, "cpu"), option(r, "mem"));
    if let Some(c) = cpu.str() {
        q.push(f("cpu", s(format!("{c}m"))).from(cpu.path.clone()));
    }
    if let Some(m) = mem.str() {
        q.push(f("memory", s(format!("{m}Mi"))).from(mem.path.clone()));
    }
    (!q.is_empty()).then(|| f("resources", map(vec![f("limits", map(q.clone())), f("requests", map(q))])))
}

/// postgres.yml.tmpl:115-134: NodePort, selected by system, rack, app and resource.
fn service(app: &App, r: &Res) -> Object {
    let mut o = object(app, r, "Service", "v1", "resource/postgres.yml.tmpl:115");
    o.annotations = vec![f("convox.com/alias", s(host(app, r)))];
    o.labels = base_labels(app, r, true);
    let selector =
        pairs(&[("system", "convox"), ("rack", app.ctx.rack()), ("app", app.ctx.app()), ("resource", r.name)]);
    o.body = vec![f(
        "spec",
        map(vec![
            f("type", s("NodePort")),
            f("ports", list(vec![map(vec![f("port", int(r.port()))])])),
            f("selector", map(selector)),
        ]),
    )];
    o
}

/// The provisioner's state Secret `<resource>-r<rack>r-<app>`, which the rack writes at promote
/// (`provider/k8s/aws_resources.go:35` names it, `:59-74` labels it), outside the release.
fn state_secret(app: &App, r: &Res) -> Object {
    let name = format!("{}-r{}r-{}", r.name, app.ctx.rack(), app.ctx.app());
    let mut o = Object::new(Owner::Resource(r.name.into()), "Secret", "v1", &name, app.ns(), "");
    o.labels = pairs(&[("rack", app.ctx.rack()), ("system", "convox"), ("type", "state")]);
    o
}
