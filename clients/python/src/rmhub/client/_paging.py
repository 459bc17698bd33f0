"""List calls page by page: page_token in, next_page_token out, until it is empty."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional


def pages(
    method: Callable[..., Any],
    request: Any,
    *,
    page_size: Optional[int] = None,
    max_pages: Optional[int] = None,
    **call_kwargs: Any,
) -> Iterator[Any]:
    """Yields each response of `method` (a stub's List method) for `request` and its next pages.

    The request is copied, never changed. A token is only valid with the same filter and page
    size, so those stay as given. Keyword arguments (timeout=, metadata=) go to every call.
    """
    current = type(request)()
    current.CopyFrom(request)
    if page_size is not None:
        current.page_size = page_size
    seen = 0
    while True:
        response = method(current, **call_kwargs)
        yield response
        seen += 1
        token = response.next_page_token
        if not token or (max_pages is not None and seen >= max_pages):
            return
        current.page_token = token


def items(
    method: Callable[..., Any],
    request: Any,
    field: str,
    **kwargs: Any,
) -> Iterator[Any]:
    """Yields every element of the repeated `field` ("customers") over all pages."""
    for response in pages(method, request, **kwargs):
        yield from getattr(response, field)
