//! "Did you mean ...?" for misspelt names.

/// The candidate closest to `name`, if it is close enough to be a plausible typo. Ties go to
/// the alphabetically first candidate, so the answer does not depend on iteration order.
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let wanted = name.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&wanted, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let states = ["SYN_RECEIVED", "SYN_SENT", "LISTEN"];
        assert_eq!(
            nearest("SYN_RECIEVED", states).as_deref(),
            Some("SYN_RECEIVED")
        );
        assert_eq!(nearest("listen", states).as_deref(), Some("LISTEN"));
        assert_eq!(nearest("BANANA", states), None);
    }
}
