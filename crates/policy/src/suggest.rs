//! Did-you-mean suggestions for misspelt keys and tool names.

/// The candidate closest to `word`, if one is close enough to be a likely typo.
///
/// Close means a Damerau-Levenshtein distance of at most 2 (1 for words of up to 4 characters)
/// or a Jaro-Winkler similarity of at least 0.9, ignoring case.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_lowercase();
    let max_distance = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .map(|&c| {
            let cl = c.to_lowercase();
            let d = strsim::damerau_levenshtein(&lower, &cl);
            let jw = strsim::jaro_winkler(&lower, &cl);
            (c, d, jw)
        })
        .filter(|&(_, d, jw)| d <= max_distance || jw >= 0.9)
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)))
        .map(|(c, _, _)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_keys() {
        let keys = ["hard", "soft", "governed"];
        assert_eq!(did_you_mean("hrad", &keys), Some("hard"));
        assert_eq!(did_you_mean("sfot", &keys), Some("soft"));
        assert_eq!(did_you_mean("goverend", &keys), Some("governed"));
        assert_eq!(did_you_mean("budget", &keys), None);
    }

    #[test]
    fn suggests_tools_ignoring_case() {
        let tools = ["Bash", "Write", "Edit", "MultiEdit", "WebFetch"];
        assert_eq!(did_you_mean("bash", &tools), Some("Bash"));
        assert_eq!(did_you_mean("Wirte", &tools), Some("Write"));
        assert_eq!(did_you_mean("Webfetch", &tools), Some("WebFetch"));
        assert_eq!(did_you_mean("Terminal", &tools), None);
    }
}
