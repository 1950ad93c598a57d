//! Reading the embedded data files.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};

use super::{KeyDoc, ResourceType, Schema};

/// The data files, in the order their keys are listed: `data/*.yml` as JSON (see build.rs).
const KEY_FILES: [(&str, &str); 2] = [
    ("app.yml", include_str!(concat!(env!("OUT_DIR"), "/app.json"))),
    ("services.yml", include_str!(concat!(env!("OUT_DIR"), "/services.json"))),
];
const RESOURCE_TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/resource-types.json"));

pub(super) fn load() -> Result<Schema, String> {
    let mut keys: IndexMap<String, KeyDoc> = IndexMap::new();
    for (file, text) in KEY_FILES {
        let part: IndexMap<String, KeyDoc> =
            serde_json::from_str(text).map_err(|e| format!("src/schema/data/{file}: {e}"))?;
        for (pattern, doc) in part {
            if keys.insert(pattern.clone(), doc).is_some() {
                return Err(format!("src/schema/data/{file}: {pattern} is also in another file"));
            }
        }
    }
    // Top-level keys first, in a fixed order; then everything as the files list it.
    keys.sort_by_cached_key(|k, _| {
        let top = k.split(['.', '[']).next().unwrap_or(k).to_string();

        ["environment", "resources", "services", "timers", "balancers"].iter().position(|t| *t == top).unwrap_or(9)
    });
    let resource_types: IndexMap<String, ResourceType> =
        serde_json::from_str(RESOURCE_TYPES).map_err(|e| format!("src/schema/data/resource-types.yml: {e}"))?;
    Ok(Schema::new(keys, resource_types))
}

/// A scalar of any type, as its text (`30`, `true` and `"30"` all read as strings).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    S(String),
    I(i64),
    F(f64),
    B(bool),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::S(s) => s,
            Scalar::I(i) => i.to_string(),
            Scalar::F(f) => f.to_string(),
            Scalar::B(b) => b.to_string(),
        }
    }
}

pub(super) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<Scalar>::deserialize(d)?.into_iter().map(Scalar::text).collect())
}

pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(Scalar::text))
}
