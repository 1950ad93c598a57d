//! Every `docs` page of the knowledge base exists in Convox's documentation (the `docs/` folder of
//! Convox's source, read from the bare mirror; `CONVOX_SOURCE` points elsewhere).

mod skip;
use std::process::Command;

#[test]
fn every_docs_page_exists_in_convox_docs() {
    let repo = std::env::var("CONVOX_SOURCE").unwrap_or_else(|_| "/work/.mirror/convox+convox/repo".to_string());
    if !std::path::Path::new(&repo).exists() {
        skip::note("docs_links", &format!("Convox's source is not at {repo} (CONVOX_SOURCE)"));
        return;
    }
    let out = Command::new("git").args(["-C", &repo, "ls-tree", "-r", "--name-only", "HEAD", "docs"]).output().unwrap();
    let pages = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = pages.lines().collect();
    assert!(pages.len() > 100, "only {} pages under docs/", pages.len());
    let mut linked = 0;
    for (pattern, doc) in convox_lsp::schema::schema().keys() {
        let Some(page) = &doc.docs else { continue };
        assert!(pages.contains(&format!("docs/{page}").as_str()), "{pattern}: docs/{page} is not in Convox's docs");
        linked += 1;
    }
    assert!(linked >= 20, "only {linked} keys have a docs page");
    assert_eq!(
        convox_lsp::schema::docs_url("reference/primitives/app/resource/README.md"),
        "https://docs.convox.com/reference/primitives/app/resource"
    );
}
