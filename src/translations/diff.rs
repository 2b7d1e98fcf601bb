//! What changed between two versions of an original, paragraph by paragraph:
//! each part (title, body, a task's description) split at blank lines, the
//! paragraphs of the old and new versions matched by a longest common
//! subsequence, and what is not matched reported as removed and added.

use serde::Serialize;

use super::Part;

/// Paragraphs removed and added at one place of one part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The part (`title`, `body`, `task kickoff: description`).
    pub part: String,
    /// Where, in the new version: the number of the first paragraph added or,
    /// with nothing added, of the paragraph after the removed ones (from 1).
    pub paragraph: usize,
    /// The old paragraphs.
    pub removed: Vec<String>,
    /// The new paragraphs.
    pub added: Vec<String>,
}

/// The paragraphs of a text: runs of lines between blank lines, trimmed.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n").trim().to_string());
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n").trim().to_string());
    }
    out
}

/// The changes from `old` to `new`, part by part in the new version's order,
/// then the parts the new version no longer has.
pub fn changes(old: &[Part], new: &[Part]) -> Vec<Change> {
    let text_of = |parts: &[Part], name: &str| {
        (parts.iter())
            .find(|p| p.name == name)
            .map(|p| p.text.clone())
            .unwrap_or_default()
    };
    let mut names: Vec<&str> = new.iter().map(|p| p.name.as_str()).collect();
    for p in old {
        if !names.contains(&p.name.as_str()) {
            names.push(&p.name);
        }
    }
    let mut out = Vec::new();
    for name in names {
        let (a, b) = (text_of(old, name), text_of(new, name));
        if a.trim() != b.trim() {
            out.extend(part_changes(name, &paragraphs(&a), &paragraphs(&b)));
        }
    }
    out
}

/// The most cells the matching table may have; larger parts (tens of thousands
/// of paragraphs) are compared after their common start and end only.
const MAX_CELLS: usize = 4_000_000;

fn part_changes(name: &str, a: &[String], b: &[String]) -> Vec<Change> {
    // The common start and end need no table.
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = (a[head..].iter().rev())
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let (n, m) = (a_mid.len(), b_mid.len());
    // Which pairs match: table[i][j] = the longest common subsequence of a[i..], b[j..].
    let matched: Vec<(usize, usize)> = if n.saturating_mul(m) <= MAX_CELLS {
        let mut table = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                table[i][j] = if a_mid[i] == b_mid[j] {
                    table[i + 1][j + 1] + 1
                } else {
                    table[i + 1][j].max(table[i][j + 1])
                };
            }
        }
        let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
        while i < n && j < m {
            if a_mid[i] == b_mid[j] {
                pairs.push((i, j));
                i += 1;
                j += 1;
            } else if table[i + 1][j] >= table[i][j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
        pairs
    } else {
        Vec::new()
    };
    // Between matched pairs (and after the last), what is left is a change.
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (mi, mj) in matched.into_iter().chain([(n, m)]) {
        if i < mi || j < mj {
            out.push(Change {
                part: name.to_string(),
                paragraph: head + j + 1,
                removed: a_mid[i..mi].to_vec(),
                added: b_mid[j..mj].to_vec(),
            });
        }
        (i, j) = (mi + 1, mj + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(name: &str, text: &str) -> Part {
        Part {
            name: name.into(),
            text: text.into(),
        }
    }

    #[test]
    fn changed_paragraphs_are_reported_with_their_place() {
        let old = [
            part("title", "Set up"),
            part("body", "One.\n\nTwo\nlines.\n\nThree.\n\nFour.\n"),
        ];
        let new = [
            part("title", "Set up"),
            part(
                "body",
                "One.\n\nTwo\nlines.\n\nThree, changed.\n\nFour.\n\nFive.\n",
            ),
            part("description", "New."),
        ];
        let got = changes(&old, &new);
        assert_eq!(
            got,
            [
                Change {
                    part: "body".into(),
                    paragraph: 3,
                    removed: vec!["Three.".into()],
                    added: vec!["Three, changed.".into()],
                },
                Change {
                    part: "body".into(),
                    paragraph: 5,
                    removed: vec![],
                    added: vec!["Five.".into()],
                },
                Change {
                    part: "description".into(),
                    paragraph: 1,
                    removed: vec![],
                    added: vec!["New.".into()],
                },
            ]
        );
    }

    #[test]
    fn removed_parts_and_paragraphs_are_reported() {
        let old = [part("body", "A\n\nB\n\nC"), part("summary", "Gone")];
        let new = [part("body", "A\n\nC")];
        assert_eq!(
            changes(&old, &new),
            [
                Change {
                    part: "body".into(),
                    paragraph: 2,
                    removed: vec!["B".into()],
                    added: vec![],
                },
                Change {
                    part: "summary".into(),
                    paragraph: 1,
                    removed: vec!["Gone".into()],
                    added: vec![],
                },
            ]
        );
        // Whitespace alone is no change (the hash trims parts too).
        assert!(changes(&[part("body", "A\n")], &[part("body", "  A")]).is_empty());
    }
}
