//! The runtime's `open_enum!` on an enum shaped as the generator emits one: its comparisons,
//! hash and order go by the wire value, so a hand-built `Unknown` holding a known value is that
//! value, and the order does not depend on where the spec lists a value.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

/// As generated: the spec lists `zeta` before `alpha`.
#[derive(Debug, Clone)]
enum Phase {
    Zeta,
    Alpha,
    Unknown(String),
}

impl Phase {
    fn from_wire(value: &str) -> Self {
        match value {
            "zeta" => Self::Zeta,
            "alpha" => Self::Alpha,
            other => Self::Unknown(other.to_owned()),
        }
    }
    fn as_str(&self) -> &str {
        match self {
            Self::Zeta => "zeta",
            Self::Alpha => "alpha",
            Self::Unknown(other) => other.as_str(),
        }
    }
}
super::runtime::open_enum!(Phase);

fn hash_of(value: &Phase) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[test]
fn equality_and_hash_follow_the_wire_value() {
    assert_eq!(Phase::Alpha, Phase::from_wire("alpha"));
    assert_eq!(Phase::Unknown("alpha".into()), Phase::Alpha);
    assert_eq!(hash_of(&Phase::Unknown("alpha".into())), hash_of(&Phase::Alpha));
    assert_ne!(Phase::Alpha, Phase::Zeta);
    assert_ne!(Phase::Unknown("beta".into()), Phase::Unknown("gamma".into()));
    assert_eq!(Phase::Unknown("beta".into()), Phase::from_wire("beta"));
}

#[test]
fn order_is_the_wire_values_order_not_the_specs() {
    let sorted: Vec<String> =
        [Phase::Zeta, Phase::Unknown("beta".into()), Phase::Alpha].into_iter().collect::<BTreeSet<_>>().iter().map(|p| p.to_string()).collect();
    assert_eq!(sorted, ["alpha", "beta", "zeta"]);
    assert!(Phase::Alpha < Phase::Zeta);
    assert_eq!(Phase::Alpha.partial_cmp(&Phase::Unknown("alpha".into())), Some(std::cmp::Ordering::Equal));
}

#[test]
fn wire_round_trip_is_unchanged() {
    assert_eq!(serde_json::to_string(&Phase::Zeta).unwrap(), "\"zeta\"");
    assert_eq!(serde_json::from_str::<Phase>("\"omega\"").unwrap(), Phase::Unknown("omega".into()));
    assert_eq!(Phase::from("alpha"), Phase::Alpha);
}
