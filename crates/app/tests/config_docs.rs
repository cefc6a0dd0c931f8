//! Every configuration variable is documented and listed in `.env.example`.

use saring_app::config::known_variables;

fn repo_file(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    std::fs::read_to_string(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()))
}

#[test]
fn docs_and_env_example_list_every_variable() {
    let docs = repo_file("docs/configuration.md");
    let example = repo_file(".env.example");
    let vars = known_variables();
    assert!(vars.len() > 40, "{vars:?}");
    for var in vars {
        assert!(
            docs.contains(&format!("`{var}`")),
            "{var} is not documented in docs/configuration.md"
        );
        assert!(
            example.lines().any(|l| l.starts_with(&format!("{var}="))),
            "{var} is missing from .env.example"
        );
    }
}
