//! Generates the seed spec's client into `OUT_DIR` at build time with the openapi-forge
//! library, as a module (`src/lib.rs` includes it). Cargo re-runs this when the spec changes.

use openapi_forge::{Generator, Input, Settings};

fn main() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../spec/update-api-key.yaml");
    let mut generator = Generator::new(Settings::module());
    let result = Input::from_file(spec).and_then(|input| generator.input(input).generate());
    match result {
        Ok(output) => {
            if let Err(e) = output.write_to_out_dir("confluent.rs") {
                panic!("cannot write the generated module: {e}");
            }
        }
        Err(e) => panic!("the spec does not generate:\n{e}"),
    }
}
