//! The repository edge on real temporary folders: what the build checks report, links, and the
//! cache answering a keystroke without a file-system call.

use super::*;
use expect_test::{Expect, expect};

/// A fresh folder under the system's temporary directory, removed on drop.
pub(crate) struct TempRepo(pub PathBuf);

impl TempRepo {
    pub fn new(name: &str) -> TempRepo {
        let dir = std::env::temp_dir().join(format!("convox-lsp-repo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempRepo(dir)
    }

    pub fn file(&self, rel: &str, text: &str) -> &Self {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `line:col code: message` for each build diagnostic of `manifest` checked in `repo`.
fn check(repo: &TempRepo, manifest: &str, expect: Expect) {
    let manifest: &str = &crate::fixture::dedent(manifest);
    let path = repo.0.join("convox.yml");
    std::fs::write(&path, manifest).unwrap();
    let a = Analysis::from_text(manifest);
    let facts = Repo::default().facts(&path, &a);
    let lines: Vec<String> = build::diagnostics(&a, &facts)
        .iter()
        .map(|d| {
            let line = manifest[..d.range.start].matches('\n').count() + 1;
            format!("{line}: {}[{}] {}", d.severity.as_str(), d.code, d.message)
        })
        .collect();
    expect.assert_eq(&lines.join("\n"));
}

#[test]
fn context_missing() {
    let repo = TempRepo::new("context");
    repo.file("api/Dockerfile", "FROM alpine\n");
    check(
        &repo,
        r#"
        services:
          api:
            build: ./api
          worker:
            build: ./worker
          up:
            build: ../elsewhere
          web:
            build: ./api/Dockerfile
        "#,
        expect![[r#"
            5: error[build-context-missing] build context `worker`: no such directory beside the manifest
            7: error[build-context-missing] build context `../elsewhere` is outside the manifest's folder: `convox build` uploads only that folder
            9: error[build-context-missing] build context `api/Dockerfile`: a file, not a directory"#]],
    );
}

#[test]
fn dockerfile_missing() {
    let repo = TempRepo::new("dockerfile");
    repo.file("api/Dockerfile", "FROM alpine\n").file("web/README", "");
    check(
        &repo,
        r#"
        services:
          api:
            build:
              path: api
              manifest: Dockerfile.prod
          web:
            build: web
          image-wins:
            build: nowhere
            image: nginx
        "#,
        expect![[r#"
            5: error[dockerfile-missing] Dockerfile `api/Dockerfile.prod`: no such file
            7: error[dockerfile-missing] Dockerfile `web/Dockerfile`: no such file"#]],
    );
}

#[test]
fn excluded_by_dockerignore() {
    // pkg/common/tar.go:90-115: the folder's .dockerignore applies to everything uploaded.
    let repo = TempRepo::new("ignore");
    repo.file("api/Dockerfile", "FROM alpine\n")
        .file("docs/site/Dockerfile", "FROM alpine\n")
        .file("Dockerfile.dev", "FROM alpine\n")
        .file(".dockerignore", "# local only\nDockerfile.*\ndocs\n");
    check(
        &repo,
        r#"
        services:
          api:
            build: api
          dev:
            build:
              manifest: Dockerfile.dev
          site:
            build: docs/site
        "#,
        expect![[r#"
            6: error[build-ignored] Dockerfile `Dockerfile.dev` is excluded by `.dockerignore` (line 2: `Dockerfile.*`): `convox build` does not upload it, so the build fails
            8: error[build-ignored] build context `docs/site` is excluded by `.dockerignore` (line 3: `docs`): `convox build` does not upload it, so the build fails"#]],
    );
    // The context's own .dockerignore never loses its Dockerfile (Docker sends it anyway).
    let repo = TempRepo::new("ignore-context");
    repo.file("api/Dockerfile", "FROM alpine\n").file("api/.dockerignore", "Dockerfile\n");
    check(&repo, "services:\n  api:\n    build: api\n", expect![""]);
}

#[test]
fn undeclared_build_arg() {
    let repo = TempRepo::new("args");
    repo.file("Dockerfile", "FROM node\nARG NODE_ENV=production\nARG NPM_TOKEN\n");
    check(
        &repo,
        r#"
        services:
          web:
            build:
              path: .
              args:
                - NODE_ENV=staging
                - NPM_TOKEN
                - RAILS_ENV=production
        "#,
        expect![[r#"
            8: warning[build-arg-undeclared] build arg `RAILS_ENV`: `Dockerfile` has no `ARG RAILS_ENV` line, so the build never receives it"#]],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_stay_inside() {
    let outside = TempRepo::new("outside");
    outside.file("Dockerfile", "FROM alpine\n");
    let repo = TempRepo::new("links");
    repo.file("real/Dockerfile", "FROM alpine\n");
    std::os::unix::fs::symlink(repo.0.join("real"), repo.0.join("inside")).unwrap();
    std::os::unix::fs::symlink(&outside.0, repo.0.join("escape")).unwrap();
    check(
        &repo,
        r#"
        services:
          a:
            build: inside
          b:
            build: escape
        "#,
        expect![[r#"
            5: error[build-context-missing] build context `escape`: a symbolic link that leads outside the manifest's folder"#]],
    );
}

/// A Dockerfile that is a link, in a build folder that is not listed (its name is looked up
/// alone, `Repo::last_component`): inside the workspace it is read, outside it is refused.
#[cfg(unix)]
#[test]
fn a_linked_dockerfile_stays_inside() {
    let outside = TempRepo::new("outside-dockerfile");
    outside.file("Dockerfile", "FROM alpine\nARG SECRET\n");
    let repo = TempRepo::new("linked-dockerfile");
    repo.file("real/Dockerfile.base", "FROM alpine\nARG TOKEN\n").file("in/x", "").file("out/x", "");
    std::os::unix::fs::symlink(repo.0.join("real/Dockerfile.base"), repo.0.join("in/Dockerfile")).unwrap();
    std::os::unix::fs::symlink(outside.0.join("Dockerfile"), repo.0.join("out/Dockerfile")).unwrap();
    check(
        &repo,
        r#"
        services:
          a:
            build: in
            environment:
              - TOKEN
          b:
            build: out
        "#,
        expect![[r#"
            7: error[dockerfile-missing] Dockerfile `out/Dockerfile`: a symbolic link that leads outside the manifest's folder"#]],
    );
}

/// A FIFO named `Dockerfile`, found in its folder's listing or by name alone: known to be there,
/// never opened (its type is known before anything is opened), its ARGs empty.
#[cfg(unix)]
#[test]
fn a_fifo_dockerfile_is_never_opened() {
    let repo = TempRepo::new("fifo-dockerfile");
    repo.file("api/x", "").file("Dockerfile.real", "FROM alpine\n");
    for at in ["api/Dockerfile", "Dockerfile"] {
        let c = std::ffi::CString::new(repo.0.join(at).to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }
    let text = "services:\n  api:\n    build: ./api\n  web:\n    build: .\n";
    let facts = Repo::default().facts(&repo.0.join("convox.yml"), &Analysis::from_text(text));
    for at in ["api/Dockerfile", "Dockerfile"] {
        assert_eq!(facts.paths.get(at), Some(&PathKind::File), "{at}");
        assert!(!facts.args.contains_key(at), "{at} was read");
    }
}

#[test]
fn a_keystroke_costs_no_file_system_call() {
    let repo = TempRepo::new("cache");
    repo.file("api/Dockerfile", "FROM alpine\nARG A\n").file(".dockerignore", "tmp\n");
    let path = repo.0.join("convox.yml");
    let mut cache = Repo::default();
    let mut text = String::from("services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n    port: 1");
    cache.facts(&path, &Analysis::from_text(&text));
    let after_open = cache.reads();
    assert!(after_open > 0);
    // Typing anywhere, the build paths included (`./worke`, `./worker`): the listings answer.
    for ch in "0000\n  more:\n    build: ./wor".chars() {
        text.push(ch);
        cache.facts(&path, &Analysis::from_text(&text));
    }
    assert_eq!(cache.reads(), after_open, "a keystroke read the file system");
    // A watched file changed: the next check reads again.
    cache.clear();
    cache.facts(&path, &Analysis::from_text(&text));
    assert!(cache.reads() > after_open);
}

#[test]
fn a_dockerfile_is_opened_only_for_a_build_with_args() {
    let repo = TempRepo::new("open-for-args");
    repo.file("api/Dockerfile", "FROM alpine\nARG A\n").file("worker/Dockerfile", "FROM alpine\n");
    let path = repo.0.join("convox.yml");
    let mut cache = Repo::default();
    let plain = "services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n";
    let facts = cache.facts(&path, &Analysis::from_text(plain));
    assert_eq!(facts.paths.get("api/Dockerfile"), Some(&PathKind::File));
    assert!(facts.args.is_empty(), "a Dockerfile was opened for no check: {:?}", facts.args);
    // `build.args` typed in: that Dockerfile, and only it, is read (one more read), and checked.
    let before = cache.reads();
    let with_args = "services:\n  api:\n    build:\n      path: ./api\n      args:\n        - A\n        - B\n  worker:\n    build: ./worker\n";
    let a = Analysis::from_text(with_args);
    let facts = cache.facts(&path, &a);
    assert_eq!(cache.reads(), before + 1);
    assert_eq!(facts.args.keys().collect::<Vec<_>>(), ["api/Dockerfile"]);
    let codes: Vec<_> = build::diagnostics(&a, &facts).iter().map(|d| d.message.clone()).collect();
    assert_eq!(codes, ["build arg `B`: `api/Dockerfile` has no `ARG B` line, so the build never receives it"]);
}

#[test]
fn links_lead_to_the_dockerfile_or_the_folder() {
    let repo = TempRepo::new("links-build");
    repo.file("api/Dockerfile.prod", "FROM alpine\n").file("web/index.html", "");
    let text =
        "services:\n  api:\n    build:\n      path: api\n      manifest: Dockerfile.prod\n  web:\n    build: web\n";
    let a = Analysis::from_text(text);
    let facts = Repo::default().facts(&repo.0.join("convox.yml"), &a);
    let links: Vec<(&str, String)> =
        build::links(&a, &facts).into_iter().map(|l| (&text[l.range.start..l.range.end], l.path)).collect();
    assert_eq!(
        links,
        [
            ("api", "api/Dockerfile.prod".into()),
            ("Dockerfile.prod", "api/Dockerfile.prod".into()),
            ("web", "web".into())
        ]
    );
}

#[test]
fn workspace_manifests_are_bounded() {
    let repo = TempRepo::new("find");
    repo.file("convox.yml", "")
        .file("apps/a/convox.staging.yml", "")
        .file("apps/a/other.yml", "")
        .file("node_modules/x/convox.yml", "")
        .file(".git/convox.yml", "")
        .file("target/convox.yml", "");
    let found = find_manifests(std::slice::from_ref(&repo.0), 10);
    let names: Vec<String> =
        found.files.iter().map(|p| p.strip_prefix(&repo.0).unwrap().display().to_string()).collect();
    assert_eq!(names, ["apps/a/convox.staging.yml", "convox.yml"]);
    assert!(!found.truncated);
    let found = find_manifests(std::slice::from_ref(&repo.0), 1);
    assert_eq!(found.files.len(), 1);
    assert!(found.truncated);
}

#[test]
fn a_service_without_build_or_image_builds_the_folder() {
    // pkg/manifest/manifest.go:128-134: no build and no image -> path ".", manifest "Dockerfile".
    let repo = TempRepo::new("implicit");
    check(
        &repo,
        r#"
        services:
          web:
            port: 3000
          cache:
            image: redis
        "#,
        expect![[r#"
            2: error[dockerfile-missing] Dockerfile `Dockerfile` (built because the service has neither `build` nor `image`): no such file"#]],
    );
    repo.file("Dockerfile", "FROM alpine\n");
    check(&repo, "services:\n  web:\n    port: 3000\n", expect![""]);
}
