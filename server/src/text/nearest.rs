//! Nearest-name suggestions: the name a likely typo meant, for messages
//! ("Did you mean …?") and for the fixes that apply them.

/// The name in `candidates` closest to `name`, when it is close enough to
/// be a likely typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// ` Did you mean "X"?` or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(name, candidates) {
        Some(n) => format!(" Did you mean \"{n}\"?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let names = ["Greeting", "Transfer", "Hold music"];
        assert_eq!(nearest("Transfr", names), Some("Transfer"));
        assert_eq!(nearest("greeting", names), Some("Greeting"));
        assert_eq!(nearest("Billing", names), None);
        assert_eq!(nearest("x", []), None);
        assert_eq!(did_you_mean("1.3", ["1.1", "2"]), " Did you mean \"1.1\"?");
        assert_eq!(did_you_mean("zzz", ["1.1"]), "");
    }
}
