//! The plugin's modules form no circle, and `model/` is layered: facts ← shared verdicts ←
//! commands. Read from the source itself: every `crate::…`/`super::…`/`self::…` path of `src/`,
//! in `use` trees **and** inline in bodies (`super::update::rollout_state(…)`), is an edge from
//! the module it is written in to the deepest module the path names. A `mod` declaration is not
//! an edge (a parent declaring its child is the one relation allowed both ways); a child using
//! its parent's items is one, like any other.
//!
//! Comments, string and char literals are blanked before reading, so a path in a doc comment or
//! a message is not an import. Inline `mod x { … }` blocks (tests) belong to their file's module:
//! `use super::*` there is the file's own module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root (`["model", "drain"]`; the root is `[]`).
type Module = Vec<String>;

/// Every module of a crate whose root file is `src/lib.rs` (or `main.rs`), with its file.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, prefix: &Module, out: &mut BTreeMap<Module, PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                let mut m = prefix.clone();
                m.push(name);
                walk(&path, &m, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                // `main.rs` beside `lib.rs` is another crate (it reaches this one by name)
                if prefix.is_empty() && stem == "main" {
                    continue;
                }
                let mut m = prefix.clone();
                match stem {
                    // the crate roots and directory modules are their directory's module
                    "lib" if prefix.is_empty() => {}
                    "mod" => {}
                    _ => m.push(stem.to_string()),
                }
                out.insert(m, path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, &vec![], &mut out);
    // `src/bin/*` are other crates (they reach this one as `kubectl_sts::…`)
    out.retain(|m, _| m.first().map(String::as_str) != Some("bin"));
    out
}

/// The source with comments, strings and char literals replaced by spaces (lengths kept).
fn blank(source: &str) -> String {
    let b = source.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let wipe = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = source[i..].find('\n').map_or(b.len(), |n| i + n);
                wipe(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // block comments nest in Rust
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                wipe(&mut out, i, j);
                i = j;
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !is_ident(b[i - 1])) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                let end = source[body..]
                    .find(&close)
                    .map_or(b.len(), |n| body + n + close.len());
                wipe(&mut out, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                wipe(&mut out, i, j + 1);
                i = j + 1;
            }
            b'\'' => {
                // a char literal ('x', '\n', '\u{1F600}'), not a lifetime ('a)
                if b.get(i + 1) == Some(&b'\\') {
                    let end = source[i + 2..]
                        .find('\'')
                        .map_or(b.len(), |n| i + 2 + n + 1);
                    wipe(&mut out, i, end);
                    i = end;
                } else if let Some(c) = source[i + 1..].chars().next() {
                    let after = i + 1 + c.len_utf8();
                    if b.get(after) == Some(&b'\'') {
                        wipe(&mut out, i, after + 1);
                        i = after + 1;
                    } else {
                        i += 1;
                    }
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).expect("blanking keeps UTF-8 (only ASCII bytes or whole literals)")
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The paths a file names, each as written (`super::update::rollout_state`, one per leaf of a
/// `use` tree), with the inline-module depth it was written at (a path inside `mod tests { }`
/// starts from the file's module too, one `super` further down).
fn paths(source: &str) -> Vec<(Vec<String>, usize)> {
    let text = blank(source);
    let tokens = tokenize(&text);
    let mut out = vec![];
    // inline modules: (brace depth at which they close)
    let mut inline: Vec<usize> = vec![];
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).map(String::as_str) == Some("{") => {
                inline.push(depth);
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let end = (i..tokens.len())
                    .find(|j| tokens[*j] == ";")
                    .unwrap_or(tokens.len());
                for p in use_tree(&tokens[i + 1..end]) {
                    out.push((p, inline.len()));
                }
                i = end;
                continue;
            }
            "crate" | "super" | "self"
                if tokens.get(i + 1).map(String::as_str) == Some("::")
                    && (i == 0 || tokens[i - 1] != "::") =>
            {
                let mut p = vec![t.to_string()];
                let mut j = i + 1;
                while tokens.get(j).map(String::as_str) == Some("::")
                    && tokens
                        .get(j + 1)
                        .is_some_and(|n| n.bytes().all(is_ident) && !n.is_empty())
                {
                    p.push(tokens[j + 1].clone());
                    j += 2;
                }
                out.push((p, inline.len()));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn tokenize(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        if is_ident(b[i]) {
            let start = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            out.push(text[start..i].to_string());
        } else if b[i] == b':' && b.get(i + 1) == Some(&b':') {
            out.push("::".into());
            i += 2;
        } else if b[i].is_ascii_whitespace() {
            i += 1;
        } else {
            out.push((b[i] as char).to_string());
            i += 1;
        }
    }
    out
}

/// The leaves of a `use` tree (`super::{a::X, b::{self, Y}}` → `super::a::X`, `super::b`,
/// `super::b::Y`); only paths starting at `crate`, `super` or `self` are kept.
fn use_tree(tokens: &[String]) -> Vec<Vec<String>> {
    fn walk(tokens: &[String], prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut path = prefix;
        let mut i = 0;
        while i < tokens.len() {
            match tokens[i].as_str() {
                "::" => {}
                "{" => {
                    // split the group at its top-level commas
                    let mut depth = 0;
                    let mut start = i + 1;
                    let mut j = i + 1;
                    while j < tokens.len() {
                        match tokens[j].as_str() {
                            "{" => depth += 1,
                            "}" if depth == 0 => break,
                            "}" => depth -= 1,
                            "," if depth == 0 => {
                                walk(&tokens[start..j], path.clone(), out);
                                start = j + 1;
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    walk(&tokens[start..j.min(tokens.len())], path.clone(), out);
                    return;
                }
                "self" if !path.is_empty() => {}
                "as" | "*" => break,
                t => path.push(t.to_string()),
            }
            i += 1;
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
    let mut out = vec![];
    walk(tokens, vec![], &mut out);
    out.retain(|p| matches!(p[0].as_str(), "crate" | "super" | "self"));
    out
}

/// The module a path written in `from` (at inline depth `inline`) names: the deepest known
/// module among its prefixes.
fn resolve(
    from: &Module,
    path: &[String],
    inline: usize,
    known: &BTreeSet<Module>,
) -> Option<Module> {
    let mut at: Module = from.clone();
    // inside inline modules, `super` first climbs back out of them
    let mut inline_left = inline;
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            at.clear();
            inline_left = 0;
            rest = &path[1..];
        }
        "self" => rest = &path[1..],
        _ => {}
    }
    while rest.first().map(String::as_str) == Some("super") {
        if inline_left > 0 {
            inline_left -= 1;
        } else {
            at.pop()?;
        }
        rest = &rest[1..];
    }
    if inline_left > 0 {
        // a path into the inline module itself: part of the file's module
        return Some(from.clone());
    }
    let mut best = at.clone();
    let mut m = at;
    for seg in rest {
        m.push(seg.clone());
        if known.contains(&m) {
            best = m.clone();
        }
    }
    // an item of the crate root is named by itself: `crate::kubefmt::…` is kube-common's
    // `kubefmt` re-exported, not the root module
    if best.is_empty() {
        if let Some(first) = rest.first() {
            return Some(vec![first.clone()]);
        }
    }
    Some(best)
}

/// Module → the modules it names (self-edges and parent→child `mod` relations left out).
fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mods = modules(src);
    let known: BTreeSet<Module> = mods.keys().cloned().collect();
    let mut g: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, file) in &mods {
        let source = std::fs::read_to_string(file).expect("read source");
        let edges = g.entry(m.clone()).or_default();
        for (p, inline) in paths(&source) {
            if let Some(to) = resolve(m, &p, inline, &known) {
                if &to != m {
                    edges.insert(to);
                }
            }
        }
    }
    g
}

/// The circles of a graph: its strongly connected components of more than one module
/// (Tarjan's algorithm), each sorted.
fn circles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        g: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        out: Vec<Vec<Module>>,
    }
    fn connect<'a>(s: &mut State<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let Some((w, _)) = s.g.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                connect(s, w);
                let l = s.low[w].min(s.low[v]);
                s.low.insert(v, l);
            } else if s.on_stack.contains(w) {
                let l = s.index[w].min(s.low[v]);
                s.low.insert(v, l);
            }
        }
        if s.low[v] == s.index[v] {
            let mut scc = vec![];
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                scc.push(w.clone());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                s.out.push(scc);
            }
        }
    }
    let mut s = State {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: vec![],
        on_stack: BTreeSet::new(),
        out: vec![],
    };
    for v in g.keys() {
        if !s.index.contains_key(v) {
            connect(&mut s, v);
        }
    }
    s.out
}

fn show(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

fn describe(circles: &[Vec<Module>], g: &BTreeMap<Module, BTreeSet<Module>>) -> String {
    circles
        .iter()
        .map(|c| {
            let members: BTreeSet<&Module> = c.iter().collect();
            let edges: Vec<String> = c
                .iter()
                .flat_map(|m| {
                    g[m].iter()
                        .filter(|t| members.contains(t))
                        .map(move |t| format!("{} → {}", show(m), show(t)))
                })
                .collect();
            format!("circle: {}", edges.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/module_graph")
        .join(name)
}

#[test]
fn the_reader_finds_a_deliberate_circle_through_an_inline_path() {
    // `a` imports `b` with `use`; `b` reaches back only through an inline path in a body
    let g = graph(&fixture("circle"));
    let found = circles(&g);
    assert_eq!(
        found,
        vec![vec![vec!["a".to_string()], vec!["b".to_string()]]],
        "{}",
        describe(&found, &g)
    );
}

#[test]
fn the_reader_ignores_comments_strings_mod_declarations_and_test_modules() {
    // the same two files, but `b`'s way back is in a comment, a string, and a `mod tests`
    // whose `super` is `b` itself; `lib.rs` declares both (`mod` is not an edge)
    let g = graph(&fixture("no-circle"));
    assert_eq!(circles(&g), Vec::<Vec<Module>>::new(), "{g:?}");
    assert_eq!(
        g[&vec!["a".to_string()]],
        BTreeSet::from([vec!["b".to_string()]])
    );
    assert_eq!(g[&vec!["b".to_string()]], BTreeSet::new());
}

#[test]
fn use_trees_and_paths_are_read_leaf_by_leaf() {
    let p = paths(
        "use super::{health::{self, Ready}, rollout::rollout_state as rs, *};\n\
         use crate::cluster::Cluster;\nuse std::fmt;\n\
         fn f() { let c = '\"'; let s = r#\"super::nope\"#; super::scale::plan(); }\n\
         fn g<'a>(x: &'a str) -> &'a str { crate::model::gate::x(); x }",
    );
    let got: Vec<String> = p.iter().map(|(p, _)| p.join("::")).collect();
    assert_eq!(
        got,
        [
            "super::health",
            "super::health::Ready",
            "super::rollout::rollout_state",
            "super",
            "crate::cluster::Cluster",
            "super::scale::plan",
            "crate::model::gate::x",
        ]
    );
}

#[test]
fn the_plugins_modules_form_no_circle() {
    let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        g.contains_key(&vec!["model".to_string(), "gate".to_string()]),
        "the reader found no modules: {:?}",
        g.keys().collect::<Vec<_>>()
    );
    let found = circles(&g);
    assert!(found.is_empty(), "{}", describe(&found, &g));
}

/// `model/`'s layers, lowest first: what a set *is* and where its pods may go; the verdicts
/// several commands share; one file per command's decisions. A module may use its own layer's
/// modules (facts build on facts) or lower ones; commands never use each other.
const MODEL_LAYERS: &[&[&str]] = &[
    // plain data: the objects as fetched
    &["model"],
    // facts: what a set is, pod and node health, a replica starting, whose cordon it is,
    // who holds a set's disruption Lease, where pods may go, the codes of findings, how full a
    // claim's volume is
    &[
        "set",
        "health",
        "starting",
        "cordon",
        "lease",
        "placement",
        "findings",
        "usage",
    ],
    // verdicts several commands share: the gate and its blockers, where an update stands, a
    // controller stuck at an ordinal, what a disruption of a node's pods does, the one
    // projection of a set's pods the guarded commands decide on
    &["gate", "update", "stuck", "disruption", "view"],
    // one file per command's decisions (drain's are `disruption`, which check shares)
    &[
        "inspect", "scale", "rollout", "recover", "resize", "force", "check",
    ],
];

fn layer_of(m: &Module) -> Option<usize> {
    match m.as_slice() {
        [root] if root == "model" => Some(0),
        [root, name, ..] if root == "model" => {
            MODEL_LAYERS.iter().position(|l| l.contains(&name.as_str()))
        }
        _ => None,
    }
}

#[test]
fn model_imports_run_only_downwards_and_commands_never_use_each_other() {
    let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let mut wrong = vec![];
    for (from, to) in g.iter().flat_map(|(f, ts)| ts.iter().map(move |t| (f, t))) {
        let Some(lf) = layer_of(from) else { continue };
        match layer_of(to) {
            // model/ reaches nothing above it (cluster, ops, render, cli); kube-common's
            // modules re-exported at the crate root are pure too, and so are the API server's
            // naming rules (`names`)
            None if !matches!(
                to.first().map(String::as_str),
                Some("kubefmt" | "selectors" | "duration" | "names")
            ) =>
            {
                wrong.push(format!("{} → {} (outside model/)", show(from), show(to)))
            }
            None => {}
            Some(lt) if lt > lf => wrong.push(format!("{} → {} (upwards)", show(from), show(to))),
            Some(lt) if lt == lf && lf == MODEL_LAYERS.len() - 1 => wrong.push(format!(
                "{} → {} (one command's file uses another's)",
                show(from),
                show(to)
            )),
            _ => {}
        }
    }
    let unplaced: Vec<String> = g
        .keys()
        .filter(|m| m.first().map(String::as_str) == Some("model") && layer_of(m).is_none())
        .map(show)
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules of model/ in no layer: {unplaced:?}"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn model_does_no_io() {
    // decisions are pure functions over plain data: no client, no runtime, no files, no
    // environment (comments and strings blanked, so a doc line may still name them)
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
    let mut found = vec![];
    for (m, file) in modules(&dir) {
        let text = blank(&std::fs::read_to_string(&file).expect("read source"));
        // unit tests (last in each file) may read their fixtures
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        for word in [
            "kube::", "tokio", "async fn", "std::fs", "std::env", "std::net",
        ] {
            if text.contains(word) {
                found.push(format!("model::{}: {word}", m.join("::")));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
