"""The mechanism both code generators share: name functions on first use, compile them
together, and take everything back if any compile fails.

A class is named before its function is compiled (recursive classes call each other by
name). If a compile fails, every name and namespace entry added in that call is removed,
so the next call fails the same way instead of finding a name without a function.
"""

from __future__ import annotations

import itertools
import linecache
import threading
from collections.abc import Callable
from typing import Any

_serial = itertools.count()


def run_source(source: str, label: str, namespace: dict[str, Any]) -> None:
    """Compile and run generated source in `namespace`, its text registered with
    `linecache` (as attrs does), so tracebacks, debuggers and `inspect.getsource` show it.

    Each piece of source gets its own file name, `<stripe_schemas LABEL #N>`.
    """
    filename = f"<stripe_schemas {label} #{next(_serial)}>"
    code = compile(source, filename, "exec")
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    exec(code, namespace)


class CompileCache:
    """A namespace of generated functions, named `<prefix><n>_<Class>`."""

    def __init__(self, prefix: str, ns: dict[str, Any]) -> None:
        self.prefix = prefix
        self.ns = ns
        self.names: dict[object, str] = {}
        self.pending: list[type] = []
        self.lock = threading.RLock()

    def model_name(self, cls: type) -> str:
        """The function name of a class; a new name queues the class for compiling."""
        name = self.names.get(cls)
        if name is None:
            name = f"{self.prefix}{len(self.names)}_{cls.__name__}"
            self.names[cls] = name
            self.pending.append(cls)
        return name

    def compile_model(self, cls: type) -> None:  # pragma: no cover - always overridden
        raise NotImplementedError

    def build(self, name_of: Callable[[], str]) -> Callable[[Any], Any]:
        """Name the target (`name_of`), compile everything queued, return its function."""
        with self.lock:
            names, entries = set(self.names), set(self.ns)
            try:
                name = name_of()
                while self.pending:
                    self.compile_model(self.pending.pop())
            except BaseException:
                for key in [k for k in self.names if k not in names]:
                    del self.names[key]
                for key in [k for k in self.ns if k not in entries]:
                    del self.ns[key]
                self.pending.clear()
                raise
            fn: Callable[[Any], Any] = self.ns[name]
            return fn
