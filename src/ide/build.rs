//! Build checks: what Convox's build reads from the repository beside the manifest. Pure: the
//! file-system facts arrive as `BuildFacts`, gathered at the edge (`crate::repo`), so a keystroke
//! costs no file-system call here.
//!
//! How Convox reads the repository (its source at the commit the project follows):
//! - `convox build`/`convox deploy` uploads the directory it runs in, leaving out what the
//!   `.dockerignore` at its top excludes, the Dockerfiles included (pkg/common/tar.go:90-115,
//!   pkg/cli/builds.go:179-195). That directory is the manifest's folder here.
//! - A service with `image` is pulled, never built (pkg/build/docker.go:69, buildkit.go:80).
//! - The context is `build` (string) or `build.path`, the Dockerfile `build.manifest` (default
//!   `Dockerfile`) joined to it (pkg/manifest/yaml.go:230-254, manifest.go:128-134,
//!   pkg/build/buildkit.go:87,257, docker.go:85,174), with Go's `filepath.Join`: a leading `/`
//!   stays inside the folder, `..` is resolved lexically.
//! - A build arg reaches the build only through a Dockerfile line `ARG NAME` (or `ARG NAME=...`),
//!   read line by line, instruction in capitals, first name only (pkg/build/buildkit.go:146-176).
//! - Docker itself sends the Dockerfile and `.dockerignore` even when the context's own
//!   `.dockerignore` excludes them (BuildKit reads the Dockerfile from its own `--local dockerfile=`
//!   source, pkg/build/buildkit.go:212-214), so only the top `.dockerignore` can lose a Dockerfile.

use std::collections::HashMap;
use std::sync::Arc;

use super::analysis::Analysis;
use super::codes::Code;
use super::diagnostic::Diagnostic;
use crate::model::{BuildSpec, Service};
use crate::text::TextRange;

pub use ignore::Ignore;

mod ignore;

/// What the edge found at a path relative to the manifest's folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    Dir,
    File,
    Missing,
    /// A symbolic link that leads outside the manifest's folder.
    Outside,
}

/// The file-system facts one manifest's build checks need, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildFacts {
    /// Every path of `paths_to_read`, relative to the manifest's folder (`.` for the folder).
    pub paths: HashMap<String, PathKind, crate::schema::FxBuild>,
    /// The `ARG` names of each Dockerfile that exists and is in [`ToRead::args`] (same keys).
    pub args: HashMap<String, Arc<Vec<String>>, crate::schema::FxBuild>,
    /// The `.dockerignore` beside the manifest, when there is one.
    pub ignore: Option<Arc<Ignore>>,
}

/// One service's build, resolved against the manifest's folder.
pub struct Build<'a> {
    pub service: &'a Service,
    /// `None`: no `build` and no `image`, so Convox builds `./Dockerfile` (manifest.go:128-134).
    pub spec: Option<&'a BuildSpec>,
    /// The context directory (`None`: it leaves the manifest's folder).
    pub context: Option<String>,
    pub context_range: TextRange,
    pub dockerfile: Option<String>,
    pub dockerfile_range: TextRange,
}

/// The builds of a manifest: every service without `image` (with no `build` either, Convox
/// builds `./Dockerfile`: the diagnostics then sit on the service's name).
pub fn builds(a: &Analysis) -> Vec<Build<'_>> {
    let mut out = Vec::new();
    for service in &a.model().services {
        if service.image.as_ref().is_some_and(|i| !i.value.is_empty()) {
            continue;
        }
        let spec = service.build_spec.as_ref();
        let path = spec.and_then(|s| s.path.as_ref());
        let manifest = spec.and_then(|s| s.manifest.as_ref());
        let written = path.map_or(".", |p| p.value.as_str());
        let context_range = path.map(|p| p.range).or(spec.map(|s| s.key)).unwrap_or(service.name.range);
        let context = join(".", if written.is_empty() { "." } else { written });
        let dockerfile = context.as_deref().and_then(|c| join(c, manifest.map_or("Dockerfile", |m| m.value.as_str())));
        let dockerfile_range = manifest.map_or(context_range, |m| m.range);
        out.push(Build { service, spec, context, context_range, dockerfile, dockerfile_range });
    }
    out
}

/// What the edge must look at for `a`: every context and Dockerfile, and which Dockerfiles it must
/// open for their `ARG` lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToRead {
    /// Every context and Dockerfile, each once, in the order the services name them.
    pub paths: Vec<String>,
    /// The Dockerfiles (among `paths`) of builds with `build.args`: the only check that reads a
    /// Dockerfile's text is `build-arg-undeclared`, so the others are looked up, never opened
    /// (opening, reading and closing 200 of them was half of opening a manifest).
    pub args: Vec<String>,
}

/// The paths the edge must look at for `a` ([`ToRead`]).
pub fn paths_to_read(a: &Analysis) -> ToRead {
    let mut seen: std::collections::HashSet<String, crate::schema::FxBuild> = Default::default();
    let mut with_args: std::collections::HashSet<String, crate::schema::FxBuild> = Default::default();
    let mut out = ToRead::default();
    for b in builds(a) {
        if let (Some(d), true) = (&b.dockerfile, b.spec.is_some_and(|s| !s.args.is_empty()))
            && with_args.insert(d.clone())
        {
            out.args.push(d.clone());
        }
        for p in [b.context, b.dockerfile].into_iter().flatten() {
            if seen.insert(p.clone()) {
                out.paths.push(p);
            }
        }
    }
    out
}

/// `base` joined with `rel` the way Go's `filepath.Join` cleans it, relative to the manifest's
/// folder (`.`); `None` when `..` climbs above it.
pub fn join(base: &str, rel: &str) -> Option<String> {
    // Most builds are a plain relative path (`./api`, `svc/web`) joined to the folder or to a
    // context this function cleaned: put together without splitting.
    let rel_clean = rel.strip_prefix("./").unwrap_or(rel);
    if clean(rel_clean) && (base == "." || clean(base)) {
        if base == "." {
            return Some(rel_clean.to_string());
        }
        let mut out = String::with_capacity(base.len() + 1 + rel_clean.len());
        out.push_str(base);
        out.push('/');
        out.push_str(rel_clean);
        return Some(out);
    }
    join_segments(base, rel)
}

/// Whether a path is relative, without empty, `.` or `..` segments: what [`join`] leaves as it is.
fn clean(p: &str) -> bool {
    let (mut len, mut dots) = (0, 0);
    for &b in p.as_bytes().iter().chain([b'/'].iter()) {
        if b == b'/' {
            if len == 0 || (len == dots && dots <= 2) {
                return false;
            }
            (len, dots) = (0, 0);
        } else {
            len += 1;
            dots += usize::from(b == b'.');
        }
    }
    true
}

/// [`join`] segment by segment.
fn join_segments(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in base.split('/').chain(rel.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(if parts.is_empty() { ".".to_string() } else { parts.join("/") })
}

/// The build-arg names a Dockerfile declares, as Convox reads them (pkg/build/buildkit.go:157-175).
pub fn dockerfile_args(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        if fields.next() != Some("ARG") {
            continue;
        }
        let Some(arg) = fields.next() else { continue };
        let name = arg.split('=').next().unwrap_or("").trim().to_string();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// The build diagnostics of `a` given what the edge found; nothing for a path it did not look at.
pub fn diagnostics(a: &Analysis, facts: &BuildFacts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for b in builds(a) {
        check(&b, facts, &mut out);
    }
    out
}

/// A diagnostic at its code's default severity, as validation makes them.
fn diag(range: TextRange, code: Code, message: String) -> Diagnostic {
    Diagnostic { range, severity: code.default_severity(), code, message, fix: None }
}

fn check(b: &Build, facts: &BuildFacts, out: &mut Vec<Diagnostic>) {
    let written = b.spec.and_then(|s| s.path.as_ref()).map_or(".", |p| p.value.as_str());
    let Some(context) = &b.context else {
        out.push(diag(
            b.context_range,
            Code::BuildContextMissing,
            format!(
                "build context {} is outside the manifest's folder: `convox build` uploads only that folder",
                code(written)
            ),
        ));
        return;
    };
    let missing = |what: &str| {
        diag(b.context_range, Code::BuildContextMissing, format!("build context {}: {what}", code(context)))
    };
    match facts.paths.get(context) {
        Some(PathKind::Dir) => {}
        Some(PathKind::File) => return out.push(missing("a file, not a directory")),
        Some(PathKind::Missing) => return out.push(missing("no such directory beside the manifest")),
        Some(PathKind::Outside) => {
            return out.push(missing("a symbolic link that leads outside the manifest's folder"));
        }
        None => return,
    }
    if let Some(m) = facts.ignore.as_ref().and_then(|i| i.excluded(context)) {
        return out.push(ignored(b.context_range, "build context", context, m));
    }
    check_dockerfile(b, facts, out);
}

fn ignored(range: TextRange, what: &str, path: &str, m: ignore::Excluded) -> Diagnostic {
    diag(
        range,
        Code::BuildIgnored,
        format!(
            "{what} {} is excluded by `.dockerignore` (line {}: {}): `convox build` does not upload it, so the build fails",
            code(path),
            m.line,
            code(&m.pattern)
        ),
    )
}

/// Said of `./Dockerfile` when the service names neither `build` nor `image`.
const IMPLICIT: &str = " (built because the service has neither `build` nor `image`)";

fn check_dockerfile(b: &Build, facts: &BuildFacts, out: &mut Vec<Diagnostic>) {
    let Some(dockerfile) = &b.dockerfile else {
        out.push(diag(
            b.dockerfile_range,
            Code::DockerfileMissing,
            "the Dockerfile is outside the manifest's folder: `convox build` uploads only that folder".into(),
        ));
        return;
    };
    let missing = |what: &str| {
        diag(
            b.dockerfile_range,
            Code::DockerfileMissing,
            format!("Dockerfile {}{}: {what}", code(dockerfile), if b.spec.is_none() { IMPLICIT } else { "" }),
        )
    };
    match facts.paths.get(dockerfile) {
        Some(PathKind::File) => {}
        Some(PathKind::Dir) => return out.push(missing("a directory, not a file")),
        Some(PathKind::Missing) => return out.push(missing("no such file")),
        Some(PathKind::Outside) => {
            return out.push(missing("a symbolic link that leads outside the manifest's folder"));
        }
        None => return,
    }
    if let Some(m) = facts.ignore.as_ref().and_then(|i| i.excluded(dockerfile)) {
        return out.push(ignored(b.dockerfile_range, "Dockerfile", dockerfile, m));
    }
    let Some(declared) = facts.args.get(dockerfile) else { return };
    for arg in b.spec.iter().flat_map(|s| &s.args) {
        let name = arg.value.split('=').next().unwrap_or("").trim();
        if name.is_empty() || declared.iter().any(|d| d == name) {
            continue;
        }
        out.push(diag(
            arg.range,
            Code::BuildArgUndeclared,
            format!(
                "build arg {}: {} has no `ARG {name}` line, so the build never receives it",
                code(name),
                code(dockerfile)
            ),
        ));
    }
}

/// Where a document link on a build key leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathLink {
    pub range: TextRange,
    /// Relative to the manifest's folder.
    pub path: String,
}

/// `build`, `build.path` and `build.manifest` linked to the Dockerfile (or the context folder
/// when there is no Dockerfile), for the paths that exist.
pub fn links(a: &Analysis, facts: &BuildFacts) -> Vec<PathLink> {
    let mut out = Vec::new();
    for b in builds(a) {
        let exists = |p: &Option<String>, kind: PathKind| {
            p.as_ref().filter(|p| facts.paths.get(p.as_str()) == Some(&kind)).cloned()
        };
        let dockerfile = exists(&b.dockerfile, PathKind::File);
        let target = dockerfile.clone().or_else(|| exists(&b.context, PathKind::Dir));
        let Some(spec) = b.spec else { continue };
        if let (Some(path), Some(p)) = (target, &spec.path) {
            out.push(PathLink { range: p.range, path });
        }
        if let (Some(path), Some(m)) = (dockerfile, &spec.manifest) {
            out.push(PathLink { range: m.range, path });
        }
    }
    out
}

#[cfg(test)]
mod tests;
