//! Message templates: `{placeholder}` substitution and `{a|b|c}` spintax.
//!
//! The reference's WhatsApp templates vary their wording at random (`{Halo|Hai} {full_name}`)
//! so that bulk messages are not identical. Syntax:
//!
//! * `{name}` — a placeholder (`[A-Za-z0-9_]+`), replaced by its value;
//! * `{a|b|c}` — spintax: one option chosen at random; options may be empty, contain
//!   placeholders and nest (`{Halo {full_name}|Hai}`);
//! * `{{` and `}}` — a literal `{` / `}`.
//!
//! Spintax is resolved first (one random choice per group, in document order), then
//! placeholders. Values are inserted verbatim: a value containing braces is never
//! interpreted (the reference re-ran spintax over the substituted text). Every placeholder in
//! the template must have a value, on every branch, so a missing one fails deterministically
//! rather than on one random send out of three.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("template placeholder {{{0}}} has no value")]
    MissingPlaceholder(String),
    #[error("template syntax error at character {position}: {message}")]
    Syntax {
        /// Character index (0-based) where the problem was found.
        position: usize,
        message: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Placeholder(String),
    Spin(Vec<Vec<Node>>),
}

/// A parsed template; parse once, render many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
}

/// Parses `template` and renders it with `vars`, choosing spintax options with `rng`.
pub fn render<R: Rng + ?Sized>(
    template: &str,
    vars: &BTreeMap<&str, String>,
    rng: &mut R,
) -> Result<String, TemplateError> {
    Template::parse(template)?.render(vars, rng)
}

impl Template {
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let chars: Vec<char> = source.chars().collect();
        let mut parser = Parser { chars, pos: 0 };
        let (nodes, end) = parser.sequence(false)?;
        debug_assert!(matches!(end, End::Eof));
        Ok(Template { nodes })
    }

    /// Every placeholder name used anywhere in the template (all branches), sorted.
    pub fn placeholders(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        collect(&self.nodes, &mut |name| {
            out.insert(name);
        });
        out
    }

    /// Every placeholder name in order of first appearance (the parameter order of a
    /// provider template built from this one).
    pub fn placeholders_in_order(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        collect(&self.nodes, &mut |name| {
            if !out.contains(&name) {
                out.push(name);
            }
        });
        out
    }

    /// Renders with `vars`; fails if any placeholder of the template lacks a value.
    pub fn render<R: Rng + ?Sized>(
        &self,
        vars: &BTreeMap<&str, String>,
        rng: &mut R,
    ) -> Result<String, TemplateError> {
        let mut missing = None;
        collect(&self.nodes, &mut |name| {
            if missing.is_none() && !vars.contains_key(name) {
                missing = Some(name.to_owned());
            }
        });
        if let Some(name) = missing {
            return Err(TemplateError::MissingPlaceholder(name));
        }
        let mut out = String::new();
        write(&self.nodes, vars, rng, &mut out);
        Ok(out)
    }
}

impl std::str::FromStr for Template {
    type Err = TemplateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Template::parse(s)
    }
}

fn collect<'a>(nodes: &'a [Node], f: &mut impl FnMut(&'a str)) {
    for node in nodes {
        match node {
            Node::Text(_) => {}
            Node::Placeholder(name) => f(name),
            Node::Spin(options) => options.iter().for_each(|o| collect(o, f)),
        }
    }
}

fn write<R: Rng + ?Sized>(
    nodes: &[Node],
    vars: &BTreeMap<&str, String>,
    rng: &mut R,
    out: &mut String,
) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Placeholder(name) => {
                if let Some(v) = vars.get(name.as_str()) {
                    out.push_str(v);
                }
            }
            Node::Spin(options) => {
                let i = rng.random_range(0..options.len());
                if let Some(option) = options.get(i) {
                    write(option, vars, rng, out);
                }
            }
        }
    }
}

enum End {
    Eof,
    Bar,
    Close,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn syntax(&self, position: usize, message: &'static str) -> TemplateError {
        TemplateError::Syntax { position, message }
    }

    /// Reads nodes until the end of input or, inside a group, a `|` or `}`.
    fn sequence(&mut self, in_group: bool) -> Result<(Vec<Node>, End), TemplateError> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        loop {
            let Some(&c) = self.chars.get(self.pos) else {
                flush(&mut text, &mut nodes);
                return Ok((nodes, End::Eof));
            };
            let next = self.chars.get(self.pos + 1).copied();
            match c {
                '{' if next == Some('{') => {
                    text.push('{');
                    self.pos += 2;
                }
                '}' if next == Some('}') && !in_group => {
                    text.push('}');
                    self.pos += 2;
                }
                '{' => {
                    flush(&mut text, &mut nodes);
                    nodes.push(self.group()?);
                }
                '}' if in_group => {
                    self.pos += 1;
                    flush(&mut text, &mut nodes);
                    return Ok((nodes, End::Close));
                }
                '}' => return Err(self.syntax(self.pos, "unmatched '}' (write '}}' for a brace)")),
                '|' if in_group => {
                    self.pos += 1;
                    flush(&mut text, &mut nodes);
                    return Ok((nodes, End::Bar));
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Parses `{…}` starting at the `{`: a placeholder or a spintax group.
    fn group(&mut self) -> Result<Node, TemplateError> {
        let open = self.pos;
        self.pos += 1;
        let mut options = Vec::new();
        loop {
            let (nodes, end) = self.sequence(true)?;
            options.push(nodes);
            match end {
                End::Bar => {}
                End::Close => break,
                End::Eof => return Err(self.syntax(open, "unclosed '{' (write '{{' for a brace)")),
            }
        }
        if options.len() > 1 {
            return Ok(Node::Spin(options));
        }
        match options.pop().unwrap_or_default().as_slice() {
            [Node::Text(name)] if is_name(name) => Ok(Node::Placeholder(name.clone())),
            [] => Err(self.syntax(open, "empty placeholder '{}'")),
            _ => Err(self.syntax(
                open,
                "a placeholder name may only contain letters, digits and '_'",
            )),
        }
    }
}

fn flush(text: &mut String, nodes: &mut Vec<Node>) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
