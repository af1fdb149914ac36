//! Label and field selectors (shared by the tool and the simulator), parsed with the grammar and error messages of
//! apimachinery `pkg/labels/selector.go` and `pkg/fields/selector.go`.

use std::collections::BTreeMap;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector(pub Vec<Requirement>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    DoesNotExist, // !
    NotEquals,    // !=
    Equals,       // =
    DoubleEquals, // ==
    Gt,
    Lt,
    In,
    NotIn,
    Open,
    Close,
    Comma,
    End,
}

impl Tok {
    fn literal(&self) -> String {
        match self {
            Tok::Ident(s) => s.clone(),
            Tok::DoesNotExist => "!".into(),
            Tok::NotEquals => "!=".into(),
            Tok::Equals => "=".into(),
            Tok::DoubleEquals => "==".into(),
            Tok::Gt => ">".into(),
            Tok::Lt => "<".into(),
            Tok::In => "in".into(),
            Tok::NotIn => "notin".into(),
            Tok::Open => "(".into(),
            Tok::Close => ")".into(),
            Tok::Comma => ",".into(),
            Tok::End => "".into(),
        }
    }
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn lex(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_special(c) {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let (tok, n) = match two.as_str() {
                "!=" => (Tok::NotEquals, 2),
                "==" => (Tok::DoubleEquals, 2),
                _ => match c {
                    '!' => (Tok::DoesNotExist, 1),
                    '=' => (Tok::Equals, 1),
                    '>' => (Tok::Gt, 1),
                    '<' => (Tok::Lt, 1),
                    '(' => (Tok::Open, 1),
                    ')' => (Tok::Close, 1),
                    _ => (Tok::Comma, 1),
                },
            };
            out.push(tok);
            i += n;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        out.push(match word.as_str() {
            "in" => Tok::In,
            "notin" => Tok::NotIn,
            _ => Tok::Ident(word),
        });
    }
    out.push(Tok::End);
    out
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    /// In "values" context keywords are plain identifiers, as in the Go parser.
    fn consume_values(&mut self) -> Tok {
        let t = self.toks[self.pos].clone();
        self.pos += 1;
        match t {
            Tok::In => Tok::Ident("in".into()),
            Tok::NotIn => Tok::Ident("notin".into()),
            t => t,
        }
    }
    fn consume(&mut self) -> Tok {
        let t = self.toks[self.pos].clone();
        self.pos += 1;
        t
    }
    fn lookahead(&self) -> &Tok {
        &self.toks[self.pos]
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let mut op = None;
        let mut tok = self.consume_values();
        if tok == Tok::DoesNotExist {
            op = Some(Op::DoesNotExist);
            tok = self.consume_values();
        }
        let key = match tok {
            Tok::Ident(k) => k,
            t => return Err(format!("found '{}', expected: identifier", t.literal())),
        };
        validate_key(&key)?;
        if matches!(self.lookahead(), Tok::End | Tok::Comma) {
            return Ok(Requirement {
                key,
                op: op.unwrap_or(Op::Exists),
                values: vec![],
            });
        }
        if op.is_some() {
            return Err(format!(
                "found '{}', expected: ',' or 'end of string'",
                self.lookahead().literal()
            ));
        }
        let op = match self.consume() {
            Tok::In => Op::In,
            Tok::NotIn => Op::NotIn,
            Tok::Equals | Tok::DoubleEquals => Op::Eq,
            Tok::NotEquals => Op::NotEq,
            Tok::Gt => Op::Gt,
            Tok::Lt => Op::Lt,
            t => {
                return Err(format!(
                    "found '{}', expected: !=, ==, =, >, <, in, notin",
                    t.literal()
                ))
            }
        };
        let values = match op {
            Op::In | Op::NotIn => self.set_values()?,
            _ => {
                let t = self.consume_values();
                match t {
                    Tok::End | Tok::Comma => {
                        self.pos -= 1;
                        vec![String::new()]
                    }
                    Tok::Ident(v) => vec![v],
                    t => return Err(format!("found '{}', expected: identifier", t.literal())),
                }
            }
        };
        if matches!(op, Op::Gt | Op::Lt) && values[0].parse::<i64>().is_err() {
            return Err(format!(
                "for 'Gt', 'Lt' operators, the value must be an integer: {}",
                values[0]
            ));
        }
        Ok(Requirement { key, op, values })
    }

    fn set_values(&mut self) -> Result<Vec<String>, String> {
        match self.consume() {
            Tok::Open => {}
            t => return Err(format!("found '{}', expected: '('", t.literal())),
        }
        let mut vals = Vec::new();
        loop {
            match self.consume_values() {
                Tok::Ident(v) => vals.push(v),
                Tok::Close if vals.is_empty() => {
                    vals.push(String::new());
                    return Ok(vals);
                }
                Tok::Comma => {
                    vals.push(String::new());
                    continue;
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: ',', ')' or identifier",
                        t.literal()
                    ))
                }
            }
            match self.consume() {
                Tok::Comma => continue,
                Tok::Close => return Ok(vals),
                t => return Err(format!("found '{}', expected: ',' or ')'", t.literal())),
            }
        }
    }
}

fn validate_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
    });
    if name_ok && prefix_ok {
        Ok(())
    } else {
        Err(format!(
            "key: Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        ))
    }
}

impl LabelSelector {
    /// `labels.Parse`: the error text is what the server puts after "unable to parse requirement: ".
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut p = Parser {
            toks: lex(s),
            pos: 0,
        };
        let mut reqs = Vec::new();
        if *p.lookahead() == Tok::End {
            return Ok(LabelSelector(reqs));
        }
        loop {
            let r = p
                .requirement()
                .map_err(|e| format!("unable to parse requirement: {e}"))?;
            reqs.push(r);
            match p.consume() {
                Tok::End => break,
                Tok::Comma => {
                    if *p.lookahead() == Tok::End {
                        return Err("found ',', expected: identifier".into());
                    }
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: ',' or 'end of string'",
                        t.literal()
                    ))
                }
            }
        }
        Ok(LabelSelector(reqs))
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| {
            let v = labels.get(&r.key);
            match r.op {
                Op::Eq => v == Some(&r.values[0]),
                Op::NotEq => v != Some(&r.values[0]),
                Op::In => v.is_some_and(|v| r.values.contains(v)),
                Op::NotIn => v.is_none_or(|v| !r.values.contains(v)),
                Op::Exists => v.is_some(),
                Op::DoesNotExist => v.is_none(),
                Op::Gt | Op::Lt => {
                    let want: i64 = r.values[0].parse().unwrap_or(0);
                    v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|n| {
                        if r.op == Op::Gt {
                            n > want
                        } else {
                            n < want
                        }
                    })
                }
            }
        })
    }

    pub fn matches_object(&self, obj: &Value) -> bool {
        self.0.is_empty() || self.matches(&labels_of(obj))
    }

    /// A selector from a `metav1.LabelSelector` (matchLabels + matchExpressions).
    pub fn from_label_selector(sel: &Value) -> Self {
        let mut reqs = Vec::new();
        if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in m {
                reqs.push(Requirement {
                    key: k.clone(),
                    op: Op::Eq,
                    values: vec![v.as_str().unwrap_or_default().to_string()],
                });
            }
        }
        if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let values: Vec<String> = e["values"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let op = match e["operator"].as_str().unwrap_or_default() {
                    "In" => Op::In,
                    "NotIn" => Op::NotIn,
                    "Exists" => Op::Exists,
                    _ => Op::DoesNotExist,
                };
                reqs.push(Requirement {
                    key: e["key"].as_str().unwrap_or_default().to_string(),
                    op,
                    values,
                });
            }
        }
        LabelSelector(reqs)
    }
}

pub fn labels_of(obj: &Value) -> BTreeMap<String, String> {
    obj["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Default)]
pub struct FieldSelector(pub Vec<(String, bool, String)>); // (field, equals?, value)

impl FieldSelector {
    /// `fields.ParseSelector` plus the per-kind label conversion
    /// (pkg/apis/core/v1/conversion.go, pkg/apis/apps/v1/conversion.go).
    pub fn parse(s: &str, kind: &str, supported: &[&str]) -> Result<Self, String> {
        let mut out = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            let (field, eq, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            let known = field == "metadata.name"
                || field == "metadata.namespace"
                || supported.contains(&field)
                || (kind == "StatefulSet" && field == "status.successful");
            if !known {
                // Kinds with a registered conversion func answer one way, the rest
                // fall back to DefaultMetaV1FieldSelectorConversion (golden errors.json).
                return Err(
                    if matches!(kind, "Pod" | "Node" | "Event" | "Namespace" | "StatefulSet") {
                        format!("field label not supported: {field}")
                    } else {
                        format!(
                            "\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                        )
                    },
                );
            }
            out.push((field.to_string(), eq, value.to_string()));
        }
        Ok(FieldSelector(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(field, eq, want)| {
            let got = field_value(obj, field);
            (got == *want) == *eq
        })
    }
}

/// The value of a selectable field, as the registries' ToSelectableFields compute it.
fn field_value(obj: &Value, field: &str) -> String {
    if field == "spec.unschedulable" || field == "spec.hostNetwork" {
        let b = pointer(obj, field).as_bool().unwrap_or(false);
        return b.to_string();
    }
    if field == "status.podIPs" {
        return obj["status"]["podIPs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|ip| ip["ip"].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
    }
    if field == "source" {
        return obj["source"]["component"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    match pointer(obj, field) {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

fn pointer<'a>(obj: &'a Value, field: &str) -> &'a Value {
    let mut cur = obj;
    for part in field.split('.') {
        cur = &cur[part];
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_all_operators() {
        let l = labels(&[("app", "flask"), ("tier", "db"), ("n", "5")]);
        for (sel, want) in [
            ("app=flask", true),
            ("app==flask", true),
            ("app!=flask", false),
            ("app in (flask,web)", true),
            ("app notin (flask)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing", true),
            ("missing!=x", true),
            ("app=flask,tier=db", true),
            ("app=flask,tier=web", false),
            ("n>4", true),
            ("n<4", false),
            ("", true),
        ] {
            let s = LabelSelector::parse(sel).unwrap();
            assert_eq!(s.matches(&l), want, "{sel}");
        }
    }

    #[test]
    fn malformed_selector_message_matches_golden() {
        let err = LabelSelector::parse("app===x").unwrap_err();
        assert_eq!(
            err,
            "unable to parse requirement: found '=', expected: identifier"
        );
    }

    #[test]
    fn field_selector_errors_depend_on_kind() {
        assert_eq!(
            FieldSelector::parse("spec.foo=bar", "Pod", &[]).unwrap_err(),
            "field label not supported: spec.foo"
        );
        assert_eq!(
            FieldSelector::parse("spec.volumeName=x", "PersistentVolumeClaim", &[]).unwrap_err(),
            "\"spec.volumeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
    }

    #[test]
    fn field_selector_matches() {
        let pod = serde_json::json!({"metadata": {"name": "a"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}});
        let s = FieldSelector::parse(
            "spec.nodeName=n1,status.phase!=Failed",
            "Pod",
            &["spec.nodeName", "status.phase"],
        )
        .unwrap();
        assert!(s.matches(&pod));
        let s = FieldSelector::parse("metadata.name=b", "Pod", &[]).unwrap();
        assert!(!s.matches(&pod));
    }
}
