//! Reading figures in RFC 793's format back into rows, so that a transcript can be compared
//! with the RFC's text line by line whatever the column widths.
//!
//! A row is its line number, the A column, the marker left of the segment, the segment, the
//! marker right of it and the B column. Words left of the first marker are A's, words right
//! of the last one are B's; on rows without a segment, a word belongs to A or B by which
//! heading (`TCP A`, `TCP B`) it is nearer to.

use std::fmt;

/// One row of a figure, independent of spacing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureRow {
    /// The line number, the A column, the marker left of the segment, the segment, the
    /// marker right of it, the B column.
    pub line: Option<u32>,
    pub a: String,
    pub left: Option<String>,
    pub segment: Option<String>,
    pub right: Option<String>,
    pub b: String,
}

impl fmt::Display for FigureRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.map(|n| format!("{n}.")).unwrap_or_default();
        let parts = [
            number.as_str(),
            &self.a,
            self.left.as_deref().unwrap_or(""),
            self.segment.as_deref().unwrap_or(""),
            self.right.as_deref().unwrap_or(""),
        ];
        let left: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        write!(f, "{} | {}", left.join(" "), self.b)
    }
}

const MARKERS: [&str; 4] = ["-->", "<--", "...", "XXX"];

fn is_special(word: &str) -> bool {
    MARKERS.contains(&word) || word.starts_with('<')
}

/// Parses a figure: a heading line naming the two TCPs, then rows. Blank lines are ignored.
pub fn parse(text: &str) -> Result<Vec<FigureRow>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let heading = lines.next().ok_or("the figure is empty")?;
    let a_column = heading.chars().take_while(|c| c.is_whitespace()).count();
    let b_column = heading
        .rfind("TCP")
        .map(|byte| heading[..byte].chars().count())
        .filter(|&b| b > a_column)
        .ok_or_else(|| format!("the heading `{}` does not name two TCPs", heading.trim()))?;
    let middle = (a_column + b_column) / 2;
    lines.map(|line| parse_row(line, middle)).collect()
}

fn words(line: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (column, (byte, c)) in line.char_indices().enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((byte, column)),
            (true, Some((from, at))) => {
                words.push((at, &line[from..byte]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some((from, at)) = start {
        words.push((at, &line[from..]));
    }
    words
}

fn parse_row(line: &str, middle: usize) -> Result<FigureRow, String> {
    let mut words = words(line);
    let mut number = None;
    if let Some((_, first)) = words.first() {
        if let Some(n) = first.strip_suffix('.').and_then(|n| n.parse::<u32>().ok()) {
            number = Some(n);
            words.remove(0);
        }
    }
    let join = |ws: &[(usize, &str)]| ws.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" ");
    let specials: Vec<usize> = (0..words.len())
        .filter(|&i| is_special(words[i].1))
        .collect();
    let (Some(&first), Some(&last)) = (specials.first(), specials.last()) else {
        let (a, b): (Vec<_>, Vec<_>) = words.iter().partition(|(at, _)| *at < middle);
        return Ok(FigureRow {
            line: number,
            a: join(&a),
            left: None,
            segment: None,
            right: None,
            b: join(&b),
        });
    };
    let middle_words: Vec<&str> = words[first..=last].iter().map(|(_, w)| *w).collect();
    let segment_at = middle_words
        .iter()
        .position(|w| w.starts_with('<') && !MARKERS.contains(w))
        .ok_or_else(|| format!("`{}`: arrows without a segment", line.trim()))?;
    let marker = |w: Option<&&str>| w.map(|w| w.to_string());
    Ok(FigureRow {
        line: number,
        a: join(&words[..first]),
        left: marker(segment_at.checked_sub(1).and_then(|i| middle_words.get(i))),
        segment: Some(middle_words[segment_at].to_string()),
        right: marker(middle_words.get(segment_at + 1)),
        b: join(&words[last + 1..]),
    })
}

/// Compares two figures row by row; returns one message per difference.
pub fn differences(expected: &str, actual: &str) -> Vec<String> {
    let (expected, actual) = match (parse(expected), parse(actual)) {
        (Ok(e), Ok(a)) => (e, a),
        (Err(e), _) => return vec![format!("the expected figure cannot be read: {e}")],
        (_, Err(e)) => return vec![format!("the transcript cannot be read: {e}")],
    };
    let mut found = Vec::new();
    for (index, pair) in expected.iter().zip(&actual).enumerate() {
        if pair.0 != pair.1 {
            found.push(format!(
                "row {}: expected `{}`\n        got      `{}`",
                index + 1,
                pair.0,
                pair.1
            ));
        }
    }
    if expected.len() != actual.len() {
        found.push(format!(
            "expected {} rows, got {}",
            expected.len(),
            actual.len()
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIGURE_10: &str = "      TCP A                                           TCP B

  1.  (CRASH)                               (send 300,receive 100)

  2.  CLOSED                                           ESTABLISHED

  3.  SYN-SENT --> <SEQ=400><CTL=SYN>              --> (??)

  7.  SYN-SENT --> <SEQ=400><CTL=SYN>              -->
";

    #[test]
    fn splits_rows_into_columns() {
        let rows = parse(FIGURE_10).unwrap();
        assert_eq!(rows[0].a, "(CRASH)");
        assert_eq!(rows[0].b, "(send 300,receive 100)");
        assert_eq!(rows[2].a, "SYN-SENT");
        assert_eq!(rows[2].left.as_deref(), Some("-->"));
        assert_eq!(rows[2].segment.as_deref(), Some("<SEQ=400><CTL=SYN>"));
        assert_eq!(rows[2].b, "(??)");
        assert_eq!((rows[3].line, rows[3].b.as_str()), (Some(7), ""));
    }

    #[test]
    fn an_arrow_to_the_left_is_a_marker_not_the_segment() {
        let figure = "    TCP A            TCP B\n  3.  ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK> <-- SYN-RECEIVED\n";
        let row = &parse(figure).unwrap()[0];
        assert_eq!(
            row.segment.as_deref(),
            Some("<SEQ=300><ACK=101><CTL=SYN,ACK>")
        );
        assert_eq!(
            (row.left.as_deref(), row.right.as_deref()),
            (Some("<--"), Some("<--"))
        );
    }

    #[test]
    fn a_lone_word_belongs_to_the_nearer_heading() {
        let figure = "    TCP A            TCP B\n  4.                 (Close)\n     CLOSED\n";
        let rows = parse(figure).unwrap();
        assert_eq!((rows[0].a.as_str(), rows[0].b.as_str()), ("", "(Close)"));
        assert_eq!((rows[1].a.as_str(), rows[1].b.as_str()), ("CLOSED", ""));
    }

    #[test]
    fn spacing_does_not_matter_but_content_does() {
        let respaced = FIGURE_10.replace("SYN-SENT --> ", "SYN-SENT     -->   ");
        assert!(differences(FIGURE_10, &respaced).is_empty());
        let changed = FIGURE_10.replace("<SEQ=400>", "<SEQ=401>");
        assert_eq!(differences(FIGURE_10, &changed).len(), 2);
    }
}
