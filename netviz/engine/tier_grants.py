"""Grants of an ordered program from the decision path, with every run remembered.

PathFinder.decide is linear in the ports, atom by atom: a tier (and each policy in it) over a
segment decides the segment's share of what it decides over every port. So each policy's rules
run once over every port, as atom masks, per signature of the two nodes that this policy can
tell apart (which of its pieces select the subject, which of its rules' peers match the other
node, the destination's named ports its rules use: the features decide.TierTable cuts nodes
by); a tier's run is folded from those, once per tier signature pair; and a side's path is
walked from the tier runs by mask operations alone. The scalar path decides every run, so the
grants are the same; TieredGranter stays the plain path (tests compare the two).
"""

from __future__ import annotations

import numpy as np

from netviz.engine.classes import refine
from netviz.engine.grants import Parts, TieredGranter
from netviz.engine.matrix import Matrix
from netviz.engine.paths import PathFinder, step_ref
from netviz.engine.peers import CompiledPolicy
from netviz.engine.program import Program
from netviz.engine.result import DecisionStep, RuleRef
from netviz.k8s.model import Direction

# A run over every port, as masks: (decided [(atoms, step, verdict)], atoms left undecided,
# the step ending the tier for what is left: None where it goes on undecided).
TierRun = tuple[tuple[tuple[int, DecisionStep, str], ...], int, DecisionStep | None]
Segment = tuple[int, tuple[DecisionStep, ...]]  # atoms still undecided, the path so far


class Features:
    """Node arrays a program's policies tell nodes apart by, per tier and per policy."""

    def __init__(self, program: Program, named: list) -> None:
        self.program = program
        self.named = named
        self._named: dict[tuple, np.ndarray] = {}
        # The pieces each typed policy was compiled into (Calico splits a policy in runs).
        self.pieces: dict[int, list] = {}
        for tier in program.tiers:
            for tp in tier.policies:
                source = tp.source.policy if isinstance(tp.source, CompiledPolicy) else tp.source
                if source is not None:
                    self.pieces.setdefault(id(source), []).append(tp)

    def of(self, pieces: list, direction: Direction) -> tuple[list, list]:
        """(subject features, other features) of some compiled policies in one direction.
        Named ports are resolved at the destination: the subject for ingress, else the other."""
        subjects = {id(p.on_nodes): p.on_nodes for p in pieces if direction in p.rules}
        peers: dict[int, np.ndarray] = {}
        keys: set[tuple] = set()
        for p in pieces:
            for r in p.rules.get(direction, ()):
                for m in r.peers if r.peers is not None else (r.match,):
                    peers.setdefault(id(m), m)
                keys.update((s.protocol, s.port) for s in r.named)
        ports = [self.named_port(k) for k in sorted(keys)]
        ingress = direction == "ingress"
        return (
            list(subjects.values()) + (ports if ingress else []),
            list(peers.values()) + ([] if ingress else ports),
        )

    def named_port(self, key: tuple) -> np.ndarray:
        found = self._named.get(key)
        if found is None:
            found = np.array([(d or {}).get(key, 0) for d in self.named], dtype=np.int64)
            self._named[key] = found
        return found

    def tier(self, name: str, direction: Direction) -> tuple[list[int], list[int]]:
        """(subject signature, other signature) of every node for the program's tiers called
        `name` (Calico may split one tier in pieces)."""
        pieces = [p for t in self.program.tiers if t.name == name for p in t.policies]
        subject, other = self.of(pieces, direction)
        n = self.program.size
        return refine(subject, n).tolist(), refine(other, n).tolist()


class MemoTieredGranter(TieredGranter):
    """TieredGranter whose sides are walked over remembered runs (see the module)."""

    def __init__(self, matrix: Matrix, finder: PathFinder, node_object) -> None:
        super().__init__(matrix, finder, node_object)
        assert matrix.program is not None
        self._program = matrix.program
        self.tiers = list(finder.path_tiers())
        self._signatures: dict | None = None  # made when grants are first asked for
        self._features: Features | None = None
        self.all_mask = matrix.atoms.all_mask
        self._sides: dict[tuple, Parts] = {}
        self._tier_runs: dict[tuple, TierRun] = {}
        self._policy_runs: dict[tuple, tuple] = {}
        self._policy_features: dict[tuple, tuple[list, list] | None] = {}
        self._states: dict[int, tuple] = {}
        self._begun: dict[tuple, tuple[list[Segment], list, DecisionStep | None]] = {}
        self._refs: dict[int, RuleRef] = {}

    @property
    def features(self) -> Features:
        if self._features is None:
            self._features = Features(self._program, self.m.compiled.nodes.named)
        return self._features

    @property
    def signatures(self) -> dict:
        """Per direction, each tier's (subject signature, other signature) of every node."""
        if self._signatures is None:
            names = [t if isinstance(t, str) else t.name for t in self.tiers]
            self._signatures = {
                d: [self.features.tier(name, d) for name in names] for d in ("egress", "ingress")
            }
        return self._signatures

    def _parts(self, direction, subject: int, other: int, dst: int) -> Parts:
        state = self._states.get(subject)
        if state is None:
            state = self._states[subject] = self.finder.subject_state(self.node_object(subject))
        sigs = tuple((s[subject], o[other]) for s, o in self.signatures[direction])
        key = (direction, state, sigs)
        found = self._sides.get(key)
        if found is None:
            side = _Side(direction, state, subject, other, dst)
            found = self._sides[key] = self._walk(side, sigs)
        return found

    def _walk(self, side: _Side, sigs: tuple) -> Parts:
        """PathFinder.decide over every port, in masks, keeping only what grants need: the
        atoms of each allowed path and the rule that allowed it."""
        direction, state = side.direction, side.state
        begun = self._begun.get((direction, state))
        if begun is None:
            begun = self._begun[(direction, state)] = self._begin(side)
        segments, decided, after = begun
        allowed = [(m, steps) for m, steps, verdict in decided if verdict == "allow"]
        for k, tier in enumerate(self.tiers):
            if not segments:
                break
            key = (k, direction, state, sigs[k])
            run = self._tier_runs.get(key)
            if run is None:
                run = self._tier_runs[key] = self._tier_run(k, tier, side)
            parts, rest, end = run
            nxt: list[Segment] = []
            for mask, prefix in segments:
                for atoms, step, verdict in parts:
                    hit = atoms & mask
                    if not hit:
                        continue
                    if verdict == "pass":
                        nxt.append((hit, (*prefix, step)))
                    elif verdict == "allow":
                        allowed.append((hit, (*prefix, step)))
                left = rest & mask
                if not left:
                    continue
                if end is None:
                    nxt.append((left, prefix))
                elif end.action == "pass":
                    nxt.append((left, (*prefix, end)))
            segments = nxt
        if after is None:  # what no tier decided is allowed
            allowed += segments
        out = [(mask, self._ref(steps)) for mask, steps in allowed]
        return tuple(sorted(out, key=lambda part: part[0]))

    def _begin(self, side: _Side) -> tuple[list[Segment], list, DecisionStep | None]:
        """(segments entering the first tier, decisions before it, the step after the last)."""
        atoms = self.m.atoms
        out: list = []
        subject = self.node_object(side.subject)
        start = [(atoms.universe(), ())]
        segments = self.finder.before_tiers(side.direction, subject, start, out)
        masks = [(atoms.of_portset(ports), steps) for ports, steps in segments]
        decided = [(atoms.of_portset(d.ports), d.steps, d.verdict) for d in out]
        return masks, decided, self.finder.after_step(side.direction)

    def _tier_run(self, k: int, tier, side: _Side) -> TierRun:
        """The tier over every port: its applying policies in order, each policy's rules from
        _policy_run, the first to reach an atom deciding it (PathFinder.run_tier)."""
        subject = side.nodes(self.finder, self.node_object)[0]
        undecided, parts = self.all_mask, []
        applying = self.finder.tier_policies(tier, side.direction, subject)
        for p in applying:
            if not undecided:
                break
            for atoms, step, verdict in self._policy_run(k, tier, p, side):
                hit = atoms & undecided
                if hit:
                    parts.append((hit, step, verdict))
                    undecided ^= hit
        end = self.finder.tier_end(tier, side.direction, subject, True) if applying else None
        return tuple(parts), undecided, end

    def _policy_run(self, k: int, tier, p, side: _Side) -> tuple:
        """One policy's rules over every port, remembered per its own signatures of the nodes
        (per node where the policy has no compiled pieces: nothing is assumed then)."""
        direction = side.direction
        features = self._policy_features.get((id(p), direction), False)
        if features is False:
            pieces = self.features.pieces.get(id(p))
            features = self.features.of(pieces, direction) if pieces else None
            self._policy_features[(id(p), direction)] = features
        if features is None:
            at: tuple = (side.subject, side.other)
        else:
            subject_f, other_f = features
            at = (
                tuple([f[side.subject] for f in subject_f]),
                tuple([f[side.other] for f in other_f]),
            )
        key = (k, id(p), direction, side.state, at)
        found = self._policy_runs.get(key)
        if found is None:
            subject, other, dst = side.nodes(self.finder, self.node_object)
            atoms = self.m.atoms
            universe = atoms.universe()
            decided, _ = self.finder.policy_rules(tier, p, direction, subject, other, dst, universe)
            found = tuple((atoms.of_portset(ports), step, v) for ports, step, v in decided)
            self._policy_runs[key] = found
        return found

    def _ref(self, steps: tuple[DecisionStep, ...]) -> tuple[RuleRef, ...] | None:
        if not steps or steps[-1].action != "allow":
            return None
        last = steps[-1]
        found = self._refs.get(id(last))  # steps live in the runs: their ids stay theirs
        if found is None:
            found = self._refs[id(last)] = step_ref(last)
        return (found,)


class _Side:
    """One side being walked: node indices, and its scalar nodes once a run needs them."""

    __slots__ = ("direction", "state", "subject", "other", "dst", "_nodes")

    def __init__(self, direction, state: tuple, subject: int, other: int, dst: int) -> None:
        self.direction, self.state = direction, state
        self.subject, self.other, self.dst = subject, other, dst
        self._nodes: tuple | None = None

    def nodes(self, finder: PathFinder, node_object) -> tuple:
        """(subject, other, destination) as the scalar path takes them, the finder made ready
        for this subject (PathFinder.begin)."""
        if self._nodes is None:
            subject = node_object(self.subject)
            finder.begin(self.direction, subject)
            self._nodes = (subject, node_object(self.other), node_object(self.dst))
        return self._nodes
