//! `runtime::shaped_or_none`: a field whose schema describes a shape but never says `type`
//! (Confluent's `metadata`). JSON Schema accepts any value there; the field reads `null` and
//! values of another kind as `None`, and still rejects an object that does not fit the shape.

use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq, Default)]
struct Meta {
    next: Option<String>,
    total: i64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Page {
    #[serde(default, deserialize_with = "forge_templates::runtime::shaped_or_none")]
    metadata: Option<Meta>,
    #[serde(default, deserialize_with = "forge_templates::runtime::shaped_or_none")]
    when: Option<chrono::DateTime<chrono::Utc>>,
}

fn page(json: &str) -> Result<Page, serde_json::Error> {
    serde_json::from_str(json)
}

#[test]
fn shapes_decode_and_other_kinds_are_absent() {
    let full = page(r#"{"metadata": {"next": "n", "total": 2}, "when": "2024-01-02T03:04:05Z"}"#).expect("full");
    assert_eq!(full.metadata, Some(Meta { next: Some("n".into()), total: 2 }));
    assert!(full.when.is_some());
    // What Prism's examples send for Confluent's untyped `metadata`: `null` and `""`.
    for other in [r#"{"metadata": null}"#, r#"{"metadata": ""}"#, r#"{"metadata": 3}"#, r#"{"metadata": true}"#, "{}"] {
        assert_eq!(page(other).expect(other).metadata, None, "{other}");
    }
    // A format-only shape: a string that is not a date is of another kind than the shape.
    assert_eq!(page(r#"{"when": "soon"}"#).expect("when").when, None);
}

#[test]
fn an_object_that_does_not_fit_the_shape_is_still_an_error() {
    let err = page(r#"{"metadata": {"total": "two"}}"#).expect_err("total must be an integer");
    assert!(err.to_string().contains("invalid type"), "{err}");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Lists {
    #[serde(default, deserialize_with = "forge_templates::runtime::shaped_or_none")]
    items: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "forge_templates::runtime::shaped_or_none")]
    ratio: Option<f64>,
}

#[test]
fn arrays_decode_in_place_and_scalars_are_tried_as_the_shape() {
    let lists: Lists = serde_json::from_str(r#"{"items": [1, -2, 3], "ratio": 2}"#).expect("lists");
    assert_eq!(lists, Lists { items: Some(vec![1, -2, 3]), ratio: Some(2.0) });
    let other: Lists = serde_json::from_str(r#"{"items": "1,2", "ratio": "half"}"#).expect("other kinds");
    assert_eq!(other, Lists { items: None, ratio: None });
    let err = serde_json::from_str::<Lists>(r#"{"items": [1, "two"]}"#).expect_err("an array that does not fit");
    assert!(err.to_string().contains("invalid type"), "{err}");
}
