//! The seed spec (`spec/update-api-key.yaml`) through load and normalize: each requirement of the
//! generator core, checked on the model.

mod support;

use openapi_forge::model::{NormalizedModel, StatusMatch, TypeDef, TypeKind, TypeRef};

fn seed() -> NormalizedModel {
    support::model_of(&support::seed_path())
}

fn by_name<'m>(m: &'m NormalizedModel, name: &str) -> &'m TypeDef {
    m.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}: {}", m.to_text()))
}

fn fields(t: &TypeDef) -> &[openapi_forge::model::Field] {
    match &t.kind {
        TypeKind::Struct { fields, .. } => fields,
        other => panic!("{} is not a struct: {other:?}", t.name),
    }
}

fn field<'t>(t: &'t TypeDef, wire: &str) -> &'t openapi_forge::model::Field {
    fields(t).iter().find(|f| f.wire_name == wire).unwrap_or_else(|| panic!("{} has no field {wire}", t.name))
}

fn named(m: &NormalizedModel, t: &TypeRef) -> String {
    match t {
        TypeRef::Named(id) => m.ty(*id).name.clone(),
        other => panic!("not a named type: {other:?}"),
    }
}

#[test]
fn eight_inline_failures_become_one_type() {
    let m = seed();
    let op = &m.operations[0];
    let failures: Vec<String> = op
        .responses
        .iter()
        .filter(|r| !r.success)
        .filter_map(|r| r.body.as_ref().map(|b| named(&m, &b.ty)))
        .collect();
    assert_eq!(failures.len(), 8, "400, 401, 402, 403, 404, 409, 422 and 500 have bodies");
    assert!(failures.iter().all(|f| f == "Failure"), "{failures:?}");
    assert_eq!(by_name(&m, "Failure").origins.len(), 8);
    // Its items: one Error type and one ErrorSource-like type, each folded from 8 copies.
    let failure = by_name(&m, "Failure");
    let errors = field(failure, "errors");
    assert!(errors.required && !errors.optional());
    let TypeRef::Array(item) = &errors.ty else { panic!("errors is not an array") };
    assert_eq!(named(&m, item), "ErrorBody");
    let error = by_name(&m, "ErrorBody");
    assert_eq!(error.origins.len(), 8);
    assert_eq!(named(&m, &field(error, "source").ty), "ErrorBodySource");
    assert_eq!(m.types.iter().filter(|t| t.name.contains("Failure")).count(), 1);
    assert_eq!(m.types.iter().filter(|t| t.name.starts_with("Error")).count(), 2);
}

#[test]
fn response_allof_is_one_struct_with_required_fields() {
    let m = seed();
    let ok = m.operations[0].responses.iter().find(|r| r.status == StatusMatch::Code(200)).expect("200");
    let name = named(&m, &ok.body.as_ref().expect("body").ty);
    assert_eq!(name, "ApiKey");
    let api_key = by_name(&m, "ApiKey");
    for wire in ["api_version", "kind", "id", "spec"] {
        let f = field(api_key, wire);
        assert!(f.required && !f.optional(), "{wire} must not be an Option");
    }
    assert!(field(api_key, "metadata").optional());
    let spec = by_name(&m, &named(&m, &field(api_key, "spec").ty));
    assert!(!field(spec, "owner").optional(), "the overlay makes spec.owner required");
    // The example-only overlay created no type and no field.
    let spec_fields: Vec<&str> = fields(spec).iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(spec_fields, ["secret", "display_name", "description", "expires_at", "owner", "resource"]);
    let meta = by_name(&m, &named(&m, &field(api_key, "metadata").ty));
    assert_eq!(meta.name, "ObjectMeta");
    assert_eq!(fields(meta).len(), 5, "the example overlay on metadata adds no field");
}

#[test]
fn request_body_is_a_distinct_type_without_read_only_fields() {
    let m = seed();
    let body = m.operations[0].body.as_ref().expect("body");
    let name = named(&m, &body.ty);
    assert_eq!(name, "UpdateApiKeyRequest", "same title as the response, other shape: named by its role (the verb of `update_iam_v2_api_key`)");
    let req = by_name(&m, &name);
    assert!(req.directions.request && !req.directions.response);
    let wires: Vec<&str> = fields(req).iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(wires, ["spec"], "readOnly metadata never appears in a request type");
    let spec = by_name(&m, &named(&m, &field(req, "spec").ty));
    let wires: Vec<&str> = fields(spec).iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(wires, ["display_name", "description"]);
    // No request type anywhere carries a readOnly property of the response types.
    for t in m.types.iter().filter(|t| t.directions.request) {
        for f in fields(t) {
            assert!(!["secret", "id", "metadata", "expires_at"].contains(&f.wire_name.as_str()), "{} has {}", t.name, f.wire_name);
        }
    }
}

#[test]
fn single_member_allof_wrappers_collapse() {
    let m = seed();
    let spec = by_name(&m, "ApiKeySpec");
    let owner = field(spec, "owner");
    assert_eq!(named(&m, &owner.ty), "TypedGlobalObjectReference");
    assert!(owner.docs.immutable);
    assert!(owner.docs.description.as_deref().unwrap_or("").starts_with("The owner to which this belongs"));
    let resource = field(spec, "resource");
    assert_eq!(named(&m, &resource.ty), "TypedEnvScopedObjectReference");
    assert!(resource.nullable && resource.optional());
}

#[test]
fn formats_and_open_enums() {
    let m = seed();
    let meta = by_name(&m, "ObjectMeta");
    assert_eq!(field(meta, "created_at").ty, TypeRef::DateTime);
    assert_eq!(field(meta, "self").ty, TypeRef::String);
    assert!(field(meta, "self").docs.notes.iter().any(|n| n.contains("uri")), "uri is documented");
    let error = by_name(&m, "ErrorBody");
    assert_eq!(field(error, "error_code").ty, TypeRef::Integer(openapi_forge::model::IntKind::I32));
    let kind = by_name(&m, &named(&m, &field(by_name(&m, "ApiKey"), "kind").ty));
    assert!(matches!(&kind.kind, TypeKind::Enum { variants } if variants.len() == 1 && variants[0].wire == "ApiKey"));
}

#[test]
fn redaction_and_docs() {
    let m = seed();
    let spec = by_name(&m, "ApiKeySpec");
    let secret = field(spec, "secret");
    assert!(secret.redacted);
    assert!(secret.docs.immutable);
    assert_eq!(m.operations[0].docs.lifecycle.as_deref(), Some("General Availability"));
}

#[test]
fn names_and_operation() {
    let m = seed();
    let op = &m.operations[0];
    assert_eq!(op.fn_name, "update_iam_v2_api_key");
    assert_eq!(op.type_prefix, "UpdateIamV2ApiKey");
    assert_eq!(by_name(&m, "ObjectMeta").kind_field_names(), ["self_", "resource_name", "created_at", "updated_at", "deleted_at"]);
    let statuses: Vec<StatusMatch> = op.responses.iter().map(|r| r.status).collect();
    let codes = [200, 400, 401, 402, 403, 404, 409, 422, 429, 500].map(StatusMatch::Code);
    assert_eq!(statuses, codes);
    let r429 = op.responses.iter().find(|r| r.status == StatusMatch::Code(429)).expect("429");
    assert!(r429.body.is_none(), "429 has no body in the spec");
    assert_eq!(m.api.default_server.as_deref(), Some("https://api.confluent.cloud"));
    let schemes: Vec<&str> = m.api.security_schemes.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(schemes, ["cloud-api-key", "confluent-sts-access-token"]);
    assert!(m.warnings.iter().any(|w| w.message.contains("cloud-api-key") && w.message.contains("not defined")));
}

#[test]
fn normalization_is_deterministic() {
    let a = seed().to_text();
    for _ in 0..3 {
        assert_eq!(a, seed().to_text());
    }
}

trait FieldNames {
    fn kind_field_names(&self) -> Vec<String>;
}

impl FieldNames for TypeDef {
    fn kind_field_names(&self) -> Vec<String> {
        fields(self).iter().map(|f| f.name.clone()).collect()
    }
}
