//! Per-property encodings of `application/x-www-form-urlencoded` bodies (the media type's
//! `encoding` object): JSON text, exploded and delimited arrays and objects, beside the default
//! bracket style.

use forge_templates::runtime::{form_body_with, form_pairs, form_pairs_with, FormEncoding};
use serde_json::json;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn each_encoding_writes_its_style() {
    let body = json!({
        "a_default": {"x": [1, 2]},
        "b_json": {"x": [1, 2]},
        "c_explode_list": ["p", {"q": 1}],
        "d_explode_obj": {"lang": "en", "deep": {"k": "v"}, "none": null},
        "e_comma": ["a", "b", null],
        "f_space": ["a", "b"],
        "g_pipe_obj": {"y": 2, "x": 1},
        "h_scalar_json": "text",
        "i_null": null,
    });
    let fields = [
        ("b_json", FormEncoding::Json),
        ("c_explode_list", FormEncoding::Explode),
        ("d_explode_obj", FormEncoding::Explode),
        ("e_comma", FormEncoding::Delimited(",")),
        ("f_space", FormEncoding::Delimited(" ")),
        ("g_pipe_obj", FormEncoding::Delimited("|")),
        ("h_scalar_json", FormEncoding::Json),
        ("i_null", FormEncoding::Json),
    ];
    assert_eq!(
        form_pairs_with(&body, &fields).unwrap(),
        pairs(&[
            ("a_default[x][0]", "1"),
            ("a_default[x][1]", "2"),
            ("b_json", r#"{"x":[1,2]}"#),
            ("c_explode_list", "p"),
            ("c_explode_list", r#"{"q":1}"#),
            ("deep", r#"{"k":"v"}"#),
            ("lang", "en"),
            ("e_comma", "a,b"),
            ("f_space", "a b"),
            ("g_pipe_obj", "x|1|y|2"),
            ("h_scalar_json", r#""text""#),
        ])
    );
}

#[test]
fn without_fields_it_is_the_bracket_encoder() {
    let body = json!({"tags": ["a", "b"], "address": {"city": "K"}, "n": 1});
    assert_eq!(form_pairs_with(&body, &[]).unwrap(), form_pairs(&body).unwrap());
    assert_eq!(
        String::from_utf8_lossy(&form_body_with(&body, &[("tags", FormEncoding::Delimited(","))]).unwrap()),
        "address%5Bcity%5D=K&n=1&tags=a%2Cb"
    );
    assert!(form_pairs_with(&json!([1]), &[]).is_err(), "a form body must be an object");
}
