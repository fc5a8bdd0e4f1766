"""One module per emulated provider, each exposing ``APP`` (its ProviderApp class).

REGISTRY maps the mount name (the provider's name in the connector config) to that class; a new
module in this package is picked up without editing anything else.
"""

import importlib
import pkgutil

REGISTRY = {}
for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name != "base":
        _app = importlib.import_module(f"{__name__}.{_module.name}").APP
        REGISTRY[_app.name] = _app
