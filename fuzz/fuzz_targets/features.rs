//! Arbitrary bytes as a manifest; every feature at offsets spread over the text. Nothing may
//! panic, hang or overflow the stack.
#![no_main]

use convox_lsp::context::Context;
use convox_lsp::ide::{Analysis, HintConfig, navigation, structure};
use convox_lsp::text::TextRange;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let a = Analysis::from_text(text);
    let ctx = Context::default();
    let _ = a.diagnostics();
    let _ = a.document_symbols();
    let _ = a.explain(&ctx);
    let _ = a.render(&ctx, None);
    let _ = a.inlay_hints(&ctx, TextRange::new(0, text.len()), HintConfig { objects: true, defaults: true });
    let _ = a.code_lenses(&ctx);
    let _ = structure::folding_ranges(&a);
    let _ = structure::semantic_tokens(&a);
    let step = (text.len() / 16).max(1);
    let mut offset = 0;
    while offset <= text.len() {
        if text.is_char_boundary(offset) {
            let _ = a.hover(offset, &ctx);
            let _ = a.completions(offset);
            let _ = a.key_path_at(offset);
            let _ = navigation::definition(&a, offset);
            let _ = navigation::references(&a, offset, true);
            let _ = navigation::rename(&a, offset, "renamed");
            let _ = structure::selection_ranges(&a, offset);
        }
        offset += step;
    }
});
