//! The command line as a user runs it: `convox-lsp check`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_with(args, stdin, &[], None)
}

/// Runs the binary with extra environment variables and, optionally, another working directory
/// (the crate's root by default). `NO_COLOR` is removed unless given.
fn run_with(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)], cwd: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_convox-lsp"));
    command.args(args).current_dir(cwd.unwrap_or(Path::new(env!("CARGO_MANIFEST_DIR")))).env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn convox-lsp");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_example_has_no_errors() {
    // The seeds' complete example, as the seeds wrote it: no errors, and the two real mistakes
    // it makes (a required DATABASE_URL that switches the postgres resource off, and
    // `transitEncryption`, which Convox ignores) as warnings.
    let out = run(&["check", "examples/convox.yml"], None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let report = text(&out.stdout);
    assert!(!report.contains("error["), "{report}");
    let codes: Vec<&str> =
        report.lines().filter_map(|l| l.split_once("warning[")).map(|(_, r)| r.split(']').next().unwrap()).collect();
    assert_eq!(codes, ["resource-overlay", "unknown-key"], "{report}");
    // With --deny-warnings that is a failure.
    let out = run(&["check", "--deny-warnings", "examples/convox.yml"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_broken_file_reports_line_and_column() {
    let out = run(&["check", "tests/fixtures/broken.yml"], None);
    assert_eq!(out.status.code(), Some(1));
    expect_test::expect![[r#"
        tests/fixtures/broken.yml:4:5: error[yaml-syntax]: yaml: line 6: found unexpected end of stream (unclosed double-quoted string)
          |
        4 |     command: "bin/web
          |     ^^^^^^^^^^^^^^^^^
    "#]]
    .assert_eq(&text(&out.stdout));
}

#[test]
fn stdin_is_read_for_a_dash() {
    let out = run(&["check", "-"], Some(b"services:\n  web:\n    sca\n    port: 3000\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("<stdin>:3:5: error[yaml-syntax]: "), "{}", text(&out.stdout));
    let out = run(&["check", "-"], Some(b"services:\n  web:\n    port: 3000\n"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unreadable_inputs_exit_2_with_one_line_each() {
    let dir = std::env::temp_dir().join(format!("convox-lsp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("binary.yml");
    std::fs::write(&binary, b"services:\n  web: \xff\xfe\n").unwrap();
    let out = run(&["check", "no/such/convox.yml", dir.to_str().unwrap(), binary.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    // One line per input, then the human format's summary.
    assert_eq!(lines.len(), 4, "{err}");
    assert_eq!(lines[0], "error: no/such/convox.yml: cannot read: no such file");
    // A directory is searched for manifests; this one holds only binary.yml.
    assert!(lines[1].contains(": no manifest in this directory"), "{err}");
    assert!(lines[2].ends_with("not UTF-8 text (invalid byte at offset 17)"), "{err}");
    assert_eq!(lines[3], "no problems in 0 files; 3 inputs could not be read");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn version_and_help() {
    let out = run(&["--version"], None);
    assert_eq!(text(&out.stdout).trim(), format!("convox-lsp {}", env!("CARGO_PKG_VERSION")));
    let out = run(&["--help"], None);
    let help = text(&out.stdout);
    assert!(help.contains("check") && help.contains("serve") && help.contains("--log-level"), "{help}");
    let out = run(&["check"], None);
    assert_eq!(out.status.code(), Some(2), "a missing PATH is a usage error");
}

#[test]
fn explain_the_whole_file_and_one_key() {
    let out = run(&["explain", "examples/convox.yml", "--rack", "acme", "--app", "shop"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("# examples/convox.yml (namespace acme-shop)\n"), "{table}");
    assert!(table.contains("\ntimers.cleanup\n  -> CronJob timer-cleanup; ServiceAccount timer-cleanup"), "{table}");
    assert!(table.contains("\nservices.web.scale.count\n"), "{table}");

    let out = run(
        &["explain", "examples/convox.yml", "services.web.termination.grace", "--rack", "acme", "--app", "shop"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let one = text(&out.stdout);
    assert!(one.contains("`Deployment web` → `spec.template.spec.terminationGracePeriodSeconds`"), "{one}");

    let out = run(&["explain", "examples/convox.yml", "services.web.nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: examples/convox.yml: no key services.web.nope"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn explain_finds_the_app_from_the_directory_however_the_path_is_spelt() {
    // `convox.yml` and `./convox.yml` in the directory `shop`: both the namespace `<rack>-shop`
    // (the app is the directory's name when `.convox/app` is not there), and the note names only
    // the rack as unknown. A HOME without Convox's CLI configuration leaves the rack unknown.
    let dir = temp_dir("bare-path").join("shop");
    write(&dir.join("convox.yml"), "services:\n  web:\n    image: nginx\n    port: 80\n");
    let home = dir.parent().unwrap().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let home = home.to_str().unwrap();
    let env = [("HOME", home), ("XDG_CONFIG_HOME", home), ("CONVOX_RACK", "")];
    for path in ["convox.yml", "./convox.yml"] {
        let out = run_with(&["explain", path], None, &env, Some(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let table = text(&out.stdout);
        assert!(table.starts_with(&format!("# {path} (namespace <rack>-shop)\n")), "{path}: {table}");
        let out = run_with(&["explain", path, "services.web"], None, &env, Some(&dir));
        let hover = text(&out.stdout).replace('\n', " ");
        assert!(
            hover.contains("Rack unknown, so the namespace shows as `<rack>-shop`: write it in `.convox/rack`"),
            "{hover}"
        );
        assert!(!hover.contains("app unknown") && !hover.contains("App unknown"), "{hover}");
    }
    let out = run_with(&["explain", "convox.yml", "services.web", "--rack", "acme"], None, &env, Some(&dir));
    assert!(!text(&out.stdout).contains("unknown"), "{}", text(&out.stdout));
}

/// A fresh, empty directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("convox-lsp-cli-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn json(b: &[u8]) -> serde_json::Value {
    serde_json::from_slice(b).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(b)))
}

const BROKEN_MESSAGE: &str = "yaml: line 6: found unexpected end of stream (unclosed double-quoted string)";

#[test]
fn human_summary_goes_to_stderr() {
    let out = run(&["check", "tests/fixtures/broken.yml"], None);
    assert_eq!(text(&out.stderr), "1 error in 1 file\n");
    let out = run(&["check", "-"], Some(b"services:\n  web:\n    port: 3000\n"));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "no problems in 1 file\n");
}

#[test]
fn json_format_for_the_broken_fixture() {
    let out = run(&["check", "--format", "json", "tests/fixtures/broken.yml"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "", "no summary line outside the human format");
    let doc = json(&out.stdout);
    let expected = serde_json::json!({
        "version": 1,
        "files": [{
            "path": "tests/fixtures/broken.yml",
            "diagnostics": [{
                "code": "yaml-syntax",
                "severity": "error",
                "message": BROKEN_MESSAGE,
                "range": { "start": { "line": 4, "column": 5 }, "end": { "line": 4, "column": 22 } },
                "offset": { "start": 34, "end": 51 },
                "fix": null,
            }],
        }],
        "summary": { "errors": 1, "warnings": 0, "infos": 0, "hints": 0, "files": 1 },
    });
    assert_eq!(doc, expected, "{}", text(&out.stdout));
}

#[test]
fn json_columns_count_characters() {
    // `é`, `€` and `😀` are 2, 3 and 4 bytes: one column each.
    let out = run(&["check", "--format", "json", "-"], Some("a: \"é€😀\n".as_bytes()));
    let doc = json(&out.stdout);
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(doc["files"][0]["path"], "<stdin>");
    assert_eq!(d["range"]["end"], serde_json::json!({ "line": 1, "column": 8 }), "{d}");
    assert_eq!(d["offset"]["end"], 13, "{d}");
}

#[test]
fn github_format_for_the_broken_fixture() {
    let out = run(&["check", "--format", "github", "tests/fixtures/broken.yml"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "::error file=tests/fixtures/broken.yml,line=4,endLine=4,col=5,endColumn=22,title=convox-lsp [yaml-syntax]::{BROKEN_MESSAGE}\n"
        )
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn github_format_escapes_messages_and_properties() {
    // A key holding `%`, `,`, `:` and a line feed, and a stdin name with `,` and `:`.
    let input = b"services:\n  web:\n    \"50%,x:y\\nz\": 1\n";
    let out = run(&["check", "--format", "github", "--stdin-filename", "a,b:c.yml", "-"], Some(input));
    let got = text(&out.stdout);
    assert!(got.starts_with("::warning file=a%2Cb%3Ac.yml,line=3,endLine=3,col=5,"), "{got}");
    assert!(got.contains("title=convox-lsp [unknown-key]::"), "{got}");
    // In the message only `%`, CR and LF are escaped.
    assert!(got.contains("50%25,x:y%0Az"), "{got}");
    assert_eq!(got.lines().count(), 1, "{got}");
}

#[test]
fn sarif_format_for_the_broken_fixture() {
    let out = run(&["check", "--format", "sarif", "tests/fixtures/broken.yml"], None);
    assert_eq!(out.status.code(), Some(1));
    let log = json(&out.stdout);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "convox-lsp");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "one rule per code that occurs");
    assert_eq!(rules[0]["id"], "yaml-syntax");
    assert!(rules[0]["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()));
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "yaml-syntax");
    assert_eq!(r["ruleIndex"], 0);
    assert_eq!(r["level"], "error");
    assert_eq!(r["message"]["text"], BROKEN_MESSAGE);
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "tests/fixtures/broken.yml");
    assert_eq!(loc["region"], serde_json::json!({ "startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 22 }));
}

#[test]
fn deny_warnings_fails_on_warnings() {
    // `bogus` is not a key of a service: a warning (unknown-key), not an error.
    let input = b"services:\n  web:\n    bogus: 1\n";
    let out = run(&["check", "--format", "json", "-"], Some(input));
    let doc = json(&out.stdout);
    assert_eq!(doc["summary"]["errors"], 0, "{doc}");
    assert!(doc["summary"]["warnings"].as_u64().unwrap() > 0, "{doc}");
    assert_eq!(out.status.code(), Some(0), "warnings alone pass");
    let out = run(&["check", "--deny-warnings", "-"], Some(input));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let out = run(&["check", "--deny-warnings", "-"], Some(b"services:\n  web:\n    port: 3000\n"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_directory_is_searched_for_manifests() {
    let dir = temp_dir("walk");
    // An image, so no Dockerfile is needed beside each manifest.
    let clean = "services:\n  web:\n    image: nginx\n    port: 3000\n";
    for f in ["a/convox.yml", "b/convox.staging.yml", ".hidden/convox.yml", "node_modules/x/convox.yml", "other.yml"] {
        write(&dir.join(f), clean);
    }
    let out = run(&["check", "--format", "json", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = json(&out.stdout);
    let paths: Vec<&str> = doc["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    let expected = [dir.join("a/convox.yml"), dir.join("b/convox.staging.yml")];
    assert_eq!(paths, expected.iter().map(|p| p.to_str().unwrap()).collect::<Vec<_>>());

    // `.` shows paths without `./`.
    let out = run_with(&["check", "--format", "json", "."], None, &[], Some(&dir));
    let doc = json(&out.stdout);
    let paths: Vec<&str> = doc["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a/convox.yml", "b/convox.staging.yml"]);

    // A file named explicitly is checked whatever its name.
    let out = run_with(&["check", "--format", "json", "other.yml"], None, &[], Some(&dir));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["files"][0]["path"], "other.yml");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_directory_without_manifests_exits_2() {
    let dir = temp_dir("empty");
    write(&dir.join("other.yml"), "services: {}\n");
    write(&dir.join(".hidden/convox.yml"), "services: {}\n");
    let out = run(&["check", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(err.starts_with(&format!("error: {}: no manifest in this directory", dir.display())), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stdin_filename_names_standard_input() {
    let out = run(
        &["check", "--stdin-filename", "apps/web/convox.yml", "-"],
        Some(b"services:\n  web:\n    sca\n    port: 3000\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("apps/web/convox.yml:3:5: error[yaml-syntax]: "), "{}", text(&out.stdout));
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let broken = "tests/fixtures/broken.yml";
    // The tests' stdout is a pipe: no colours by default.
    let out = run(&["check", broken], None);
    assert!(!text(&out.stdout).contains('\x1b'), "{:?}", text(&out.stdout));
    let out = run(&["check", "--color", "never", broken], None);
    assert!(!text(&out.stdout).contains('\x1b'));
    let out = run(&["check", "--color", "always", broken], None);
    let got = text(&out.stdout);
    assert!(got.starts_with("\x1b[1mtests/fixtures/broken.yml:4:5:\x1b[0m "), "{got:?}");
    assert!(got.contains("\x1b[31merror[yaml-syntax]\x1b[0m"), "{got:?}");
    // `--color always` wins over NO_COLOR.
    let out = run_with(&["check", "--color", "always", broken], None, &[("NO_COLOR", "1")], None);
    assert!(text(&out.stdout).contains("\x1b[31m"));
    // Other formats never colour.
    let out = run(&["check", "--color", "always", "--format", "github", broken], None);
    assert!(!text(&out.stdout).contains('\x1b'));
}

#[test]
fn check_help_documents_the_exit_codes() {
    let out = run(&["check", "--help"], None);
    let help = text(&out.stdout);
    for needle in ["--format", "--color", "--deny-warnings", "--stdin-filename", "Exit codes:", "2  an input"] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    let out = run(&["check", "--format", "xml", "tests/fixtures/broken.yml"], None);
    assert_eq!(out.status.code(), Some(2), "an unknown format is a usage error");
}

#[test]
fn render_and_schema_commands() {
    let out = run(&["render", "examples/convox.yml", "--service", "web", "--rack", "acme", "--app", "shop"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.contains("namespace: acme-shop") && yaml.contains("kind: HorizontalPodAutoscaler"), "{yaml}");
    let out = run(&["render", "examples/convox.yml", "--service", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["schema"], None);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn troubleshoot_prints_the_ladder_and_lists_names_for_an_unknown_one() {
    let out = run(&["troubleshoot", "examples/convox.yml", "web", "--rack", "acme", "--app", "shop"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The same ladder the library gives (tests/troubleshoot.rs snapshots it).
    assert_eq!(text(&out.stdout), include_str!("snapshots/troubleshoot/web.md"));
    let out = run(&["troubleshoot", "examples/convox.yml", "wbe", "--rack", "acme", "--app", "shop"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        text(&out.stderr),
        "error: examples/convox.yml: no service, timer or resource named wbe (there are: web, worker, agent, jobs, cleanup, data-import, database, cache, analytics-db, sessions)\n"
    );
    let out = run(&["troubleshoot", "no/such/convox.yml", "web"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "error: no/such/convox.yml: cannot read: no such file\n");
    // `explain` of the whole file names both namespaces under its title (the same line as the
    // ladder's header).
    let out = run(&["explain", "examples/convox.yml", "--rack", "acme", "--app", "shop"], None);
    assert_eq!(
        text(&out.stdout).lines().nth(1),
        Some(
            "# namespace `acme-shop` · the rack's namespace `acme-system` (both listed by `kubectl get ns -l system=convox,rack=acme`)"
        )
    );
    // Standard input, with the rack and app from the flags.
    let out = run(
        &["troubleshoot", "-", "cleanup", "--rack", "r", "--app", "a"],
        Some(b"timers:\n  cleanup:\n    schedule: \"@daily\"\n    service: jobs\nservices:\n  jobs: {}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("kubectl get cronjob timer-cleanup -n r-a"), "{}", text(&out.stdout));
}
