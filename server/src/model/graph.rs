//! Graph algorithms: task dependencies today, and any other relation
//! between elements that must be checked for cycles. They sit here, below
//! both the workspace index and the format readers, so that OpenSpec's rules
//! and the rules shared by the other formats run the same code.

/// Tarjan's algorithm, iterative so deep chains cannot overflow the stack:
/// the strongly connected components of the graph of `n` nodes in which
/// node `v`'s successors are `succ(v, 0)`, `succ(v, 1)`, … up to the first
/// `None`.
pub fn strongly_connected(
    n: usize,
    succ: impl Fn(usize, usize) -> Option<usize>,
) -> Vec<Vec<usize>> {
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut k)) = work.last_mut() {
            if *k == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(w) = succ(v, *k) {
                *k += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(comp);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    fn components(edges: &[&[usize]]) -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> =
            strongly_connected(edges.len(), |v, k| edges[v].get(k).copied())
                .into_iter()
                .map(|mut c| {
                    c.sort();
                    c
                })
                .collect();
        out.sort();
        out
    }

    #[test]
    fn cycles_are_one_component_and_the_rest_stand_alone() {
        // 0 → 1 → 2 → 0, 3 → 2, 4 → 4.
        let edges: &[&[usize]] = &[&[1], &[2], &[0], &[2], &[4]];
        assert_eq!(components(edges), [vec![0, 1, 2], vec![3], vec![4]]);
        assert_eq!(components(&[]), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 200_000;
        let comps = strongly_connected(n, |v, k| (k == 0 && v + 1 < n).then_some(v + 1));
        assert_eq!(comps.len(), n);
        // Tarjan's algorithm closes the deepest node first.
        assert_eq!(comps[0], [n - 1]);
    }
}
