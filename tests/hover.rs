//! Hover as a user sees it: the exact Markdown at a `$0` cursor.

mod fixture;

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;
use expect_test::{Expect, expect, expect_file};

fn ctx() -> Context {
    Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() }
}

fn hover_at(fixture: &str, ctx: &Context) -> String {
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let a = Analysis::from_text(&text);
    match a.hover(offset, ctx) {
        Some(h) => format!("[{}]\n{}", &text[h.range.start..h.range.end], h.markdown),
        None => "no hover".to_string(),
    }
}

fn check(fixture: &str, expect: Expect) {
    let fixture: &str = &fixture::dedent(fixture);
    expect.assert_eq(&hover_at(fixture, &ctx()));
}

/// Every key of the seeds' complete example, hovered on its key, in one snapshot file.
#[test]
fn every_key_of_the_example() {
    let text = include_str!("../examples/convox.yml");
    let a = Analysis::from_text(text);
    let mut out = String::new();
    for row in a.explain(&ctx()) {
        out.push_str(&format!("## {}\n\n", row.path));
        match a.hover(row.offset, &ctx()) {
            Some(h) => out.push_str(&h.markdown),
            None => out.push_str("(no hover)\n"),
        }
        out.push('\n');
    }
    expect_file!["snapshots/hover-example.md"].assert_eq(&out);
}

#[test]
fn unknown_rack_and_app_show_placeholders() {
    let fixture = "services:\n  we$0b:\n    port: 3000\n";
    let out = hover_at(fixture, &Context::default());
    assert!(out.contains("namespace `<rack>-<app>`"), "{out}");
    assert!(out.contains("-n <rack>-<app> -l service=web"), "{out}");
}

#[test]
fn service_kinds() {
    // A web service: port, range → Service, Ingress, HPA.
    check(
        r#"
        services:
          we$0b:
            port: 3000
            scale:
              count: 2-10
        "#,
        expect![[r#"
            [web]
            **service `web`** — Deployment · port 3000 · scale 2-10

            ```sh
            kubectl get deploy,svc,ing,hpa -n acme-shop -l service=web
            kubectl get pods -n acme-shop -l service=web,type=service
            kubectl logs -n acme-shop -l service=web,type=service
            kubectl describe pods -n acme-shop -l service=web,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Secret env-web` — Opaque secret with the service environment, loaded
              through envFrom; labels type=env, service
            - `ServiceAccount web` — always created (not only with accessControl); carries
              the service `annotations`
            - `Deployment web` — selector system, rack, app, service; pods labelled
              service, name, type=service, release
            - `HorizontalPodAutoscaler web` — autoscaling/v2, created for any count range
              even without scale.targets
            - `Service web` — type ClusterIP; annotation convox.com/alias
              web.shop.acme.local
            - `Ingress web` — nginx router (class nginx); on a contour router an HTTPProxy
              web is rendered instead

            Not here: `HTTPProxy web` (only on a rack whose router is contour);
            `Ingress web-internal` (only with `port` and `internalRouter: true`).

            Made by the rack, not the release: `PodDisruptionBudget web`.

            **If it does not run** — the first steps of the troubleshooting ladder
            (`convox-lsp troubleshoot`, the code lens "troubleshoot"):

            - `kubectl get pods -n acme-shop -l service=web,type=service -o wide`
            - `kubectl describe pods -n acme-shop -l service=web,type=service`
            - `kubectl logs -n acme-shop deploy/web --previous --tail=100`
        "#]],
    );
    // A worker: no port → no Service, no Ingress.
    check(
        r#"
        services:
          work$0er:
            command: bin/worker
        "#,
        expect![[r#"
            [worker]
            **service `worker`** — Deployment · scale 1

            ```sh
            kubectl get deploy -n acme-shop -l service=worker
            kubectl get pods -n acme-shop -l service=worker,type=service
            kubectl logs -n acme-shop -l service=worker,type=service
            kubectl describe pods -n acme-shop -l service=worker,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Secret env-worker` — Opaque secret with the service environment, loaded
              through envFrom; labels type=env, service
            - `ServiceAccount worker` — always created (not only with accessControl);
              carries the service `annotations`
            - `Deployment worker` — selector system, rack, app, service; pods labelled
              service, name, type=service, release

            Not here: `HorizontalPodAutoscaler worker` (only when `scale.count` is a
            range, without autoscale, not for an agent); `Service worker` (only when the
            service has `port` or `ports`); `Ingress worker` (only when the service has
            `port` and is neither `internal` nor `internalRouter`);
            `Ingress worker-internal` (only with `port` and `internalRouter: true`).

            Made by the rack, not the release: `PodDisruptionBudget worker`.

            **If it does not run** — the first steps of the troubleshooting ladder
            (`convox-lsp troubleshoot`, the code lens "troubleshoot"):

            - `kubectl get pods -n acme-shop -l service=worker,type=service -o wide`
            - `kubectl describe pods -n acme-shop -l service=worker,type=service`
            - `kubectl logs -n acme-shop deploy/worker --previous --tail=100`
        "#]],
    );
    // An agent: a DaemonSet.
    check(
        r#"
        services:
          age$0nt:
            agent: true
            ports:
              - 8125/udp
        "#,
        expect![[r#"
            [agent]
            **service `agent`** — DaemonSet

            ```sh
            kubectl get ds,svc -n acme-shop -l service=agent
            kubectl get pods -n acme-shop -l service=agent,type=service
            kubectl logs -n acme-shop -l service=agent,type=service
            kubectl describe pods -n acme-shop -l service=agent,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Secret env-agent` — Opaque secret with the service environment, loaded
              through envFrom; labels type=env, service
            - `ServiceAccount agent` — always created (not only with accessControl);
              carries the service `annotations`
            - `DaemonSet agent` — one pod per node; no replicas, no rolling-update
              strategy, no HPA
            - `Service agent` — type ClusterIP; annotation convox.com/alias
              agent.shop.acme.local

            Not here: `HorizontalPodAutoscaler agent` (only when `scale.count` is a range,
            without autoscale, not for an agent); `Ingress agent` (only when the service
            has `port` and is neither `internal` nor `internalRouter`);
            `Ingress agent-internal` (only with `port` and `internalRouter: true`).

            **If it does not run** — the first steps of the troubleshooting ladder
            (`convox-lsp troubleshoot`, the code lens "troubleshoot"):

            - `kubectl get pods -n acme-shop -l service=agent,type=service -o wide`
            - `kubectl describe pods -n acme-shop -l service=agent,type=service`
            - `kubectl logs -n acme-shop ds/agent --previous --tail=100`
        "#]],
    );
    // A template at count 0.
    check(
        r#"
        services:
          jo$0bs:
            scale:
              count: 0
        "#,
        expect![[r#"
            [jobs]
            **service `jobs`** — Deployment · scale 0

            ```sh
            kubectl get deploy -n acme-shop -l service=jobs
            kubectl get pods -n acme-shop -l service=jobs,type=service
            kubectl logs -n acme-shop -l service=jobs,type=service
            kubectl describe pods -n acme-shop -l service=jobs,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Secret env-jobs` — Opaque secret with the service environment, loaded
              through envFrom; labels type=env, service
            - `ServiceAccount jobs` — always created (not only with accessControl);
              carries the service `annotations`
            - `Deployment jobs` — selector system, rack, app, service; pods labelled
              service, name, type=service, release

            Not here: `HorizontalPodAutoscaler jobs` (only when `scale.count` is a range,
            without autoscale, not for an agent); `Service jobs` (only when the service
            has `port` or `ports`); `Ingress jobs` (only when the service has `port` and
            is neither `internal` nor `internalRouter`); `Ingress jobs-internal` (only
            with `port` and `internalRouter: true`).

            Made by the rack, not the release: `PodDisruptionBudget jobs`.
        "#]],
    );
    // Internal: no Ingress.
    check(
        r#"
        services:
          ap$0i:
            port: 4000
            internal: true
        "#,
        expect![[r#"
            [api]
            **service `api`** — Deployment · port 4000 · scale 1 · internal

            ```sh
            kubectl get deploy,svc -n acme-shop -l service=api
            kubectl get pods -n acme-shop -l service=api,type=service
            kubectl logs -n acme-shop -l service=api,type=service
            kubectl describe pods -n acme-shop -l service=api,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Secret env-api` — Opaque secret with the service environment, loaded
              through envFrom; labels type=env, service
            - `ServiceAccount api` — always created (not only with accessControl); carries
              the service `annotations`
            - `Deployment api` — selector system, rack, app, service; pods labelled
              service, name, type=service, release
            - `Service api` — type ClusterIP; annotation convox.com/alias
              api.shop.acme.local

            Not here: `HorizontalPodAutoscaler api` (only when `scale.count` is a range,
            without autoscale, not for an agent); `Ingress api` (only when the service has
            `port` and is neither `internal` nor `internalRouter`); `Ingress api-internal`
            (only with `port` and `internalRouter: true`).

            Made by the rack, not the release: `PodDisruptionBudget api`.

            **If it does not run** — the first steps of the troubleshooting ladder
            (`convox-lsp troubleshoot`, the code lens "troubleshoot"):

            - `kubectl get pods -n acme-shop -l service=api,type=service -o wide`
            - `kubectl describe pods -n acme-shop -l service=api,type=service`
            - `kubectl logs -n acme-shop deploy/api --previous --tail=100`
        "#]],
    );
}

#[test]
fn nested_keys_name_the_field() {
    check(
        r#"
        services:
          web:
            port: 3000
            termination:
              gra$0ce: 45
        "#,
        expect![[r#"
            [grace]
            **grace** — Seconds a pod gets to stop before it is killed

            `services.web.termination.grace` · integer (seconds) · default `30`

            When a pod is stopped (a deploy, a scale-down), Kubernetes sends SIGTERM and
            waits this many seconds before SIGKILL. Convox applies 30 when the key is
            absent; an explicit 0 is kept.

            ```sh
            kubectl get deploy web -n acme-shop -o jsonpath='{.spec.template.spec.terminationGracePeriodSeconds}'
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment web` → `spec.template.spec.terminationGracePeriodSeconds`
        "#]],
    );
    check(
        r#"
        services:
          web:
            port: 3000
            health:
              pa$0th: /health
        "#,
        expect![[r#"
            [path]
            **path** — HTTP path of the readiness check

            `services.web.health.path` · string (path) · default `/`

            Requested with GET on the service port; any 2xx/3xx answer counts as ready.
            The path must answer quickly and without auth; a slow or failing path keeps
            pods out of rotation and can stall a deploy.

            ```sh
            kubectl get deploy web -n acme-shop -o jsonpath='{.spec.template.spec.containers[0].readinessProbe.httpGet.path}'
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment web` →
              `spec.template.spec.containers[0].readinessProbe.httpGet.path` — only when
              the service has `port`
        "#]],
    );
    check(
        r#"
        services:
          web:
            scale:
              count: 2-10
              targets:
                c$0pu: 70
        "#,
        expect![[r#"
            [cpu]
            **cpu** — Target average CPU utilisation, in percent of the request

            `services.web.scale.targets.cpu` · integer (percent)

            Adds an HPA Resource metric for cpu with this averageUtilization. Utilisation
            is relative to the CPU request (`scale.cpu`).

            ```sh
            kubectl get hpa web -n acme-shop -o jsonpath='{.spec.metrics}'
            ```

            **Kubernetes** · namespace `acme-shop`
            - `HorizontalPodAutoscaler web` →
              `spec.metrics[].resource.target.averageUtilization` — metric of type
              Resource, name cpu
        "#]],
    );
    // health without a port: no probe.
    check(
        r#"
        services:
          worker:
            hea$0lth: /health
        "#,
        expect![[r#"
            [health]
            **health** — Readiness check, a path or a map

            `services.worker.health` · string (path) or {path, interval, grace, timeout,
            disable, port} · default
            `path /, interval 5, grace = interval, timeout = interval - 1`

            Renders the container readinessProbe (HTTP GET) on the service port: a string
            is the path, the map sets path, interval, grace, timeout, port and disable.
            Only applies when the service has `port` and its scheme is not grpc. Pods that
            fail it get no traffic and block a rolling deploy. Map values of the wrong
            type (e.g. `interval: "10"`) are silently ignored.

            ```sh
            kubectl describe pods -n acme-shop -l service=worker,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment worker` → `spec.template.spec.containers[0].readinessProbe` —
              only when the service has `port`; successThreshold 1, failureThreshold 3
        "#]],
    );
    check(
        r#"
        services:
          web:
            scale:
              count: 2-$010
        "#,
        expect![[r#"
            [2-10]
            **count** — Number of replicas, fixed or a min-max range

            `services.web.scale.count` · integer, "min-max" string or {min, max} · default
            `1`

            `2-10`: between 2 and 10 replicas; the HorizontalPodAutoscaler scales them.

            An integer fixes the count; "2-10" or a map with `min`/`max` gives a range,
            which creates an HPA (min/max replicas) unless `scale.autoscale`/`scale.keda`
            is used. The Deployment's replicas is the current running count when it is
            above 0, else the minimum, so changing a fixed count only matters on the first
            deploy or after `convox scale`. "2+" is not supported. Ignored for agents.

            ```sh
            kubectl get deploy web -n acme-shop -o jsonpath='{.spec.replicas}'
            kubectl get hpa web -n acme-shop
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment web` → `spec.replicas` — running count if `>` 0, else the
              minimum
            - `HorizontalPodAutoscaler web` → `spec.minReplicas`, `spec.maxReplicas`

            Not here: `ScaledObject web` → `spec.minReplicaCount` (only with
            `scale.autoscale` or `scale.keda`).
        "#]],
    );
}

#[test]
fn resources_of_each_type() {
    for ty in [
        "postgres",
        "postgis",
        "mysql",
        "mariadb",
        "redis",
        "memcached",
        "rds-postgres",
        "rds-mysql",
        "rds-mariadb",
        "elasticache-redis",
        "elasticache-memcached",
    ] {
        let fixture =
            format!("resources:\n  da$0ta:\n    type: {ty}\nservices:\n  web:\n    resources:\n      - data\n");
        let out = hover_at(&fixture, &ctx());
        assert!(out.contains("resource `data`"), "{ty}: {out}");
        assert!(out.contains("resource-data"), "{ty}: {out}");
        assert!(out.contains("DATA_URL"), "{ty}: {out}");
        // What is created is listed before "Not created here".
        let created = out.split("Not created here").next().unwrap();
        let persistent = matches!(ty, "postgres" | "postgis" | "mysql" | "mariadb");
        assert_eq!(created.contains("PersistentVolumeClaim resource-data"), persistent, "{ty}: {out}");
        let managed = ty.starts_with("rds-") || ty.starts_with("elasticache-");
        assert_eq!(created.contains("Deployment resource-data"), !managed, "{ty}: {out}");
    }
    check(
        r#"
        resources:
          database:
            type: post$0gres
        "#,
        expect![[r#"
            [postgres]
            **resource type `postgres`** — PostgreSQL in a container in the app's
            namespace

            Runs the official postgres image as a one-replica Deployment (strategy
            Recreate) with its data on a 10Gi PersistentVolumeClaim (`storage` option),
            exposed by a NodePort Service resource-database on 5432. Database and user are
            both `app`; the password is derived from the rack name. Linked services reach
            it at resource-database.acme-shop.svc.cluster.local. If the app env sets
            `DATABASE_URL`, no container is started and the ConfigMap just carries that
            URL.

            port 5432 · image `postgres:10.5`

            **Kubernetes** · namespace `acme-shop`: `ConfigMap resource-database`,
            `PersistentVolumeClaim resource-database`, `Deployment resource-database`,
            `Service resource-database`
        "#]],
    );
    check(
        r#"
        resources:
          cache1:
            type: redis
        services:
          web:
            resources:
              - cac$0he1:REDIS_URL
        "#,
        expect![[r#"
            [cache1]
            **resource `cache1`** — redis

            ```sh
            kubectl get deploy,svc,cm -n acme-shop -l resource=cache1
            kubectl get cm resource-cache -n acme-shop -o yaml
            kubectl get cm resource-cache -n acme-shop -o jsonpath='{.data.URL}'
            ```

            **Kubernetes** · namespace `acme-shop`
            - `ConfigMap resource-cache` — keys URL, USER, PASS, HOST, PORT, NAME
            - `Deployment resource-cache` — one replica, its container named after the
              type; labels type=resource, resource=cache1, kind (the type); the ConfigMap
              and Service carry type=resource, resource=cache1 too, the PVC only system,
              rack, app and resource=cache1
            - `Service resource-cache` — type NodePort on the type's port; DNS
              resource-cache.acme-shop.svc.cluster.local

            Redis in a container in the app's namespace (no persistence). Port 6379; URL
            `redis://resource-cache.acme-shop.svc.cluster.local:6379`.

            Injected into `web` as `CACHE1_URL`, `CACHE1_USER`, `CACHE1_PASS`,
            `CACHE1_HOST`, `CACHE1_PORT`, `CACHE1_NAME` (from ConfigMap `resource-cache`).

            Kubernetes names drop every character but a-z, `-` and `.`: `cache1` becomes
            `resource-cache`.
        "#]],
    );
}

#[test]
fn timers_plain_and_parallel() {
    check(
        r#"
        services:
          jobs:
            scale: 0
        timers:
          clea$0nup:
            schedule: "0 3 * * *"
            command: bin/cleanup
            service: jobs
        "#,
        expect![[r#"
            [cleanup]
            **timer `cleanup`** — `0 3 * * *` (UTC) · runs on `jobs`

            ```sh
            kubectl get cronjob timer-cleanup -n acme-shop
            kubectl get pods -n acme-shop -l type=timer,name=cleanup
            kubectl logs -n acme-shop -l type=timer,name=cleanup
            kubectl get jobs -n acme-shop -o name | grep timer-cleanup-
            kubectl create job timer-cleanup-manual --from=cronjob/timer-cleanup -n acme-shop
            ```

            **Kubernetes** · namespace `acme-shop`
            - `ServiceAccount timer-cleanup` — labels timer=cleanup, type=serviceaccount;
              annotation convox.com/type=timer
            - `CronJob timer-cleanup`
        "#]],
    );
    check(
        r#"
        services:
          jobs:
            scale: 0
        timers:
          imp$0ort:
            schedule: "0 * * * *"
            command: bin/import
            service: jobs
            parallelCount: 4
        "#,
        expect![[r#"
            [import]
            **timer `import`** — `0 * * * *` (UTC) · runs on `jobs` · 4 parallel pods per
            run (Indexed Job, `TIMER_INDEX`)

            ```sh
            kubectl get cronjob timer-import -n acme-shop
            kubectl get pods -n acme-shop -l type=timer,name=import
            kubectl logs -n acme-shop -l type=timer,name=import
            kubectl get jobs -n acme-shop -o name | grep timer-import-
            kubectl create job timer-import-manual --from=cronjob/timer-import -n acme-shop
            ```

            **Kubernetes** · namespace `acme-shop`
            - `ServiceAccount timer-import` — labels timer=import, type=serviceaccount;
              annotation convox.com/type=timer
            - `CronJob timer-import`
        "#]],
    );
    check(
        r#"
        timers:
          t:
            concurrency: FORB$0ID
        "#,
        expect![[r#"
            [FORBID]
            **concurrency** — What to do when a run is still going at the next schedule

            `timers.t.concurrency` · string · default `Allow`

            One of `Allow`, `Forbid`, `Replace`.

            `FORBID` renders as `concurrencyPolicy: FORBID`, which Kubernetes rejects at
            promote: use Allow, Forbid or Replace.

            The CronJob concurrencyPolicy: Allow (default, runs overlap), Forbid (skip the
            new run) or Replace (stop the old run). Convox upper-cases the first letter of
            each word and leaves the others as written, so `forbid` becomes `Forbid`, but
            `FORBID` stays `FORBID` and `forBid` becomes `ForBid`: Kubernetes rejects both
            and the promote fails. No build-time check.

            **Kubernetes** · namespace `acme-shop`: nothing here.

            Not here: `CronJob timer-t` → `spec.concurrencyPolicy` (the timer's service
            \`\` is not declared; Convox rejects the manifest).
        "#]],
    );
    check(
        r#"
        services:
          jobs: {}
        timers:
          t:
            service: jo$0bs
        "#,
        expect![[r#"
            [jobs]
            **service `jobs`** — Deployment · scale 1

            ```sh
            kubectl get deploy -n acme-shop -l service=jobs
            kubectl get pods -n acme-shop -l service=jobs,type=service
            kubectl logs -n acme-shop -l service=jobs,type=service
            kubectl describe pods -n acme-shop -l service=jobs,type=service
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Secret env-jobs` — Opaque secret with the service environment, loaded
              through envFrom; labels type=env, service
            - `ServiceAccount jobs` — always created (not only with accessControl);
              carries the service `annotations`
            - `Deployment jobs` — selector system, rack, app, service; pods labelled
              service, name, type=service, release

            Not here: `HorizontalPodAutoscaler jobs` (only when `scale.count` is a range,
            without autoscale, not for an agent); `Service jobs` (only when the service
            has `port` or `ports`); `Ingress jobs` (only when the service has `port` and
            is neither `internal` nor `internalRouter`); `Ingress jobs-internal` (only
            with `port` and `internalRouter: true`).

            Made by the rack, not the release: `PodDisruptionBudget jobs`.

            **If it does not run** — the first steps of the troubleshooting ladder
            (`convox-lsp troubleshoot`, the code lens "troubleshoot"):

            - `kubectl get pods -n acme-shop -l service=jobs,type=service -o wide`
            - `kubectl describe pods -n acme-shop -l service=jobs,type=service`
            - `kubectl logs -n acme-shop deploy/jobs --previous --tail=100`
        "#]],
    );
}

#[test]
fn balancers() {
    check(
        r#"
        services:
          worker:
            command: x
        balancers:
          tcp$0-lb:
            service: worker
            ports:
              5000: 3001
              5002:
                port: 3002
                protocol: UDP
        "#,
        expect![[r#"
            [tcp-lb]
            **balancer `tcp-lb`** — LoadBalancer · → `worker`

            ```sh
            kubectl get svc balancer-tcp-lb -n acme-shop -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'
            kubectl describe svc balancer-tcp-lb -n acme-shop
            kubectl get endpoints balancer-tcp-lb -n acme-shop
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Service balancer-tcp-lb` — type LoadBalancer; selector
              service=worker,type=service

            Ports: 5000 → 3001/TCP, 5002 → 3002/UDP.
        "#]],
    );
}

#[test]
fn volumes() {
    check(
        r#"
        services:
          web:
            volumeOptions:
              - awsEfs:
                  id: shared-uploads
                  access$0Mode: ReadWriteMany
                  mountPath: /data
        "#,
        expect![[r#"
            [accessMode]
            **accessMode** — PVC access mode (required in practice)

            `services.web.volumeOptions[0].awsEfs.accessMode` · string · required

            One of `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany`.

            ReadWriteMany to share the volume between pods, ReadWriteOnce or ReadOnlyMany
            otherwise. Leaving it out fails validation.

            **Kubernetes** · namespace `acme-shop`
            - `PersistentVolumeClaim efs-web-shared-uploads` → `spec.accessModes[0]`
        "#]],
    );
    check(
        r#"
        services:
          web:
            volumeOptions:
              - emptyDir:
                  i$0d: tmp-data
                  mountPath: /tmp/x
        "#,
        expect![[r#"
            [id]
            **id** — Volume id (volume name ed-tmp-data)

            `services.web.volumeOptions[0].emptyDir.id` · string · required

            Names the volume ed-tmp-data; an initContainer refers to the volume by this
            id. Use a short lowercase name; it must be unique within the service.

            **Kubernetes** · namespace `acme-shop`
            - `Deployment web` → `spec.template.spec.volumes[].name` — ed-tmp-data
        "#]],
    );
}

#[test]
fn environment() {
    check(
        r#"
        environment:
          - DATABASE$0_URL
        services:
          web: {}
          worker: {}
        "#,
        expect![[r#"
            [DATABASE_URL]
            **environment variable `DATABASE_URL`** — required

            No default: it must be set with `convox env set DATABASE_URL=... -a shop`, or
            the build fails with `required env: DATABASE_URL`.

            **Kubernetes** · namespace `acme-shop`: in every service's Secret:
            `Secret env-web`, `Secret env-worker` (key `DATABASE_URL`), read by the pods
            through `envFrom`.

            ```sh
            kubectl get secret env-web -n acme-shop -o jsonpath='{.data.DATABASE_URL}' | base64 -d
            ```
        "#]],
    );
    check(
        r#"
        services:
          web:
            environment:
              - PO$0RT=3000
        "#,
        expect![[r#"
            [PORT=3000]
            **environment variable `PORT`** — default `3000`

            A value set with `convox env set` wins over the default.

            **Kubernetes** · namespace `acme-shop`: only in `Secret env-web` (key `PORT`),
            read by the pods through `envFrom`.

            ```sh
            kubectl get secret env-web -n acme-shop -o jsonpath='{.data.PORT}' | base64 -d
            ```
        "#]],
    );
    check(
        r#"
        environment:
          - HOST
        services:
          web:
            domain: ${HO$0ST}
        "#,
        expect![[r#"
            [${HOST}]
            **`${HOST}`** — replaced from the app's environment before the YAML is read

            Convox substitutes the value of `HOST` from `convox env` (and build args at
            build time); an unset variable becomes an empty string. Give an environment
            (`convox.envFile`, `convox.environment`; `--env-file`, `-e`) to see it here.

            Declared in `environment`.

            ```sh
            convox env get HOST -a shop
            ```
        "#]],
    );
    check(
        r#"
        services:
          web:
            domain: ${HOST:-x$0}
        "#,
        expect![[r#"
            [${HOST:-x}]
            **`${HOST:-x}`** — replaced from the app's environment before the YAML is read

            Convox has no `${VAR:-default}` syntax: it looks up a variable named `HOST:-x`
            and gets an empty string.

            Not declared in any `environment` list of this file.

            ```sh
            convox env get HOST:-x -a shop
            ```
        "#]],
    );
}

#[test]
fn hover_works_next_to_a_syntax_error() {
    check(
        r#"
        services:
          web:
            command: "unclosed
            port: 3000
          worker:
            scale:
              cou$0nt: 2
        "#,
        expect![[r#"
            [count]
            **count** — Number of replicas, fixed or a min-max range

            `services.worker.scale.count` · integer, "min-max" string or {min, max} ·
            default `1`

            An integer fixes the count; "2-10" or a map with `min`/`max` gives a range,
            which creates an HPA (min/max replicas) unless `scale.autoscale`/`scale.keda`
            is used. The Deployment's replicas is the current running count when it is
            above 0, else the minimum, so changing a fixed count only matters on the first
            deploy or after `convox scale`. "2+" is not supported. Ignored for agents.

            ```sh
            kubectl get deploy worker -n acme-shop -o jsonpath='{.spec.replicas}'
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment worker` → `spec.replicas` — running count if `>` 0, else the
              minimum

            Not here: `HorizontalPodAutoscaler worker` → `spec.minReplicas` (only when
            `scale.count` is a range, without autoscale, not for an agent);
            `HorizontalPodAutoscaler worker` → `spec.maxReplicas` (only when `scale.count`
            is a range, without autoscale, not for an agent); `ScaledObject worker` →
            `spec.minReplicaCount` (only with `scale.autoscale` or `scale.keda`).
        "#]],
    );
    check(
        r#"
        services:
          web:
            sca
            port: 3000
          worker:
            termination:
              gra$0ce: 10
        "#,
        expect![[r#"
            [grace]
            **grace** — Seconds a pod gets to stop before it is killed

            `services.worker.termination.grace` · integer (seconds) · default `30`

            When a pod is stopped (a deploy, a scale-down), Kubernetes sends SIGTERM and
            waits this many seconds before SIGKILL. Convox applies 30 when the key is
            absent; an explicit 0 is kept.

            ```sh
            kubectl get deploy worker -n acme-shop -o jsonpath='{.spec.template.spec.terminationGracePeriodSeconds}'
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment worker` → `spec.template.spec.terminationGracePeriodSeconds`
        "#]],
    );
}

#[test]
fn unknown_and_free_form_keys() {
    check("services:\n  web:\n    $0\n", expect![[r#"no hover"#]]);
    check(
        r#"
        services:
          web:
            resorces: [db]
            bogu$0s: 1
        "#,
        expect![[r#"
        [bogus]
        **`bogus`** — not a key Convox reads under `services.web`

        Convox ignores unknown keys without a word: this setting has no effect.
    "#]],
    );
    check(
        r#"
        services:
          web:
            resor$0ces: [db]
        "#,
        expect![[r#"
        [resorces]
        **`resorces`** — not a key Convox reads under `services.web`

        Convox ignores unknown keys without a word: this setting has no effect.

        Did you mean `resources`?
    "#]],
    );
    check(
        r#"
        services:
          web:
            labels:
              te$0am: a
        "#,
        expect![[r#"
            [team]
            **team** — Custom labels on the service's Kubernetes objects

            `services.web.labels.team` · map of strings

            A map merged over the top-level `labels` (service keys win). Applied to the
            env Secret, ServiceAccount, Deployment/DaemonSet and its pods, HPA, ClusterIP
            Service, Ingress and volume PVCs, and to pods of timers using the service; not
            to KEDA/VPA objects. The keys system, rack, app, name, service, release and
            type are reserved.

            ```sh
            kubectl get deploy,sa,secret -n acme-shop -l service=web --show-labels
            ```

            **Kubernetes** · namespace `acme-shop`
            - `Deployment web` → `metadata.labels.team`,
              `spec.template.metadata.labels.team` — also spec.template.metadata.labels
            - `Secret env-web` → `metadata.labels.team`
            - `ServiceAccount web` → `metadata.labels.team`

            Not here: `Service web` → `metadata.labels` (only when the service has `port`
            or `ports`); `Ingress web` → `metadata.labels` (only when the service has
            `port` and is neither `internal` nor `internalRouter`);
            `HorizontalPodAutoscaler web` → `metadata.labels` (only when `scale.count` is
            a range, without autoscale, not for an agent).
        "#]],
    );
}

/// The hover at `$0` with rack `acme` and app `shop`, its lines joined (wrapping aside).
fn hover_md(fixture: &str) -> String {
    let fixture: &str = &fixture::dedent(fixture);
    hover_at(fixture, &ctx()).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Claims once false, each checked against Convox's source.
mod true_to_convox {
    use super::*;
    use convox_lsp::ide::objects;

    #[test]
    fn a_resource_pvc_carries_no_type_label() {
        // provider/k8s/template/resource/postgres.yml.tmpl:25-29: the PVC's labels are system, rack,
        // app and resource; the ConfigMap (:6-11) and Service (:120-125) add type: resource.
        let md = hover_md(
            r#"
            resources:
              d$0b:
                type: postgres
            "#,
        );
        assert!(md.contains("the PVC only system, rack, app and resource=db"), "{md}");
        assert!(!md.contains("any PVC carry"), "{md}");
        // The model the hover reads agrees.
        let a = Analysis::from_text("resources:\n  db:\n    type: postgres\n");
        let app = a.objects(&objects::RenderContext::new(&ctx()));
        let pvc = app.find("PersistentVolumeClaim", "resource-db").expect("a PVC");
        let labels: Vec<&str> = pvc.labels.iter().map(|f| &*f.key).collect();
        assert_eq!(labels, ["system", "rack", "app", "resource"]);
    }

    #[test]
    fn cw_retention_defaults_to_one_day() {
        // provider/aws/release.go:33: the retention asked is `CwRetention`, 0 when absent;
        // provider/aws/log.go:129 and :141-149 round it up to the first allowed value, 1.
        let md = hover_md(
            r#"
            appSettings:
              awsLogs:
                cwRet$0ention: 30
            "#,
        );
        assert!(md.contains("default `1`"), "{md}");
        assert!(md.contains("rounds up to 1"), "{md}");
    }

    #[test]
    fn timer_concurrency_gets_each_word_title_cased_only() {
        // provider/k8s/release.go:1208-1211: cases.Title(language.Und, cases.NoLower), so the first
        // letter goes up and the others stay as written.
        let md = hover_md(
            r#"
            timers:
              t:
                schedule: "0 * * * *"
                command: x
                service: web
                concurrency: forB$0id
            services:
              web: {}
            "#,
        );
        assert!(md.contains("`concurrencyPolicy: ForBid`"), "{md}");
        assert!(md.contains("`forBid` becomes `ForBid`"), "{md}");
        assert!(!md.contains("unchanged"), "{md}");
    }

    #[test]
    fn rds_class_and_version_are_required_only_for_a_new_instance() {
        // provider/aws/provisioner/rds/metadata.go:170-199: an import requires only the identifier,
        // port, database name, user and password; :201-219: a read replica requires the class and
        // takes no engine version; :33-39: a new instance requires both.
        let md = hover_md(
            r#"
            resources:
              db:
                type: rds-pos$0tgres
            "#,
        );
        assert!(md.contains("required for a new instance: `class`, `version` (none with `import`)"), "{md}");
        let md = hover_md(
            r#"
            resources:
              db:
                type: rds-postgres
                options:
                  cla$0ss: db.t3.micro
            "#,
        );
        assert!(md.contains("required for a new instance"), "{md}");
        assert!(md.contains("not with `import`"), "{md}");
    }

    #[test]
    fn the_rds_instance_is_not_named_by_the_state_id() {
        // provider/k8s/aws_resources.go:35-37: the state id is <resource>-r<rack>r-<app>;
        // provider/aws/provisioner/rds/provisioner.go:93 names a new instance
        // GenShortResourceName(id), provider/aws/provisioner/helpers.go:163-168: its first 20
        // characters plus a random suffix; provisioner.go:44-52: `import` links an existing one.
        let md = hover_md(
            r#"
            resources:
              analytics-d$0b:
                type: rds-postgres
            "#,
        );
        assert!(md.contains("identifier is `analytics-db-racmer-` plus a random suffix"), "{md}");
        assert!(md.contains("state in Secret `analytics-db-racmer-shop`"), "{md}");
        let md = hover_md(
            r#"
            resources:
              analytics-db:
                type: rds-postgres
                options:
                  stor$0age: 20
            "#,
        );
        assert!(!md.contains("instance analytics-db-racmer-shop"), "{md}");
    }
}

/// For every service, timer, resource and balancer of the example and the seeds' example, the
/// objects its hover names as existing are objects `render` prints, and every object `render`
/// prints is named by one of these hovers.
#[test]
fn hovers_name_exactly_what_render_prints() {
    for text in [include_str!("../examples/convox.yml"), include_str!("fixtures/seed-example.yml")] {
        let a = Analysis::from_text(text);
        let rendered = rendered_objects(&a.render(&ctx(), None).expect("the example renders"));
        let mut named = std::collections::BTreeSet::new();
        for row in a.explain(&ctx()) {
            let keys: Vec<&str> = row.path.split('.').collect();
            if keys.len() != 2 || !["services", "timers", "resources", "balancers"].contains(&keys[0]) {
                continue;
            }
            let md = a.hover(row.offset, &ctx()).expect("a hover").markdown;
            for object in existing_objects(&md) {
                assert!(rendered.contains(&object), "{}: {object:?} is not rendered\n{md}", row.path);
                named.insert(object);
            }
        }
        let unnamed: Vec<_> = rendered.difference(&named).collect();
        assert!(unnamed.is_empty(), "rendered but named by no hover: {unnamed:?}");
        assert!(named.len() > 20, "{named:?}");
    }
}

/// `(kind, name)` of every document `render` prints.
fn rendered_objects(yaml: &str) -> std::collections::BTreeSet<(String, String)> {
    yaml.split("\n---\n")
        .filter_map(|doc| {
            let kind = doc.lines().find_map(|l| l.strip_prefix("kind: "))?;
            let meta = doc.split("\nmetadata:").nth(1)?;
            let name = meta.lines().find_map(|l| l.strip_prefix("  name: "))?;
            Some((kind.trim().to_string(), name.split(" #").next()?.trim().to_string()))
        })
        .collect()
}

/// The objects a declared name's hover lists under **Kubernetes** (those that exist here).
fn existing_objects(md: &str) -> Vec<(String, String)> {
    let list = md.split("**Kubernetes**").nth(1).unwrap_or("");
    let list = list.split("\n\n").next().unwrap_or("");
    list.lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split('`').next()?.split_once(' '))
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect()
}

/// A merge key says what Convox does with it where it stands: lost in a service (and below), applied
/// at the top level.
#[test]
fn merge_keys() {
    check(
        "x-base: &base\n  port: 3000\nservices:\n  web:\n    $0<<: *base\n    image: nginx\n",
        expect![[r#"
            [<<]
            **`<<`** (merge key)

            Convox drops this merge key: services are decoded through yaml.v2's MapSlice,
            which loses `<<` (write the keys here instead).
        "#]],
    );
    check(
        "x-top: &top\n  labels:\n    team: one\n$0<<: *top\nservices:\n  web:\n    image: nginx\n",
        expect![[r#"
        [<<]
        **`<<`** (merge key)

        yaml.v2 merges the anchored map's keys into this map where `<<` stands (a key
        written after it wins).
    "#]],
    );
}
