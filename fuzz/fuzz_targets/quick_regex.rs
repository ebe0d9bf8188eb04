//! Fuzz the quick regex reader of `metalayer_gates` against its libraries: the input is a
//! pattern, a newline and a text. Whenever the quick reader reads the pattern, `regex-syntax`
//! (with the gate set's settings) must accept it and estimate its size no higher than the
//! reader's bound; and whenever the reader also names factors for the prefilter, a text the
//! pattern matches (by the `regex` crate) must hold a literal of each of them, or the
//! prefilter would skip a gate that matches.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (pattern, haystack) = text.split_once('\n').unwrap_or((text, ""));
    let c = metalayer_gates::compare_quick_reader(pattern);
    let read = c.bound.or(c.analysis.as_ref().map(|a| a.1));
    let Some(bound) = read else {
        return;
    };
    let estimate = match &c.library {
        Ok(estimate) => *estimate,
        Err(e) => panic!("the quick reader reads {pattern:?}, regex-syntax refuses it: {e}"),
    };
    assert!(bound >= estimate, "{pattern:?}: bound {bound} < estimate {estimate}");
    if let Some((factors, analysed)) = &c.analysis {
        assert!(*analysed >= estimate, "{pattern:?}: bound {analysed} < estimate {estimate}");
        let Ok(re) = regex::bytes::Regex::new(pattern) else {
            return;
        };
        let hay = haystack.as_bytes();
        if re.is_match(hay) {
            for factor in factors {
                assert!(
                    factor.iter().any(|l| l.occurs_in(hay)),
                    "{pattern:?} matches {haystack:?}, which holds none of {factor:?}"
                );
            }
        }
    }
});
