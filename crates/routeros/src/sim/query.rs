//! `print` query words evaluated the RouterOS way: a stack of booleans that starts as
//! "infinitely many true"; each `?` word pushes one value, `?#` words run stack
//! operations; an item matches when no `false` remains.

use std::cmp::Ordering;

use crate::duration::parse_duration;
use crate::sim::schema::parse_ip;

/// One compiled query word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Query {
    Has(String),
    Lacks(String),
    Eq(String, String),
    Less(String, String),
    Greater(String, String),
    Ops(Vec<u8>),
}

fn split_pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("invalid query word ?{text}"))
}

/// Compiles one query word (without the leading `?`). `Err` is the trap message.
pub(crate) fn parse_query(word: &str) -> Result<Query, String> {
    let bad = || format!("unknown query operation ?{word}");
    if let Some(ops) = word.strip_prefix('#') {
        if !ops
            .bytes()
            .all(|b| b.is_ascii_digit() || b"!&|.".contains(&b))
        {
            return Err(bad());
        }
        return Ok(Query::Ops(ops.as_bytes().to_vec()));
    }
    if let Some(name) = word.strip_prefix('-') {
        return Ok(Query::Lacks(name.to_owned()));
    }
    if let Some(rest) = word.strip_prefix('<') {
        let (k, v) = split_pair(rest)?;
        return Ok(Query::Less(k, v));
    }
    if let Some(rest) = word.strip_prefix('>') {
        let (k, v) = split_pair(rest)?;
        return Ok(Query::Greater(k, v));
    }
    if word.is_empty() || word.starts_with('~') {
        return Err(bad());
    }
    // `?=name=value` is the same as `?name=value` (librouteros sends this form).
    let word = word.strip_prefix('=').unwrap_or(word);
    Ok(match word.split_once('=') {
        Some((k, v)) => Query::Eq(k.to_owned(), v.to_owned()),
        None => Query::Has(word.to_owned()),
    })
}

/// Typed comparison of two property values: MACs case-insensitively, numbers
/// numerically, IPs as addresses (`/32` ignored), durations by length, booleans by
/// meaning (`yes` = `true`), anything else byte-wise.
pub(crate) fn compare(field: &str, a: &str, b: &str) -> Ordering {
    if field.contains("mac-address") {
        return a.to_ascii_uppercase().cmp(&b.to_ascii_uppercase());
    }
    if let (Ok(x), Ok(y)) = (a.parse::<u128>(), b.parse::<u128>()) {
        return x.cmp(&y);
    }
    if let (Some(x), Some(y)) = (parse_ip(a), parse_ip(b)) {
        return x.cmp(&y);
    }
    if let (Some(x), Some(y)) = (parse_duration(a), parse_duration(b)) {
        return x.cmp(&y);
    }
    let boolean = |v: &str| match v {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    };
    if let (Some(x), Some(y)) = (boolean(a), boolean(b)) {
        return x.cmp(&y);
    }
    a.cmp(b)
}

fn pop(stack: &mut Vec<bool>) -> bool {
    stack.pop().unwrap_or(true)
}

fn at(stack: &[bool], index: usize) -> bool {
    stack
        .len()
        .checked_sub(index + 1)
        .and_then(|i| stack.get(i))
        .copied()
        .unwrap_or(true)
}

fn run_ops(ops: &[u8], stack: &mut Vec<bool>) {
    let mut i = 0;
    while i < ops.len() {
        let c = ops[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < ops.len() && ops[i].is_ascii_digit() {
                i += 1;
            }
            let index: usize = std::str::from_utf8(&ops[start..i])
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(usize::MAX);
            let value = at(stack, index);
            if i == ops.len() {
                stack.clear();
                stack.push(value);
            } else {
                stack.push(value);
                if ops[i] == b'.' {
                    i += 1;
                }
            }
            continue;
        }
        match c {
            b'!' => {
                let v = pop(stack);
                stack.push(!v);
            }
            b'&' => {
                let (a, b) = (pop(stack), pop(stack));
                stack.push(a && b);
            }
            b'|' => {
                let (a, b) = (pop(stack), pop(stack));
                stack.push(a || b);
            }
            b'.' => {
                let top = at(stack, 0);
                stack.push(top);
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether an item (property lookup `get`) matches the query words.
pub(crate) fn matches<'a>(queries: &[Query], get: impl Fn(&str) -> Option<&'a str>) -> bool {
    if queries.is_empty() {
        return true;
    }
    let mut stack = Vec::with_capacity(queries.len());
    for q in queries {
        match q {
            Query::Has(k) => stack.push(get(k).is_some()),
            Query::Lacks(k) => stack.push(get(k).is_none()),
            Query::Eq(k, v) => {
                stack.push(get(k).is_some_and(|x| compare(k, x, v) == Ordering::Equal))
            }
            Query::Less(k, v) => {
                stack.push(get(k).is_some_and(|x| compare(k, x, v) == Ordering::Less))
            }
            Query::Greater(k, v) => {
                stack.push(get(k).is_some_and(|x| compare(k, x, v) == Ordering::Greater));
            }
            Query::Ops(ops) => run_ops(ops, &mut stack),
        }
    }
    stack.iter().all(|b| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(words: &[&str]) -> Vec<Query> {
        words.iter().map(|w| parse_query(w).unwrap()).collect()
    }

    fn item<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
    }

    const ETHER: &[(&str, &str)] = &[("type", "ether"), ("name", "ether1"), ("mtu", "1500")];
    const VLAN: &[(&str, &str)] = &[("type", "vlan"), ("name", "vlan9"), ("comment", "x")];
    const WLAN: &[(&str, &str)] = &[("type", "wlan"), ("name", "wlan1"), ("comment", "")];

    #[test]
    fn equality_words_are_anded() {
        let qs = q(&["type=ether", "name=ether1"]);
        assert!(matches(&qs, item(ETHER)));
        assert!(!matches(&qs, item(VLAN)));
    }

    #[test]
    fn or_and_not() {
        let or = q(&["type=ether", "type=vlan", "#|"]);
        assert!(matches(&or, item(ETHER)));
        assert!(matches(&or, item(VLAN)));
        assert!(!matches(&or, item(WLAN)));
        let neither = q(&["type=ether", "type=vlan", "#|!"]);
        assert!(!matches(&neither, item(ETHER)));
        assert!(matches(&neither, item(WLAN)));
    }

    #[test]
    fn has_lacks_and_typed_comparisons() {
        assert!(matches(&q(&["comment"]), item(VLAN)));
        assert!(matches(&q(&["-comment"]), item(ETHER)));
        // ?>comment= means "non-empty comment".
        assert!(matches(&q(&[">comment="]), item(VLAN)));
        assert!(!matches(&q(&[">comment="]), item(WLAN)));
        assert!(
            matches(&q(&[">mtu=999"]), item(ETHER)),
            "numeric, not lexical"
        );
        assert!(matches(&q(&["<mtu=15000"]), item(ETHER)));
    }

    #[test]
    fn not_of_and() {
        // ?>mtu=1000 ?name=ether1 ?#&!  = NOT(a AND b)
        let qs = q(&[">mtu=1000", "name=ether1", "#&!"]);
        assert!(!matches(&qs, item(ETHER)));
        assert!(matches(&qs, item(VLAN)));
    }

    #[test]
    fn index_operations() {
        // Stack after the words: [type=ether, type=vlan]; "1" at end replaces the
        // stack with entry 1 (= type=ether).
        let qs = q(&["type=ether", "type=vlan", "#1"]);
        assert!(matches(&qs, item(ETHER)));
        assert!(!matches(&qs, item(VLAN)));
        // "0." pushes a copy of the top, then "|" ORs it with itself; the earlier
        // false (type=ether for VLAN) stays and rejects.
        let qs = q(&["type=ether", "type=vlan", "#0.|"]);
        assert!(!matches(&qs, item(VLAN)));
        // Index beyond the stack reads an implicit true.
        let qs = q(&["type=vlan", "#5"]);
        assert!(matches(&qs, item(ETHER)));
    }

    #[test]
    fn mac_and_ip_comparisons() {
        let row: &[(&str, &str)] = &[
            ("mac-address", "AA:BB:CC:DD:EE:FF"),
            ("address", "10.1.1.1"),
        ];
        assert!(matches(&q(&["mac-address=aa:bb:cc:dd:ee:ff"]), item(row)));
        assert!(matches(&q(&["address=10.1.1.1/32"]), item(row)));
        assert!(matches(&q(&[">address=10.1.1.0"]), item(row)));
    }

    #[test]
    fn rejects_regex_and_bad_ops() {
        assert!(parse_query("~name=x").is_err());
        assert!(parse_query("#x").is_err());
        assert!(parse_query("<name").is_err());
        assert_eq!(
            parse_query("=list=x").unwrap(),
            Query::Eq("list".into(), "x".into())
        );
    }
}
