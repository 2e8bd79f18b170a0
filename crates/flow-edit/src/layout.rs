//! "Tidy up": a layered left-to-right layout.
//!
//! 1. Split the graph into weakly connected components; each is laid out on its own and the
//!    components are stacked top to bottom (those holding an entry first, then document order).
//! 2. Break cycles by dropping the back edges of a depth-first search started at entries.
//! 3. Put every node one layer right of its furthest predecessor (longest path).
//! 4. Order each layer by the mean order of its neighbours (barycentre), sweeping right and
//!    left a few times to untangle crossings.
//! 5. Give each node the mean height of its predecessors, then push apart overlaps, so chains
//!    come out straight.
//!
//! Everything is linear in nodes plus edges per sweep, so thousands of nodes take milliseconds.

use std::collections::HashMap;

use flow_model::{FlowGraph, Position};

use crate::geometry::{NODE_HEIGHT, NODE_WIDTH, snap};

/// Horizontal distance between layers and vertical gap between cards, in flow units.
pub const LAYER_GAP: f64 = 112.0;
pub const ROW_GAP: f64 = 48.0;
/// Vertical gap between components.
pub const COMPONENT_GAP: f64 = 96.0;
const SWEEPS: usize = 4;

/// New positions for every node, keeping the flow's top-left corner where it was.
pub fn tidy(flow: &FlowGraph) -> Vec<(String, Position)> {
    let n = flow.nodes.len();
    if n == 0 {
        return Vec::new();
    }
    let index: HashMap<&str, usize> =
        flow.nodes.iter().enumerate().map(|(i, node)| (node.id.as_str(), i)).collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for edge in &flow.edges {
        if let (Some(&a), Some(&b)) =
            (index.get(edge.source.node.as_str()), index.get(edge.target.node.as_str()))
            && a != b
        {
            succ[a].push(b);
        }
    }
    for list in &mut succ {
        list.sort_unstable();
        list.dedup();
    }
    let is_entry: Vec<bool> = flow.nodes.iter().map(|node| node.kind.is_entry()).collect();

    // Start order: entries first, then the rest, each in document order.
    let starts: Vec<usize> =
        (0..n).filter(|&i| is_entry[i]).chain((0..n).filter(|&i| !is_entry[i])).collect();
    let dag = drop_back_edges(&succ, &starts);
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (a, list) in dag.iter().enumerate() {
        for &b in list {
            pred[b].push(a);
        }
    }

    let component = components(&succ, n);
    let mut order_of_components: Vec<usize> = Vec::new();
    for &i in &starts {
        if !order_of_components.contains(&component[i]) {
            order_of_components.push(component[i]);
        }
    }

    let layer = longest_path_layers(&dag, &pred);
    let mut y = vec![0.0; n];
    let mut top = 0.0;
    for c in order_of_components {
        let members: Vec<usize> = starts.iter().copied().filter(|&i| component[i] == c).collect();
        let height = place_component(&members, &layer, &dag, &pred, &mut y);
        // Shift the component so its top is at `top`.
        let min = members.iter().map(|&i| y[i]).fold(f64::INFINITY, f64::min);
        for &i in &members {
            y[i] += top - min;
        }
        top += height + COMPONENT_GAP;
    }

    // Keep the flow where it was on the canvas.
    let origin_x = flow.nodes.iter().map(|node| node.position.x).fold(f64::INFINITY, f64::min);
    let origin_y = flow.nodes.iter().map(|node| node.position.y).fold(f64::INFINITY, f64::min);
    flow.nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let x = origin_x + layer[i] as f64 * (NODE_WIDTH + LAYER_GAP);
            (node.id.clone(), Position { x: snap(x), y: snap(origin_y + y[i]) })
        })
        .collect()
}

/// The successor lists without the edges that close a cycle in a DFS from `starts`.
fn drop_back_edges(succ: &[Vec<usize>], starts: &[usize]) -> Vec<Vec<usize>> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; succ.len()];
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); succ.len()];
    for &start in starts {
        if state[start] != NEW {
            continue;
        }
        // Iterative DFS: (node, next successor index).
        let mut stack = vec![(start, 0usize)];
        state[start] = OPEN;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                match state[w] {
                    NEW => {
                        dag[v].push(w);
                        state[w] = OPEN;
                        stack.push((w, 0));
                    }
                    DONE => dag[v].push(w),
                    _ => {} // a back edge: dropped
                }
            } else {
                state[v] = DONE;
                stack.pop();
            }
        }
    }
    dag
}

/// Component number of each node, ignoring edge direction.
fn components(succ: &[Vec<usize>], n: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (a, list) in succ.iter().enumerate() {
        for &b in list {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

/// Layer of each node: 0 for sources, else one more than its furthest predecessor.
fn longest_path_layers(dag: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let n = dag.len();
    let mut indegree: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut queue: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut layer = vec![0usize; n];
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &w in &dag[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push(w);
            }
        }
    }
    layer
}

/// Orders and spaces one component's layers; writes relative heights into `y` and returns the
/// component's height.
fn place_component(
    members: &[usize],
    layer: &[usize],
    dag: &[Vec<usize>],
    pred: &[Vec<usize>],
    y: &mut [f64],
) -> f64 {
    let depth = members.iter().map(|&i| layer[i]).max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for &i in members {
        layers[layer[i]].push(i);
    }
    // Rank within its layer, for barycentres.
    let mut rank = vec![0.0f64; y.len()];
    let set_ranks = |layers: &Vec<Vec<usize>>, rank: &mut Vec<f64>| {
        for list in layers {
            for (r, &i) in list.iter().enumerate() {
                rank[i] = r as f64;
            }
        }
    };
    set_ranks(&layers, &mut rank);
    for sweep in 0..SWEEPS {
        let forward = sweep % 2 == 0;
        let order: Vec<usize> = if forward {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&i| {
                    let neighbours = if forward { &pred[i] } else { &dag[i] };
                    let key = if neighbours.is_empty() {
                        rank[i]
                    } else {
                        neighbours.iter().map(|&j| rank[j]).sum::<f64>() / neighbours.len() as f64
                    };
                    (key, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, i)| i).collect();
            for (r, &i) in layers[l].iter().enumerate() {
                rank[i] = r as f64;
            }
        }
    }

    let pitch = NODE_HEIGHT + ROW_GAP;
    for (l, list) in layers.iter().enumerate() {
        // Where each node would like to be: level with its predecessors.
        let wanted: Vec<f64> = list
            .iter()
            .enumerate()
            .map(|(r, &i)| {
                let placed: Vec<f64> =
                    pred[i].iter().filter(|&&j| layer[j] < l).map(|&j| y[j]).collect();
                if l == 0 || placed.is_empty() {
                    r as f64 * pitch
                } else {
                    placed.iter().sum::<f64>() / placed.len() as f64
                }
            })
            .collect();
        // Keep the barycentre order; push each node down to clear the one above.
        let mut at: Vec<f64> = Vec::with_capacity(list.len());
        for (r, &want) in wanted.iter().enumerate() {
            let y_here = match r {
                0 => want,
                _ => want.max(at[r - 1] + pitch),
            };
            at.push(y_here);
        }
        // Then shift the layer up by the mean push, so it stays centred on what it wanted.
        if !at.is_empty() {
            let push = at.iter().zip(&wanted).map(|(a, w)| a - w).sum::<f64>() / at.len() as f64;
            for (r, &i) in list.iter().enumerate() {
                y[i] = at[r] - push;
            }
        }
    }
    let min = members.iter().map(|&i| y[i]).fold(f64::INFINITY, f64::min);
    let max = members.iter().map(|&i| y[i]).fold(f64::NEG_INFINITY, f64::max);
    max - min + NODE_HEIGHT
}

#[cfg(test)]
mod tests {
    use flow_model::EXAMPLES;

    use super::*;
    use crate::geometry::{Bounds, card};

    fn positioned(flow: &FlowGraph) -> FlowGraph {
        let mut flow = flow.clone();
        let moves: HashMap<String, Position> = tidy(&flow).into_iter().collect();
        for node in &mut flow.nodes {
            node.position = moves[&node.id];
        }
        flow
    }

    fn overlapping(flow: &FlowGraph) -> Option<(String, String)> {
        for (i, a) in flow.nodes.iter().enumerate() {
            for b in &flow.nodes[i + 1..] {
                let (ca, cb): (Bounds, Bounds) = (card(a), card(b));
                if ca.min.x < cb.max.x
                    && cb.min.x < ca.max.x
                    && ca.min.y < cb.max.y
                    && cb.min.y < ca.max.y
                {
                    return Some((a.id.clone(), b.id.clone()));
                }
            }
        }
        None
    }

    #[test]
    fn edges_point_right_and_cards_do_not_overlap() {
        let flow = positioned(&FlowGraph::from_json(EXAMPLES[0].json).unwrap());
        assert_eq!(overlapping(&flow), None);
        for edge in &flow.edges {
            let (a, b) =
                (flow.node(&edge.source.node).unwrap(), flow.node(&edge.target.node).unwrap());
            assert!(a.position.x < b.position.x, "{} goes left", edge.id);
        }
        let entry = flow.node("node_entry").unwrap();
        assert!(flow.nodes.iter().all(|n| n.position.x >= entry.position.x), "entry first");
    }

    #[test]
    fn a_chain_comes_out_straight() {
        let flow = FlowGraph::from_json(
            r#"{"id":"f","name":"f","version":"1.0.0","nodes":[
              {"id":"a","type":"entry_api","label":"A","position":{"x":300,"y":500}},
              {"id":"b","type":"llm_rigid","label":"B","position":{"x":0,"y":0}},
              {"id":"c","type":"llm_rigid","label":"C","position":{"x":900,"y":-40}}],
             "edges":[
              {"id":"e1","type":"sequential","source":{"node":"a","port":"out_request"},"target":{"node":"b","port":"in"}},
              {"id":"e2","type":"sequential","source":{"node":"b","port":"out"},"target":{"node":"c","port":"in"}}]}"#,
        )
        .unwrap();
        let moved = positioned(&flow);
        let ys: Vec<f64> = moved.nodes.iter().map(|n| n.position.y).collect();
        assert!(ys.iter().all(|&y| y == ys[0]), "{ys:?}");
        // The top-left corner stays put.
        assert_eq!(moved.nodes.iter().map(|n| n.position.x).fold(f64::INFINITY, f64::min), 0.0);
        assert_eq!(ys[0], -48.0, "top at the old top, snapped");
    }

    #[test]
    fn cycles_and_separate_components_are_handled() {
        let mut text = String::from(r#"{"id":"f","name":"f","version":"1.0.0","nodes":["#);
        let nodes: Vec<String> = (0..6)
            .map(|i| {
                format!(
                    r#"{{"id":"n{i}","type":"llm_rigid","label":"N","position":{{"x":0,"y":0}}}}"#
                )
            })
            .collect();
        text.push_str(&nodes.join(","));
        text.push_str(r#"],"edges":["#);
        let edges: Vec<String> = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5)]
            .iter()
            .map(|(a, b)| {
                format!(r#"{{"id":"e{a}{b}","type":"sequential","source":{{"node":"n{a}","port":"out"}},"target":{{"node":"n{b}","port":"in"}}}}"#)
            })
            .collect();
        text.push_str(&edges.join(","));
        text.push_str("]}");
        let flow = positioned(&FlowGraph::from_json(&text).unwrap());
        assert_eq!(overlapping(&flow), None);
        let y = |id: &str| flow.node(id).unwrap().position.y;
        assert!(y("n3") > y("n0") + NODE_HEIGHT, "the second component sits below the first");
    }

    #[test]
    fn thousands_of_nodes_lay_out_without_overlap() {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for i in 0..3000u64 {
            nodes.push(format!(
                r#"{{"id":"n{i}","type":"llm_rigid","label":"N","position":{{"x":0,"y":0}}}}"#
            ));
            if i > 0 {
                for k in 0..1 + next(2) {
                    let from = next(i);
                    edges.push(format!(r#"{{"id":"e{i}_{k}","type":"sequential","source":{{"node":"n{from}","port":"out"}},"target":{{"node":"n{i}","port":"in"}}}}"#));
                }
            }
        }
        let text = format!(
            r#"{{"id":"f","name":"f","version":"1.0.0","nodes":[{}],"edges":[{}]}}"#,
            nodes.join(","),
            edges.join(",")
        );
        let flow = positioned(&FlowGraph::from_json(&text).unwrap());
        // Overlap check by layer column (cards in one column never share a height band).
        let mut columns: HashMap<i64, Vec<f64>> = HashMap::new();
        for node in &flow.nodes {
            columns.entry(node.position.x as i64).or_default().push(node.position.y);
        }
        for ys in columns.values_mut() {
            ys.sort_by(f64::total_cmp);
            for pair in ys.windows(2) {
                assert!(pair[1] - pair[0] >= NODE_HEIGHT, "{pair:?}");
            }
        }
    }
}
