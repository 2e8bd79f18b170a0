//! The compiler's working model.
//!
//! [`Graph`] is the flow with every reference resolved to an index and every node's config
//! typed (built by [`crate::front::lower`]); edges whose ends do not resolve are left out, so
//! later stages never look anything up by string. [`Program`] is the structured form the back
//! ends emit: each flow a tree of steps, branches and loops nested where the graph nests them
//! (built by [`crate::valid::structure`]).

use std::collections::HashMap;

use flow_model::{Edge, EdgeKind, FlowGraph, Node, NodeConfig};

/// A resolved flow graph borrowing from its document.
#[derive(Debug)]
pub struct Graph<'a> {
    pub flow: &'a FlowGraph,
    /// Indices into `flow.nodes` of the nodes that count: the first of any duplicated id.
    pub nodes: Vec<usize>,
    /// Edges whose source and target nodes and ports all exist, in document order.
    pub edges: Vec<Link>,
    /// Typed config per node index; `None` where it does not parse (front reported why) and
    /// for duplicates.
    pub configs: Vec<Option<NodeConfig>>,
    /// Resolved edges grouped by source node (document order within a node): the edges of
    /// node `n` are `out_edges[out_start[n]..out_start[n + 1]]`. One allocation, not one per node.
    pub(crate) out_start: Vec<usize>,
    pub(crate) out_edges: Vec<Link>,
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

    pub fn config(&self, index: usize) -> Option<&NodeConfig> {
        self.configs[index].as_ref()
    }

    /// The index of the node with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Resolved edges leaving `node`, in document order.
    pub fn outgoing(&self, node: usize) -> &[Link] {
        &self.out_edges[self.out_start[node]..self.out_start[node + 1]]
    }

    /// Resolved edges transferring control (sequential or conditional) out of `node`.
    pub fn control_out(&self, node: usize) -> impl Iterator<Item = Link> + '_ {
        self.outgoing(node).iter().copied().filter(|l| self.edge(*l).kind != EdgeKind::Data)
    }

    /// Entry nodes, in document order.
    pub fn entries(&self) -> impl Iterator<Item = usize> + '_ {
        self.nodes.iter().copied().filter(|&n| self.node(n).kind.is_entry())
    }
}

/// A flow document in structured form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub flows: Vec<FlowBody>,
    /// Nodes no entry point reaches: they do not run, but are carried along so nothing is lost.
    pub detached: Vec<usize>,
}

/// One ScaiCore flow: the entry points that start it and the steps it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowBody {
    /// Unique within the program; the flow name slug for the first flow.
    pub name: String,
    /// Entry node indices; the first is the canonical trigger.
    pub entries: Vec<usize>,
    pub steps: Vec<Step>,
}

/// One step of a flow body.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A node that runs and passes control on (an LLM call, a plugin call, a checkpoint, ...).
    Node(usize),
    /// A development breakpoint inserted before the node with `breakpoint: true`.
    Breakpoint(usize),
    /// Control goes to the first case whose condition holds, else to `default`.
    Branch(Branch),
    /// `logic_loop`: the body runs per item or while the condition holds.
    Loop { node: usize, body: Vec<Step> },
    /// `logic_parallel`: the branches run concurrently.
    Parallel { node: usize, branches: Vec<Vec<Step>> },
    /// The path ends here although others continue after the enclosing block.
    End(EndKind),
}

/// A two-or-more-way split of control.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// The node the edges leave: a `logic_decision`, or any node with conditional edges.
    pub node: usize,
    pub cases: Vec<Case>,
    /// Taken when no case holds; `None` means nothing runs then.
    pub default: Option<Vec<Step>>,
}

/// One conditional edge and the steps it leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Index into `flow.edges`.
    pub edge: usize,
    pub condition: String,
    pub steps: Vec<Step>,
}

/// How a path that stops early leaves its enclosing blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    /// The flow invocation ends.
    Return,
    /// The current loop iteration ends.
    Continue,
}

impl Step {
    /// True when control never continues past this step.
    pub fn terminates(&self) -> bool {
        match self {
            Step::End(_) => true,
            Step::Branch(b) => {
                b.default.as_ref().is_some_and(|d| d.last().is_some_and(Step::terminates))
                    && b.cases.iter().all(|c| c.steps.last().is_some_and(Step::terminates))
            }
            _ => false,
        }
    }
}
