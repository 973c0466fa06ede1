"""``lazy``: ``functools.cached_property`` without its lock.

Python 3.11's ``cached_property`` takes a class-wide ``RLock`` on the first access of every
instance's attribute (3.12 dropped the lock). The rule objects are made per Doc, per sentence and
per figure and read their lazy attributes once or twice each, so the lock was paid thousands of
times per article; nothing here shares an instance between threads.
"""
from __future__ import annotations


class lazy:
    """A non-data descriptor that computes the attribute on first access and stores it in the
    instance's ``__dict__``, where later accesses find it without calling the descriptor.

    >>> class Box:
    ...     calls = 0
    ...     @lazy
    ...     def area(self):
    ...         Box.calls += 1
    ...         return 6
    >>> b = Box()
    >>> b.area, b.area, Box.calls, "area" in vars(b)
    (6, 6, 1, True)
    >>> isinstance(Box.area, lazy), Box.area.__doc__ is None
    (True, True)
    """

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value
