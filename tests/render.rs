//! The Kubernetes preview: the seeds' example rendered (snapshot), every object well formed, the
//! service filter, and the protocol request.

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;
use expect_test::expect_file;
use serde::Deserialize;
use yaml_serde::Value;

fn ctx() -> Context {
    Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() }
}

fn render(text: &str, service: Option<&str>) -> String {
    Analysis::from_text(text).render(&ctx(), service).unwrap()
}

fn documents(yaml: &str) -> Vec<Value> {
    yaml_serde::Deserializer::from_str(yaml).map(|d| Value::deserialize(d).expect("each document parses")).collect()
}

#[test]
fn the_example() {
    expect_file!["snapshots/render-example.yaml"].assert_eq(&render(include_str!("../examples/convox.yml"), None));
}

/// The fields the API server requires of each kind (beyond apiVersion, kind, metadata.name and
/// metadata.namespace, which every object needs).
fn required(kind: &str) -> &'static [&'static str] {
    match kind {
        "Deployment" | "DaemonSet" => {
            &["spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"]
        }
        "Service" => &["spec.ports", "spec.selector"],
        "Ingress" => &["spec.rules"],
        "HorizontalPodAutoscaler" => &["spec.scaleTargetRef.name", "spec.maxReplicas"],
        "CronJob" => &["spec.schedule", "spec.jobTemplate.spec.template.spec.containers"],
        "PersistentVolumeClaim" => &["spec.accessModes", "spec.resources.requests.storage"],
        "PersistentVolume" => &["spec.capacity.storage", "spec.csi.driver"],
        "Secret" | "ConfigMap" | "ServiceAccount" => &[],
        other => panic!("unexpected kind {other}"),
    }
}

fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

#[test]
fn every_object_is_well_formed() {
    let yaml = render(include_str!("../examples/convox.yml"), None);
    let docs = documents(&yaml);
    let mut kinds: Vec<String> = Vec::new();
    for d in &docs {
        for f in ["apiVersion", "kind", "metadata.name", "metadata.namespace"] {
            assert!(get(d, f).and_then(Value::as_str).is_some_and(|s| !s.is_empty()), "{f} missing in {d:?}");
        }
        assert_eq!(get(d, "metadata.namespace").unwrap().as_str(), Some("acme-shop"));
        let kind = get(d, "kind").unwrap().as_str().unwrap();
        for f in required(kind) {
            assert!(get(d, f).is_some(), "{kind} {} lacks {f}", get(d, "metadata.name").unwrap().as_str().unwrap());
        }
        // Selectors select the pod template's labels.
        if let (Some(Value::Mapping(sel)), Some(Value::Mapping(pod))) =
            (get(d, "spec.selector.matchLabels"), get(d, "spec.template.metadata.labels"))
        {
            for (k, v) in sel {
                assert_eq!(pod.get(k), Some(v), "{kind}: selector {k:?} does not match the pods");
            }
        }
        kinds.push(format!("{kind} {}", get(d, "metadata.name").unwrap().as_str().unwrap()));
    }
    for want in [
        "Deployment web",
        "Service web",
        "Ingress web",
        "HorizontalPodAutoscaler web",
        "Secret env-web",
        "ServiceAccount web",
        "PersistentVolumeClaim efs-web-shared-uploads",
        "DaemonSet agent",
        "CronJob timer-cleanup",
        "CronJob timer-data-import",
        "ConfigMap resource-database",
        "Deployment resource-cache",
        "ConfigMap resource-analytics-db",
        "Service balancer-tcp-lb",
    ] {
        assert!(kinds.iter().any(|k| k == want), "{want} missing from {kinds:#?}");
    }
    // The postgres resource is in overlay mode (DATABASE_URL is required): no container for it.
    assert!(!kinds.iter().any(|k| k == "Deployment resource-database"));
    // No HPA for a fixed count, no Ingress without a port.
    assert!(!kinds.iter().any(|k| k == "HorizontalPodAutoscaler worker" || k == "Ingress worker"));
}

#[test]
fn one_service_and_its_timers() {
    let yaml = render(include_str!("../examples/convox.yml"), Some("jobs"));
    let names: Vec<String> = documents(&yaml)
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                get(d, "kind").unwrap().as_str().unwrap(),
                get(d, "metadata.name").unwrap().as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "Secret env-jobs",
            "ServiceAccount jobs",
            "Deployment jobs",
            "ServiceAccount timer-cleanup",
            "CronJob timer-cleanup",
            "ServiceAccount timer-data-import",
            "CronJob timer-data-import"
        ]
    );
    let parallel = &documents(&yaml)[6];
    assert_eq!(get(parallel, "spec.jobTemplate.spec.completionMode").unwrap().as_str(), Some("Indexed"));
    assert_eq!(get(parallel, "spec.concurrencyPolicy").unwrap().as_str(), Some("Forbid"));
    assert!(Analysis::from_text("services: {}\n").render(&ctx(), Some("nope")).is_err());
}

/// `docs/render.md` keeps the left-out list `render` prints (`objects::LEFT_OUT`).
#[test]
fn the_docs_keep_the_left_out_list() {
    let doc = include_str!("../docs/render.md");
    for l in convox_lsp::ide::objects::LEFT_OUT {
        assert!(doc.contains(l.what) && doc.contains(l.reason), "docs/render.md lacks {:?}", l.what);
    }
    let yaml = render("services:\n  web:\n    port: 3000\n", None);
    assert!(yaml.contains("# Left out of this preview"), "{yaml}");
}
