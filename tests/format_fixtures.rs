//! The formatter on the tricky cases, before and after as a user sees them. Shown with the
//! invisible made visible: `<BOM>`, `<CR>`, `<TAB>`, and `·` for a trailing space. Every result
//! is also formatted again and must not change.

use convox_lsp::ide::format::{FormatOptions, format};
use expect_test::{Expect, expect};

fn visible(s: &str) -> String {
    let s = s.replace('\u{feff}', "<BOM>").replace('\r', "<CR>").replace('\t', "<TAB>");
    s.split('\n')
        .map(|l| {
            let body = l.trim_end_matches(' ');
            format!("{body}{}", "·".repeat(l.len() - body.len()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(before: &str, expected: Expect) {
    let shown = match format(before, &FormatOptions::default()) {
        Ok(after) => {
            assert_eq!(format(&after, &FormatOptions::default()).as_ref(), Ok(&after), "not idempotent");
            format!("{}\n=>\n{}", visible(before), visible(&after))
        }
        Err(e) => format!("{}\n=> refused at byte {}: {}", visible(before), e.offset, e.message),
    };
    expected.assert_eq(&shown);
}

#[test]
fn indentation_and_spacing() {
    check(
        "\n\nservices:\n    web:\n        port :   3000\n        environment:\n        -   A=1\n        -  B=2   \nresources:\n      db:\n            type: postgres\n",
        expect![[r#"


            services:
                web:
                    port :   3000
                    environment:
                    -   A=1
                    -  B=2···
            resources:
                  db:
                        type: postgres

            =>
            services:
              web:
                port: 3000
                environment:
                  - A=1
                  - B=2
            resources:
              db:
                type: postgres
        "#]],
    );
}

#[test]
fn comments_at_odd_indentation() {
    check(
        "# top\nservices:\n    # above web\n    web:\n       # odd, between levels\n        port: 3000   # trailing comment\n      # odd again\n    # above worker\n    worker:\n        command: run\n# end of services\n   # indented at the end\n",
        expect![[r#"
            # top
            services:
                # above web
                web:
                   # odd, between levels
                    port: 3000   # trailing comment
                  # odd again
                # above worker
                worker:
                    command: run
            # end of services
               # indented at the end

            =>
            # top
            services:
              # above web
              web:
                 # odd, between levels
                port: 3000   # trailing comment
                # odd again
              # above worker
              worker:
                command: run
            # end of services
               # indented at the end
        "#]],
    );
}

#[test]
fn block_scalars() {
    check(
        "services:\n    web:\n        command: |\n            echo one   \n\n              indented\n        script: >-\n              folded\n              text\n        keep: |+\n            kept\n\n        explicit: |4\n                four\n    # after the scalars\n",
        expect![[r#"
            services:
                web:
                    command: |
                        echo one···

                          indented
                    script: >-
                          folded
                          text
                    keep: |+
                        kept

                    explicit: |4
                            four
                # after the scalars

            =>
            services:
              web:
                command: |
                  echo one···

                    indented
                script: >-
                  folded
                  text
                keep: |+
                  kept

                explicit: |4
                        four
              # after the scalars
        "#]],
    );
}

#[test]
fn flow_collections() {
    check(
        "services:\n    web:\n        ports: [80,   443]\n        labels: {a: 1,\n                 b: 2}\n        environment: [\n            \"A=1\",\n            B\n        ]\n",
        expect![[r#"
            services:
                web:
                    ports: [80,   443]
                    labels: {a: 1,
                             b: 2}
                    environment: [
                        "A=1",
                        B
                    ]

            =>
            services:
              web:
                ports: [80,   443]
                labels: {a: 1,
                         b: 2}
                environment: [
                    "A=1",
                    B
                ]
        "#]],
    );
}

#[test]
fn anchors_aliases_and_tags() {
    check(
        "x-env: &env\n    - A=1\nservices:\n    web:\n        environment: *env\n        scale: &scale   {count: 2}\n    worker:\n        scale: *scale\n        port: !!str   3000\n",
        expect![[r#"
            x-env: &env
                - A=1
            services:
                web:
                    environment: *env
                    scale: &scale   {count: 2}
                worker:
                    scale: *scale
                    port: !!str   3000

            =>
            x-env: &env
              - A=1
            services:
              web:
                environment: *env
                scale: &scale   {count: 2}
              worker:
                scale: *scale
                port: !!str   3000
        "#]],
    );
}

#[test]
fn crlf_is_kept() {
    check(
        "services:\r\n    web:\r\n        port: 3000   \r\n\r\n\r\n",
        expect![[r#"
        services:<CR>
            web:<CR>
                port: 3000   <CR>
        <CR>
        <CR>

        =>
        services:<CR>
          web:<CR>
            port: 3000<CR>
    "#]],
    );
}

#[test]
fn a_byte_order_mark_is_kept() {
    check(
        "\u{feff}services:\n    web:\n        port: 3000",
        expect![[r#"
        <BOM>services:
            web:
                port: 3000
        =>
        <BOM>services:
          web:
            port: 3000
    "#]],
    );
}

#[test]
fn quoted_and_alias_keys() {
    check(
        "x-name: &name api\nservices:\n    \"web\" :   {}\n    'worker':  {}\n    *name : {}\n",
        expect![[r#"
            x-name: &name api
            services:
                "web" :   {}
                'worker':  {}
                *name : {}

            =>
            x-name: &name api
            services:
              "web": {}
              'worker': {}
              *name : {}
        "#]],
    );
}

#[test]
fn several_documents() {
    check(
        "%YAML 1.1\n---\nservices:\n    web: {}\n...\n--- \nservices:\n      api:\n          port: 1\n",
        expect![[r#"
            %YAML 1.1
            ---
            services:
                web: {}
            ...
            ---·
            services:
                  api:
                      port: 1

            =>
            %YAML 1.1
            ---
            services:
              web: {}
            ...
            ---
            services:
              api:
                port: 1
        "#]],
    );
}

#[test]
fn lists_in_lists_and_compact_maps() {
    check(
        "services:\n  web:\n    environment:\n    - - nested\n      - list\n    -   name: a\n        value: b\n    -\n        name: c\n",
        expect![[r#"
            services:
              web:
                environment:
                - - nested
                  - list
                -   name: a
                    value: b
                -
                    name: c

            =>
            services:
              web:
                environment:
                  - - nested
                    - list
                  - name: a
                    value: b
                  -
                    name: c
        "#]],
    );
}

#[test]
fn broken_documents_are_refused() {
    check(
        "services:\n  web:\n    port: 3000\n   image: x\n",
        expect![[r#"
            services:
              web:
                port: 3000
               image: x

            => refused at byte 21: not formatted: yaml: line 3: did not find expected key"#]],
    );
    check(
        "services:\n\tweb: {}\n",
        expect![[r#"
            services:
            <TAB>web: {}

            => refused at byte 11: not formatted: yaml: line 2: found character that cannot start any token"#]],
    );
    check(
        "services:\r  web: {}\r",
        expect![[r#"
        services:<CR>  web: {}<CR>
        => refused at byte 9: not formatted: a line ends with a lone carriage return; use LF or CRLF line breaks"#]],
    );
    check(
        "? services\n: {}\n",
        expect![[r#"
        ? services
        : {}

        => refused at byte 0: not formatted: explicit keys (`? key`) are not supported by the formatter"#]],
    );
}
