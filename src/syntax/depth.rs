//! How much of a text libyaml may read in linear time. libyaml's scanner (the Rust port behind
//! `yaml_serde`) checks every open flow level's possible simple key on every token, so text
//! nested `{a: [` ten thousand times costs ten thousand checks per token: seconds for 50 KB.
//! (yaml.v2, which Convox uses, indexes them instead, `vendor/gopkg.in/yaml.v2/scannerc.go:632`,
//! and refuses more than 10,000 levels, `scannerc.go:895-912`.) Beyond [`MAX_FLOW_DEPTH`] levels
//! libyaml is given only the text before: the lowering reports the deep nesting there (it stops at
//! [`super::lower::MAX_DEPTH`] levels), and `yaml_serde` would stop at 128 levels anyway.

/// Flow levels libyaml is given: the deepest `yaml_serde` reads (its recursion limit is 128) and a
/// little more, so a text it refuses for its depth is still refused for it.
pub(super) const MAX_FLOW_DEPTH: usize = 130;

/// The offset of the bracket that opens flow level [`MAX_FLOW_DEPTH`] + 1, if any: a scan that
/// skips quoted scalars and comments and counts a bracket only where a flow collection can start
/// (after a space, a line break, an indicator or another bracket), so `a[1]` in a plain scalar is
/// not one. Linear, one pass.
pub(super) fn too_deep_at(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let starts_token =
            i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':' | b'-' | b'?');
        match b[i] {
            b'[' | b'{' if starts_token => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if starts_token => i = line_end(b, i),
            b'"' if starts_token => i = quoted_end(b, i, b'"'),
            b'\'' if starts_token => i = quoted_end(b, i, b'\''),
            _ => {}
        }
        i += 1;
    }
    None
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| from + p)
}

/// The offset of the closing quote of the scalar opened at `open` (the end of the text when there
/// is none): `\` escapes in double quotes, `''` in single ones.
fn quoted_end(b: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 1,
            c if c == quote => {
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_bracket_past_the_limit() {
        let deep = format!("services: {}", "{a: [".repeat(100));
        // 200 levels: the 131st opening bracket is where libyaml stops reading.
        let at = too_deep_at(&deep).unwrap();
        assert_eq!(deep[..at].matches(['[', '{']).count(), MAX_FLOW_DEPTH);
        let closed = format!("a: {}{}", "[".repeat(MAX_FLOW_DEPTH), "]".repeat(MAX_FLOW_DEPTH));
        assert_eq!(too_deep_at(&closed), None);
    }

    #[test]
    fn brackets_in_plain_scalars_quotes_and_comments_do_not_count() {
        let many = "x[".repeat(1000);
        assert_eq!(too_deep_at(&format!("a: {many}")), None);
        assert_eq!(too_deep_at(&format!("a: \"{}\"", "[".repeat(1000))), None);
        assert_eq!(too_deep_at(&format!("a: '{}'' {}'", "[".repeat(500), "{".repeat(500))), None);
        assert_eq!(too_deep_at(&format!("a: 1 # {}", "[".repeat(1000))), None);
        assert_eq!(too_deep_at(&format!("a: \"\\\" {}\"", "[".repeat(1000))), None);
    }

    #[test]
    fn sibling_collections_do_not_add_up() {
        let wide = format!("a: [{}]", vec!["[1]"; 1000].join(", "));
        assert_eq!(too_deep_at(&wide), None);
    }
}
