"""Limits of template rendering: a sandbox that also bounds time, memory, loops and recursion.

Jinja's sandbox stops templates from reaching Python internals but not from burning the machine:
``{{ 'x' * 10**10 }}`` allocates gigabytes, two nested ``range`` loops spin for hours, and a
recursive macro ends in an 1,800-line traceback. :class:`GuardedSandbox` adds a
:class:`Budget` per render, checked wherever a template can make work:

- every call (globals, macros, methods) and attribute lookup ticks the clock and tracks how
  deeply calls nest;
- every ``for`` loop iterates through a guard that counts iterations (the code generator wraps
  each loop's iterable, so no loop escapes it);
- operations that build strings or lists (``*``, ``+``, ``%``, ``~``, width-taking filters and
  methods such as ``center``, ``indent``, ``replace``, ``join``, ``format``) are priced *before*
  they run, so a refused value is never allocated, and their results count against a total;
- the rendered output is counted as it streams.

A limit hit raises :class:`RenderLimit`, which ``environment.map_error`` turns into a one-line
:class:`~promptkit.errors.TemplateError` at the template's line. Each limit is two or more
orders of magnitude above what a prompt template needs: prompts are a few hundred characters,
and the shipped templates render in well under a millisecond with a handful of calls.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter

MAX_OUTPUT = 100_000
"""Characters a render may output, and the size of any one string or list it builds."""
MAX_BUILT = 2_000_000
"""Characters and items all string- and list-building operations of one render may create."""
MAX_LOOP_ITERATIONS = 100_000
"""Loop iterations of one render, all loops together."""
MAX_CALL_DEPTH = 50
"""How deeply calls (macros calling macros, recursive loops) may nest."""
MAX_SECONDS = 2.0
"""Wall-clock time one render may take."""
MAX_INT_BITS = 100_000
"""Bits of an integer a template may compute (``10**30000`` is ~100,000 bits)."""
MAX_TEMPLATE_BYTES = 1024 * 1024
"""Largest template file read (1 MiB)."""

SEQUENCES = (str, bytes, list, tuple)


class RenderLimit(Exception):
    """A render went past one of this module's limits (the message says which)."""


@dataclass
class Budget:
    """What one render has used so far, and when its time is up."""

    seconds: float = MAX_SECONDS
    clock: Callable[[], float] = time.monotonic
    deadline: float = field(init=False)
    loops: int = 0
    built: int = 0
    output: int = 0
    depth: int = 0

    def __post_init__(self) -> None:
        self.deadline = self.clock() + self.seconds

    def tick(self) -> None:
        if self.clock() > self.deadline:
            raise RenderLimit(f"rendering took longer than {self.seconds:g} s (a runaway loop?)")

    def build(self, size: int, what: str) -> None:
        """Account for a string or list of ``size`` about to be built (refused past a limit)."""
        if size > MAX_OUTPUT:
            raise RenderLimit(f"{what} would make a value of {size} characters or items, over the"
                              f" limit of {MAX_OUTPUT}")  # fmt: skip
        self.built += size
        if self.built > MAX_BUILT:
            raise RenderLimit(f"the template builds more than {MAX_BUILT} characters in all")
        self.tick()

    def loop(self) -> None:
        self.loops += 1
        if self.loops > MAX_LOOP_ITERATIONS:
            raise RenderLimit(f"loops ran more than {MAX_LOOP_ITERATIONS} iterations in all")
        self.tick()

    def emit(self, size: int) -> None:
        self.output += size
        if self.output > MAX_OUTPUT:
            raise RenderLimit(f"the output is longer than {MAX_OUTPUT} characters")
        self.tick()


_CURRENT: ContextVar[Budget | None] = ContextVar("promptkit_render_budget", default=None)


def current() -> Budget:
    """The budget of the render in progress; outside a render (constant folding while a template
    compiles) a fresh one, so size limits hold there too."""
    return _CURRENT.get() or Budget()


@contextlib.contextmanager
def rendering(budget: Budget | None = None) -> Iterator[Budget]:
    """Make ``budget`` (a fresh one by default) the budget of the code run inside."""
    budget = budget or Budget()
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, Sized) and not isinstance(value, range) else 0


def _int_arg(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def check_percent_format(fmt: str, args: Any) -> None:
    """Refuse ``%`` formatting whose widths or precisions would build a huge string."""
    star = False
    for match in _PERCENT_SPEC.finditer(fmt):
        for part in match.groups():
            if part == "*":
                star = True
            elif part and int(part) > MAX_OUTPUT:
                raise RenderLimit(f"format width {part} is over the limit of {MAX_OUTPUT}")
    if star:
        values = args if isinstance(args, tuple) else (args,)
        for value in values:
            if abs(_int_arg(value)) > MAX_OUTPUT:
                raise RenderLimit(f"format width {value} is over the limit of {MAX_OUTPUT}")


class _GuardedFormatter(SandboxedFormatter):
    """``str.format`` with widths and precisions capped (checked after nested fields resolve)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        for number in re.findall(r"\d+", format_spec):
            if int(number) > MAX_OUTPUT:
                raise RenderLimit(f"format width {number} is over the limit of {MAX_OUTPUT}")
        return super().format_field(value, format_spec)


def _int_bits(value: int) -> int:
    return abs(value).bit_length()


def _check_binop(op: str, left: Any, right: Any) -> int:
    """The size of ``left op right`` before it is computed; raises when it is too big."""
    ints = isinstance(left, int) and isinstance(right, int)
    if op == "*":
        seq, n = (left, right) if isinstance(left, SEQUENCES) else (right, left)
        if isinstance(seq, SEQUENCES) and isinstance(n, int):
            return len(seq) * max(0, n)
        if ints and _int_bits(left) + _int_bits(right) > MAX_INT_BITS:
            raise RenderLimit(f"the product has more than {MAX_INT_BITS} bits")
    elif op == "**":
        if ints and right > 0 and abs(left) > 1 and _int_bits(left) * right > MAX_INT_BITS:
            raise RenderLimit(f"the power has more than {MAX_INT_BITS} bits")
    elif op == "+":
        if isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES):
            return len(left) + len(right)
    elif op == "%" and isinstance(left, str):
        check_percent_format(left, right)
        return len(left) + sum(len(str(v)) for v in (right if isinstance(right, tuple) else ()))
    return 0


def _items(value: Any, what: str) -> list[Any]:
    """``value`` as a list, refusing one too long to be built."""
    if isinstance(value, Sized) and len(value) > MAX_OUTPUT:
        raise RenderLimit(f"{what}: {len(value)} items is over the limit of {MAX_OUTPUT}")
    items = []
    for item in value:
        items.append(item)
        if len(items) > MAX_OUTPUT:
            raise RenderLimit(f"{what}: more than {MAX_OUTPUT} items")
    return items


def _method_size(
    method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[int, tuple[Any, ...]]:
    """Size of what a builtin method of a str/bytes/list/dict will build (0: nothing large),
    and the arguments to call it with (an iterable it consumes is materialised once, here)."""
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    builtin = isinstance(owner, str | bytes | list | dict | set)
    if builtin and name in ("join", "extend", "update", "union") and args:
        args = (args[0] if isinstance(args[0], dict) else _items(args[0], name), *args[1:])
    return _sized_method(owner, name, args, kwargs), args


def _sized_method(owner: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    if isinstance(owner, str | bytes):
        n = len(owner)
        if name in ("center", "ljust", "rjust", "zfill") and args:
            return max(n, _int_arg(args[0]))
        if name == "expandtabs":
            tab = _int_arg(args[0] if args else kwargs.get("tabsize", 8), 8)
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            return n + tabs * max(0, tab)
        if name == "replace" and len(args) >= 2:
            old, new = args[0], args[1]
            count = owner.count(old) if old else n + 1
            limit = _int_arg(args[2] if len(args) > 2 else kwargs.get("count", -1), -1)
            if limit >= 0:
                count = min(count, limit)
            return n + count * max(0, len(new) - len(old))
        if name == "join" and args:
            return sum(_size(i) for i in args[0]) + n * max(0, len(args[0]) - 1)
        if name == "translate" and args and isinstance(args[0], dict):
            widest = max((_size(v) for v in args[0].values()), default=1)
            return n * max(1, widest)
        if name == "encode":
            return 4 * n
    elif isinstance(owner, list | dict | set) and name in ("extend", "update", "union") and args:
        return len(owner) + sum(_size(a) for a in args)
    elif isinstance(owner, list) and name in ("append", "insert"):
        return len(owner) + 1
    return 0


def _filter_size(name: str, bound: inspect.BoundArguments) -> int:
    """Size of what a width-taking builtin filter will build, from its arguments."""
    a = bound.arguments
    text = str(a.get("value", a.get("s", "")))
    if name == "center":
        return max(len(text), _int_arg(a.get("width", 80), 80))
    if name == "indent":
        width = a.get("width", 4)
        w = len(width) if isinstance(width, str) else _int_arg(width, 4)
        return len(text) + max(0, w) * (text.count("\n") + 1)
    if name == "format":
        check_percent_format(text, tuple(a.get("args", ())))
        return len(text)
    if name in ("batch", "slice"):
        count = _int_arg(a.get("linecount", a.get("slices", 1)), 1)
        return _size(a.get("value")) + max(0, count)
    if name == "join":
        items = a["value"] = _items(a.get("value", ()), "join")  # consumed once, passed on
        return sum(len(str(i)) for i in items) + len(str(a.get("d", ""))) * len(items)
    if name == "replace":
        old, new = str(a.get("old", "")), str(a.get("new", ""))
        count = text.count(old) if old else len(text) + 1
        return len(text) + count * max(0, len(new) - len(old))
    if name == "wordwrap":
        wrap = a.get("wrapstring") or "\n"
        width = max(1, _int_arg(a.get("width", 79), 79))
        return len(text) + (len(text) // width + text.count("\n") + 1) * len(str(wrap))
    if name == "tojson" and abs(_int_arg(a.get("indent"))) > 16:
        raise RenderLimit(f"tojson indent {a.get('indent')} is over the limit of 16")
    return 0


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(func)
    # Filters that support async are wrappers that take Jinja's context first, while their
    # signature (followed to the wrapped function) does not list it: skip it when binding.
    first = next(iter(signature.parameters), "")
    skip = int(
        getattr(func, "jinja_pass_arg", None) is not None
        and first not in ("eval_ctx", "environment", "context")
    )

    @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja passes the context as before
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.tick()
        try:
            bound = signature.bind(*args[skip:], **kwargs)
        except TypeError:
            return func(*args, **kwargs)  # let the filter report its own bad arguments
        budget.build(_filter_size(name, bound), f"the {name} filter")
        result = func(*args[:skip], *bound.args, **bound.kwargs)
        budget.build(_size(result), f"the {name} filter")
        return result

    return guarded


def _guard_lipsum(func: Callable[..., Any]) -> Callable[..., Any]:
    """``lipsum(n, html, min, max)`` writes up to ``n * max`` words: priced before it runs."""

    @functools.wraps(func)
    def guarded(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
        words = _int_arg(n, 5) * _int_arg(max, 100)
        current().build(words * 12, "lipsum()")  # a word and its separator: at most 12 chars
        return func(n=n, html=html, min=min, max=max)

    return guarded


class _GuardedCodeGenerator(CodeGenerator):
    """Routes every loop's iterable and every ``~`` through the environment's guards."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        guard = nodes.EnvironmentAttribute("guard_loop")
        wrapped = nodes.Call(guard, [node.iter], [], None, None, lineno=node.lineno)
        guarded = nodes.For(node.target, wrapped, node.body, node.else_, node.test,
                            node.recursive, lineno=node.lineno)  # fmt: skip
        super().visit_For(guarded, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.guard_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class GuardedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus the budget checks described in the module docstring."""

    code_generator_class = _GuardedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lipsum = self.globals.get("lipsum")
        if callable(lipsum):
            self.globals["lipsum"] = _guard_lipsum(lipsum)
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        budget = current()
        budget.tick()
        size, args = _method_size(__obj, args, kwargs)
        budget.build(size, f"{getattr(__obj, '__name__', 'a call')}()")
        budget.depth += 1
        try:
            if budget.depth > MAX_CALL_DEPTH:
                raise RenderLimit(
                    f"calls nest more than {MAX_CALL_DEPTH} deep (runaway recursion?)"
                )
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        budget.build(_size(result), f"{getattr(__obj, '__name__', 'a call')}()")
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget = current()
        budget.build(_check_binop(operator, left, right), f"'{operator}'")
        result = super().call_binop(context, operator, left, right)
        budget.build(_size(result), f"'{operator}'")
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        current().tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        current().tick()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if super().wrap_str_format(value) is None:
            return None  # not a str.format / str.format_map method
        owner: str = value.__self__
        is_map = value.__name__ == "format_map"
        formatter = _GuardedFormatter(self)

        def guarded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one positional argument")
                kwargs, args = args[0], ()
            text = type(owner)(formatter.vformat(owner, args, kwargs))
            current().build(len(text), "format()")
            return text

        return functools.update_wrapper(guarded, value)

    def guard_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """What every ``for`` loop iterates: the items of ``iterable``, each one counted."""
        budget = current()
        for item in iterable:
            budget.loop()
            yield item

    def guard_concat(self, parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...``: the joined string, refused before it is built when too long."""
        texts = [str(p) for p in parts]
        current().build(sum(len(t) for t in texts), "'~'")
        return "".join(texts)
