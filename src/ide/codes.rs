//! The diagnostic codes: one per rule, each with its default severity, the stage of Convox's
//! deploy that fails on it, a one-line summary and the anchor of its section in
//! `docs/diagnostics.md`. The docs table, the VS Code settings list (`editors/vscode/package.json`)
//! and the SARIF rules are generated from this list (`tests/diagnostic_codes.rs` fails when the
//! docs or package.json are stale).

/// Where a deploy fails on a diagnostic's cause, in order. `Load` and `Validate` are Convox's
/// `manifest.Load` and `Validate` (`pkg/manifest/manifest.go`, `validate.go`), run by `convox
/// build`; `Build` is the image build on the rack (the repository beside the manifest); `Promote` is `provider/k8s/release.go` and the resource provisioners; `Apply` is
/// Kubernetes rejecting an object; `Never` is what does not fail (warnings, hints).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Load,
    Validate,
    Build,
    Promote,
    Apply,
    Never,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Build => "build",
            Stage::Promote => "promote",
            Stage::Apply => "apply",
            Stage::Never => "-",
        }
    }
}

macro_rules! codes {
    ($($variant:ident $code:literal $sev:ident $stage:ident $summary:literal;)*) => {
        /// A diagnostic code. The string form is stable: users name it in settings and
        /// `# convox-lsp: ignore[...]` comments.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in the order of the docs table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            pub fn stage(self) -> Stage {
                match self { $(Code::$variant => Stage::$stage,)* }
            }

            /// One line: what the code means (the docs table, the settings list, SARIF).
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    YamlSyntax "yaml-syntax" Error Load "The file is not valid YAML; the deploy fails with `yaml: line N: ...`.";
    WrongType "wrong-type" Error Load "A value of a YAML shape Convox's decoder rejects (a `command` list, `labels` as a list, `environment` as a map, `health: 5`); the build fails.";
    IgnoredValue "ignored-value" Warning Never "A value of a type Convox's decoder silently drops (`health.grace: \"10\"`, `scale.cpu: \"256\"`): the default is used.";
    DroppedMerge "dropped-merge" Warning Never "A merge key (`<<: *base`) in `services`, `resources`, `timers` or `balancers`: Convox decodes them through yaml.v2's MapSlice, which loses `<<`, so the anchored keys are not applied.";
    AgentPorts "agent-ports" Error Load "`agent` as a map (Convox v2): `agent ports are now specified at the service level`.";
    InvalidValue "invalid-value" Error Validate "A value outside the set Convox accepts (`vpa.updateMode`, budget enums, `accessMode` ...).";
    InvalidConcurrency "invalid-concurrency" Error Apply "A timer `concurrency` that becomes a `concurrencyPolicy` Kubernetes rejects.";
    InvalidPort "invalid-port" Error Load "A `port`, `ports` item or balancer port Convox cannot parse.";
    InvalidProtocol "invalid-protocol" Error Apply "A `ports` or balancer port protocol Kubernetes does not take: it rejects the Service.";
    LoadBalancerProtocol "load-balancer-protocol" Warning Never "A balancer port `protocol: SCTP`: Kubernetes takes the Service, but the AWS network load balancer Convox asks for carries only TCP and UDP, so no load balancer is made.";
    InvalidMetricType "invalid-metric-type" Error Apply "A KEDA trigger `metricType` other than `AverageValue`, `Value`, `Utilization`: KEDA rejects the ScaledObject.";
    InvalidScale "invalid-scale" Error Load "A `scale.count` Convox cannot parse (`2+`, `a-b`) or whose minimum is above its maximum.";
    InvalidAutoscale "invalid-autoscale" Error Validate "`scale.autoscale`, `scale.keda` or `scale.targets` values Convox's validation rejects.";
    InvalidVpa "invalid-vpa" Error Promote "A `scale.vpa` the promote rejects: no or an unknown `updateMode`, `cpuOnly` with `memOnly`.";
    LimitBelowRequest "limit-below-request" Error Load "A `scale.limit.cpu`/`memory` below the request.";
    DeploymentBounds "deployment-bounds" Error Validate "`deployment.minimum` outside 0-100 or `deployment.maximum` outside 100-200.";
    InvalidCidr "invalid-cidr" Error Validate "A balancer `whitelist` entry that is not a CIDR range.";
    InvalidAnnotation "invalid-annotation" Error Load "A service `annotations` item that is not `key=value`, or a value that is not a string; the build fails.";
    AnnotationCrash "annotation-crash" Error Promote "A timer's or balancer's annotation without `=`: the promote crashes (index out of range).";
    SecurityContext "security-context" Error Validate "A `securityContext` combination Convox rejects (`Localhost` seccomp, `runAsNonRoot` with user 0, capability names).";
    InvalidVolume "invalid-volume" Error Validate "A `volumeOptions` value Convox rejects (an `azureFiles.id`, a `sizeLimit`, a `shareSize`).";
    InvalidRegistry "invalid-registry" Error Validate "An `imagePullSecrets` registry Convox rejects (a scheme, a path, upper case, a duplicate).";
    InvalidName "invalid-name" Error Validate "A service, resource or timer name that breaks `^[a-z][a-z0-9-]*$`.";
    UndefinedResource "undefined-resource" Error Validate "A service's `resources:` entry names no declared resource.";
    UndefinedService "undefined-service" Error Validate "A timer's or balancer's `service` names no declared service, or is blank; a `budget.neverAutoShutdown` entry that is not a service (warning).";
    UndefinedConfig "undefined-config" Error Validate "A `configMounts` id that is not in `configs`.";
    MissingType "missing-type" Error Validate "A resource without `type`.";
    UnknownResourceType "unknown-resource-type" Error Promote "A resource `type` Convox has no template for; the promote fails.";
    MissingKey "missing-key" Error Validate "A key Convox needs: a timer's `service`, a balancer's `ports`, a volume's `id` or `mountPath`, a config's `id`, a configMount's `filename`.";
    MissingSchedule "missing-schedule" Error Apply "A timer without `schedule`: Kubernetes rejects the CronJob at promote.";
    MissingOption "missing-option" Error Promote "An `rds-*` or `elasticache-*` resource without a required option (`class`, `version`); the promote fails.";
    ProvisionedName "provisioned-name" Error Promote "An `rds-*` or `elasticache-*` resource name that breaks `^[a-z]([a-z0-9-]*[a-z0-9])?$` (a trailing `-`); the promote fails.";
    NameTooLong "name-too-long" Error Promote "An `rds-*` or `elasticache-*` resource name over 20 characters; the promote fails.";
    InternalConflict "internal-conflict" Error Validate "`internal` and `internalRouter` both true.";
    EmptyVariable "empty-variable" Error Load "A `${VAR}` where an empty value fails the release (an unquoted list item or annotation value becomes null, an empty `type` is blank), and the app's environment may not set it.";
    RequiredEnv "required-env" Error Load "A `- NAME` in an `environment` that the given release environment does not set: `required env: NAME`.";
    ReservedLabel "reserved-label" Error Load "A label key Convox reserves (`system`, `rack`, `app`, `name`, `service`, `release`, `type`).";
    ScheduleQuestionMark "schedule-question-mark" Error Validate "A timer schedule that keeps a `?` after Convox's rewrite.";
    InvalidSchedule "invalid-schedule" Error Apply "A timer schedule that is not a 5-field cron Kubernetes reads.";
    Budget "budget" Error Validate "A `budget` combination Convox rejects (auto-shutdown without a webhook, a cap, or an eligible service).";
    BudgetValue "budget-value" Error Validate "A `budget` value Convox rejects: a range, a duration, a value reserved for a later release.";
    BuildContextMissing "build-context-missing" Error Build "A service's build context (`build`, `build.path`, `.` without either) is not a directory beside the manifest, or leaves the manifest's folder: `convox build` uploads only that folder.";
    DockerfileMissing "dockerfile-missing" Error Build "The Dockerfile (`build.manifest`, default `Dockerfile`, relative to the context) is not a file; also for a service with neither `build` nor `image`, which builds `./Dockerfile`.";
    BuildIgnored "build-ignored" Error Build "The `.dockerignore` beside the manifest excludes the build context or its Dockerfile: `convox build` leaves it out of the upload.";
    UnknownKey "unknown-key" Warning Never "A key Convox does not read where it is written: silently ignored. With \"did you mean\".";
    MisplacedSection "misplaced-section" Warning Never "A section indented under another (`timers:` under `services:`): it becomes a service of that name.";
    NoEffect "no-effect" Warning Never "A key that does nothing in Convox v3 (`links`, `drain`, top-level `version`, `params`), `domain` on an internal service, an environment entry Convox drops.";
    LegacyManifest "legacy-manifest" Warning Never "The file looks like a Convox Generation 2 (ECS) or Praxis manifest, with the evidence.";
    NeedsPort "needs-port" Warning Never "`health`, `liveness`, `domain`, `sticky`, `timeout`, `tls`, `whitelist`, `certificate` ... on a service without `port`: no effect.";
    DuplicateKey "duplicate-key" Warning Never "A key written twice in one map. Convox's decoder reads both where it appends or merges (two `services:`, `resources:`, `timers:` or `balancers:` sections, `environment` and `domain` lists, maps such as `labels`, `health`, `scale` or resource `options`, key by key) and keeps the last elsewhere; the warning says which. A name written twice under `services:` (or another named section) is kept twice, and the two collide.";
    ResourceNameCollision "resource-name-collision" Warning Never "Two resources whose names differ only by digits: both become `resource-<name>` in Kubernetes.";
    ResourceOverlay "resource-overlay" Warning Never "A `<RESOURCE>_URL` set in the release environment switches a containerized resource off; a default in the manifest does not.";
    UndeclaredVariable "undeclared-variable" Warning Never "`${VAR}` used but declared in no `environment`: it becomes an empty string unless the app sets it.";
    VariableForm "variable-form" Warning Never "A `${VAR}` where only some values work (a number for `scale` or `port`): shows what Convox does with any other.";
    UnsetVariable "unset-variable" Warning Never "A `${VAR}` the given release environment does not set: Convox substitutes an empty string.";
    UnsupportedInterpolation "unsupported-interpolation" Warning Never "`${VAR:-default}`: Convox has no default syntax; the whole `VAR:-default` is looked up and is empty.";
    UnquotedVersion "unquoted-version" Warning Never "An unquoted decimal `options.version`: Convox passes `8.0` as `\"8\"`, `13.10` as `\"13.1\"`.";
    ScheduleRewritten "schedule-rewritten" Warning Never "A schedule with more than 5 fields (v2 AWS cron): Convox keeps the first five.";
    GpuVendor "gpu-vendor" Warning Never "A `scale.gpu.vendor` other than nvidia or amd: Convox uses nvidia.";
    BuildArgUndeclared "build-arg-undeclared" Warning Never "A `build.args` entry that the Dockerfile declares on no `ARG` line: the build never receives it.";
    RackVersion "rack-version" Warning Never "A key or behaviour the configured `rackVersion` does not support yet.";
    UnknownCode "unknown-code" Warning Never "A code in a `# convox-lsp: ignore[...]` comment that is not a diagnostic code: it silences nothing. Names the valid codes.";
    ExtraDocument "extra-document" Warning Never "A second YAML document (`---`): Convox reads only the first.";
    DataLoss "data-loss" Warning Never "Compared with the committed manifest, a change that deletes or recreates a volume claim at the next deploy (a removed or renamed postgres resource, a changed EFS volume): its data is lost.";
    UnusedResource "unused-resource" Hint Never "A resource no service links.";
}

impl Code {
    /// The code named `s`, if any.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The anchor of the code's section in `docs/diagnostics.md` (a `### \`code\`` heading).
    pub fn anchor(self) -> &'static str {
        self.as_str()
    }

    /// The code's row of the table in `docs/diagnostics.md`.
    fn table_row(self) -> String {
        format!("| `{}` | {} | {} |", self.as_str(), self.default_severity().as_str(), self.summary())
    }

    /// The table of every code, as `docs/diagnostics.md` carries it.
    pub fn docs_table() -> String {
        let mut out = String::from("| code | severity | what it means |\n| --- | --- | --- |\n");
        for c in Code::ALL {
            out.push_str(&c.table_row());
            out.push('\n');
        }
        out
    }

    /// The `convox.diagnostics` setting's `properties` in `editors/vscode/package.json`.
    pub fn vscode_properties() -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for c in Code::ALL {
            map.insert(
                c.as_str().to_string(),
                serde_json::json!({
                    "type": "string",
                    "enum": ["error", "warning", "info", "hint", "off"],
                    "markdownDescription": format!("Default `{}`. {}", c.default_severity().as_str(), c.summary()),
                }),
            );
        }
        serde_json::Value::Object(map)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How serious a diagnostic is (a code's default, or the setting's level).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

impl Severity {
    /// Parses a setting value: `error`, `warning`, `info`, `hint`; `off` (or `none`) gives `Ok(None)`.
    pub fn parse_setting(s: &str) -> Result<Option<Severity>, String> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Some(Severity::Error)),
            "warning" | "warn" => Ok(Some(Severity::Warning)),
            "info" | "information" => Ok(Some(Severity::Information)),
            "hint" => Ok(Some(Severity::Hint)),
            "off" | "none" | "ignore" => Ok(None),
            other => Err(format!("unknown severity {other:?}: use error, warning, info, hint or off")),
        }
    }
}
