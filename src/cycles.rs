//! Dependency cycles between tasks and milestones.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{Playbook, Ref};

/// Finds every cycle among `nodes` (id → what it waits for) and returns each as the
/// list of references that close it, in order.
pub(crate) fn find_cycles<'a>(nodes: &[(&'a str, &'a [Ref])]) -> Vec<Vec<&'a Ref>> {
    let index: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; nodes.len()];
    let mut cycles = Vec::new();
    for start in 0..nodes.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative depth-first search: (node, next edge to look at), and the edge taken.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        let mut path: Vec<&Ref> = Vec::new();
        state[start] = 1;
        while let Some(&mut (node, ref mut edge)) = stack.last_mut() {
            let edges = nodes[node].1;
            if *edge >= edges.len() {
                state[node] = 2;
                stack.pop();
                path.pop();
                continue;
            }
            let r = &edges[*edge];
            *edge += 1;
            let Some(&next) = index.get(r.id.as_str()) else {
                continue;
            };
            match state[next] {
                0 => {
                    state[next] = 1;
                    stack.push((next, 0));
                    path.push(r);
                }
                1 => {
                    // The cycle is the part of the path from `next` on, closed by `r`.
                    let from = stack.iter().position(|&(n, _)| n == next).unwrap_or(0);
                    let mut cycle: Vec<&Ref> = path[from..].to_vec();
                    cycle.push(r);
                    cycles.push(cycle);
                }
                _ => {}
            }
        }
    }
    cycles
}

/// A diagnostic naming every member of a cycle.
pub(crate) fn cycle_diagnostic(cycle: &[&Ref], where_: &str) -> Diagnostic {
    let names: Vec<&str> = cycle.iter().map(|r| r.id.as_str()).collect();
    let mut ring = names.clone();
    if let Some(first) = names.last() {
        ring.insert(0, first);
    }
    let mut d = Diagnostic::error(
        Code::DependencyCycle,
        format!(
            "{where_}: tasks wait for each other in a circle: {}",
            ring.join(" → ")
        ),
    )
    .help("remove one of these `after` entries so the tasks can be ordered");
    let mut labels = cycle.iter().map(|r| {
        r.origin
            .label()
            .with_message(format!("waits for `{}`", r.id))
    });
    if let Some(first) = labels.next() {
        d = d.at(first);
    }
    for l in labels {
        d = d.also(l);
    }
    d
}

/// Reports cycles among a playbook's tasks and milestones.
pub(crate) fn check_playbook_cycles(playbook: &Playbook, diagnostics: &mut Diagnostics) {
    let mut nodes: Vec<(&str, &[Ref])> = playbook
        .tasks()
        .map(|t| (t.id.as_str(), t.after.as_slice()))
        .collect();
    nodes.extend(
        playbook
            .milestones
            .iter()
            .map(|m| (m.id.as_str(), m.after.as_slice())),
    );
    for cycle in find_cycles(&nodes) {
        diagnostics.push(cycle_diagnostic(
            &cycle,
            &format!("playbook `{}`", playbook.id),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::model::Origin;

    fn r(id: &str) -> Ref {
        let file = SourceFile::new("p.yaml", "x");
        Ref {
            id: id.to_string(),
            origin: Origin {
                file,
                start: 0,
                end: 1,
            },
        }
    }

    #[test]
    fn finds_a_three_task_cycle_once() {
        let a = [r("c")];
        let b = [r("a")];
        let c = [r("b")];
        let d = [r("a")];
        let nodes = [("a", &a[..]), ("b", &b[..]), ("c", &c[..]), ("d", &d[..])];
        let cycles = find_cycles(&nodes);
        assert_eq!(cycles.len(), 1);
        let ids: Vec<&str> = cycles[0].iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        let diag = cycle_diagnostic(&cycles[0], "playbook `x`");
        assert!(diag.message.contains("a → c → b → a"), "{}", diag.message);
    }

    #[test]
    fn no_cycle_in_a_diamond() {
        let b = [r("a")];
        let c = [r("a")];
        let d = [r("b"), r("c")];
        let nodes = [("a", &[][..]), ("b", &b[..]), ("c", &c[..]), ("d", &d[..])];
        assert!(find_cycles(&nodes).is_empty());
    }
}
