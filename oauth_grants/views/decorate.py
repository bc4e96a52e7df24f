"""Decorators for class-based views, applied once instead of per request.

Django's ``method_decorator(decorator, name="dispatch")`` decorates the
bound method again on every request: a ``functools.partial`` and a
``functools.wraps`` for it, then each decorator builds its wrapper (another
``wraps``). On the token and introspection endpoints that was about 3% of
a request's CPU under load (py-spy). ``decorate_view`` applies the same
decorators to the function ``as_view()`` returns, once per URL pattern, as
DRF's ``APIView.as_view`` does with ``csrf_exempt``. The decorators see the
same ``(request, *args, **kwargs)``; ``csrf_exempt`` lands on the view
function where the CSRF middleware reads it, and the function keeps
``view_class`` for the URL resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.decorators import classonlymethod
from django.views import View

V = TypeVar("V", bound=type[View])


def decorate_view(*decorators: Callable[[Any], Any]) -> Callable[[V], V]:
    """Class decorator: ``decorators`` wrap the view function, outermost first."""

    def apply(cls: V) -> V:
        as_view = cls.as_view

        def decorated_as_view(klass: type[View], **initkwargs: Any) -> Any:
            view = as_view.__func__(klass, **initkwargs)  # type: ignore[attr-defined]
            for decorator in reversed(decorators):
                view = decorator(view)
            # For the URL resolver, whether or not a decorator used wraps().
            view.view_class, view.view_initkwargs = klass, initkwargs
            return view

        cls.as_view = classonlymethod(decorated_as_view)  # type: ignore[method-assign,assignment]
        return cls

    return apply
