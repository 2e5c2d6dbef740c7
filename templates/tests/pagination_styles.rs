//! The runtime's helpers for pagination styles beyond page tokens: `Link` headers, tokens in
//! next-page URLs, numeric tokens.

use forge_templates::runtime::pagination::{next_link, next_link_in, numeric_token, query_token};
use reqwest::header::{HeaderMap, HeaderValue, LINK};

#[test]
fn next_link_finds_rel_next_among_others() {
    let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
    assert_eq!(next_link(github).as_deref(), Some("https://api.github.com/repositories/1/issues?page=2"));
    let last_first = r#"<https://x/?page=1>; rel="first", <https://x/?page=4>; rel="next""#;
    assert_eq!(next_link(last_first).as_deref(), Some("https://x/?page=4"));
}

#[test]
fn next_link_reads_unquoted_multiple_and_odd_case_relations() {
    assert_eq!(next_link("</p?page=2>; rel=next").as_deref(), Some("/p?page=2"));
    assert_eq!(next_link(r#"</p?page=2>; rel="last NEXT""#).as_deref(), Some("/p?page=2"));
    assert_eq!(next_link(r#"</p?page=2>;REL="Next""#).as_deref(), Some("/p?page=2"));
    // A comma inside a quoted parameter does not split the link.
    assert_eq!(next_link(r#"</a>; title="a, b"; rel="prev", </b>; rel="next""#).as_deref(), Some("/b"));
    // Commas inside the URL are part of it.
    assert_eq!(next_link(r#"</q?ids=1,2&page=3>; rel="next""#).as_deref(), Some("/q?ids=1,2&page=3"));
}

#[test]
fn next_link_is_none_without_next_or_when_malformed() {
    assert_eq!(next_link(""), None);
    assert_eq!(next_link(r#"</p?page=1>; rel="prev", </p?page=1>; rel="first""#), None);
    assert_eq!(next_link("https://x/?page=2; rel=next"), None, "no angle brackets");
    assert_eq!(next_link("</p?page=2; rel=next"), None, "unclosed");
    assert_eq!(next_link(r#"<>; rel="next""#), None, "empty target");
    // `nextish` is not `next`.
    assert_eq!(next_link(r#"</p>; rel="nextish""#), None);
}

#[test]
fn next_link_in_reads_every_link_header() {
    let mut headers = HeaderMap::new();
    headers.append(LINK, HeaderValue::from_static(r#"</p?page=1>; rel="prev""#));
    headers.append(LINK, HeaderValue::from_static(r#"</p?page=3>; rel="next""#));
    assert_eq!(next_link_in(&headers).as_deref(), Some("/p?page=3"));
    assert_eq!(next_link_in(&HeaderMap::new()), None);
}

#[test]
fn query_token_reads_any_parameter_of_absolute_or_relative_urls() {
    assert_eq!(query_token("https://api.example.com/items?limit=2&cursor=abc", "cursor").as_deref(), Some("abc"));
    assert_eq!(query_token("/items?page=3&per_page=2", "page").as_deref(), Some("3"));
    assert_eq!(query_token("?offset=40", "offset").as_deref(), Some("40"));
    assert_eq!(query_token("/items?cursor=a%2Bb%3D", "cursor").as_deref(), Some("a+b="), "decoded");
    assert_eq!(query_token("/items?cursor=", "cursor"), None, "empty");
    assert_eq!(query_token("/items?page=2", "cursor"), None, "absent");
    assert_eq!(query_token("   ", "cursor"), None);
}

#[test]
fn numeric_token_keeps_numbers_only() {
    assert_eq!(numeric_token::<i64>(Some("3".into())).as_deref(), Some("3"));
    assert_eq!(numeric_token::<i64>(Some(" 3 ".into())).as_deref(), Some("3"));
    assert_eq!(numeric_token::<u32>(Some("-1".into())), None);
    assert_eq!(numeric_token::<i64>(Some("abc".into())), None);
    assert_eq!(numeric_token::<i64>(None), None);
    // Sent as the number, as the parameter's type writes it.
    assert_eq!(numeric_token::<i64>(Some("007".into())).as_deref(), Some("7"));
    assert_eq!(numeric_token::<i64>(Some("+3".into())).as_deref(), Some("3"));
}
