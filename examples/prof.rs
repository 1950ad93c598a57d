use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string("/tmp/big.yml").unwrap();
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_yaml::LANGUAGE.into()).unwrap();
    let t0 = Instant::now();
    let tree = p.parse(&text, None).unwrap();
    println!("ts full {:?}", t0.elapsed());
    let mut parser = convox_lsp::syntax::Parser::new();
    let t0 = Instant::now();
    let _ = parser.parse(&text);
    println!("syntax full {:?}", t0.elapsed());
    let mut doc = convox_lsp::text::Text::new(&text);
    let at = text.len() / 2;
    let at = text[..at].rfind('\n').unwrap() + 5;
    for k in 0..4 {
        let e = doc.replace(at, at + usize::from(k % 2 == 1), if k % 2 == 0 { "x" } else { "" });
        let s = doc.to_string();
        let mut t2 = tree.clone();
        t2.edit(&tree_sitter::InputEdit {
            start_byte: e.start_byte,
            old_end_byte: e.old_end_byte,
            new_end_byte: e.new_end_byte,
            start_position: tree_sitter::Point { row: e.start_point.0, column: e.start_point.1 },
            old_end_position: tree_sitter::Point { row: e.old_end_point.0, column: e.old_end_point.1 },
            new_end_position: tree_sitter::Point { row: e.new_end_point.0, column: e.new_end_point.1 },
        });
        let t0 = Instant::now();
        let _ = p.parse(&s, Some(&t2));
        let ts = t0.elapsed();
        parser.edit(&e);
        let t0 = Instant::now();
        let parse = parser.parse(&s);
        let syn = t0.elapsed();
        let t0 = Instant::now();
        let _m = convox_lsp::model::Manifest::from_yaml(parse.root(), &s);
        println!("edit {k}: ts-incr {ts:?} syntax {syn:?} model {:?} errors {}", t0.elapsed(), parse.errors.len());
    }
}
