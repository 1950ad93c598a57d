//! Which rack and app a manifest deploys to, found the way the Convox CLI finds them, so hovers
//! can name the real namespace `<rack>-<app>`.
//!
//! Rack: the `convox.rack` setting; else `CONVOX_RACK`; else `.convox/rack` in the manifest's
//! directory; else the CLI's current rack (`convox switch`) in its settings directory
//! (`$XDG_CONFIG_HOME/convox/rack`, `~/.config/convox/rack`, on macOS
//! `~/Library/Application Support/convox/rack`, and the older `~/.convox/rack`). A Console rack
//! written `org/name` deploys to namespaces named after `name`.
//! App: the `convox.app` setting; else `.convox/app` in the manifest's directory; else the name of
//! that directory (what `convox deploy` uses without `-a`).

use std::path::{Path, PathBuf};

/// Rack and app, each unknown until found, and the rack settings that change what Convox renders
/// (from the client's settings; `None` is the default: nginx router, AWS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub rack: Option<String>,
    pub app: Option<String>,
    /// The rack's router: `nginx` or `contour` (setting `convox.router`).
    pub router: Option<String>,
    /// The rack's provider: `aws`, `azure`, `do`, `gcp`, `local`, `metal` (setting `convox.provider`).
    pub provider: Option<String>,
    /// The release's environment, when one was given (`--env-file`, `-e`, the `convox.envFile`
    /// and `convox.environment` settings): hover shows each `${VAR}`'s value from it.
    pub environment: Option<std::sync::Arc<crate::env::Environment>>,
}

impl Context {
    pub fn rack_or_placeholder(&self) -> &str {
        self.rack.as_deref().unwrap_or("<rack>")
    }

    pub fn app_or_placeholder(&self) -> &str {
        self.app.as_deref().unwrap_or("<app>")
    }

    /// The app's namespace, `<rack>-<app>`, with placeholders for what is unknown.
    pub fn namespace(&self) -> String {
        format!("{}-{}", self.rack_or_placeholder(), self.app_or_placeholder())
    }
}

/// Where to look: settings first, then the environment and the file system.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub rack_setting: Option<String>,
    pub app_setting: Option<String>,
    pub router_setting: Option<String>,
    pub provider_setting: Option<String>,
    pub env_rack: Option<String>,
    /// The user's configuration directories to try for the CLI's current rack, in order.
    pub config_dirs: Vec<PathBuf>,
}

impl Sources {
    /// The process environment and the platform's configuration directories.
    pub fn from_environment() -> Sources {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut config_dirs = Vec::new();
        if let Some(xdg) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
            config_dirs.push(PathBuf::from(xdg).join("convox"));
        }
        if let Some(h) = &home {
            config_dirs.push(h.join(".config/convox"));
            if cfg!(target_os = "macos") {
                config_dirs.push(h.join("Library/Application Support/convox"));
            }
            config_dirs.push(h.join(".convox"));
        }
        Sources { env_rack: std::env::var("CONVOX_RACK").ok(), config_dirs, ..Sources::default() }
    }
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn read(path: &Path) -> Option<String> {
    clean(crate::files::read_capped(path))
}

/// `rel` under the manifest's folder, if it stays inside it once resolved (`.convox/app ->
/// /etc/passwd` is not read).
fn read_inside(dir: &Path, rel: &str) -> Option<String> {
    clean(crate::files::read_capped_inside(&dir.join(rel), dir))
}

/// `org/name` (a Console rack) deploys to `name-<app>`.
fn rack_name(rack: String) -> String {
    match rack.rsplit_once('/') {
        Some((_, name)) if !name.is_empty() => name.to_string(),
        _ => rack,
    }
}

/// Finds rack and app for the manifest at `manifest` (a path to the file; `None` for an
/// unsaved buffer, which leaves only settings and the environment).
pub fn discover(manifest: Option<&Path>, sources: &Sources) -> Context {
    // Absolute first: a bare `convox.yml` has the empty path as its parent, which names no
    // directory (and so no app); `./convox.yml` and `convox.yml` must find the same.
    let manifest = manifest.map(|m| std::path::absolute(m).unwrap_or_else(|_| m.to_path_buf()));
    let dir = manifest.as_deref().and_then(Path::parent);
    let rack = clean(sources.rack_setting.clone())
        .or_else(|| clean(sources.env_rack.clone()))
        .or_else(|| dir.and_then(|d| read_inside(d, ".convox/rack")))
        .or_else(|| sources.config_dirs.iter().find_map(|d| read(&d.join("rack"))))
        .map(rack_name);
    let app =
        clean(sources.app_setting.clone()).or_else(|| dir.and_then(|d| read_inside(d, ".convox/app"))).or_else(|| {
            let d = std::fs::canonicalize(dir?).ok()?;
            d.file_name().map(|n| n.to_string_lossy().into_owned())
        });
    let (router, provider) = (clean(sources.router_setting.clone()), clean(sources.provider_setting.clone()));
    Context { rack, app, router, provider, environment: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_of_sources() {
        let tmp = std::env::temp_dir().join(format!("convox-lsp-ctx-{}", std::process::id()));
        let project = tmp.join("shop");
        let config = tmp.join("config");
        std::fs::create_dir_all(project.join(".convox")).unwrap();
        std::fs::create_dir_all(&config).unwrap();
        let manifest = project.join("convox.yml");
        std::fs::write(&manifest, "services: {}\n").unwrap();
        let mut s = Sources { config_dirs: vec![config.clone()], ..Sources::default() };

        // Nothing known but the directory name.
        assert_eq!(discover(Some(&manifest), &s), Context { app: Some("shop".into()), ..Context::default() });
        assert_eq!(discover(Some(&manifest), &s).namespace(), "<rack>-shop");
        assert_eq!(discover(None, &s).namespace(), "<rack>-<app>");

        // The CLI's current rack, Console form.
        std::fs::write(config.join("rack"), "acme/production\n").unwrap();
        assert_eq!(discover(Some(&manifest), &s).namespace(), "production-shop");
        // .convox/rack and .convox/app beside the manifest win over it.
        std::fs::write(project.join(".convox/rack"), "staging").unwrap();
        std::fs::write(project.join(".convox/app"), "shop-api\n").unwrap();
        assert_eq!(discover(Some(&manifest), &s).namespace(), "staging-shop-api");
        // CONVOX_RACK wins over files; settings win over everything.
        s.env_rack = Some("ci".into());
        assert_eq!(discover(Some(&manifest), &s).namespace(), "ci-shop-api");
        s.rack_setting = Some("dev".into());
        s.app_setting = Some("web".into());
        assert_eq!(discover(Some(&manifest), &s).namespace(), "dev-web");
        // Blank values do not count.
        s.rack_setting = Some("  ".into());
        assert_eq!(discover(Some(&manifest), &s).rack.as_deref(), Some("ci"));
        std::fs::remove_dir_all(&tmp).ok();
    }
}
