//! The build checks' pure parts: paths joined like Go's `filepath.Join`, Dockerfile `ARG`s read
//! like Convox reads them, `.dockerignore` matched like the Convox CLI's upload.

use super::*;

#[test]
fn join_cleans_like_go() {
    // pkg/build/buildkit.go:87 and :257: filepath.Join(dir, path) then filepath.Join(path, manifest).
    assert_eq!(join(".", ".").as_deref(), Some("."));
    assert_eq!(join(".", "./api/").as_deref(), Some("api"));
    assert_eq!(join("api", "docker/Dockerfile.prod").as_deref(), Some("api/docker/Dockerfile.prod"));
    // Go's Join keeps a leading `/` inside the directory it joins to.
    assert_eq!(join(".", "/api").as_deref(), Some("api"));
    assert_eq!(join("api", "../Dockerfile").as_deref(), Some("Dockerfile"));
    assert_eq!(join(".", "../other"), None);
    assert_eq!(join("api", "../../Dockerfile"), None);
}

#[test]
fn join_without_splitting_agrees_with_the_segments() {
    // The quick path for a clean relative path gives what the segment-by-segment join gives, on
    // every combination of these segments (a context, then a Dockerfile under it).
    let segs = ["", ".", "..", "...", ".a", "a.", "api", "a b", "./x", "x/", "/y", "docker/Dockerfile"];
    let mut paths = vec![String::new()];
    for a in segs {
        for b in segs {
            paths.push(format!("{a}/{b}"));
            paths.push(format!("{a}{b}"));
        }
    }
    for base in ["."]
        .into_iter()
        .chain(paths.iter().filter_map(|p| join(".", p)).collect::<Vec<_>>().iter().map(String::as_str))
    {
        for rel in &paths {
            assert_eq!(join(base, rel), join_segments(base, rel), "join({base:?}, {rel:?})");
        }
    }
}

#[test]
fn dockerfile_args_as_convox_reads_them() {
    // pkg/build/buildkit.go:157-175: fields of each line, instruction `ARG` in capitals, the first
    // name only, the part before `=`.
    let text = "FROM node\nARG NODE_ENV=production\n  ARG  TOKEN\narg lower\nARG\nARG A B\nRUN echo $X\n";
    assert_eq!(dockerfile_args(text), ["NODE_ENV", "TOKEN", "A"]);
}

fn excluded(ignore: &str, path: &str) -> Option<String> {
    Ignore::parse(ignore).excluded(path).map(|e| format!("{}@{}", e.pattern, e.line))
}

#[test]
fn dockerignore_patterns() {
    // Comments only at the start of a line; blank lines skipped; patterns trimmed and cleaned;
    // a leading `/` dropped (dockerignore.go:33-53).
    assert_eq!(excluded("# Dockerfile\n\n  Dockerfile  \n", "Dockerfile").as_deref(), Some("Dockerfile@3"));
    assert_eq!(excluded("/api/Dockerfile\n", "api/Dockerfile").as_deref(), Some("api/Dockerfile@1"));
    assert_eq!(excluded("./api//x/../Dockerfile\n", "api/Dockerfile").as_deref(), Some("api/Dockerfile@1"));
    // `*` stays inside one directory, `?` is one character but `/` (fileutils.go:176-181).
    assert_eq!(excluded("*/Dockerfile\n", "api/Dockerfile").as_deref(), Some("*/Dockerfile@1"));
    assert_eq!(excluded("*/Dockerfile\n", "a/b/Dockerfile"), None);
    assert_eq!(excluded("Dockerfile.???\n", "Dockerfile.dev").as_deref(), Some("Dockerfile.???@1"));
    // `**` crosses directories, also none (fileutils.go:156-174).
    assert_eq!(excluded("**/Dockerfile\n", "Dockerfile").as_deref(), Some("**/Dockerfile@1"));
    assert_eq!(excluded("**/Dockerfile\n", "a/b/Dockerfile").as_deref(), Some("**/Dockerfile@1"));
    assert_eq!(excluded("api/**\n", "api/x/Dockerfile").as_deref(), Some("api/**@1"));
    // Character classes and escapes.
    assert_eq!(excluded("Dockerfile.[a-c]\n", "Dockerfile.b").as_deref(), Some("Dockerfile.[a-c]@1"));
    assert_eq!(excluded("Dockerfile.[^a-c]\n", "Dockerfile.b"), None);
    assert_eq!(excluded("Docker\\*\n", "Docker*").as_deref(), Some("Docker\\*@1"));
    assert_eq!(excluded("Docker\\*\n", "Dockerfile"), None);
    // A pattern that matches a parent directory excludes what is inside (fileutils.go:80-85).
    assert_eq!(excluded("api\n", "api/Dockerfile").as_deref(), Some("api@1"));
    assert_eq!(excluded("ap\n", "api/Dockerfile"), None);
    // The last matching pattern decides; `!` makes an exception.
    assert_eq!(excluded("*\n!Dockerfile\n", "Dockerfile"), None);
    assert_eq!(excluded("!Dockerfile\n*\n", "Dockerfile").as_deref(), Some("*@2"));
    assert_eq!(excluded("Dockerfile*\n!Dockerfile\n", "Dockerfile.prod").as_deref(), Some("Dockerfile*@1"));
    // The folder itself is never excluded.
    assert_eq!(excluded("*\n", "."), None);
}

#[test]
fn an_excluded_directory_is_skipped_unless_an_exception_starts_with_it() {
    // archive.go:851-880: an excluded directory is walked only when a `!` pattern starts with it.
    assert_eq!(excluded("api\n!api/Dockerfile\n", "api/Dockerfile"), None);
    assert_eq!(excluded("api\n!*/Dockerfile\n", "api/Dockerfile").as_deref(), Some("api@1"));
    assert_eq!(excluded("*\n!api\n", "api/Dockerfile"), None);
}

#[test]
fn no_pattern_takes_exponential_time() {
    let ignore = Ignore::parse(&"*a".repeat(30));
    assert_eq!(ignore.excluded(&"a".repeat(29)), None);
}
