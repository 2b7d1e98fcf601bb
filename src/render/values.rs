//! Template values built directly as minijinja values.
//!
//! A page's values used to be written as JSON and converted; building them here
//! instead saves a map per object and a conversion per page. A [`Record`] is a map
//! with a fixed set of keys: templates see exactly what a map with those keys
//! would give them (lookups, iteration in key order, `length`, `tojson`), without
//! a map being built.

use std::fmt;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object};

/// A map with fixed keys, sorted as a map's keys are, and one value per key.
pub(crate) struct Record<const N: usize> {
    pub keys: &'static [&'static str; N],
    pub values: [Value; N],
}

impl<const N: usize> fmt::Debug for Record<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.keys.iter().zip(self.values.iter()))
            .finish()
    }
}

impl<const N: usize> Object for Record<N> {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.keys
            .iter()
            .position(|k| same_key(k, key))
            .map(|i| self.values[i].clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(self.keys)
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(N)
    }
}

/// Whether two keys are equal; most keys differ in length or first byte, which are
/// compared before the bytes.
#[inline]
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Whether `keys` are strictly ascending, as the keys of a map are.
pub(crate) const fn sorted(keys: &[&str]) -> bool {
    let mut i = 1;
    while i < keys.len() {
        if !less(keys[i - 1].as_bytes(), keys[i].as_bytes()) {
            return false;
        }
        i += 1;
    }
    true
}

const fn less(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// A [`Record`] as a template value: `record! { "a" => 1, "b" => "x" }`. Keys must be
/// written in sorted order (checked when compiling), so iteration matches a map's.
macro_rules! record {
    ($($key:literal => $value:expr),* $(,)?) => {{
        const { assert!($crate::render::values::sorted(&[$($key),*]), "record keys must be sorted") };
        ::minijinja::Value::from_object($crate::render::values::Record {
            keys: &[$($key),*],
            values: [$(::minijinja::Value::from($value)),*],
        })
    }};
}
pub(crate) use record;

/// A list of template values.
pub(crate) fn list(values: impl IntoIterator<Item = Value>) -> Value {
    Value::from(values.into_iter().collect::<Vec<Value>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_behave_as_maps() {
        let r = record! { "a" => 1, "b" => "x", "c" => true };
        let mut m = std::collections::BTreeMap::new();
        m.insert("c", Value::from(true));
        m.insert("a", Value::from(1));
        m.insert("b", Value::from("x"));
        let m = Value::from(minijinja::value::Serde(&m));
        assert_eq!(r.to_string(), m.to_string());
        assert_eq!(r.get_attr("b").unwrap(), Value::from("x"));
        assert!(r.get_attr("d").unwrap().is_undefined());
        assert_eq!(r.len(), Some(3));
        assert_eq!(r, m);
        let env = minijinja::Environment::new();
        let show = |r: &Value| {
            env.render_str(
                "{{ r|tojson }} {{ r }} {% for k, v in r|items %}{{ k }}={{ v }};{% endfor %}\
                 {{ r|length }} {{ r.b }} {{ r['a'] }} {{ r is mapping }} {% if r %}yes{% endif %}",
                minijinja::context! { r },
            )
            .unwrap()
        };
        assert_eq!(show(&r), show(&m));
        assert!(show(&r).contains("a=1;b=x;c=True;3"), "{}", show(&r));
    }

    #[test]
    fn keys_order_as_maps_do() {
        assert!(sorted(&["a", "ab", "b"]));
        assert!(!sorted(&["b", "a"]));
        assert!(!sorted(&["a", "a"]));
        assert!(sorted(&["due", "due_iso", "faq"]));
    }
}
