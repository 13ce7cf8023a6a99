"""What-if: from a verdict to a change. No Django.

allow(evaluator, src, dst, asked=None) -> Proposal     the smallest change allowing a pair
block(evaluator, src, dst, asked=None) -> BlockPlan    the rules granting it, and each removal
"""

from netviz.whatif.allow import Change, Proposal, allow
from netviz.whatif.block import BlockPlan, RuleRemoval, SideRemoval, block

__all__ = ["BlockPlan", "Change", "Proposal", "RuleRemoval", "SideRemoval", "allow", "block"]
