"""What every emulated provider is: a name, an auth check, routes and seeded data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Mapping, Optional

# (status, headers, body) where body is JSON-able, bytes, or None for an empty body.
Response = tuple[int, dict[str, str], Any]


@dataclass
class Request:
    method: str
    path: str  # path below the provider's mount point, e.g. /byon/contacts/v1
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes = b""

    def arg(self, name: str, default: Optional[str] = None) -> Optional[str]:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> Optional[str]:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    handler: Callable[..., Response]
    # Whether calling it changes the account (send, schedule, cancel, delete, confirm). The emulator
    # answers such calls so a misbehaving client is caught, and tests assert none were made.
    writes: bool = False
    # The product a key needs for it (HTTP 403 without); "" = every key may call it.
    product: str = ""


@dataclass
class ProviderApp:
    """Subclasses set ``name``, build data in ``__init__`` and register routes with ``route``."""

    seed: int
    scale: Mapping[str, int] = field(default_factory=dict)
    name: str = ""
    routes: list[Route] = field(default_factory=list, init=False)

    def route(self, method: str, pattern: str, handler: Callable[..., Response], writes: bool = False,
              product: str = "") -> None:
        self.routes.append(Route(method, re.compile(f"^{pattern}$"), handler, writes, product))

    def match(self, method: str, path: str) -> tuple[Optional[Route], Optional[re.Match]]:
        for candidate in self.routes:
            found = candidate.pattern.match(path)
            if found and candidate.method == method:
                return candidate, found
        return None, None

    def credentials(self, key: str = "full") -> dict[str, Any]:
        """The provider-specific credential fields of a connector config that this app accepts.

        ``key``: ``full`` (every product) or ``limited`` (a valid key without some products, see
        ``LIMITED_PRODUCTS``; its calls to their endpoints answer 403).
        """
        raise NotImplementedError

    # The products a limited key lacks (route.product names); providers set it.
    LIMITED_PRODUCTS: ClassVar[tuple[str, ...]] = ()

    def key_kind(self, request: Request) -> str:
        """``full`` or ``limited``: which of this app's valid keys the (authorized) request carries."""
        return "full"

    def allows(self, request: Request, product: str) -> bool:
        return not product or product not in self.LIMITED_PRODUCTS or self.key_kind(request) == "full"

    def forbidden(self, product: str) -> Response:
        """The provider's answer to a valid key calling an endpoint of a product it lacks."""
        return 403, {}, {"status": 403, "title": "Forbidden", "detail": f"This API key is not enabled for {product}"}

    def count(self, stream: str, default: int) -> int:
        return int(self.scale.get(f"{self.name}.{stream}", default))

    def authorized(self, request: Request) -> bool:
        raise NotImplementedError

    def unauthorized(self) -> Response:
        raise NotImplementedError

    def not_found(self, path: str) -> Response:
        return 404, {}, {"status": 404, "title": "Not Found", "detail": f"No resource at {path}"}

    def truth(self) -> dict[str, list[dict[str, Any]]]:
        """The records a full read must return, per stream, without the connector's added fields."""
        raise NotImplementedError

    def empty_page(self, body: Any) -> Any:
        """``body`` with its items removed and everything else (paging tokens, flags, totals) kept.

        Items are the lists in the body: a top-level list of records becomes ``[]``; a wrapper
        object (or a list of wrappers, tyntec's BYON shape) keeps its keys with each list emptied and
        a ``size`` count set to 0.
        """
        def strip(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: [] if isinstance(v, list) else 0 if k == "size" else v for k, v in value.items()}
            return value
        if isinstance(body, list):
            return [strip(item) for item in body] if body and all(
                isinstance(item, dict) and any(isinstance(v, list) for v in item.values()) for item in body) else []
        return strip(body)

    def arrive(self, path: str, count: int) -> list[dict[str, Any]]:
        """``count`` new items arrive at the head of the list served at ``path`` (created now); returns them.

        Models data created while a client pages through a list that the API returns newest first.
        """
        raise NotImplementedError(f"{self.name} has no shifting list at {path}")

    def add_message(self, at: Optional[Any] = None, inbound: bool = False, **fields: Any) -> dict[str, Any]:
        """A message that arrives now (or at ``at``, a datetime): providers with dated history override it."""
        raise NotImplementedError(f"{self.name} has no dated message history")

    def rate_limited(self, retry_after: int) -> Response:
        """The answer to a call over the provider's limit (the emulator's RateLimit)."""
        return 429, {"Retry-After": str(retry_after)}, {"status": 429, "title": "Too Many Requests"}

    def hints(self) -> dict[str, Any]:
        """Config values a demo needs that a real user would know (e.g. ids of sent messages)."""
        return {}
