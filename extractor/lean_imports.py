"""spaCy imported without its command line (start-up time).

``import spacy`` runs ``from .cli.info import info`` (for ``spacy.info``), and ``spacy/cli/__init__``
imports every command of spaCy's own command line and what they need (typer's app, weasel,
requests and httpx, jinja2, rich): about 0.15-0.3 s of every process's start-up here, for a
function this package never calls.

``install()`` puts a finder in front of the import system's, for two modules only, until spaCy's
command line is really wanted:

- ``spacy.cli``: the real package (its path, spec and file), its ``__init__`` not run yet. The first
  attribute read on it that it does not hold (``spacy.cli.download``, ``spacy.cli.info``) runs the
  real ``__init__`` into it, and the finder steps aside. Its submodules import as usual meanwhile
  (``import spacy.cli.train`` runs ``train.py``, which imports what it needs itself).
- ``spacy.cli.info``: a module whose ``info`` runs the real ``__init__`` as above and calls the real
  ``info`` (so ``spacy.info()`` works as before).

Nothing else changes: the same spaCy, the same models and components. The command line and the
batch workers' server call ``install()`` before they first import spaCy; a program using the
library imports spaCy as it is.

>>> import subprocess, sys
>>> code = ("from extractor import lean_imports; lean_imports.install(); import spacy, sys; "
...         "print('spacy.cli.download' in sys.modules, 'weasel' in sys.modules, callable(spacy.info), end=' '); "
...         "import spacy.cli; print(callable(spacy.cli.download), 'spacy.cli.download' in sys.modules, "
...         "sorted(spacy.info(silent=True))[:2])")
>>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
"False False True True True ['location', 'pipelines']"
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import logging
import sys
import threading
import types

log = logging.getLogger(__name__)

CLI, INFO = "spacy.cli", "spacy.cli.info"


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``spacy.cli`` (the real package, not run yet) and ``spacy.cli.info`` (a proxy)."""

    def __init__(self):
        self.lock = threading.RLock()

    def find_spec(self, name, path=None, target=None):
        if name == CLI:
            real = importlib.machinery.PathFinder.find_spec(name, path)
            if real is None or real.loader is None or not real.submodule_search_locations:
                return None
            spec = importlib.machinery.ModuleSpec(name, _CliLoader(self, real), origin=real.origin, is_package=True)
            spec.submodule_search_locations = list(real.submodule_search_locations)
            spec.has_location = real.has_location
            spec.cached = real.cached
            return spec
        if name == INFO and isinstance(getattr(sys.modules.get(CLI), "__loader__", None), _CliLoader):
            return importlib.machinery.ModuleSpec(name, _InfoLoader())
        return None

    def remove(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)


class _CliLoader(importlib.abc.Loader):
    """Creates ``spacy.cli`` as the real package would be, and runs its ``__init__`` on first need."""

    def __init__(self, finder: _Finder, real):
        self.finder, self.real = finder, real
        self.done = False

    def create_module(self, spec):
        return None  # the default module, with the spec's path and file

    def exec_module(self, module) -> None:
        module.__file__ = self.real.origin
        module.__getattr__ = lambda attr: self.attribute(module, attr)
        module.__class__ = _PendingPackage

    def attribute(self, module, attr: str):
        """``attr`` of ``module`` once the real ``__init__`` has run (PEP 562's ``__getattr__``)."""
        self.materialize(module)
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {CLI!r} has no attribute {attr!r}") from None

    def materialize(self, module) -> None:
        """Run the real ``spacy/cli/__init__`` into ``module`` (once)."""
        with self.finder.lock:
            if self.done:
                return
            self.done = True
            self.finder.remove()
            module.__dict__.pop("__getattr__", None)
            module.__class__ = types.ModuleType
            if isinstance(getattr(sys.modules.get(INFO), "__loader__", None), _InfoLoader):
                del sys.modules[INFO]  # the real one is imported by the real __init__
            module.__loader__ = module.__spec__.loader = self.real.loader
            log.debug("running spaCy's command line package")
            self.real.loader.exec_module(module)


class _PendingPackage(types.ModuleType):
    """``spacy.cli`` before its ``__init__`` ran: the proxy ``spacy.cli.info`` module is not bound as its
    ``info`` attribute (the import system binds a submodule to its package), so reading
    ``spacy.cli.info`` runs the real ``__init__`` and gives the real function, as in spaCy."""

    def __setattr__(self, name, value):
        if name == "info" and isinstance(getattr(value, "__loader__", None), _InfoLoader):
            return
        super().__setattr__(name, value)


class _InfoLoader(importlib.abc.Loader):
    """``spacy.cli.info`` with an ``info`` that runs the real command line package first."""

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        def info(*args, **kwargs):
            cli = sys.modules[CLI]
            loader = cli.__spec__.loader
            if isinstance(loader, _CliLoader):
                loader.materialize(cli)
            return cli.info(*args, **kwargs)

        info.__doc__ = "spaCy's ``info``, imported when first called (see ``extractor.lean_imports``)."
        module.info = info


_FINDER: _Finder | None = None


def install() -> bool:
    """Put the finder in front of the import system's, if spaCy is not imported yet. Returns whether
    it is in place (``False``: spaCy was already imported, nothing changed)."""
    global _FINDER
    if "spacy" in sys.modules or CLI in sys.modules:
        return False
    if _FINDER is None or _FINDER not in sys.meta_path:
        _FINDER = _Finder()
        sys.meta_path.insert(0, _FINDER)
    return True
