//! A JSON document that keeps the order of its objects' keys, for the files `init` rewrites
//! (a harness's settings file, a schema with our marker put first).
//!
//! serde_json's `Value` keeps keys in a `BTreeMap` (sorted) unless its `preserve_order`
//! feature is on, and Cargo turns a feature on for every user of a crate in the build: the
//! policy loader on the hook's hot path would pay for an `IndexMap` it does not need. So the
//! one place that must keep a user's order has its own small value type, whose objects are
//! an [`IndexMap`] (the map `preserve_order` would have used). It is read and written with
//! serde_json (`serde_json::from_str::<Json>`, `serde_json::to_string_pretty`), so strings,
//! escapes and numbers are read and printed exactly as serde_json's `Value` does: a number is
//! a [`serde_json::Number`], so `1e3` is printed `1000.0` and `1.50` is printed `1.5`.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Number;

/// A JSON value whose objects keep their keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, its keys in order.
    Object(Object),
}

/// A JSON object: its entries in order, each key once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Object(IndexMap<String, Json>);

/// Equal when the entries are equal in the same order (`IndexMap`'s own equality ignores
/// the order, which is what this type is for).
impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().eq(other.0.iter())
    }
}

impl Json {
    /// The value at `key` when this is an object holding it.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(object) => object.get(key),
            _ => None,
        }
    }

    /// The value at `key`, mutable, when this is an object holding it.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(object) => object.0.get_mut(key),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, in words for an error message (`an object`).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::String(s)
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Json::Number(n.into())
    }
}

impl Object {
    /// An empty object.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The value at `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        self.0.get(key)
    }

    /// Whether the object holds `key`.
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Sets `key` to `value`: in its place when the key is there (returning the old value),
    /// else as the last entry.
    pub(crate) fn insert(&mut self, key: impl Into<String>, value: Json) -> Option<Json> {
        self.0.insert(key.into(), value)
    }

    /// Puts `key` first with `value`, removing any entry it had elsewhere.
    pub(crate) fn insert_first(&mut self, key: impl Into<String>, value: Json) {
        let key = key.into();
        self.0.shift_remove(&key);
        self.0.shift_insert(0, key, value);
    }

    /// The value at `key`, first added as the last entry with `default()` when missing.
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: &str,
        default: impl FnOnce() -> Json,
    ) -> &mut Json {
        self.0.entry(key.to_owned()).or_insert_with(default)
    }

    /// The keys, in order.
    #[cfg(test)]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Removes `key`, returning its value (the entries after it keep their order).
    #[cfg(test)]
    pub(crate) fn remove(&mut self, key: &str) -> Option<Json> {
        self.0.shift_remove(key)
    }
}

impl<K: Into<String>> FromIterator<(K, Json)> for Object {
    /// The entries in order; a key given twice keeps its first place and its last value.
    fn from_iter<I: IntoIterator<Item = (K, Json)>>(entries: I) -> Self {
        let mut object = Object::new();
        for (k, v) in entries {
            object.insert(k, v);
        }
        object
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(n) => n.serialize(serializer),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => items.serialize(serializer),
            Json::Object(object) => object.serialize(serializer),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Builds a [`Json`] from what serde_json reads; the same calls `Value`'s visitor answers.
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Json, E> {
        // As `Value`: a float JSON cannot spell (NaN, infinite) becomes null.
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        Json::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut object = Object(IndexMap::with_capacity(map.size_hint().unwrap_or(0)));
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            // A duplicated key keeps what serde_json's `Map` keeps: the last value, where the
            // key first appeared (as `preserve_order`'s `IndexMap::insert` puts it).
            object.insert(key, value);
        }
        Ok(Json::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    fn read(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    fn compact(json: &Json) -> String {
        serde_json::to_string(json).unwrap()
    }

    #[test]
    fn keys_keep_their_order_at_every_level() {
        let text = r#"{"z":{"b":[{"y":1,"x":null}],"a":true},"m":"s","a":-2.5}"#;
        assert_eq!(compact(&read(text)), text);
        let keys: Vec<_> = match read(text) {
            Json::Object(o) => o.keys().map(str::to_owned).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(keys, ["z", "m", "a"]);
    }

    #[test]
    fn a_duplicated_key_keeps_its_first_place_and_its_last_value() {
        let json =
            read(r#"{"b": 1, "a": {"d": 1, "c": 2, "d": 3}, "b": [2], "c": 0, "b": "last"}"#);
        assert_eq!(compact(&json), r#"{"b":"last","a":{"d":3,"c":2},"c":0}"#);
        // The values are the ones serde_json's `Value` keeps.
        let text = r#"{"b": 1, "a": {"d": 1, "c": 2, "d": 3}, "b": [2], "c": 0, "b": "last"}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let ours: Value = serde_json::from_str(&compact(&json)).unwrap();
        assert_eq!(ours, value);
    }

    #[test]
    fn numbers_and_strings_print_as_serde_json_prints_them() {
        for (text, printed) in [
            ("1e3", "1000.0"),
            ("1.50", "1.5"),
            ("-0", "-0.0"),
            ("-0.0", "-0.0"),
            ("18446744073709551615", "18446744073709551615"),
            ("18446744073709551616", "1.8446744073709552e+19"),
            ("-9223372036854775808", "-9223372036854775808"),
            (r#""\u00e9\/\ud83d\ude00\t""#, "\"é/😀\\t\""),
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(compact(&read(text)), value.to_string(), "{text}");
            assert_eq!(compact(&read(text)), printed, "{text}");
        }
    }

    #[test]
    fn errors_are_serde_json_errors() {
        for text in ["{\n  \"a\": 1,\n}", "[1, 2", "{\"a\" 1}", "nul", ""] {
            let ours = serde_json::from_str::<Json>(text).unwrap_err();
            let theirs = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
        // Deep nesting stops at serde_json's recursion limit instead of the stack's.
        let deep = "[".repeat(100_000);
        let err = serde_json::from_str::<Json>(&deep).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    #[test]
    fn object_edits_keep_the_order() {
        let mut o: Object = [("b", Json::Null), ("a", Json::Bool(true))]
            .into_iter()
            .collect();
        assert_eq!(o.insert("b", 1_u64.into()), Some(Json::Null));
        assert_eq!(o.insert("c", "x".into()), None);
        o.insert_first("a", Json::Array(Vec::new()));
        o.insert_first("z", Json::Null);
        *o.get_or_insert_with("b", || unreachable!("b is there")) = 2_u64.into();
        o.get_or_insert_with("d", || 4_u64.into());
        assert!(o.contains_key("d") && !o.contains_key("e"));
        assert_eq!(o.remove("c"), Some("x".into()));
        assert_eq!(o.remove("c"), None);
        let reordered: Object = [("a", Json::Null), ("z", Json::Null)].into_iter().collect();
        let ordered: Object = [("z", Json::Null), ("a", Json::Null)].into_iter().collect();
        assert_ne!(
            reordered, ordered,
            "objects are equal only in the same order"
        );
        assert_eq!(
            compact(&Json::Object(o)),
            r#"{"z":null,"a":[],"b":2,"d":4}"#
        );
    }

    #[test]
    fn serde_json_maps_are_sorted_in_this_build() {
        // This type exists so that nothing turns on serde_json's `preserve_order`: Cargo
        // would turn it on for every crate of the build, the hook's policy loader included.
        let map: serde_json::Map<String, Value> = [("b", Value::Null), ("a", Value::Null)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let keys: Vec<_> = map.keys().collect();
        assert_eq!(
            keys,
            ["a", "b"],
            "a crate of the build turns on serde_json/preserve_order"
        );
    }

    /// A generated document: leaves are JSON spellings, objects have distinct keys in the
    /// order generated (not sorted).
    #[derive(Debug, Clone)]
    enum Doc {
        Leaf(String),
        Array(Vec<Doc>),
        Object(Vec<(String, Doc)>),
    }

    impl Doc {
        /// The document's text, with `ws` around every token.
        fn text(&self, ws: &str) -> String {
            match self {
                Doc::Leaf(t) => t.clone(),
                Doc::Array(items) => {
                    let items: Vec<_> = items.iter().map(|d| d.text(ws)).collect();
                    format!("[{ws}{}{ws}]", items.join(&format!("{ws},{ws}")))
                }
                Doc::Object(entries) => {
                    let entries: Vec<_> = entries
                        .iter()
                        .map(|(k, v)| format!("{k}{ws}:{ws}{}", v.text(ws)))
                        .collect();
                    format!("{{{ws}{}{ws}}}", entries.join(&format!("{ws},{ws}")))
                }
            }
        }

        /// The reference: what serde_json with its keys in document order prints compact,
        /// that is, each leaf as serde_json's `Value` prints it, the keys in this order.
        fn reference(&self) -> String {
            match self {
                Doc::Leaf(t) => leaf(t),
                Doc::Array(items) => {
                    let items: Vec<_> = items.iter().map(Doc::reference).collect();
                    format!("[{}]", items.join(","))
                }
                Doc::Object(entries) => {
                    let entries: Vec<_> = entries
                        .iter()
                        .map(|(k, v)| format!("{}:{}", leaf(k), v.reference()))
                        .collect();
                    format!("{{{}}}", entries.join(","))
                }
            }
        }
    }

    fn leaf(text: &str) -> String {
        serde_json::from_str::<Value>(text).unwrap().to_string()
    }

    /// A string's spelling: plain characters and every kind of escape.
    fn string() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 é漢😀_.$-]{1,3}",
            Just(r#"\""#.to_owned()),
            Just(r"\\".to_owned()),
            Just(r"\/".to_owned()),
            Just(r"\b\f\n\r\t".to_owned()),
            Just(r"\ud83d\ude00".to_owned()),
            (0x20_u32..0xd800).prop_map(|c| format!("\\u{c:04x}")),
            (0_u32..0x20).prop_map(|c| format!("\\u{c:04X}")),
            any::<String>().prop_map(|s| {
                let quoted = serde_json::to_string(&s).unwrap();
                quoted[1..quoted.len() - 1].to_owned()
            }),
        ];
        proptest::collection::vec(piece, 0..5).prop_map(|p| format!("\"{}\"", p.concat()))
    }

    fn doc() -> impl Strategy<Value = Doc> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("false".to_owned()),
            "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,2})?",
            string(),
        ]
        .prop_map(Doc::Leaf);
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
                proptest::collection::vec((string(), inner), 0..6).prop_map(|entries| {
                    // Distinct keys (as read, escapes decoded), in the order generated.
                    let mut seen = std::collections::HashSet::new();
                    Doc::Object(
                        entries
                            .into_iter()
                            .filter(|(k, _)| {
                                seen.insert(serde_json::from_str::<String>(k).unwrap())
                            })
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn reading_and_printing_keeps_the_document(doc in doc(), ws in "[ \t\r\n]{0,2}") {
            let text = doc.text(&ws);
            let json: Json = serde_json::from_str(&text).unwrap();
            let reference = doc.reference();
            prop_assert_eq!(&compact(&json), &reference);
            // Pretty printing keeps it too, and reads back the same.
            let pretty = serde_json::to_string_pretty(&json).unwrap();
            prop_assert_eq!(&compact(&read(&pretty)), &reference);
            // And the values are serde_json's.
            let value: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), value);
        }
    }
}
