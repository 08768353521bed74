//! The crates' top-level modules import only downward: no module reaches,
//! through `crate::` paths, a module that reaches it back. A cycle hides a
//! dependency nobody meant (a page that a status bar needs, a store that
//! needs the scheduler), so the test suite looks for one in every crate
//! whose code map promises layers.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each top-level module of the crate at `src` and the top-level modules its
/// files name through `crate::`.
pub fn imports(src: &Path) -> std::io::Result<BTreeMap<String, BTreeSet<String>>> {
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for entry in fs::read_dir(src)? {
        let path = entry?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if matches!(stem, "lib" | "main") {
            continue;
        }
        let text = modules.entry(stem.to_owned()).or_default();
        read_all(&path, text)?;
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    Ok(modules
        .into_iter()
        .map(|(name, text)| {
            let mut used = named_modules(&text, &names);
            used.remove(&name);
            (name, used)
        })
        .collect())
}

/// The text of a `.rs` file, or of every `.rs` file under a folder.
fn read_all(path: &Path, into: &mut String) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            read_all(&entry?.path(), into)?;
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        into.push_str(&fs::read_to_string(path)?);
        into.push('\n');
    }
    Ok(())
}

/// The top-level modules (`names`) that `text` reaches through `crate::a`
/// or `crate::{a, b::c}`.
fn named_modules(text: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => return true,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map_or(group.len(), |(i, _)| i);
            let mut depth = 0usize;
            let mut start = 0;
            for (i, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => {
                        used.extend(leading_name(&group[start..i], names));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            used.extend(leading_name(&group[start..end], names));
        } else {
            used.extend(leading_name(rest, names));
        }
    }
    used
}

fn leading_name(text: &str, names: &BTreeSet<String>) -> Option<String> {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..end];
    names.contains(name).then(|| name.to_owned())
}

/// A cycle among the modules, as the path that closes it, if there is one.
pub fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        edges
            .iter()
            .map(|(from, to)| {
                (
                    (*from).to_owned(),
                    to.iter().map(|t| (*t).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn grouped_and_plain_crate_paths_are_both_read() {
        let names: BTreeSet<String> = ["state", "now", "kpi", "words"].map(str::to_owned).into();
        let text = "use crate::{Priority, state::{Ctx, Runner}, now};\nlet x = crate::kpi::cut();";
        assert_eq!(
            named_modules(text, &names),
            ["kpi", "now", "state"].map(str::to_owned).into()
        );
    }

    #[test]
    fn a_cycle_is_found_and_a_layering_is_not() {
        let layered = graph(&[
            ("pages", &["state", "now"]),
            ("now", &["state"]),
            ("state", &[]),
        ]);
        assert_eq!(cycle(&layered), None);
        let tangled = graph(&[("state", &["scheduler"]), ("scheduler", &["state"])]);
        assert_eq!(
            cycle(&tangled),
            Some(
                ["scheduler", "state", "scheduler"]
                    .map(str::to_owned)
                    .to_vec()
            )
        );
    }

    #[test]
    fn model_client_and_app_modules_import_only_downward() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        for krate in ["model", "client", "app"] {
            let graph = imports(&root.join(krate).join("src")).expect("read the sources");
            assert!(graph.len() > 3, "{krate}: too few modules found");
            assert_eq!(cycle(&graph), None, "{krate} has a module cycle");
        }
    }
}
