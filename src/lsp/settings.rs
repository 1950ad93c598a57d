//! Client settings (section `convox`), from `initializationOptions`, `workspace/configuration`
//! or `workspace/didChangeConfiguration`. Each accepts either `{ "convox": { ... } }` or the
//! section's contents directly.

use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Settings {
    /// The rack the app deploys to (its namespace is `<rack>-<app>`).
    pub rack: Option<String>,
    /// The app's name.
    pub app: Option<String>,
    /// The rack's router, `nginx` (default) or `contour`: Ingresses or HTTPProxies.
    pub router: Option<String>,
    /// The rack's provider (`aws` by default; `local` and `metal` use a self-signed issuer).
    pub provider: Option<String>,
    /// Severity per diagnostic code: `error`, `warning`, `info`, `hint` or `off`.
    pub diagnostics: std::collections::BTreeMap<String, String>,
    /// The rack's version (`3.24.1`): warnings for keys and behaviours it does not support yet.
    #[serde(rename = "rackVersion")]
    pub rack_version: Option<String>,
    /// Which inlay hints to show.
    #[serde(rename = "inlayHints")]
    pub inlay_hints: InlayHintSettings,
    /// The release environment's file (`convox env -a APP > .env`), relative to the workspace
    /// folder: `${VAR}`s are evaluated with it.
    #[serde(rename = "envFile")]
    pub env_file: Option<String>,
    /// Release environment values, over the env file's.
    pub environment: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct InlayHintSettings {
    /// After each declared name, the objects it becomes (default on).
    pub objects: bool,
    /// After `health:` and `scale:`, the defaults Convox fills in (default off).
    pub defaults: bool,
}

impl Default for InlayHintSettings {
    fn default() -> Self {
        Self { objects: true, defaults: false }
    }
}

/// What the settings change in a document's diagnostics: per-code severities and the rack's version.
#[derive(Clone, Debug, Default)]
pub struct DiagnosticSettings {
    pub severities: Vec<(crate::ide::Code, Option<crate::ide::Severity>)>,
    pub rack_version: Option<crate::ide::RackVersion>,
}

impl Settings {
    pub fn diagnostic_settings(&self) -> DiagnosticSettings {
        DiagnosticSettings { severities: self.severities(), rack_version: self.rack_version() }
    }

    /// The per-code overrides, with unknown codes and levels dropped (and logged).
    pub fn severities(&self) -> Vec<(crate::ide::Code, Option<crate::ide::Severity>)> {
        for problem in self.problems() {
            tracing::warn!("{problem}");
        }
        self.diagnostics
            .iter()
            .filter_map(|(code, level)| {
                Some((crate::ide::Code::parse(code)?, crate::ide::Severity::parse_setting(level).ok()?))
            })
            .collect()
    }

    /// What in the settings is ignored, in words a user can act on: an unknown diagnostic code
    /// (naming the valid ones) or severity.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (code, level) in &self.diagnostics {
            if crate::ide::Code::parse(code).is_none() {
                let valid: Vec<&str> = crate::ide::Code::ALL.iter().map(|c| c.as_str()).collect();
                out.push(format!(
                    "setting convox.diagnostics: `{code}` is not a diagnostic code, so it changes nothing. Valid codes: {}.",
                    valid.join(", ")
                ));
            } else if let Err(e) = crate::ide::Severity::parse_setting(level) {
                out.push(format!("setting convox.diagnostics.{code}: {e}"));
            }
        }
        out
    }
}

impl Settings {
    /// The configured rack version, if it parses (else logged and ignored).
    pub fn rack_version(&self) -> Option<crate::ide::RackVersion> {
        let raw = self.rack_version.as_deref().filter(|v| !v.trim().is_empty())?;
        let v = crate::ide::RackVersion::parse(raw);
        if v.is_none() {
            tracing::warn!("setting convox.rackVersion: {raw:?} is not a version like 3.24.1");
        }
        v
    }

    /// The release environment the settings give, `None` when they give none. `folder` is the
    /// workspace folder the env file is relative to and must stay in; what cannot be read is
    /// logged and left out.
    pub fn environment(&self, folder: Option<&std::path::Path>) -> Option<crate::env::Environment> {
        let file = self.env_file.as_deref().filter(|f| !f.trim().is_empty());
        if file.is_none() && self.environment.is_empty() {
            return None;
        }
        let mut env = crate::env::Environment::new();
        if let (Some(file), Some(folder)) = (file, folder) {
            let read =
                crate::env::read_env_file(&folder.join(file), Some(folder)).and_then(|t| env.read_file(&t, file));
            if let Err(e) = read {
                tracing::warn!("setting convox.envFile: {e}");
            }
        }
        for (k, v) in &self.environment {
            env.set(k, v, crate::env::Source::Setting);
        }
        Some(env)
    }

    /// Reads settings from any of the shapes clients send; `None` when there is nothing usable.
    pub fn from_value(v: &Value) -> Option<Settings> {
        let section = v.get("convox").unwrap_or(v);
        if !section.is_object() {
            return None;
        }
        serde_json::from_value(section.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rack_version_setting() {
        let s = Settings::from_value(&serde_json::json!({"convox": {"rackVersion": "3.24.1"}})).unwrap();
        assert_eq!(s.rack_version(), Some(crate::ide::RackVersion(3, 24, 1)));
        let s = Settings::from_value(&serde_json::json!({"rackVersion": "v3.19"})).unwrap();
        assert_eq!(s.rack_version(), Some(crate::ide::RackVersion(3, 19, 0)));
        let s = Settings::from_value(&serde_json::json!({"rackVersion": "latest"})).unwrap();
        assert_eq!(s.rack_version(), None, "not a version: no rack-version warnings");
        assert_eq!(Settings::default().rack_version(), None);
    }

    #[test]
    fn environment_settings() {
        let dir = std::env::temp_dir().join(format!("convox-lsp-env-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".env"), "HOST=file.example.com\nTAG=1\n").unwrap();
        let s = Settings::from_value(&serde_json::json!({"convox": {"envFile": ".env", "environment": {"TAG": "2"}}}))
            .unwrap();
        let env = s.environment(Some(&dir)).unwrap();
        assert_eq!(env.get("HOST").unwrap().source, crate::env::Source::File { path: ".env".into(), line: 1 });
        assert_eq!(env.get("TAG").unwrap().value, "2", "the setting's map wins");
        // Outside the workspace folder: not read.
        let s = Settings::from_value(&serde_json::json!({"envFile": "../../etc/passwd"})).unwrap();
        assert!(s.environment(Some(&dir)).unwrap().is_empty());
        assert!(Settings::default().environment(Some(&dir)).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn diagnostics_settings_are_keyed_by_code() {
        let s =
            Settings::from_value(&serde_json::json!({"diagnostics": {"unknown-key": "error", "typo": "off"}})).unwrap();
        assert_eq!(s.severities(), vec![(crate::ide::Code::UnknownKey, Some(crate::ide::Severity::Error))]);
        let problems = s.problems();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("`typo` is not a diagnostic code"), "{problems:?}");
        assert!(problems[0].contains("unknown-key, "), "names the valid codes: {problems:?}");
    }
}
