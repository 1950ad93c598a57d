//! `.dockerignore` as the Convox CLI applies it to the upload: the file is read by
//! `dockerignore.ReadAll` (vendor/github.com/moby/buildkit/frontend/dockerfile/dockerignore/dockerignore.go:15-64),
//! each pattern becomes a regular expression (vendor/github.com/docker/docker/pkg/fileutils/fileutils.go:139-215),
//! a path is excluded by the last pattern that matches it or one of its parent directories
//! (fileutils.go:62-97), and an excluded directory is skipped whole unless a `!` pattern starts
//! with it (vendor/github.com/docker/docker/pkg/archive/archive.go:851-880).

/// The patterns of one `.dockerignore`, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pattern {
    /// Cleaned, without its `!`.
    text: String,
    exclusion: bool,
    /// One-based line in the file.
    line: usize,
    tokens: Vec<Token>,
    /// Number of `/`-separated parts.
    depth: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`: one character but `/`.
    Any,
    /// `*`: any run without `/`.
    Star,
    /// `**` (with the `/` after it): nothing, or anything ending in `/`.
    Dirs,
    /// `**` at the end: anything.
    Rest,
    /// `[...]`: ranges, negated with `^`.
    Class(bool, Vec<(char, char)>),
}

/// The pattern that excludes a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub pattern: String,
    pub line: usize,
}

/// Go's `filepath.Clean` on a `/`-separated path.
fn clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

impl Ignore {
    /// Reads a `.dockerignore`: `#` starts a comment only at the very start of a line; blank
    /// lines are skipped; `!` makes an exception; a leading `/` is dropped.
    pub fn parse(text: &str) -> Ignore {
        let mut patterns = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let raw = if i == 0 { raw.trim_start_matches('\u{feff}') } else { raw };
            if raw.starts_with('#') {
                continue;
            }
            let mut p = raw.trim();
            let exclusion = p.starts_with('!');
            if exclusion {
                p = p[1..].trim();
            }
            if p.is_empty() {
                continue; // `!` alone: Docker refuses the file; nothing to match here
            }
            let mut text = clean(p);
            if text.len() > 1 && text.starts_with('/') {
                text.remove(0);
            }
            let tokens = compile(&text);
            let depth = text.split('/').count();
            patterns.push(Pattern { text, exclusion, line: i + 1, tokens, depth });
        }
        Ignore { patterns }
    }

    /// The last pattern that decides `path` (relative, `/`-separated, cleaned), when it excludes it.
    fn decide(&self, path: &str) -> Option<&Pattern> {
        let parent: Vec<&str> = match path.rfind('/') {
            Some(i) => path[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut decided: Option<&Pattern> = None;
        for p in &self.patterns {
            let hit = matches(&p.tokens, path)
                || (!parent.is_empty() && p.depth <= parent.len() && matches(&p.tokens, &parent[..p.depth].join("/")));
            if hit {
                decided = Some(p);
            }
        }
        decided.filter(|p| !p.exclusion)
    }

    /// Whether the upload leaves `path` out: an excluded parent directory that no `!` pattern
    /// reopens, or the path itself.
    pub fn excluded(&self, path: &str) -> Option<Excluded> {
        if path == "." {
            return None;
        }
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            let dir = &path[..end + i];
            end += i + 1;
            let Some(p) = self.decide(dir) else { continue };
            let prefix = format!("{dir}/");
            let reopened = self.patterns.iter().any(|q| q.exclusion && format!("{}/", q.text).starts_with(&prefix));
            if !reopened {
                return Some(Excluded { pattern: p.text.clone(), line: p.line });
            }
        }
        self.decide(path).map(|p| Excluded { pattern: p.text.clone(), line: p.line })
    }
}

fn compile(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                out.push(if i == chars.len() { Token::Rest } else { Token::Dirs });
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::Any),
            '\\' => out.push(Token::Char(chars.get(i).copied().inspect(|_| i += 1).unwrap_or('\\'))),
            '[' => match class(&chars[i..]) {
                Some((token, used)) => {
                    out.push(token);
                    i += used;
                }
                None => out.push(Token::Char('[')),
            },
            c => out.push(Token::Char(c)),
        }
    }
    out
}

/// A `[...]` class after its `[`: the token and the characters it used (with the `]`).
fn class(chars: &[char]) -> Option<(Token, usize)> {
    let mut i = 0;
    let negated = chars.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let start = i;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && i > start {
            return Some((Token::Class(negated, ranges), i + 1));
        }
        let c = if c == '\\' && i + 1 < chars.len() {
            i += 1;
            chars[i]
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|e| *e != ']') {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    None
}

/// Whether the tokens match all of `text`. Memoised, so no pattern takes exponential time.
fn matches(tokens: &[Token], text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut memo = vec![None; (tokens.len() + 1) * (chars.len() + 1)];
    step(tokens, &chars, 0, 0, &mut memo)
}

fn step(tokens: &[Token], s: &[char], t: usize, c: usize, memo: &mut Vec<Option<bool>>) -> bool {
    let key = t * (s.len() + 1) + c;
    if let Some(v) = memo[key] {
        return v;
    }
    let v = match tokens.get(t) {
        None => c == s.len(),
        Some(Token::Rest) => true,
        Some(Token::Star) => {
            step(tokens, s, t + 1, c, memo) || (c < s.len() && s[c] != '/' && step(tokens, s, t, c + 1, memo))
        }
        Some(Token::Dirs) => {
            step(tokens, s, t + 1, c, memo) || (c..s.len()).any(|k| s[k] == '/' && step(tokens, s, t + 1, k + 1, memo))
        }
        Some(one) => c < s.len() && single(one, s[c]) && step(tokens, s, t + 1, c + 1, memo),
    };
    memo[key] = Some(v);
    v
}

fn single(token: &Token, ch: char) -> bool {
    match token {
        Token::Char(x) => *x == ch,
        Token::Any => ch != '/',
        Token::Class(negated, ranges) => ranges.iter().any(|(a, b)| *a <= ch && ch <= *b) != *negated,
        _ => false,
    }
}
