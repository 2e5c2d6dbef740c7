//! Prints the normalized model of a spec in its text form: `cargo run --example dump_model -- SPEC`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_model SPEC");
        std::process::exit(2);
    };
    let result = openapi_forge::load::load_file(std::path::Path::new(&path)).and_then(|raw| openapi_forge::normalize::normalize(&raw));
    match result {
        Ok(model) => print!("{}", model.to_text()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
