"""The one YAML reader: PyYAML's safe loader with limits, for eval specs and template front matter.

PyYAML builds aliases as shared nodes, so a 600-byte "billion laughs" document loads quickly,
but everything that walks the result afterwards (validation, error messages, JSON dumps) sees
the expanded tree: ten levels of ten aliases is ten billion nodes. The limits below are checked
while the document is composed, before any Python value exists, so a hostile or mistaken
document fails in milliseconds with one line. Every limit is far above what a real spec needs
(the shipped specs use no alias, nest 5 deep and expand to a few hundred nodes).

Errors are :class:`YamlLimitError`, a :class:`yaml.MarkedYAMLError` (``problem`` and
``problem_mark`` like PyYAML's own), so callers report them at ``file:line`` like any YAML error.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1024 * 1024
"""Largest YAML document (1 MiB; the biggest shipped spec is under 2 KiB)."""
MAX_ALIASES = 100
"""Most ``*alias`` references in one document."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences."""
MAX_NODES = 100_000
"""Most nodes once every alias is expanded (what validation and messages will walk)."""
MAX_CHARS = 4 * 1024 * 1024
"""Most characters of scalars once every alias is expanded (4 Mi)."""


class YamlLimitError(yaml.MarkedYAMLError):
    """A document past one of this module's limits (``problem`` says which)."""


def _limit(problem: str, mark: Any = None) -> YamlLimitError:
    return YamlLimitError(problem=problem, problem_mark=mark)


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` that counts aliases and depth while composing the node graph."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._aliases = 0
        self._depth = 0

    def _mark(self) -> Any:
        return self.peek_event().start_mark  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _limit(
                    f"more than {MAX_ALIASES} aliases (*name); write the values out",
                    self._mark(),
                )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _limit(f"nested more than {MAX_DEPTH} levels deep", self._mark())
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def check_size(length: int) -> None:
    """Refuse a document of ``length`` bytes (or characters) over :data:`MAX_BYTES`."""
    if length > MAX_BYTES:
        raise _limit(f"{length} bytes is over the {MAX_BYTES // 1024} KiB limit of a YAML file")


def _expanded(node: yaml.Node) -> tuple[int, int]:
    """(nodes, scalar characters) of ``node`` with aliases expanded; raises past the limits.

    Shared nodes are measured once (memoised by identity), so this costs one visit per node of
    the *composed* graph however large the expansion would be. Depth is checked on the expanded
    tree too (an alias inside a nested list nests its target deeper), and a node that contains
    itself (an alias to an enclosing anchor) has no finite expansion and is refused.
    """
    sizes: dict[int, tuple[int, int, int]] = {}
    open_nodes: set[int] = set()

    def visit(n: yaml.Node, depth: int) -> tuple[int, int, int]:
        key = id(n)
        if key in open_nodes:
            raise _limit("an alias refers to a mapping or list that contains it", n.start_mark)
        known = sizes.get(key)
        if known is None:
            open_nodes.add(key)
            known = _measure(n, depth, visit)
            open_nodes.discard(key)
            sizes[key] = known
        if depth + known[2] > MAX_DEPTH:
            raise _limit(
                f"nested more than {MAX_DEPTH} levels deep once aliases are expanded", n.start_mark
            )
        return known

    nodes, chars, _ = visit(node, 0)
    return nodes, chars


def _measure(n: yaml.Node, depth: int, visit: Any) -> tuple[int, int, int]:
    """(nodes, characters, height) of one node from its children's measures."""
    if isinstance(n, yaml.ScalarNode):
        return 1, len(n.value), 1
    children: list[yaml.Node] = []
    if isinstance(n, yaml.SequenceNode):
        children = list(n.value)
    elif isinstance(n, yaml.MappingNode):
        children = [part for pair in n.value for part in pair]
    nodes, chars, height = 1, 0, 1
    for child in children:
        sub_nodes, sub_chars, sub_height = visit(child, depth + 1)
        nodes, chars, height = nodes + sub_nodes, chars + sub_chars, max(height, sub_height + 1)
        if nodes > MAX_NODES:
            raise _limit(
                f"aliases expand to more than {MAX_NODES} values; write the values out",
                n.start_mark,
            )
        if chars > MAX_CHARS:
            raise _limit(
                f"aliases expand to more than {MAX_CHARS // (1024 * 1024)} Mi characters; "
                "write the values out",
                n.start_mark,
            )
    return nodes, chars, height


def load_with_node(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document: the Python data and its node tree (for line numbers).

    Raises :class:`yaml.YAMLError` for invalid YAML and :class:`YamlLimitError` (one of them)
    past a limit.
    """
    check_size(len(text))
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _expanded(node)
        return loader.construct_document(node), node
    finally:
        loader.dispose()


__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_NODES",
    "YamlLimitError",
    "check_size",
    "load_with_node",
]
