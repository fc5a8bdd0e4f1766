"""Config validation with messages a person can act on.

The CDK validates the config against the spec too, but a failed ``oneOf`` only says "is not valid
under any of the given schemas". Here the provider branch is picked by ``provider.name`` first, so
each error names the exact field (``provider.api_key``) and what to put there.
"""

from __future__ import annotations

from typing import Any, Mapping

from jsonschema import Draft7Validator

HINTS = {
    "base_url": "Use an https:// address; http:// is accepted only for localhost, 127.x.x.x or [::1].",
    "start_date": "Use a UTC date-time such as 2026-01-01T00:00:00Z.",
}


def _field(path: list[Any]) -> str:
    return ".".join(str(p) for p in path) or "(config)"


def _describe(error, prefix: list[str], schema: Mapping[str, Any]) -> str:
    path = prefix + list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1]
        path = path + [missing]
        field_schema = schema.get("properties", {}).get(missing, {})
        title = field_schema.get("title") or missing
        return f"{_field(path)} is required: set {title}. {field_schema.get('description', '')}".strip()
    if error.validator == "oneOf" and isinstance(error.instance, Mapping):
        return _describe_one_of(error, path)
    if error.validator == "additionalProperties" and path[:1] == ["provider"]:
        return f"{_field(path)}: {error.message}. Remove the unknown option or check its spelling."
    hint = HINTS.get(str(path[-1]) if path else "", "")
    # A regex in the message helps nobody; the hint says what is allowed.
    message = f"{error.instance!r} is not allowed" if error.validator == "pattern" else error.message
    return f"{_field(path)}: {message}. {hint}".strip()


def _describe_one_of(error, path: list[Any]) -> str:
    """A nested choice (e.g. provider.authentication): the branch its `const` field names, then that
    branch's own errors, so the message names the missing or bad field instead of "any of the given schemas"."""
    branches = error.validator_value
    keys = {key for branch in branches for key, field in branch.get("properties", {}).items() if "const" in field}
    for branch in branches:
        consts = {key: field["const"] for key, field in branch.get("properties", {}).items() if "const" in field}
        if consts and all(error.instance.get(key) == value for key, value in consts.items()):
            return " ".join(_describe(e, path, branch) for e in Draft7Validator(branch).iter_errors(error.instance))
    choices = "; ".join(f"{', '.join(str(field['const']) for field in branch.get('properties', {}).values() if 'const' in field)}"
                        f" ({branch.get('title', '')})" for branch in branches)
    return f"{_field(path + sorted(keys)[:1])}: choose one of {choices}."


def config_errors(config: Any, spec: Mapping[str, Any]) -> list[str]:
    """Every problem with ``config``, each naming its field; empty when the config is usable."""
    if not isinstance(config, Mapping):
        return ["The config must be a JSON object, e.g. {\"provider\": {\"name\": \"tyntec\", \"api_key\": \"...\"}}."]
    options = spec["properties"]["provider"]["oneOf"]
    by_name = {option["properties"]["name"]["const"]: option for option in options}
    names = ", ".join(sorted(by_name))
    errors: list[str] = []
    top_level = {key: value for key, value in spec.items() if key != "required"}
    top_level["properties"] = {k: v for k, v in spec["properties"].items() if k != "provider"}
    errors += [_describe(e, [], top_level) for e in Draft7Validator(top_level).iter_errors(config)]
    privacy = config.get("privacy")
    if isinstance(privacy, Mapping) and (privacy.get("hash_phone_numbers") or privacy.get("hash_message_bodies")) \
            and not privacy.get("salt"):
        errors.append("privacy.salt is required when privacy.hash_phone_numbers or privacy.hash_message_bodies "
                      "is on: set a secret of at least 16 characters and keep it stable.")
    # The spec leaves privacy open (additionalProperties: true, an acceptance rule), but a misspelt
    # option there would silently leave hashing off: name it.
    privacy_options = spec["properties"].get("privacy", {}).get("properties", {})
    if isinstance(privacy, Mapping):
        for key in sorted(set(privacy) - set(privacy_options), key=str):
            errors.append(f"privacy.{key} is not a privacy option; the options are {', '.join(privacy_options)}. "
                          f"Check its spelling: a misspelt option leaves that hashing off.")
    provider = config.get("provider")
    if provider is None:
        errors.append(f"provider is required: an object with name (one of {names}) and that provider's credentials.")
    elif not isinstance(provider, Mapping):
        errors.append(f"provider must be an object with name (one of {names}) and credentials, not {type(provider).__name__}.")
    elif provider.get("name") not in by_name:
        errors.append(f"provider.name: {provider.get('name')!r} is not a supported provider; use one of {names}.")
    else:
        option = by_name[provider["name"]]
        errors += [_describe(e, ["provider"], option) for e in Draft7Validator(option).iter_errors(provider)]
        for key, value in provider.items():
            if isinstance(value, str) and key in option.get("properties", {}) and option["properties"][key].get("airbyte_secret") and not value.strip():
                errors.append(f"provider.{key} is empty: paste the {provider['name']} credential here.")
    return sorted(set(errors))
