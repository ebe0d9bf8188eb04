//! Compile time of the costliest secret rule under meta regex configurations.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::indexing_slicing)]
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use std::time::Instant;

fn main() {
    let rules: toml::Value = toml::from_str(metalayer_bridge::secrets::BUILTIN_RULES).unwrap();
    let pattern = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str() == Some("secret-assignment"))
        .unwrap()["regex"]
        .as_str()
        .unwrap()
        .to_owned();
    let configs: Vec<(&str, regex_automata::meta::Config)> = vec![
        ("default", Regex::config()),
        (
            "no onepass/backtrack",
            Regex::config().onepass(false).backtrack(false),
        ),
        ("no prefilter", Regex::config().auto_prefilter(false)),
        (
            "hybrid only",
            Regex::config()
                .onepass(false)
                .backtrack(false)
                .auto_prefilter(false),
        ),
    ];
    for (name, config) in configs {
        {
            let start = Instant::now();
            let r = Regex::builder()
                .configure(config.clone())
                .syntax(syntax::Config::new().unicode(true))
                .build(&pattern)
                .unwrap();
            let built = start.elapsed().as_micros();
            let start = Instant::now();
            let n = r
                .captures_iter("api_key = \"Zq8nV3kP2mX7wL4r\" and token: abcdef12")
                .count();
            println!(
                "{name}: build {built} µs, first search {} µs ({n})",
                start.elapsed().as_micros()
            );
        }
    }
}
