//! The edge that reads the repository around a manifest: the facts the build checks need
//! (`ide::build::BuildFacts`) and the manifests of a workspace. The server keeps one `Repo` and
//! clears it when a watched file changes; `convox-lsp check` uses a fresh one per run. Nothing is
//! executed and nothing outside the manifest's folder is read: paths are resolved component by
//! component from directory listings (on Linux, a last component by name: [`EXACT_NAMES`]), and a
//! symbolic link counts only when its target stays inside.
//! Every file is read through `files::read_regular` or, once resolved here, `files::read_resolved`:
//! regular files only, opened non-blocking, capped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::files::read_capped_resolved;
use crate::ide::Analysis;
use crate::ide::build::{self, BuildFacts, Ignore, PathKind, ToRead};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    /// A regular file: the only kind that is ever opened.
    File,
    /// A FIFO, a socket, a device: there, but never opened.
    Other,
    Link,
}

impl Entry {
    fn of(t: std::fs::FileType) -> Entry {
        if t.is_symlink() {
            Entry::Link
        } else if t.is_dir() {
            Entry::Dir
        } else if t.is_file() {
            Entry::File
        } else {
            Entry::Other
        }
    }
}

type Listing = Option<Arc<HashMap<String, Entry>>>;

/// The caches' maps, keyed by paths under the workspace: hashed with FxHash, where SipHash over a
/// path's components was a tenth of opening a manifest of 200 build folders.
type ByPath<V> = HashMap<PathBuf, V, crate::schema::FxBuild>;

/// Whether the file system matches a name exactly as the build will (Linux, case-sensitive): the
/// last component of a path may then be looked up by name. Elsewhere (macOS, Windows: names
/// match whatever their case) it is found in its directory's listing, so that `dockerfile` does
/// not pass for the `Dockerfile` a Linux build looks for.
const EXACT_NAMES: bool = cfg!(target_os = "linux");

/// What was read from disk, by absolute path. Every read adds one to `reads`.
#[derive(Default)]
pub struct Repo {
    roots: ByPath<Option<PathBuf>>,
    listings: ByPath<Listing>,
    links: ByPath<Option<(PathBuf, Entry)>>,
    /// Last components looked up by name ([`Repo::named`]), `None` where nothing is.
    names: ByPath<Option<Entry>>,
    args: ByPath<Arc<Vec<String>>>,
    ignores: ByPath<Option<Arc<Ignore>>>,
    /// The last facts answered, with the manifest and the paths they were asked for: most
    /// keystrokes change no build path, and everything else they depend on is in this cache.
    last: Option<(PathBuf, ToRead, Arc<BuildFacts>)>,
    reads: usize,
}

impl Repo {
    /// File-system calls made since the start: a test reads it to see the cache answer.
    pub fn reads(&self) -> usize {
        self.reads
    }

    /// Forgets everything read (a watched file changed).
    pub fn clear(&mut self) {
        let reads = self.reads;
        *self = Repo { reads, ..Repo::default() };
    }

    /// The facts for the manifest at `manifest` (a file path). Empty when its folder does not
    /// exist (an unsaved buffer, a test's made-up path): no build check then.
    /// The facts last answered, if they hold for this analysis (no build path changed): what a
    /// keystroke gets, without reading anything.
    pub fn cached(&self, manifest: &Path, a: &Analysis) -> Option<Arc<BuildFacts>> {
        let (at, asked, facts) = self.last.as_ref()?;
        (at == manifest && asked == a.build_paths()).then(|| facts.clone())
    }

    pub fn facts(&mut self, manifest: &Path, a: &Analysis) -> Arc<BuildFacts> {
        if let Some(facts) = self.cached(manifest, a) {
            return facts;
        }
        let wanted = a.build_paths().clone();
        let facts = Arc::new(self.read_facts(manifest, &wanted));
        self.last = Some((manifest.to_path_buf(), wanted, facts.clone()));
        facts
    }

    fn read_facts(&mut self, manifest: &Path, wanted: &ToRead) -> BuildFacts {
        let mut facts = BuildFacts::default();
        if wanted.paths.is_empty() {
            return facts;
        }
        let Some(root) = manifest.parent().and_then(|d| self.root(d)) else { return facts };
        let open: std::collections::HashSet<&str, crate::schema::FxBuild> =
            wanted.args.iter().map(String::as_str).collect();
        for rel in &wanted.paths {
            let (kind, real) = self.resolve(&root, rel);
            if let (PathKind::File, Some(real), true) = (kind, real, open.contains(rel.as_str())) {
                facts.args.insert(rel.clone(), self.dockerfile_args(&real));
            }
            facts.paths.insert(rel.clone(), kind);
        }
        facts.ignore = self.ignore(&root);
        facts
    }

    fn root(&mut self, dir: &Path) -> Option<PathBuf> {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Some(r) = self.roots.get(dir) {
            return r.clone();
        }
        self.reads += 1;
        let r = std::fs::canonicalize(dir).ok().filter(|p| p.is_dir());
        self.roots.insert(dir.to_path_buf(), r.clone());
        r
    }

    fn listing(&mut self, dir: &Path) -> Listing {
        if let Some(l) = self.listings.get(dir) {
            return l.clone();
        }
        self.reads += 1;
        let l = std::fs::read_dir(dir).ok().map(|entries| {
            let mut map = HashMap::new();
            for e in entries.flatten() {
                let (Ok(t), Some(name)) = (e.file_type(), e.file_name().to_str().map(str::to_string)) else { continue };
                map.insert(name, Entry::of(t));
            }
            Arc::new(map)
        });
        self.listings.insert(dir.to_path_buf(), l.clone());
        l
    }

    /// A link's target and what it is, `None` when it leads nowhere.
    fn link(&mut self, path: &Path) -> Option<(PathBuf, Entry)> {
        if let Some(t) = self.links.get(path) {
            return t.clone();
        }
        self.reads += 1;
        let t = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| std::fs::metadata(&p).ok().map(|m| (p, Entry::of(m.file_type()))));
        self.links.insert(path.to_path_buf(), t.clone());
        t
    }

    /// `rel` (cleaned, `/`-separated) under `root` (canonical), one listing per directory; for a
    /// regular file, its path with every link resolved (what [`read_capped_resolved`] reads: its
    /// type is known before it is opened).
    fn resolve(&mut self, root: &Path, rel: &str) -> (PathKind, Option<PathBuf>) {
        if rel == "." {
            return (PathKind::Dir, None);
        }
        let parts: Vec<&str> = rel.split('/').collect();
        let mut cur = root.to_path_buf();
        let missing = (PathKind::Missing, None);
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let entry = if last && EXACT_NAMES && !self.listings.contains_key(&cur) {
                self.named(&cur.join(part))
            } else {
                let Some(listing) = self.listing(&cur) else { return missing };
                listing.get(*part).copied()
            };
            let path = cur.join(part);
            let (entry, real) = match entry {
                None => return missing,
                Some(Entry::Link) => match self.link(&path) {
                    None => return missing,
                    Some((target, _)) if !target.starts_with(root) => return (PathKind::Outside, None),
                    Some((target, entry)) => (entry, target),
                },
                Some(entry) => (entry, path),
            };
            match entry {
                Entry::Dir if !last => cur = real,
                Entry::Dir => return (PathKind::Dir, None),
                Entry::File if last => return (PathKind::File, Some(real)),
                Entry::Other if last => return (PathKind::File, None),
                _ => return missing,
            }
        }
        (PathKind::Dir, None)
    }

    /// What the last component of a path is, when its directory (resolved: reached through
    /// listings or a link kept inside the root) is not listed: one call that does not follow a
    /// link, where listing the directory costs five (each service's own build folder is listed
    /// for one name).
    fn named(&mut self, path: &Path) -> Option<Entry> {
        if let Some(known) = self.names.get(path) {
            return *known;
        }
        self.reads += 1;
        let found = std::fs::symlink_metadata(path).ok().map(|m| Entry::of(m.file_type()));
        self.names.insert(path.to_path_buf(), found);
        found
    }

    fn dockerfile_args(&mut self, path: &Path) -> Arc<Vec<String>> {
        if let Some(a) = self.args.get(path) {
            return a.clone();
        }
        self.reads += 1;
        let a = Arc::new(read_capped_resolved(path).map(|t| build::dockerfile_args(&t)).unwrap_or_default());
        self.args.insert(path.to_path_buf(), a.clone());
        a
    }

    fn ignore(&mut self, root: &Path) -> Option<Arc<Ignore>> {
        if let Some(i) = self.ignores.get(root) {
            return i.clone();
        }
        let present = self.listing(root).is_some_and(|l| l.contains_key(".dockerignore"));
        let i = present
            .then(|| {
                self.reads += 1;
                crate::files::read_capped_inside(&root.join(".dockerignore"), root)
            })
            .flatten()
            .map(|t| Arc::new(Ignore::parse(&t)));
        self.ignores.insert(root.to_path_buf(), i.clone());
        i
    }
}

/// Directories never searched for manifests.
const SKIPPED: [&str; 3] = ["node_modules", ".git", "target"];

/// The manifests found under some folders, at most `cap` of them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub files: Vec<PathBuf>,
    /// The cap was reached: more manifests may exist.
    pub truncated: bool,
}

/// Every `convox.yml` / `convox.*.yml` under `roots` (files and links, which are read only
/// through `files::within` and `files::read_regular`; not following links to directories,
/// skipping `node_modules`, `.git` and `target`), sorted, at most `cap` files and
/// `10 * cap` directories listed.
pub fn find_manifests(roots: &[PathBuf], cap: usize) -> Found {
    let mut found = Found::default();
    let mut dirs: Vec<PathBuf> = roots.to_vec();
    let mut listed = 0;
    while let Some(dir) = dirs.pop() {
        if listed >= cap * 10 {
            found.truncated = true;
            break;
        }
        listed += 1;
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let (Ok(t), Some(name)) = (e.file_type(), e.file_name().to_str().map(str::to_string)) else { continue };
            if t.is_dir() {
                if !SKIPPED.contains(&name.as_str()) {
                    dirs.push(e.path());
                }
            } else if is_manifest(&name) && (t.is_file() || t.is_symlink()) {
                if found.files.len() == cap {
                    found.truncated = true;
                    continue;
                }
                found.files.push(e.path());
            }
        }
    }
    found.files.sort();
    found
}

/// `convox.yml` or `convox.<anything>.yml`: the names Convox's `-m` is given in practice.
fn is_manifest(name: &str) -> bool {
    name == "convox.yml" || name.strip_prefix("convox.").and_then(|r| r.strip_suffix(".yml")).is_some()
}

#[cfg(test)]
mod tests;
