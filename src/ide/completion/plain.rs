//! A completion's snippet as the plain text it stands for, for clients that do not expand
//! snippets: `${1:/health}` is `/health`, `${3|web,worker|}` is `web`, `$1` and `$0` are nothing.

use super::CompletionItem;

impl CompletionItem {
    /// The item with its snippet written out as plain text (unchanged when it is not a snippet).
    pub fn without_snippet(mut self) -> Self {
        if self.snippet {
            self.insert = plain(&self.insert);
            self.snippet = false;
        }
        self
    }
}

/// The text a snippet inserts when every placeholder keeps its default (the first choice).
fn plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut rest = snippet;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\\' => {
                if let Some(escaped) = rest.chars().next() {
                    out.push(escaped);
                    rest = &rest[escaped.len_utf8()..];
                }
            }
            '$' if rest.starts_with(|d: char| d.is_ascii_digit()) => {
                rest = rest.trim_start_matches(|d: char| d.is_ascii_digit());
            }
            '$' if rest.starts_with('{') => {
                let (text, after) = placeholder(&rest[1..]);
                out.push_str(&plain(text));
                rest = after;
            }
            c => out.push(c),
        }
    }
    out
}

/// After `${`: the default text of `N:text}` or the first choice of `N|a,b|}`, and what follows
/// the closing brace (nested placeholders in the default are kept for the caller to expand).
fn placeholder(s: &str) -> (&str, &str) {
    let body = s.trim_start_matches(|d: char| d.is_ascii_digit());
    if let Some(choices) = body.strip_prefix('|') {
        let end = choices.find("|}").unwrap_or(choices.len());
        let first = choices[..end].split(',').next().unwrap_or("");
        return (first, choices.get(end + 2..).unwrap_or(""));
    }
    let body = body.strip_prefix(':').unwrap_or(body);
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' if depth == 0 => return (&body[..i], &body[i + 1..]),
            '}' => depth -= 1,
            _ => {}
        }
    }
    (body, "")
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn placeholders_keep_their_defaults() {
        assert_eq!(
            plain("health:\n  path: ${1:/health}\n  interval: ${2:5}"),
            "health:\n  path: /health\n  interval: 5"
        );
        assert_eq!(plain("schedule: \"${1:0 * * * *}\""), "schedule: \"0 * * * *\"");
        assert_eq!(plain("service: ${4|web,worker|}"), "service: web");
        assert_eq!(plain("key: $1$0"), "key: ");
        assert_eq!(plain("${1:outer ${2:inner}} \\$HOME"), "outer inner $HOME");
    }

    #[test]
    fn unterminated_placeholders_do_not_panic() {
        assert_eq!(plain("${1:open"), "open");
        assert_eq!(plain("${1|a,b"), "a");
        assert_eq!(plain("tail \\"), "tail ");
        assert_eq!(plain("$"), "$");
        assert_eq!(plain("${"), "");
    }
}
