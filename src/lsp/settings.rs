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
    /// Which inlay hints to show.
    #[serde(rename = "inlayHints")]
    pub inlay_hints: InlayHintSettings,
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

impl Settings {
    /// The per-code overrides, with unknown levels dropped (and logged).
    pub fn severities(&self) -> Vec<(String, Option<crate::ide::Severity>)> {
        self.diagnostics
            .iter()
            .filter_map(|(code, level)| match crate::ide::Severity::parse_setting(level) {
                Ok(l) => Some((code.clone(), l)),
                Err(e) => {
                    tracing::warn!("setting convox.diagnostics.{code}: {e}");
                    None
                }
            })
            .collect()
    }
}

impl Settings {
    /// Reads settings from any of the shapes clients send; `None` when there is nothing usable.
    pub fn from_value(v: &Value) -> Option<Settings> {
        let section = v.get("convox").unwrap_or(v);
        if !section.is_object() {
            return None;
        }
        serde_json::from_value(section.clone()).ok()
    }
}
