//! Logic kinds: decisions, loops and parallel branches.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `logic_decision`: routes along the first outgoing conditional edge whose condition holds; a
/// sequential edge (or a `true` condition) is the fallthrough.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LogicDecision {
    /// `if`: each branch condition is a boolean expression; `match`: each is a value compared
    /// with the subject.
    pub style: DecisionStyle,
    /// Expression the branch conditions are about (e.g. `confidence`): pre-fills new branch
    /// conditions, and for `match` it is the value each branch condition is compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "expression", "x-label" = "Subject hint"))]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStyle {
    /// Each condition is a boolean expression; the first that holds wins.
    #[default]
    If,
    /// Each condition is a value; the branch whose value equals `subject` wins.
    Match,
}

/// `logic_loop`: runs the nodes reached from its `out_body` port once per item (`foreach`) or
/// while a condition holds (`while`), then continues from `out`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LogicLoop {
    /// `foreach` runs the body once per item; `while` while the condition holds.
    pub style: LoopStyle,
    /// `foreach`: expression giving the collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "expression"))]
    pub items: Option<String>,
    /// `foreach`: the name each element is bound to inside the body.
    pub item_var: String,
    /// `while`: evaluated before every iteration.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "expression"))]
    pub condition: Option<String>,
    /// Upper bound on iterations; required for `while` (1000 is a sensible start).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_iterations: Option<u32>,
}

impl Default for LogicLoop {
    fn default() -> Self {
        Self {
            style: LoopStyle::Foreach,
            items: None,
            item_var: "item".into(),
            condition: None,
            max_iterations: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoopStyle {
    #[default]
    Foreach,
    While,
}

impl LoopStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Foreach => "foreach",
            Self::While => "while",
        }
    }
}

/// `logic_parallel`: every edge leaving `out` starts a branch; the branches run concurrently
/// and the flow continues where they meet again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LogicParallel {
    /// At most this many branches at once; all of them when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_concurrent: Option<u32>,
    /// Cancel the other branches as soon as one fails.
    pub fail_fast: bool,
}

impl Default for LogicParallel {
    fn default() -> Self {
        Self { max_concurrent: None, fail_fast: true }
    }
}
