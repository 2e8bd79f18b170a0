//! The static checks of an `IRModule`: what the runtime relies on a bundle to hold.

use super::{Block, IRModule, Statement};

/// A rule a module breaks; `code` is stable for tooling.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct VerifyError {
    pub code: &'static str,
    pub message: String,
}

/// Static checks of a module, the contract the runtime relies on: triggers target existing
/// flows, model roles and plugin aliases are declared, every node compiles to one block,
/// `while` loops are bounded and review checkpoints name a queue.
pub fn verify(module: &IRModule) -> Vec<VerifyError> {
    let mut errors = Vec::new();
    let mut error =
        |code: &'static str, message: String| errors.push(VerifyError { code, message });
    for trigger in &module.triggers {
        if !module.flows.iter().any(|f| f.name == trigger.target_flow) {
            error(
                "V001",
                format!(
                    "trigger '{}' targets unknown flow '{}'",
                    trigger.name, trigger.target_flow
                ),
            );
        }
    }
    let roles: Vec<&str> = module.models.iter().map(|m| m.role.as_str()).collect();
    let aliases: Vec<&str> = module.plugins.iter().map(|p| p.alias.as_str()).collect();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut stack: Vec<&Block> = module.flows.iter().flat_map(|f| f.body.iter()).collect();
    while let Some(block) = stack.pop() {
        let node_id = match block {
            Block::Flexible { llm_role, node_id, .. }
            | Block::Guarded { llm_role, node_id, .. } => {
                if !roles.contains(&llm_role.as_str()) {
                    error(
                        "V002",
                        format!("block '{node_id}' uses undeclared model role '{llm_role}'"),
                    );
                }
                Some(node_id.as_str())
            }
            Block::Rigid { statements, node_id, .. } => {
                for statement in statements {
                    if let Statement::PluginCall { alias, method, .. } = statement
                        && !aliases.contains(&alias.as_str())
                    {
                        error(
                            "V003",
                            format!("plugin call '{alias}.{method}' uses an undeclared plugin"),
                        );
                    }
                }
                node_id.as_deref()
            }
            Block::Checkpoint { checkpoint_type, hitl_target, node_id, .. } => {
                if checkpoint_type == "hitl_review"
                    && hitl_target.as_ref().is_none_or(|t| t.queue.is_empty())
                {
                    error("V005", format!("review checkpoint '{node_id}' names no queue"));
                }
                // A breakpoint shares the id of the node it stops before.
                (checkpoint_type != "debug_breakpoint").then_some(node_id.as_str())
            }
            Block::While { max_iterations: None, node_id, .. } => {
                error("V004", format!("while loop '{node_id}' has no max_iterations"));
                Some(node_id.as_str())
            }
            Block::CoreCall { node_id, .. }
            | Block::Match { node_id, .. }
            | Block::Foreach { node_id, .. }
            | Block::While { node_id, .. }
            | Block::Parallel { node_id, .. } => Some(node_id.as_str()),
        };
        // A match block made from conditional edges shares its source node's id.
        let shares_id = matches!(block, Block::Match { .. });
        if let Some(id) = node_id.filter(|_| !shares_id)
            && !seen.insert(id)
        {
            error("V006", format!("node '{id}' is compiled to more than one block"));
        }
        match block {
            Block::Match { cases, default, .. } => {
                stack.extend(cases.iter().flat_map(|c| c.body.iter()));
                stack.extend(default.iter().flatten());
            }
            Block::Foreach { body, .. } | Block::While { body, .. } => stack.extend(body.iter()),
            Block::Parallel { branches, .. } => stack.extend(branches.iter().flatten()),
            _ => {}
        }
    }
    errors
}
