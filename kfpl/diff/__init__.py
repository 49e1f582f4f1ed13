"""Semantic diff of two versions of a policy set: what changed (structural), which
results changed (behavioural) and what it costs (impact)."""

from kfpl.diff.structural import Change, diff_policy_sets

__all__ = ["Change", "diff_policy_sets"]
