"""rpyc, imported so that it cannot crash a process that also has PySide6 loaded.

shiboken6 6.12 on Python 3.11 drops a reference to None each time the `__doc__` of a builtin method
descriptor (str.upper, object.__init__, ...) is read. rpyc reads those docs for every builtin type
when it is imported, and again whenever the other side inspects one of our objects, so with the Qt
window open None's count fell to zero and Python aborted ("none_dealloc") at exit, or later mid-run.
rpyc only uses the docs to decorate proxies, so here it gets a getdoc that never reads a builtin's.
Import rpyc from this module, never directly, in desktop code.
"""

import inspect
import types

_BUILTIN_DESCRIPTORS = (types.WrapperDescriptorType, types.MethodDescriptorType, types.BuiltinFunctionType,
                        types.ClassMethodDescriptorType, types.MethodWrapperType, types.GetSetDescriptorType,
                        types.MemberDescriptorType)


def _own_doc(obj) -> str | None:
    """obj's own docstring, not looked up in base classes (where the builtins are), never a builtin's."""
    if isinstance(obj, _BUILTIN_DESCRIPTORS):
        return None
    try:
        doc = obj.__doc__
    except Exception:
        return None
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


_inspect_for_rpyc = types.SimpleNamespace(**{name: getattr(inspect, name) for name in dir(inspect)})
_inspect_for_rpyc.getdoc = _own_doc

_real_getdoc = inspect.getdoc
inspect.getdoc = _own_doc  # only while rpyc builds its proxy classes for the builtin types at import
try:
    import rpyc
    import rpyc.lib
finally:
    inspect.getdoc = _real_getdoc
rpyc.lib.inspect = _inspect_for_rpyc  # and whenever it inspects an object for the other side later

__all__ = ["rpyc"]
