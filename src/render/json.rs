//! JSON output. The names are a contract documented in the README: `show` prints one case
//! object, `list` an array of the same objects without `timeline`.

use serde_json::Value;

use crate::core::case::Case;

/// A case as JSON, with or without its timeline.
pub fn case(case: &Case, with_timeline: bool) -> Value {
    let mut v = serde_json::to_value(case).expect("a case always serialises");
    if let Value::Object(map) = &mut v {
        if !with_timeline {
            map.remove("timeline");
        }
        map.entry("resolution").or_insert(Value::Null);
        map.entry("csat").or_insert(Value::Null);
    }
    v
}
