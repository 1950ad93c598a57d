//! The troubleshooting ladder as data (`data/troubleshoot.yml`, format in `TROUBLESHOOT.md`): the
//! steps to run when a service, timer or resource does not work, in order, each with its kubectl
//! commands, what a bad answer means and the manifest keys to look at; then the "works locally but
//! not in Kubernetes" checklist. `ide::troubleshoot` decides which steps apply and fills them in.

use std::sync::LazyLock;

use serde::Deserialize;

/// What a step is about.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    Service,
    Timer,
    Resource,
}

/// A fact about the rendered objects that a step needs (`TROUBLESHOOT.md`, "Tokens").
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    Pods,
    Zero,
    Cronjob,
    Managed,
    Overlay,
    Init,
    Service,
    NoService,
    Ingress,
    InternalIngress,
    /// HTTPProxies instead of an Ingress (a contour router).
    Httpproxy,
    Hpa,
    /// The owner renders a PersistentVolumeClaim (a containerized resource with storage).
    Pvc,
    Port,
    Ports,
    Health,
    NoHealth,
    Built,
    Linked,
    Prebuilt,
    /// The env Secret `env-<service>` is rendered.
    Env,
    /// The pods get cloud rights through their ServiceAccount: `accessControl` (pod identity) or
    /// an IAM role annotation (`eks.amazonaws.com/role-arn`).
    Access,
}

/// A bad answer: what you see, what it means, where to look in the manifest.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sign {
    pub sign: String,
    pub means: String,
    #[serde(default)]
    pub look: Vec<String>,
    /// Only for these subjects (all when empty).
    #[serde(default, rename = "for")]
    pub only: Vec<Subject>,
    /// Only when these hold (all when empty), as a step's `needs`.
    #[serde(default)]
    pub needs: Vec<Need>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    #[serde(rename = "for")]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    pub needs: Vec<Need>,
    pub title: String,
    pub why: String,
    pub run: Vec<String>,
    /// One of the few steps a service hover shows ("if it does not run").
    #[serde(default)]
    pub short: bool,
    #[serde(default)]
    pub bad: Vec<Sign>,
}

/// One line of the "works locally but not in Kubernetes" checklist.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Check {
    #[serde(rename = "for")]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    pub needs: Vec<Need>,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub look: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Ladder {
    /// The namespaces line (app and rack namespace, and how to list them).
    pub namespaces: String,
    /// The title of the hover's "if it does not run" part.
    pub short: String,
    pub steps: Vec<Step>,
    pub checklist: Vec<Check>,
}

const DATA: &str = include_str!(concat!(env!("OUT_DIR"), "/troubleshoot.json"));

static LADDER: LazyLock<Ladder> =
    LazyLock::new(|| serde_json::from_str(DATA).unwrap_or_else(|e| panic!("src/schema/data/troubleshoot.yml: {e}")));

/// The ladder (read on first use; the data is checked by the tests).
pub fn ladder() -> &'static Ladder {
    &LADDER
}
