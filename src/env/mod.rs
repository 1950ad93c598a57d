//! The release's environment: the values Convox substitutes for `${NAME}` in the manifest text
//! before it parses it, read from an env file (`convox env -a APP` output, `.env` syntax), `-e`
//! flags or the editor's settings. Convox reads the release's `KEY=VALUE` lines with
//! `structs.Environment.Load` (`pkg/structs/environment.go:24-38`): the name is trimmed, the value
//! is everything after the first `=`, byte for byte.

mod expand;
mod file;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use expand::{Expansion, Substitution, expand};
pub use file::{MAX_ENV_FILE, read_env_file};

/// Where a value came from: hover says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An env file, its name as given and the 1-based line.
    File { path: String, line: usize },
    /// The editor's `convox.environment` setting.
    Setting,
    /// A `-e NAME=VALUE` on the command line.
    Flag,
}

impl Source {
    /// `line 3 of .env`, `the convox.environment setting`, `-e`.
    pub fn describe(&self) -> String {
        match self {
            Source::File { path, line } => format!("line {line} of {path}"),
            Source::Setting => "the `convox.environment` setting".to_string(),
            Source::Flag => "`-e` on the command line".to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub value: String,
    pub source: Source,
}

/// The release's environment: name to value, the last definition winning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    vars: BTreeMap<String, Value>,
}

impl Environment {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    pub fn set(&mut self, name: &str, value: &str, source: Source) {
        self.vars.insert(name.to_string(), Value { value: value.to_string(), source });
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// Adds a `NAME=VALUE` (a `-e` flag or a setting's entry).
    pub fn set_assignment(&mut self, assignment: &str, source: Source) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .filter(|(n, _)| valid_name(n.trim()))
            .ok_or_else(|| format!("{assignment:?}: expected NAME=VALUE"))?;
        self.set(name.trim(), value, source);
        Ok(())
    }

    /// Adds the lines of an env file; `path` names it in sources and errors. Blank lines and
    /// `#` comments are skipped, `export ` is allowed before a name; a value in double quotes
    /// reads `\n`, `\t`, `\"` and `\\` escapes, one in single quotes is literal, any other value is
    /// taken as written (as Convox reads `convox env` output: no trimming, a `#` is kept).
    pub fn read_file(&mut self, text: &str, path: &str) -> Result<(), String> {
        for (i, raw) in text.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let body = line.trim_start();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let body = body.strip_prefix("export ").map_or(body, str::trim_start);
            let at = |e: String| format!("{path}:{}: {e}", i + 1);
            let Some((name, value)) = body.split_once('=').filter(|(n, _)| valid_name(n.trim())) else {
                return Err(at(format!("expected NAME=VALUE, found {:?}", clip(line))));
            };
            let value = unquote(value).map_err(at)?;
            self.set(name.trim(), &value, Source::File { path: path.to_string(), line: i + 1 });
        }
        Ok(())
    }
}

/// A name as `convox env set` accepts one; anything else on the left of `=` is a typo.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(char::is_whitespace)
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// The value of an env file line: quoted (`"..."` with escapes, `'...'` literal, then only a
/// comment) or as written.
fn unquote(v: &str) -> Result<String, String> {
    let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') else { return Ok(v.to_string()) };
    let mut out = String::new();
    let mut chars = v[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == q => {
                let rest = v[1 + i + 1..].trim();
                if !rest.is_empty() && !rest.starts_with('#') {
                    return Err(format!("text after the closing quote: {:?}", clip(rest)));
                }
                return Ok(out);
            }
            '\\' if q == '"' => match chars.next().map(|(_, e)| e) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(e) => out.push(e),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    Err(format!("no closing {q} on this line"))
}
