//! The layer checker: parses a crate's source files, resolves every path that names an item
//! of the crate to the file that defines it, and reports imports into a higher layer and
//! cycles in the file-level import graph.
//!
//! What counts as an import of file G by file F: F names an item (fn, type, const, trait,
//! static, macro...) defined in G, in a `use` declaration (`pub use` too) or in any path
//! (`crate::…`, `super::…`, `self::…`, a name brought in by a `use` or a glob, also inside
//! macro arguments). Re-exports are followed to the defining file, so a `mod.rs` that only
//! re-exports is a signpost, not a hub. `mod` declarations are not imports, and naming a
//! module (`use crate::analysis;`) is not one either: what is used through it is.
//!
//! The resolution is name-based (no type checking): a method call reaches no file, and a
//! local variable that shares its name with an item reached through a glob import may be
//! taken for that item. Both err on the side of more edges in only the second case, which
//! shows up in the report with the line that caused it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

/// One edge of the file graph, with where it was first seen.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: PathBuf,
    pub to: PathBuf,
    pub line: usize,
    pub path: String,
}

/// What the check found. Empty lists mean the rule holds.
#[derive(Debug, Default)]
pub struct Report {
    /// Imports from a file into a file of a higher layer.
    pub upward: Vec<String>,
    /// One line per strongly connected component of the file graph, showing one cycle in it.
    pub cycles: Vec<String>,
    /// Top-level modules that are not in the layer list, and files that could not be read.
    pub problems: Vec<String>,
    /// Every edge (for `PGPULSE_ARCH_DUMP`).
    pub edges: Vec<Edge>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.upward.is_empty() && self.cycles.is_empty() && self.problems.is_empty()
    }

    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (title, lines) in [
            ("imports into a higher layer", &self.upward),
            ("import cycles between files", &self.cycles),
            ("structure problems", &self.problems),
        ] {
            if !lines.is_empty() {
                out.push_str(&format!("{} {title}:\n", lines.len()));
                for line in lines {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
        out
    }
}

type ModId = usize;

#[derive(Debug)]
struct Module {
    file: PathBuf,
    parent: Option<ModId>,
    /// The top-level module this one belongs to (its layer); `None` for the crate root.
    top: Option<String>,
    children: HashMap<String, ModId>,
    items: HashSet<String>,
    /// `use` bindings: name -> path as written (relative to this module).
    aliases: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Module(ModId),
    /// An item defined in this module.
    Item(ModId),
}

/// A `use` tree flattened into its leaves.
enum UseLeaf {
    /// `path` bound to `name` (`None` for `as _`).
    Name(Vec<String>, Option<String>),
    Glob(Vec<String>),
}

fn flatten_use(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<UseLeaf>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                let bound = prefix.last().cloned();
                out.push(UseLeaf::Name(prefix.clone(), bound));
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push(UseLeaf::Name(path, Some(name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let mut path = prefix.clone();
            if name != "self" {
                path.push(name);
            }
            let bound = r.rename.to_string();
            out.push(UseLeaf::Name(path, (bound != "_").then_some(bound)));
        }
        syn::UseTree::Glob(_) => out.push(UseLeaf::Glob(prefix.clone())),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten_use(tree, prefix, out);
            }
        }
    }
}

/// The crate as modules, built from the files.
struct Crate<'a> {
    files: &'a BTreeMap<PathBuf, String>,
    modules: Vec<Module>,
    parsed: BTreeMap<PathBuf, (ModId, syn::File)>,
    problems: Vec<String>,
}

impl<'a> Crate<'a> {
    fn load(files: &'a BTreeMap<PathBuf, String>, root: &Path) -> Self {
        let mut krate = Crate {
            files,
            modules: Vec::new(),
            parsed: BTreeMap::new(),
            problems: Vec::new(),
        };
        let root_id = krate.new_module(root.to_path_buf(), None, None);
        let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
        krate.load_file(root, root_id, dir);
        krate
    }

    fn new_module(&mut self, file: PathBuf, parent: Option<ModId>, top: Option<String>) -> ModId {
        self.modules.push(Module {
            file,
            parent,
            top,
            children: HashMap::new(),
            items: HashSet::new(),
            aliases: HashMap::new(),
            globs: Vec::new(),
        });
        self.modules.len() - 1
    }

    /// Parses `file` as module `id`; `dir` is where its `mod x;` children live.
    fn load_file(&mut self, file: &Path, id: ModId, dir: PathBuf) {
        let Some(text) = self.files.get(file) else {
            self.problems
                .push(format!("{} is declared but missing", file.display()));
            return;
        };
        let parsed = match syn::parse_file(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.problems
                    .push(format!("{} does not parse: {e}", file.display()));
                return;
            }
        };
        self.collect_items(&parsed.items, id, file, &dir);
        self.parsed.insert(file.to_path_buf(), (id, parsed));
    }

    fn collect_items(&mut self, items: &[syn::Item], id: ModId, file: &Path, dir: &Path) {
        for item in items {
            if let syn::Item::Mod(m) = item {
                self.collect_mod(m, id, file, dir);
            }
        }
        let mut names = NameCollector::default();
        for item in items {
            if !matches!(item, syn::Item::Mod(_)) {
                names.visit_item(item);
            }
        }
        let module = &mut self.modules[id];
        module.items.extend(names.items);
        for leaf in names.uses {
            match leaf {
                UseLeaf::Name(path, Some(name)) => {
                    module.aliases.insert(name, path);
                }
                UseLeaf::Name(_, None) => {}
                UseLeaf::Glob(path) => module.globs.push(path),
            }
        }
    }

    fn collect_mod(&mut self, m: &syn::ItemMod, parent: ModId, file: &Path, dir: &Path) {
        let name = m.ident.to_string();
        let top = self.modules[parent]
            .top
            .clone()
            .or_else(|| Some(name.clone()));
        if let Some((_, items)) = &m.content {
            let id = self.new_module(file.to_path_buf(), Some(parent), top);
            self.modules[parent].children.insert(name.clone(), id);
            self.collect_items(items, id, file, &dir.join(&name));
            return;
        }
        let explicit = m.attrs.iter().find_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        let (child_file, child_dir) = match explicit {
            // `#[path]` is relative to the declaring file's directory.
            Some(rel) => {
                let base = file.parent().unwrap_or(Path::new(""));
                let f = base.join(rel);
                let d = f.parent().unwrap_or(Path::new("")).to_path_buf();
                (f, d)
            }
            None => {
                let flat = dir.join(format!("{name}.rs"));
                let nested = dir.join(&name).join("mod.rs");
                if self.files.contains_key(&flat) {
                    (flat, dir.join(&name))
                } else {
                    (nested, dir.join(&name))
                }
            }
        };
        let id = self.new_module(child_file.clone(), Some(parent), top);
        self.modules[parent].children.insert(name, id);
        self.load_file(&child_file, id, child_dir);
    }

    fn root_of(&self, mut id: ModId) -> ModId {
        while let Some(parent) = self.modules[id].parent {
            id = parent;
        }
        id
    }

    /// Resolves a path written in module `ctx`.
    fn resolve(
        &self,
        ctx: ModId,
        segs: &[String],
        seen: &mut HashSet<(ModId, String)>,
    ) -> Option<Target> {
        let first = segs.first()?;
        let (start, rest) = match first.as_str() {
            "crate" => (self.root_of(ctx), &segs[1..]),
            "self" => (ctx, &segs[1..]),
            "super" => {
                let mut at = ctx;
                let mut n = 0;
                while segs.get(n).map(String::as_str) == Some("super") {
                    at = self.modules[at].parent?;
                    n += 1;
                }
                (at, &segs[n..])
            }
            "Self" => return None,
            name => match self.lookup(ctx, name, seen)? {
                Target::Module(m) => (m, &segs[1..]),
                item => return Some(item),
            },
        };
        self.walk(start, rest, seen)
    }

    fn walk(
        &self,
        mut at: ModId,
        segs: &[String],
        seen: &mut HashSet<(ModId, String)>,
    ) -> Option<Target> {
        for seg in segs {
            match self.lookup(at, seg, seen) {
                Some(Target::Module(m)) => at = m,
                Some(item) => return Some(item),
                // Generated or unknown names: attribute them to the module they were sought in.
                None => return Some(Target::Item(at)),
            }
        }
        Some(Target::Module(at))
    }

    /// What `name` means inside module `at`.
    fn lookup(&self, at: ModId, name: &str, seen: &mut HashSet<(ModId, String)>) -> Option<Target> {
        if !seen.insert((at, name.to_string())) {
            return None;
        }
        let module = &self.modules[at];
        let found = if let Some(&child) = module.children.get(name) {
            Some(Target::Module(child))
        } else if module.items.contains(name) {
            Some(Target::Item(at))
        } else if let Some(path) = module.aliases.get(name) {
            self.resolve(at, path, seen)
        } else {
            module.globs.iter().find_map(|glob| {
                match self.resolve(at, glob, seen)? {
                    Target::Module(m) => self.lookup(m, name, seen),
                    // A glob of an enum's variants: the variant lives with the enum.
                    Target::Item(_) => None,
                }
            })
        };
        seen.remove(&(at, name.to_string()));
        found
    }
}

/// Collects the names an item list defines and the `use` declarations in it, including those
/// in function bodies (they are scoped tighter than the module, which only adds edges).
#[derive(Default)]
struct NameCollector {
    items: Vec<String>,
    uses: Vec<UseLeaf>,
}

impl<'ast> Visit<'ast> for NameCollector {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let name = match item {
            syn::Item::Const(i) => Some(&i.ident),
            syn::Item::Enum(i) => Some(&i.ident),
            syn::Item::Fn(i) => Some(&i.sig.ident),
            syn::Item::Static(i) => Some(&i.ident),
            syn::Item::Struct(i) => Some(&i.ident),
            syn::Item::Trait(i) => Some(&i.ident),
            syn::Item::TraitAlias(i) => Some(&i.ident),
            syn::Item::Type(i) => Some(&i.ident),
            syn::Item::Union(i) => Some(&i.ident),
            syn::Item::Macro(i) => i.ident.as_ref(),
            _ => None,
        };
        if let Some(name) = name {
            self.items.push(name.to_string());
        }
        if let syn::Item::Use(u) = item {
            flatten_use(&u.tree, &mut Vec::new(), &mut self.uses);
        }
        // Modules nested in function bodies are not followed: pgpulse has none.
        if !matches!(item, syn::Item::Mod(_)) {
            visit::visit_item(self, item);
        }
    }
}

/// Walks one file's items and records the file each path leads to.
struct References<'c, 'a> {
    krate: &'c Crate<'a>,
    file: PathBuf,
    stack: Vec<ModId>,
    edges: Vec<Edge>,
}

impl References<'_, '_> {
    fn ctx(&self) -> ModId {
        *self.stack.last().unwrap_or(&0)
    }

    fn record(&mut self, segs: &[String], line: usize) {
        if segs.is_empty() {
            return;
        }
        let target = self.krate.resolve(self.ctx(), segs, &mut HashSet::new());
        let to = match target {
            Some(Target::Item(m)) => &self.krate.modules[m].file,
            // Naming a module is not an import (what is used through it is)...
            Some(Target::Module(_)) | None => return,
        };
        if *to != self.file {
            self.edges.push(Edge {
                from: self.file.clone(),
                to: to.clone(),
                line,
                path: segs.join("::"),
            });
        }
    }

    fn scan_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => {
                    if !self.try_parse(g.stream(), g.delimiter()) {
                        self.scan_tokens(g.stream());
                    }
                    i += 1;
                }
                TokenTree::Ident(ident) => {
                    let line = ident.span().start().line;
                    let mut segs = vec![ident.to_string()];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                    {
                        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
                        {
                            segs.push(next.to_string());
                            j += 3;
                        } else {
                            break;
                        }
                    }
                    // Single identifiers in unparsed tokens are mostly locals: skip them.
                    if segs.len() > 1 {
                        self.record(&segs, line);
                    }
                    i = j;
                }
                TokenTree::Punct(_) | TokenTree::Literal(_) => i += 1,
            }
        }
    }

    /// Macro arguments that parse as expressions or statements are visited like code.
    fn try_parse(&mut self, tokens: TokenStream, delimiter: Delimiter) -> bool {
        use syn::parse::Parser;
        if delimiter == Delimiter::None {
            return false;
        }
        let exprs = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(list) = exprs.parse2(tokens.clone()) {
            for expr in &list {
                self.visit_expr(expr);
            }
            return true;
        }
        if let Ok(stmts) = syn::Block::parse_within.parse2(tokens) {
            for stmt in &stmts {
                self.visit_stmt(stmt);
            }
            return true;
        }
        false
    }
}

fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

impl<'ast> Visit<'ast> for References<'_, '_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // File modules are walked from their own file; inline ones here.
        if let Some((_, items)) = &m.content {
            let Some(&child) = self.krate.modules[self.ctx()]
                .children
                .get(&m.ident.to_string())
            else {
                return;
            };
            self.stack.push(child);
            for item in items {
                self.visit_item(item);
            }
            self.stack.pop();
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut leaves = Vec::new();
        flatten_use(&u.tree, &mut Vec::new(), &mut leaves);
        let line = u.use_token.span.start().line;
        for leaf in leaves {
            match leaf {
                UseLeaf::Name(path, _) => self.record(&path, line),
                // A glob of an enum's variants imports the enum; a module glob imports
                // nothing by itself (the names used through it do).
                UseLeaf::Glob(path) => self.record(&path, line),
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let line = path
            .segments
            .first()
            .map(|s| s.ident.span().start().line)
            .unwrap_or(0);
        self.record(&segments(path), line);
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        let delimiter = match mac.delimiter {
            syn::MacroDelimiter::Paren(_) => Delimiter::Parenthesis,
            syn::MacroDelimiter::Brace(_) => Delimiter::Brace,
            syn::MacroDelimiter::Bracket(_) => Delimiter::Bracket,
        };
        if !self.try_parse(mac.tokens.clone(), delimiter) {
            self.scan_tokens(mac.tokens.clone());
        }
    }

    // `pub(in path)` and attributes name no items of the crate.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
}

/// Checks the crate rooted at `root` (e.g. `src/lib.rs`) among `files` against `layers`
/// (bottom first): every top-level module must be a layer, no file may name an item of a
/// file in a higher layer, and the file graph must have no cycle.
pub fn check(files: &BTreeMap<PathBuf, String>, root: &Path, layers: &[&str]) -> Report {
    let krate = Crate::load(files, root);
    let mut report = Report {
        problems: krate.problems.clone(),
        ..Report::default()
    };
    let rank: HashMap<&str, usize> = layers.iter().enumerate().map(|(i, l)| (*l, i)).collect();
    let root_id = 0;
    let mut tops: Vec<&String> = krate.modules[root_id].children.keys().collect();
    tops.sort();
    for top in tops {
        if !rank.contains_key(top.as_str()) {
            report.problems.push(format!(
                "top-level module `{top}` is not a layer: add it to a layer's folder"
            ));
        }
    }
    let reached: BTreeSet<&PathBuf> = krate.parsed.keys().collect();
    for file in files.keys() {
        let in_crate = file.starts_with(root.parent().unwrap_or(Path::new("")));
        if in_crate
            && !reached.contains(file)
            && file.extension().is_some_and(|e| e == "rs")
            && file.file_name() != Some("main.rs".as_ref())
        {
            report
                .problems
                .push(format!("{} is not part of the module tree", file.display()));
        }
    }

    let layer_of = |file: &PathBuf| -> Option<&str> {
        let (id, _) = krate.parsed.get(file)?;
        krate.modules[*id].top.as_deref()
    };
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen_pairs = HashSet::new();
    for (file, (id, parsed)) in &krate.parsed {
        let mut refs = References {
            krate: &krate,
            file: file.clone(),
            stack: vec![*id],
            edges: Vec::new(),
        };
        for item in &parsed.items {
            refs.visit_item(item);
        }
        for edge in refs.edges {
            if seen_pairs.insert((edge.from.clone(), edge.to.clone())) {
                edges.push(edge);
            }
        }
    }
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));

    for edge in &edges {
        let (Some(from), Some(to)) = (layer_of(&edge.from), layer_of(&edge.to)) else {
            continue;
        };
        if let (Some(rf), Some(rt)) = (rank.get(from), rank.get(to))
            && rt > rf
        {
            report.upward.push(format!(
                "{}:{} `{}` -> {} ({from} may not import {to})",
                edge.from.display(),
                edge.line,
                edge.path,
                edge.to.display()
            ));
        }
    }
    report.cycles = cycles(&edges);
    report.edges = edges;
    report
}

/// One line per strongly connected component with more than one file: a shortest cycle
/// through its first file, each step with the line that makes it.
fn cycles(edges: &[Edge]) -> Vec<String> {
    let mut nodes: Vec<&PathBuf> = edges.iter().flat_map(|e| [&e.from, &e.to]).collect();
    nodes.sort();
    nodes.dedup();
    let index: HashMap<&PathBuf, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut out_edges: Vec<Vec<(usize, &Edge)>> = vec![Vec::new(); nodes.len()];
    for edge in edges {
        out_edges[index[&edge.from]].push((index[&edge.to], edge));
    }

    // Tarjan's algorithm, iteratively (the graph is small, but recursion depth is not ours).
    let n = nodes.len();
    let mut idx = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut components: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if idx[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && idx[v] == usize::MAX {
                idx[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(w, _)) = out_edges[v].get(*child) {
                *child += 1;
                if idx[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(idx[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == idx[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    components.push(component);
                }
            }
        }
    }

    components.sort();
    components
        .iter()
        .map(|component| {
            let members: HashSet<usize> = component.iter().copied().collect();
            let start = component[0];
            // Breadth-first from `start` inside the component back to `start`.
            let mut prev: HashMap<usize, (usize, &Edge)> = HashMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut closing = None;
            while let Some(v) = queue.pop_front() {
                for &(w, edge) in &out_edges[v] {
                    if !members.contains(&w) {
                        continue;
                    }
                    if w == start {
                        closing = Some((v, edge));
                        queue.clear();
                        break;
                    }
                    if let std::collections::hash_map::Entry::Vacant(slot) = prev.entry(w) {
                        slot.insert((v, edge));
                        queue.push_back(w);
                    }
                }
            }
            let mut steps = Vec::new();
            if let Some((mut v, edge)) = closing {
                steps.push(edge);
                while v != start {
                    let (p, e) = prev[&v];
                    steps.push(e);
                    v = p;
                }
            }
            steps.reverse();
            let path: Vec<String> = steps
                .iter()
                .map(|e| format!("{}:{} `{}`", e.from.display(), e.line, e.path))
                .collect();
            format!(
                "{} files [{}]: {} -> back to {}",
                component.len(),
                component
                    .iter()
                    .map(|&i| nodes[i].display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                path.join(" -> "),
                nodes[start].display()
            )
        })
        .collect()
}

/// Reads every file under `dir` (relative paths, as the checker wants them).
pub fn read_tree(base: &Path, dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        let entries = std::fs::read_dir(base.join(&at))
            .unwrap_or_else(|e| panic!("reading {}: {e}", at.display()));
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| panic!("reading {}: {e}", at.display()));
            let rel = at.join(entry.file_name());
            let kind = entry
                .file_type()
                .unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
            if kind.is_dir() {
                pending.push(rel);
            } else if rel.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(base.join(&rel))
                    .unwrap_or_else(|e| panic!("reading {}: {e}", rel.display()));
                files.insert(rel, text);
            }
        }
    }
    files
}
