//! Time of each secret rule on a 10 KB source text (which rule a file check pays for).
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::indexing_slicing)]
use metalayer_bridge::secrets::{CONVERSATION_TAG, Detector};
use std::time::Instant;

fn main() {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 10 * 1024 {
        text.push_str(&format!(
            "export function handler{i}(req: Request, key: string): Response {{\n  const token = req.headers.get(\"authorization\");\n  return cache.get(`user:${{key}}:{i}`) ?? fetchUser(token, {i});\n}}\n\n"
        ));
        i += 1;
    }
    let start = Instant::now();
    let all = Detector::builder()
        .without_tag(CONVERSATION_TAG)
        .build()
        .unwrap();
    println!("build (rules parsed): {} µs", start.elapsed().as_micros());
    let start = Instant::now();
    let _ = all.find(&text);
    println!(
        "first find (regexes compiled): {} µs",
        start.elapsed().as_micros()
    );
    let start = Instant::now();
    let _ = all.find(&text);
    println!("second find: {} µs", start.elapsed().as_micros());
    let ids: Vec<String> = all.rule_ids().map(|r| r.as_str().to_owned()).collect();
    let time = |d: &Detector| {
        let _ = d.find(&text);
        let start = Instant::now();
        for _ in 0..200 {
            std::hint::black_box(d.find(&text));
        }
        start.elapsed().as_micros() / 200
    };
    println!("all: {} µs", time(&all));
    for id in &ids {
        let mut b = Detector::builder().builtin(true);
        for other in &ids {
            if other != id {
                b = b.without(other);
            }
        }
        let d = b.without_tag(CONVERSATION_TAG).build().unwrap();
        let t = time(&d);
        if t > 5 {
            println!("{id}: {t} µs");
        }
    }
}
