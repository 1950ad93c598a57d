//! What Convox renders that this model cannot know offline, with the reason: printed by `render`,
//! kept in `docs/render.md`, and the fields the differential test against Convox's templates
//! skips.

/// What Convox renders and this model leaves out, with the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub what: &'static str,
    pub reason: &'static str,
    /// The (kind, field path prefix) it covers in Convox's objects (`*`: any kind), for the
    /// differential test against Convox's templates.
    pub fields: &'static [(&'static str, &'static str)],
}

/// What the preview leaves out, each with its reason (printed by `render`, kept in
/// `docs/render.md`).
pub const LEFT_OUT: &[LeftOut] = &[
    LeftOut {
        what: "Namespace <rack>-<app> (app/app.yml.tmpl)",
        reason: "created with the app (`convox apps create`), not by a deploy; its params and owner come from the rack",
        fields: &[],
    },
    LeftOut {
        what: "ConfigMap ca (app/ca.yml.tmpl)",
        reason: "only on racks with a custom CA; its content is the rack's certificate",
        fields: &[],
    },
    LeftOut {
        what: "Certificate and cert Secrets (app/certificate.yml.tmpl, certificate.id)",
        reason: "cert-manager objects made from the rack's issuer settings and ACM",
        fields: &[],
    },
    LeftOut {
        what: "PersistentVolumeClaim azurefiles-<service>-<id> (app/azurefiles.yml.tmpl)",
        reason: "only on Azure racks; the pod's azureFiles volume and mount are rendered",
        fields: &[],
    },
    LeftOut {
        what: "image pull Secrets, imagePullSecrets and docker-hub-authentication",
        reason: "come from rack parameters and `convox env` values",
        fields: &[],
    },
    LeftOut {
        what: "KEDA ScaledObject, VPA, autoscale HPA (scale.autoscale, scale.keda)",
        reason: "built in Go by the rack when KEDA/VPA are enabled, not from a template",
        fields: &[],
    },
    LeftOut {
        what: "on a contour router, the nginx `ingressAnnotations` Convox translates (rate limits, timeouts), and the rack's proxy protocol",
        reason: "translated by the rack (`translateNginxAnnotations`); the HTTPProxy is rendered without them",
        fields: &[],
    },
    LeftOut {
        what: "values written `${VAR}`",
        reason: "Convox interpolates them from the app's environment when it loads the manifest; shown as written",
        fields: &[],
    },
    LeftOut {
        what: "dnsConfig nameservers and searches",
        reason: "only with the rack's `resolver` parameter",
        fields: &[],
    },
    LeftOut {
        what: "rds-* and elasticache-* ConfigMap values (URL, USER, PASS, HOST, PORT, NAME)",
        reason: "read from the AWS provisioner's connection info after the database exists",
        fields: &[],
    },
    LeftOut {
        what: "the env Secret's values for names without a default, and the rack's system keys when `systemEnvDisable` is on",
        reason: "set with `convox env set`; shown as keys with `<value>`",
        fields: &[],
    },
    LeftOut {
        what: "PodDisruptionBudgets, ReplicaSets, Jobs, Pods",
        reason: "made by the rack's controllers or by Kubernetes from these objects",
        fields: &[],
    },
];
