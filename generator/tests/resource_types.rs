//! One response type per resource, over the corpus: how many types each schema (its `title` or
//! component key, `TypeDef::resource`) becomes, and the rule that no two response-only structs
//! of one schema differ only in which fields are required (`normalize::dedup`'s
//! `merge_response_variants`). The table is the "types per schema component" report.

mod support;

use openapi_forge::model::{NormalizedModel, TypeKind, TypeRef};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A struct's fields with required-ness and nullability left out: equal keys are response
/// variants of one shape.
fn loose_fields(model: &NormalizedModel, i: usize) -> Option<Vec<(String, TypeRef)>> {
    match &model.types[i].kind {
        TypeKind::Struct { fields, .. } => Some(fields.iter().map(|f| (f.wire_name.clone(), f.ty.clone())).collect()),
        _ => None,
    }
}

#[derive(Default)]
struct Count {
    /// Schemas with at least one struct.
    resources: usize,
    /// Structs that stand for a schema.
    structs: usize,
    /// Of them, response-only.
    response: usize,
    /// Schemas with more than one response-only struct.
    split: usize,
}

fn count(model: &NormalizedModel, spec: &str, violations: &mut Vec<String>) -> Count {
    let mut by_resource: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in model.types.iter().enumerate() {
        if let (Some(r), TypeKind::Struct { .. }) = (&t.resource, &t.kind) {
            by_resource.entry(r.as_str()).or_default().push(i);
        }
    }
    let mut c = Count { resources: by_resource.len(), ..Count::default() };
    for (resource, ids) in &by_resource {
        c.structs += ids.len();
        let response: Vec<usize> = ids.iter().copied().filter(|&i| !model.types[i].directions.request).collect();
        c.response += response.len();
        if response.len() > 1 {
            c.split += 1;
        }
        for (a, &x) in response.iter().enumerate() {
            for &y in &response[a + 1..] {
                if loose_fields(model, x) == loose_fields(model, y) {
                    violations.push(format!(
                        "{spec}: {} and {} (schema {resource:?}) differ only in required or nullable fields",
                        model.types[x].name, model.types[y].name
                    ));
                }
            }
        }
    }
    c
}

#[test]
fn each_resource_is_one_response_type_over_the_corpus() {
    let Some(corpus) = support::corpus_dir() else { return };
    let mut specs: Vec<PathBuf> = std::fs::read_dir(corpus.join("confluent"))
        .expect("corpus folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    specs.push(support::seed_path());
    let mut violations = Vec::new();
    let mut total = Count::default();
    println!("\n{:<34} {:>9} {:>7} {:>9} {:>14}", "spec", "schemas", "structs", "response", "split schemas");
    for spec in &specs {
        let model = support::model_of(spec);
        let name = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
        let c = count(&model, &name, &mut violations);
        println!("{name:<34} {:>9} {:>7} {:>9} {:>14}", c.resources, c.structs, c.response, c.split);
        total.resources += c.resources;
        total.structs += c.structs;
        total.response += c.response;
        total.split += c.split;
    }
    println!(
        "{} specs: {} schemas as {} structs ({:.2} per schema), {} response-only; {} schemas with more than one response-only struct\n",
        specs.len(),
        total.resources,
        total.structs,
        total.structs as f64 / total.resources.max(1) as f64,
        total.response,
        total.split
    );
    assert!(total.resources > 0, "no struct records its schema: the report would say nothing");
    assert!(violations.is_empty(), "response variants of one shape were not merged:\n{}", violations.join("\n"));
}

/// The seed's only response use requires `id`, `kind`, `api_version`, `spec` and `spec.owner`:
/// merging must not loosen a type that has no other variant.
#[test]
fn the_seed_api_key_keeps_its_required_fields() {
    let model = support::model_of(&support::seed_path());
    let required = |name: &str| -> Vec<String> {
        let t = model.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"));
        match &t.kind {
            TypeKind::Struct { fields, .. } => fields.iter().filter(|f| f.required).map(|f| f.wire_name.clone()).collect(),
            _ => panic!("{name} is not a struct"),
        }
    };
    assert_eq!(required("ApiKey"), ["api_version", "kind", "id", "spec"]);
    assert_eq!(required("ApiKeySpec"), ["owner"]);
}
