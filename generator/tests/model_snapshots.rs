//! Snapshot tests of the normalized model, one focused fixture spec per feature.

mod support;

fn check(name: &str) {
    let path = support::crate_dir().join("tests/fixtures").join(format!("{name}.yaml"));
    let model = support::model_of(&path);
    support::assert_snapshot(&format!("{name}.model.txt"), &model.to_text());
}

#[test]
fn dedup() {
    check("dedup");
}

#[test]
fn allof_required_overlay() {
    check("allof_required_overlay");
}

#[test]
fn readonly_split() {
    check("readonly_split");
}

#[test]
fn nullable() {
    check("nullable");
}

#[test]
fn name_collisions() {
    check("name_collisions");
}

#[test]
fn seed() {
    support::assert_snapshot("seed.model.txt", &support::model_of(&support::seed_path()).to_text());
}
