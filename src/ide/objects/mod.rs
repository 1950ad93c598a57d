//! **The one model of what Convox renders.** From a manifest and the rack it deploys to, the
//! Kubernetes objects Convox's promote creates (`provider/k8s/release.go` running the templates of
//! `provider/k8s/template/app` and `template/resource`), each field carrying the manifest keys it
//! comes from. Every feature that names an object reads it from here: `render` serialises it,
//! hover, inlay hints, code lenses, symbols and rename look objects and fields up in it, and no
//! feature evaluates a rendering condition (port, ingress, agent, count range, overlay mode ...)
//! on its own.
//!
//! ```ignore
//! let ctx = RenderContext::new(&context);           // rack, app, router, provider ...
//! let app = analysis.objects(&ctx);                 // built once per version and settings
//! for o in app.owned_by(&Owner::Service("web".into())) { println!("{} {}", o.kind, o.name) }
//! let fields = app.set_by("services.web.scale.count"); // (object, field path, field)
//! let why = &app.not_created;                        // objects that exist under another condition
//! let cmds = app.commands(&Owner::Service("web".into())); // kubectl lines, fitted to the render
//! ```
//!
//! - Values unknown offline are [`Placeholder`]s (release, build, image repository, passwords,
//!   router domains, environment values), never guesses.
//! - What Convox renders and this model does not (needs the rack: CA, certificates, image pull
//!   secrets, KEDA) is listed in [`LEFT_OUT`], printed by `render` and kept in `docs/render.md`.
//! - Conditions are evaluated once, in the owner builders, and exposed with [`AppObjects::holds`]
//!   (the knowledge base's `When` tokens). Overlay mode (`Containerized` false for a containerized
//!   type) follows `release.go:814`: `<NAME>_URL` in the release environment, which offline is an
//!   `environment` entry *requiring* the name; a manifest default is not part of it.
//! - Field paths are dotted keys with `[]` for list items (`spec.template.spec.containers[].image`);
//!   a field's `from` holds concrete manifest paths (`services.web.scale.count`,
//!   `services.web.environment[]` for a list item). `Object::from` is the key the object exists for.

mod balancer;
mod commands;
mod contour;
mod fill;
mod kinds;
mod left_out;
mod network;
mod pod;
mod probes;
mod read;
mod resource;
mod scale;
mod selectors;
mod service;
mod svc;
mod timer;
mod value;
mod volume;
mod workload;

pub use fill::{Placeholders, fill_with};
pub use kinds::{abbreviation, kubectl_name, of_kubectl, selects};
pub use left_out::{LEFT_OUT, LeftOut};
pub use value::{Field, Part, Placeholder, Value, parts_text};

use std::collections::HashMap;

use crate::context::Context;
use crate::schema::When;

use read::Key;

/// The rack settings that change what Convox renders; defaults where unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderContext {
    /// Rack and app as found (`<rack>`/`<app>` where unknown).
    pub names: Context,
    /// The rack's router: nginx renders Ingresses, contour HTTPProxies (`release.go:505`).
    pub router: Router,
    pub provider: Provider,
    /// The rack issues a certificate for the router domain (`CONVOX_DOMAIN_TLS_CERT_DISABLE` not
    /// `true`, `provider/k8s/k8s.go:213`): the Ingress gets a TLS entry for the service host.
    pub domain_tls: bool,
    /// The app is idled (`convox.com/idles` on its Ingresses).
    pub idles: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Router {
    #[default]
    Nginx,
    Contour,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Provider {
    #[default]
    Aws,
    Azure,
    Gcp,
    Do,
    Local,
    Metal,
}

impl Provider {
    /// The cert-manager issuer the provider's `IngressAnnotations` names (`provider/aws/ingress.go:5`,
    /// `provider/local/ingress.go:5`, `provider/metal/ingress.go:5`).
    pub fn cert_issuer(self) -> &'static str {
        match self {
            Provider::Local | Provider::Metal => "self-signed",
            _ => "letsencrypt",
        }
    }
}

impl RenderContext {
    /// The rack and app found, the router and provider from the settings (an unknown value is
    /// the default: nginx, AWS), domain TLS on, not idle.
    pub fn new(ctx: &Context) -> RenderContext {
        let router = match ctx.router.as_deref() {
            Some(r) if r.eq_ignore_ascii_case("contour") => Router::Contour,
            _ => Router::Nginx,
        };
        let provider = match ctx.provider.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("azure") => Provider::Azure,
            Some("do") => Provider::Do,
            Some("gcp") => Provider::Gcp,
            Some("local") => Provider::Local,
            Some("metal") => Provider::Metal,
            _ => Provider::Aws,
        };
        RenderContext { names: ctx.clone(), router, provider, domain_tls: true, idles: false }
    }

    pub fn rack(&self) -> &str {
        self.names.rack_or_placeholder()
    }

    pub fn app(&self) -> &str {
        self.names.app_or_placeholder()
    }

    /// `<rack>-<app>`.
    pub fn namespace(&self) -> String {
        self.names.namespace()
    }
}

/// What in the manifest an object belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    App,
    Service(String),
    Timer(String),
    Resource(String),
    Balancer(String),
}

impl Owner {
    /// The manifest key of the owner (`services.web`; empty for the app).
    pub fn key(&self) -> String {
        match self {
            Owner::App => String::new(),
            Owner::Service(n) => format!("services.{n}"),
            Owner::Timer(n) => format!("timers.{n}"),
            Owner::Resource(n) => format!("resources.{n}"),
            Owner::Balancer(n) => format!("balancers.{n}"),
        }
    }

    /// The owner of a concrete key path (`services.web.scale.count` -> service `web`).
    pub fn of_key(path: &str) -> Option<Owner> {
        let mut parts = path.splitn(3, '.');
        let (section, name) = (parts.next()?, parts.next()?);
        let name = name.split('[').next()?.to_string();
        Some(match section {
            "services" => Owner::Service(name),
            "timers" => Owner::Timer(name),
            "resources" => Owner::Resource(name),
            "balancers" => Owner::Balancer(name),
            _ => return None,
        })
    }
}

/// One Kubernetes object Convox creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub owner: Owner,
    pub kind: String,
    pub api_version: String,
    pub name: String,
    /// `None` for cluster-scoped objects (a PersistentVolume).
    pub namespace: Option<String>,
    pub labels: Vec<Field>,
    pub annotations: Vec<Field>,
    /// Everything beside `apiVersion`, `kind` and `metadata`: `spec`, `data`, `type` ...
    pub body: Vec<Field>,
    /// The manifest keys that make the object exist (its owner's key, or the key that adds it).
    pub from: Vec<String>,
    /// The Convox template it comes from (`provider/k8s/template/` + this).
    pub template: &'static str,
}

impl Object {
    /// An object with no labels, annotations or body yet, in `namespace`.
    pub fn new(
        owner: Owner,
        kind: &str,
        api_version: &str,
        name: &str,
        namespace: String,
        template: &'static str,
    ) -> Object {
        let from = vec![owner.key()];
        Object {
            owner,
            kind: kind.into(),
            api_version: api_version.into(),
            name: name.into(),
            namespace: Some(namespace),
            labels: Vec::new(),
            annotations: Vec::new(),
            body: Vec::new(),
            from,
            template,
        }
    }

    /// The whole object as one value: `apiVersion`, `kind`, `metadata`, then the body.
    pub fn value(&self) -> Value {
        let Value::Map(mut fields) = self.head() else { unreachable!("head is a map") };
        fields.reserve_exact(self.body.len());
        fields.extend(self.body.iter().cloned());
        Value::Map(fields)
    }

    /// `apiVersion`, `kind` and `metadata` as [`Object::value`] puts them together, without the
    /// body (which is read in place where only the head has to be made).
    fn head(&self) -> Value {
        let mut meta = vec![value::f("name", value::s(&self.name))];
        if let Some(ns) = &self.namespace {
            meta.push(value::f("namespace", value::s(ns)));
        }
        if !self.annotations.is_empty() {
            meta.push(value::f("annotations", Value::Map(self.annotations.clone())));
        }
        if !self.labels.is_empty() {
            meta.push(value::f("labels", Value::Map(self.labels.clone())));
        }
        let mut fields = vec![
            value::f("apiVersion", value::s(&self.api_version)),
            value::f("kind", value::s(&self.kind)),
            value::f("metadata", Value::Map(meta)).from(self.from.first().cloned().unwrap_or_default()),
        ];
        if self.from.is_empty() {
            fields[2].from.clear();
        }
        Value::Map(fields)
    }

    /// `Kind name`, as hovers and hints name it.
    pub fn title(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }

    /// The fields of this object set from `key` or a key below it: (field path, field).
    pub fn set_by(&self, key: &str) -> Vec<(String, Field)> {
        let mut out = Vec::new();
        self.each_set_by(key, &mut |p, f| out.push((p.to_string(), f.clone())));
        out
    }

    /// The paths of the fields [`Object::set_by`] finds, without copying the fields.
    pub fn paths_set_by(&self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.each_set_by(key, &mut |p, _| out.push(p.to_string()));
        out
    }

    fn each_set_by(&self, key: &str, emit: &mut impl FnMut(&str, &Field)) {
        let below = format!("{key}.");
        let under_list = format!("{key}[]");
        let from_key = |k: &String| k == key || k.starts_with(&below) || k.starts_with(&under_list);
        let labelled = || [&self.labels, &self.annotations].iter().any(|fs| fs.iter().any(|f| f.any_from(&from_key)));
        let matching = |f: &Field| f.from.iter().any(from_key);
        if self.from.first().is_some_and(from_key) {
            // The object's own key: the metadata [`Object::head`] puts together is read, then
            // the body in place (a copy of the whole object per query was most of a hover).
            let head = self.head();
            let mut fields = Vec::new();
            head.walk("", &mut fields);
            for (p, f) in fields.into_iter().filter(|(_, f)| matching(f)) {
                emit(&p, f);
            }
        } else if labelled() {
            // A label's or an annotation's key: they are read in place, in the order of
            // [`Object::head`] (building the metadata and every path of it was most of a hover).
            let mut prefix = String::from("metadata.annotations");
            value::walk_matching(&self.annotations, &mut prefix, &matching, &mut |p, f| emit(p, f));
            let mut prefix = String::from("metadata.labels");
            value::walk_matching(&self.labels, &mut prefix, &matching, &mut |p, f| emit(p, f));
        } else if !self.body.iter().any(|f| f.any_from(&from_key)) {
            // Nothing from the key in `apiVersion`, `kind`, `metadata` or the body (most objects
            // of an app have nothing from the key; a hover asks several).
            return;
        }
        value::walk_matching(&self.body, &mut String::new(), &matching, &mut |p, f| emit(p, f));
    }

    /// Every field with its dotted path (`spec.template.spec.containers[].image`).
    pub fn fields(&self) -> Vec<(String, Field)> {
        let v = self.value();
        let mut out = Vec::new();
        v.walk("", &mut out);
        out.into_iter().map(|(p, x)| (p, x.clone())).collect()
    }

    /// Whether the object has a field at a dotted path (`spec.template.spec.containers[].image`)
    /// or below it, read in place.
    pub fn has_field(&self, path: &str) -> bool {
        let below =
            |p: &str| p.len() > path.len() && p.starts_with(path) && matches!(p.as_bytes()[path.len()], b'.' | b'[');
        let top = |p: &str| p == path || below(p);
        if ["apiVersion", "kind", "metadata"].iter().any(|k| top(k)) || path.starts_with("metadata.") {
            // Read as the whole value does (the metadata is put together there).
            let v = self.head();
            let mut fields = Vec::new();
            v.walk("", &mut fields);
            return fields.iter().any(|(p, _)| top(p));
        }
        value::any_path(&self.body, &mut String::new(), &top)
    }

    /// The whole object as YAML, as [`Object::value`]`.to_yaml()` gives it, without copying the
    /// object first.
    pub fn to_yaml(&self) -> yaml_serde::Value {
        use yaml_serde::Value as Yaml;
        let mut meta = yaml_serde::Mapping::with_capacity(4);
        meta.insert(Yaml::String("name".into()), Yaml::String(self.name.clone()));
        if let Some(ns) = &self.namespace {
            meta.insert(Yaml::String("namespace".into()), Yaml::String(ns.clone()));
        }
        if !self.annotations.is_empty() {
            meta.insert(Yaml::String("annotations".into()), value::map_yaml(&self.annotations));
        }
        if !self.labels.is_empty() {
            meta.insert(Yaml::String("labels".into()), value::map_yaml(&self.labels));
        }
        let mut m = yaml_serde::Mapping::with_capacity(3 + self.body.len());
        m.insert(Yaml::String("apiVersion".into()), Yaml::String(self.api_version.clone()));
        m.insert(Yaml::String("kind".into()), Yaml::String(self.kind.clone()));
        m.insert(Yaml::String("metadata".into()), Yaml::Mapping(meta));
        for x in &self.body {
            m.insert(Yaml::String(x.key.to_string()), x.value.to_yaml());
        }
        Yaml::Mapping(m)
    }

    /// The pod template's labels (`spec.template`, or `spec.jobTemplate.spec.template` of a
    /// CronJob), read in place.
    pub(crate) fn template_labels(&self) -> Option<&[Field]> {
        let spec = self.body.iter().find(|x| x.key == "spec").map(|x| &x.value)?;
        let template = spec.get("template").or_else(|| spec.get("jobTemplate")?.get("spec")?.get("template"))?;
        template.get("metadata")?.get("labels")?.as_map()
    }

    /// Gives back the spare capacity of every list the builders grew (the model is kept for the
    /// life of a version).
    fn shrink(&mut self) {
        for fs in [&mut self.labels, &mut self.annotations, &mut self.body] {
            value::shrink_fields(fs);
        }
        self.from.shrink_to_fit();
    }
}

/// An object that exists only under another condition (hover shows it as "not here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCreated {
    pub owner: Owner,
    pub kind: String,
    pub name: String,
    /// The knowledge base's condition token, when one describes it.
    pub when: Option<When>,
    /// Why not, in words (`only when the service has port`).
    pub reason: String,
}

/// Everything the app renders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppObjects {
    pub namespace: String,
    /// The rack and app (`<rack>`, `<app>` when unknown).
    pub rack: String,
    pub app: String,
    pub objects: Vec<Object>,
    pub not_created: Vec<NotCreated>,
    /// Conditions evaluated once per owner.
    pub conditions: Vec<(Owner, When, bool)>,
    /// Objects the rack makes for the app outside the release (a managed resource's state
    /// Secret): not rendered, but there for kubectl.
    pub outside: Vec<Object>,
    /// Each service's replica range after Convox's defaults (`scale.rs`), by service name.
    pub scales: Vec<(String, crate::model::Count)>,
    /// Where each owner's objects and conditions are, built on the first query (the builders only
    /// push, before any query): a feature that asks about every owner of a large app (hints,
    /// lenses, symbols) does not scan every object once per owner.
    index: OwnerIndex,
    /// The objects by kind, name and label for narrowing kubectl commands (`selectors.rs`).
    selectors: selectors::SelectorIndex,
}

/// Positions in `objects` and `conditions` by owner, and in `objects` and `not_created` by kind
/// and name (the first of each, as a scan would find it).
#[derive(Clone, Debug, Default)]
struct OwnerIndex(std::sync::OnceLock<Index>);

#[derive(Clone, Debug, Default)]
struct Index {
    owners: std::collections::HashMap<Owner, Positions>,
    /// By kind, then name (looked up without making a key).
    objects: HashMap<String, HashMap<String, usize>>,
    not_created: HashMap<String, HashMap<String, usize>>,
}

/// One owner's positions in `objects`, `conditions` and `not_created`, and its kubectl commands
/// once asked ([`AppObjects::commands`]: a hover on the owner's name and its code lens read them;
/// filling and fitting them was a sixth of such a hover).
#[derive(Clone, Debug, Default)]
struct Positions {
    objects: Vec<usize>,
    conditions: Vec<usize>,
    not_created: Vec<usize>,
    commands: std::sync::OnceLock<Vec<String>>,
}

/// Derived from the rest: two models with the same objects are equal whether queried or not.
impl PartialEq for OwnerIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for OwnerIndex {}

impl AppObjects {
    fn index(&self) -> &Index {
        self.index.0.get_or_init(|| {
            let mut index = Index::default();
            for (i, o) in self.objects.iter().enumerate() {
                index.owners.entry(o.owner.clone()).or_default().objects.push(i);
                index.objects.entry(o.kind.clone()).or_default().entry(o.name.clone()).or_insert(i);
            }
            for (i, c) in self.conditions.iter().enumerate() {
                index.owners.entry(c.0.clone()).or_default().conditions.push(i);
            }
            for (i, n) in self.not_created.iter().enumerate() {
                index.not_created.entry(n.kind.clone()).or_default().entry(n.name.clone()).or_insert(i);
                index.owners.entry(n.owner.clone()).or_default().not_created.push(i);
            }
            index
        })
    }

    fn positions(&self, owner: &Owner) -> Option<&Positions> {
        self.index().owners.get(owner)
    }

    pub fn owned_by<'a>(&'a self, owner: &Owner) -> impl Iterator<Item = &'a Object> + 'a {
        self.positions(owner).into_iter().flat_map(|p| p.objects.iter().map(|&i| &self.objects[i]))
    }

    /// The objects an owner's conditions leave out ([`AppObjects::not_created`]), in order.
    pub fn not_created_by<'a>(&'a self, owner: &Owner) -> impl Iterator<Item = &'a NotCreated> + 'a {
        self.positions(owner).into_iter().flat_map(|p| p.not_created.iter().map(|&i| &self.not_created[i]))
    }

    pub fn find(&self, kind: &str, name: &str) -> Option<&Object> {
        self.index().objects.get(kind)?.get(name).map(|&i| &self.objects[i])
    }

    /// Why object `kind name` is not rendered here, when it would be under another condition.
    pub fn not_created(&self, kind: &str, name: &str) -> Option<&NotCreated> {
        self.index().not_created.get(kind)?.get(name).map(|&i| &self.not_created[i])
    }

    /// Whether a knowledge-base condition holds for an owner (`None`: it does not apply).
    pub fn holds(&self, owner: &Owner, when: When) -> Option<bool> {
        let p = self.positions(owner)?;
        p.conditions.iter().map(|&i| &self.conditions[i]).find(|(_, w, _)| *w == when).map(|(_, _, b)| *b)
    }

    /// A service's replica range after Convox's defaults: what its Deployment's `replicas` and its
    /// HPA's bounds are.
    pub fn scale(&self, service: &str) -> Option<crate::model::Count> {
        self.scales.iter().find(|(n, _)| n == service).map(|(_, c)| *c)
    }

    /// Gives back the spare capacity the builders left (see [`Object::shrink`]).
    fn shrink(&mut self) {
        for o in self.objects.iter_mut().chain(self.outside.iter_mut()) {
            o.shrink();
        }
        self.objects.shrink_to_fit();
        self.outside.shrink_to_fit();
        self.not_created.shrink_to_fit();
        self.conditions.shrink_to_fit();
        self.scales.shrink_to_fit();
    }

    /// The fields set from `key` or a key below it: (object, field path, field).
    pub fn set_by<'a>(&'a self, key: &str) -> Vec<(&'a Object, String, Field)> {
        self.objects.iter().flat_map(|o| o.set_by(key).into_iter().map(move |(p, f)| (o, p, f))).collect()
    }
}

/// Each service's port condition and replica range, by service name.
pub type PortAndScale = HashMap<String, (bool, crate::model::Count), crate::schema::FxBuild>;

/// Each service's `Port` condition (whether it has a port: the Service, Ingress and probes depend
/// on it) and its replica range (see [`AppObjects::scale`]), without rendering, for validation:
/// only the keys they come from are read (a whole service's read, twice per service on every
/// keystroke, was the largest part of validating).
pub fn services_port_and_scale(root: &crate::syntax::yaml::Node) -> PortAndScale {
    services_port_and_scale_with(root, |_, read| read())
}

/// [`services_port_and_scale`], each service's pair asked of `kept` with the range of the body it
/// is read from (a node without aliases or merge keys reads the same wherever its text is) and
/// the reading itself, which `kept` runs or not.
pub fn services_port_and_scale_with(
    root: &crate::syntax::yaml::Node,
    mut kept: impl FnMut(crate::text::TextRange, &dyn Fn() -> (bool, crate::model::Count)) -> (bool, crate::model::Count),
) -> PortAndScale {
    let mut out = PortAndScale::default();
    for (name, key) in Key::document(root).get("services").entries() {
        if out.contains_key(&name) {
            continue;
        }
        let read = || (svc::has_port(&key), scale::count_of(&key));
        let pair = match key.node {
            Some(n) => kept(n.range, &read),
            None => read(),
        };
        out.insert(name, pair);
    }
    out
}

/// Whether a dotted key path (`services.web.health.grace`) is written, through aliases and merge
/// keys, as the builders read it.
pub fn written(root: &crate::syntax::yaml::Node, path: &str) -> bool {
    path.split('.').fold(Key::document(root), |k, part| k.get(part)).exists()
}

/// Renders the app as Convox does: every object of every service, timer, resource and balancer.
pub fn objects(root: &crate::syntax::yaml::Node, model: &crate::model::Manifest, ctx: &RenderContext) -> AppObjects {
    let root = model.document(root);
    crate::model::merge::with_anchors(root, None, || render(root, model, ctx))
}

fn render(root: &crate::syntax::yaml::Node, model: &crate::model::Manifest, ctx: &RenderContext) -> AppObjects {
    let mut out = AppObjects {
        namespace: ctx.namespace(),
        rack: ctx.rack().to_string(),
        app: ctx.app().to_string(),
        ..AppObjects::default()
    };
    let doc = Key::document(root);
    let section = |name: &str| doc.get(name);
    let app = App { model, ctx, labels: section("labels").entries(), doc: doc.clone() };
    for (name, key) in section("balancers").entries() {
        balancer::build(&app, &name, &key, &mut out);
    }
    for (name, key) in section("services").entries() {
        service::build(&app, &name, &key, &mut out);
    }
    for (name, key) in section("timers").entries() {
        timer::build(&app, &name, &key, &mut out);
    }
    for (name, key) in section("resources").entries() {
        resource::build(&app, &name, &key, &mut out);
    }
    out.shrink();
    out
}

/// What every builder reads: the typed manifest, the rack context, the app's `labels`.
pub(crate) struct App<'a> {
    pub model: &'a crate::model::Manifest,
    pub ctx: &'a RenderContext,
    pub labels: Vec<(String, Key<'a>)>,
    /// The document, for reading any section.
    pub doc: Key<'a>,
}

impl<'a> App<'a> {
    pub fn ns(&self) -> String {
        self.ctx.namespace()
    }

    /// A service's body in the manifest.
    pub fn service(&self, name: &str) -> Key<'a> {
        self.doc.get("services").get(name)
    }
}
