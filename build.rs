//! The knowledge base is written in YAML (`src/schema/data`) and embedded as JSON: reading 250 KB
//! of YAML at run time cost the first request about 15 ms, JSON a fraction of that. Key order is
//! kept (it is the order completions and the reference list keys in).

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in ["app", "services", "resource-types", "troubleshoot"] {
        let src = format!("src/schema/data/{name}.yml");
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let value: serde_json::Value = yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
        let json = serde_json::to_string(&value).expect("a YAML value serialises as JSON");
        std::fs::write(Path::new(&out).join(format!("{name}.json")), json).expect("OUT_DIR is writable");
    }
}
