//! The compiler's working model: the flow with every reference resolved to an index.
//!
//! Built by [`crate::front::lower`]; edges whose ends do not resolve are left out (front
//! reports them), so later stages never look anything up by string.

use std::collections::HashMap;

use flow_model::{Edge, EdgeKind, FlowGraph, Node};

/// A resolved flow graph borrowing from its document.
#[derive(Debug)]
pub struct Graph<'a> {
    pub flow: &'a FlowGraph,
    /// Indices into `flow.nodes` of the nodes that count: the first of any duplicated id.
    pub nodes: Vec<usize>,
    /// Edges whose source and target nodes and ports all exist.
    pub edges: Vec<Link>,
    pub(crate) index: HashMap<&'a str, usize>,
}

/// A resolved edge: indices into `flow.edges` and `flow.nodes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub edge: usize,
    pub source: usize,
    pub target: usize,
}

impl<'a> Graph<'a> {
    pub fn node(&self, index: usize) -> &'a Node {
        &self.flow.nodes[index]
    }

    pub fn edge(&self, link: Link) -> &'a Edge {
        &self.flow.edges[link.edge]
    }

    /// The index of the node with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Resolved edges leaving `node`, in document order.
    pub fn outgoing(&self, node: usize) -> impl Iterator<Item = Link> + '_ {
        self.edges.iter().copied().filter(move |l| l.source == node)
    }

    /// Resolved edges transferring control (sequential or conditional) out of `node`.
    pub fn control_out(&self, node: usize) -> impl Iterator<Item = Link> + '_ {
        self.outgoing(node).filter(|l| self.edge(*l).kind != EdgeKind::Data)
    }
}
