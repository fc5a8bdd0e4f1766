"""One data model across providers: the core fields every provider's records share.

Each provider fragment (``providers/<name>.yaml``) declares, under ``model:``, where each core field
comes from in its records and how its statuses map onto source-sms's own set. This module is the
provider-neutral engine that applies those declarations to records as they leave the source.

It runs inside the CDK's read as a record transformation the manifest declares (``SmsModel`` below,
named by a ``CustomTransformation`` on each modelled stream), so every path that runs the manifest
emits the same records. This file is self-contained (the standard library and airbyte-cdk only):
``source-sms manifest --components DIR`` writes it out as the ``components.py`` that
``source-declarative-manifest`` loads beside the manifest. Where no Python may run (Airbyte Cloud's
Connector Builder), ``source_sms/model_jinja.py`` writes the same model as declarative ``AddFields``;
tests hold the three to the same records.

Provider fields are never dropped. A core field may take the name of a provider field only when it
holds the same value (``direction``, ``message_id``, tyntec's ``from``/``to``) or, for ``status``,
when the provider's value moves to ``provider_status``.
"""

# No `from __future__ import annotations`: the Connector Builder runs components.py with exec() in a
# module not yet in sys.modules, where dataclasses cannot resolve string annotations.
import hashlib
import hmac
import logging
import math
import re
from email.utils import parsedate_to_datetime
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Optional

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

# The core fields of each kind of record, in the order docs/data-model.md documents them.
KINDS: dict[str, tuple[str, ...]] = {
    "message": ("message_id", "direction", "from", "to", "body", "status", "provider_status", "error_code",
                "error_reason", "parts", "price", "currency", "created_at", "scheduled_at", "sent_at",
                "delivered_at", "updated_at"),
    "contact": ("contact_id", "phone_number", "name", "first_name", "last_name", "email", "created_at", "updated_at"),
    "phone_number": ("number_id", "phone_number", "country", "created_at", "updated_at"),
    "sender_id": ("sender_id", "sender_id_type", "status", "provider_status", "created_at", "updated_at", "expires_at"),
    # No core fields, only phone numbers or bodies to hash when asked (e.g. tyntec channels).
    "other": (),
}
# What a normalised status may be, per kind that has one.
STATUSES: dict[str, tuple[str, ...]] = {
    "message": ("accepted", "scheduled", "sent", "delivered", "failed", "expired", "cancelled", "received", "unknown"),
    "sender_id": ("pending", "approved", "rejected", "expired", "unknown"),
}
TIMESTAMPS = {"created_at", "scheduled_at", "sent_at", "delivered_at", "updated_at", "expires_at"}
PHONES = {"from", "to", "phone_number"}
INTEGERS = {"parts"}
NUMBERS = {"price"}
DIRECTIONS = {"outbound": "outbound", "inbound": "inbound", "mt": "outbound", "mo": "inbound",
              # Twilio says how an outbound message was created.
              "outbound-api": "outbound", "outbound-call": "outbound", "outbound-reply": "outbound"}
UNKNOWN = "unknown"

_TEXT = {"type": ["null", "string"]}
_TIME = {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}
DESCRIPTIONS = {
    "message_id": "The provider's id of the message.",
    "direction": "outbound (sent by you) or inbound (received).",
    "from": "Sender: a phone number as + and digits, or an alphanumeric sender id as sent.",
    "to": "Recipient phone number as + and digits.",
    "body": "Message text, where the API returns it.",
    "status": "Normalised status; see the status mapping in docs/data-model.md.",
    "provider_status": "The provider's own status value, unchanged.",
    "error_code": "The provider's error code for a failed or expired message.",
    "error_reason": "The provider's error text for a failed or expired message.",
    "parts": "Number of SMS parts (segments) billed.",
    "price": "Price of the message, where the API gives it.",
    "currency": "Currency of price.",
    "created_at": "When it was created or submitted, ISO 8601 UTC.",
    "scheduled_at": "When it is or was scheduled to be sent, ISO 8601 UTC.",
    "sent_at": "When it was sent, ISO 8601 UTC.",
    "delivered_at": "When delivery was confirmed, ISO 8601 UTC.",
    "updated_at": "Last status change or modification, ISO 8601 UTC.",
    "expires_at": "When it expires, ISO 8601 UTC.",
    "contact_id": "The provider's id of the contact.",
    "phone_number": "Phone number as + and digits.",
    "name": "Full name.",
    "first_name": "First name.",
    "last_name": "Last name.",
    "email": "E-mail address.",
    "number_id": "The provider's id of the number.",
    "country": "ISO 3166 country code, where the API gives it.",
    "sender_id": "The sender id (alphanumeric tag or number).",
    "sender_id_type": "The provider's kind of sender id.",
}


def core_properties(kind: str) -> dict[str, dict]:
    """JSON-schema properties of a kind's core fields, merged into each modelled stream's schema."""
    properties = {}
    for name in KINDS[kind]:
        schema = dict(_TIME if name in TIMESTAMPS else {"type": ["null", "integer"]} if name in INTEGERS
                      else {"type": ["null", "number"]} if name in NUMBERS else _TEXT)
        if name == "status":
            schema["enum"] = [*STATUSES[kind], None]
        schema["description"] = DESCRIPTIONS[name]
        properties[name] = schema
    return properties


# ---------------------------------------------------------------------------------------------
# Values

_JS_DATE = re.compile(r"^[A-Z][a-z]{2} ([A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")
# Most numbers arrive as bare digits, with or without +: answered without the general path (5.5 µs → 1.2 µs a number).
_PLAIN_NUMBER = re.compile(r"\+?(\d{6,15})")


def to_utc(value: Any) -> str | None:
    """ISO 8601 UTC to the second (``2026-08-03T10:54:58Z``), from any timestamp a provider sends.

    Accepts ISO 8601 with ``Z``, ``+01:00`` or ``+0100`` offsets (naive = UTC: every API here is
    asked for UTC), RFC 2822 (``Fri, 24 May 2019 17:44:50 +0000``), JavaScript ``Date.toString()`` strings and epoch seconds or milliseconds. Whole
    seconds, so the strings sort as the instants do; the provider's original stays in its field.
    Returns None for an empty or unparseable value (the original is still there to look at).
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    moment: datetime | None = None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if abs(value) > 10**11 else value
        if not -30610224000 <= seconds < 253402300800:  # outside the years 1000-9999: no provider's epoch
            return None
        # The whole second it falls in (a fraction before 1970 too), as the pure manifest computes it.
        moment = datetime.fromtimestamp(math.floor(seconds), tz=timezone.utc)
    elif isinstance(value, str):
        text = value.strip()
        try:
            # Python 3.11 reads Z, +01:00 and +0100 itself; the rest are the slower cases.
            moment = datetime.fromisoformat(text)
        except ValueError:
            js = _JS_DATE.match(text)
            try:
                if js:
                    moment = datetime.strptime(f"{js.group(1)} {js.group(2)}", "%b %d %Y %H:%M:%S %z")
                elif text.isdigit():
                    return to_utc(int(text))
                elif text[:3].isalpha() and text[3:4] == ",":  # RFC 2822 (Twilio's 2010 API)
                    moment = parsedate_to_datetime(text)
                else:
                    text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else _OFFSET_WITHOUT_COLON.sub(r"\1:\2", text)
                    moment = datetime.fromisoformat(text.replace(" ", "T", 1))
            except ValueError:
                return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    elif moment.utcoffset():
        moment = moment.astimezone(timezone.utc)
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"


def phone_like(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value).strip()
    return bool(_PHONE_LIKE.match(text)) and 6 <= sum(c.isdigit() for c in text) <= 15


def canonical_phone(value: Any) -> Any:
    """``+`` and digits (``447700900123``, ``+44 7700-900123`` → ``+447700900123``); other values as they are.

    A leading 00 is the international prefix. Alphanumeric sender ids (``ACME``) are not numbers
    and stay as they are. Numbers are assumed international, as every API here sends them.
    """
    return _canonical(value)[1]


def _canonical(value: Any) -> tuple[bool, Any]:
    """Whether ``value`` is a phone number, and its canonical form (the value as it is if not)."""
    plain = _PLAIN_NUMBER.fullmatch(value) if isinstance(value, str) else None
    if plain:
        digits = plain.group(1)
        return True, "+" + (digits[2:] if digits.startswith("00") else digits)
    if not phone_like(value):
        return False, value if value is None or isinstance(value, str) else str(value)
    digits = "".join(c for c in str(value) if c.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    return True, "+" + digits


def _number(value: Any, cast: Callable[[Any], Any]) -> Any:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return cast(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Paths: "a.b", "parts.0.currency", "channels[type=SMS].channelId", "message.destinations[]"

def _steps(path: str) -> list[tuple[str, Any]]:
    steps: list[tuple[str, Any]] = []
    for part in path.split("."):
        match = re.fullmatch(r"([^\[]+)(?:\[(\w+)=([^\]]*)\]|(\[\]))?", part)
        if not match:
            raise ValueError(f"bad model path {path!r}")
        name, key, wanted, every = match.groups()
        steps.append(("index", int(name)) if name.isdigit() else ("key", name))
        if key:
            steps.append(("where", (key, wanted)))
        elif every:
            steps.append(("every", None))
    return steps


def _get(record: Any, steps: list[tuple[str, Any]]) -> Any:
    value = record
    for kind, arg in steps:
        if kind == "key":
            value = value.get(arg) if isinstance(value, dict) else None
        elif kind == "index":
            value = value[arg] if isinstance(value, list) and -len(value) <= arg < len(value) else None
        elif kind == "where":
            key, wanted = arg
            value = next((item for item in value if isinstance(item, dict) and str(item.get(key)) == wanted), None) \
                if isinstance(value, list) else None
        if value is None:
            return None
    return value


def _replace(record: Any, steps: list[tuple[str, Any]], change: Callable[[Any], Any]) -> None:
    """Apply ``change`` in place to every value the path reaches (``[]`` fans out over a list)."""
    if not steps or record is None:
        return
    (kind, arg), rest = steps[0], steps[1:]
    if kind == "every":
        targets = range(len(record)) if isinstance(record, list) else ()
    elif kind == "key":
        targets = (arg,) if isinstance(record, dict) and arg in record else ()
    elif kind == "index":
        targets = (arg,) if isinstance(record, list) and -len(record) <= arg < len(record) else ()
    else:  # where
        key, wanted = arg
        targets = [i for i, item in enumerate(record) if isinstance(item, Mapping) and str(item.get(key)) == wanted] \
            if isinstance(record, list) else ()
    for target in targets:
        if rest:
            _replace(record[target], rest, change)
        elif record[target] is not None:
            record[target] = change(record[target])


# ---------------------------------------------------------------------------------------------
# A stream's declared mapping

@dataclass
class Source:
    """Where one core field comes from: the first non-empty path, or a constant; optionally only
    when the normalised status is one of ``when_status``; ``negate`` flips a number's sign (a
    provider that writes a charge as a negative amount)."""

    paths: list[list[tuple[str, Any]]] = field(default_factory=list)
    const: Any = None
    when_status: tuple[str, ...] = ()
    negate: bool = False

    @classmethod
    def parse(cls, spec: Any) -> "Source":
        if isinstance(spec, str):
            return cls(paths=[_steps(spec)])
        if isinstance(spec, list):
            return cls(paths=[_steps(p) for p in spec])
        if isinstance(spec, Mapping):
            paths = spec.get("path", [])
            paths = [paths] if isinstance(paths, str) else paths
            return cls(paths=[_steps(p) for p in paths], const=spec.get("const"),
                       when_status=tuple(spec.get("when_status", ())), negate=bool(spec.get("negate")))
        raise ValueError(f"bad model field {spec!r}")

    def value(self, record: Mapping[str, Any]) -> Any:
        for steps in self.paths:
            found = _get(record, steps)
            if found is not None and found != "":
                return found
        return self.const

    def getter(self) -> Callable[[Mapping[str, Any]], Any]:
        """``value``, as a function; a plain top-level key (most fields) is a dict lookup, ~1 µs less a field."""
        if len(self.paths) == 1 and len(self.paths[0]) == 1 and self.paths[0][0][0] == "key" and self.const is None:
            key = self.paths[0][0][1]

            def get(record: Mapping[str, Any]) -> Any:
                found = record.get(key)
                return None if found == "" else found
            return get
        return self.value


def _as_text(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, dict, list)) else str(value)


def converter(name: str) -> Callable[[Any], Any]:
    """How a core field's value is normalised, by the field's name."""
    if name in TIMESTAMPS:
        return to_utc
    if name in PHONES:
        return canonical_phone
    if name in INTEGERS:
        return lambda value: _number(value, int)
    if name in NUMBERS:
        return lambda value: _number(value, float)
    if name == "direction":
        return lambda value: DIRECTIONS.get(str(value).lower()) if value is not None else None
    return _as_text


def _negated(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def negated(value: Any) -> Any:
        number = convert(value)
        return -number if isinstance(number, (int, float)) and number else number
    return negated


@dataclass
class StreamModel:
    provider: str
    stream: str
    kind: str
    fields: dict[str, Source]
    status_map: dict[str, str]
    phone_paths: list[list[tuple[str, Any]]]
    body_paths: list[list[tuple[str, Any]]]
    inbound_status: str | None = None

    def __post_init__(self) -> None:
        # Precomputed once: which fields are read as they are, which only for some statuses; every core
        # field null to start with, in the kind's order (the pure form writes them in that order too).
        self.plain = [(n, s.getter(), _negated(converter(n)) if s.negate else converter(n)) for n, s in self.fields.items()
                      if n not in ("status", "provider_status") and not s.when_status]
        self.conditional = [(n, s, converter(n)) for n, s in self.fields.items() if s.when_status]
        self.empty = dict.fromkeys(KINDS[self.kind])
        self.replaceable = [n for n in KINDS[self.kind] if n not in ("status", "provider_status")]
        self.phone_fields = [n for n in KINDS[self.kind] if n in PHONES]

    def status_of(self, raw: Any) -> str:
        if raw is None or raw == "":
            return UNKNOWN
        return self.status_map.get(str(raw).lower(), UNKNOWN)


def declaration(provider: str, stream: str, spec: Mapping[str, Any], provider_map: Mapping[str, str]) -> dict[str, Any]:
    """One stream's model as the manifest carries it: the fragment's spec, checked, with the provider's
    status map merged in (lower-cased keys), so the declaration stands on its own in a manifest."""
    kind = spec["kind"]
    if kind not in KINDS:
        raise ValueError(f"providers/{provider}.yaml model.streams.{stream}: unknown kind {kind!r}; use one of {sorted(KINDS)}")
    unknown = set(spec.get("fields", {})) - set(KINDS[kind])
    if unknown:
        raise ValueError(f"providers/{provider}.yaml model.streams.{stream}: {sorted(unknown)} are not core {kind} fields")
    status_map = {str(k).lower(): v for k, v in {**(provider_map if kind == "message" else {}), **spec.get("status_map", {})}.items()}
    allowed = STATUSES.get(kind, ())
    wrong = {k: v for k, v in status_map.items() if v not in allowed}
    if wrong:
        raise ValueError(f"providers/{provider}.yaml model: {wrong} map to statuses outside {allowed}")
    for name, source in spec.get("fields", {}).items():
        Source.parse(source)  # a bad path fails here, naming itself
    pii = spec.get("pii", {})
    return {
        "kind": kind,
        "fields": dict(spec.get("fields", {})),
        "status_map": status_map,
        "pii": {"phone": list(pii.get("phone", [])), "body": list(pii.get("body", []))},
        "inbound_status": spec.get("inbound_status", "received" if kind == "message" else None),
    }


def pii_paths(decl: Mapping[str, Any], what: str) -> list[str]:
    """The declared paths to hash, less a core field the engine hashes anyway (hashing a text twice
    would change its digest), then ``provider_<name>`` of each core field of that kind, where the
    engine keeps a provider's value a core field replaced: privacy covers it without a declaration."""
    core = (PHONES if what == "phone" else {"body"}) & set(KINDS[decl["kind"]])
    paths = [path for path in decl["pii"][what] if path not in core]
    kept = ["provider_" + name for name in KINDS[decl["kind"]] if name in core]
    return [*paths, *(k for k in kept if k not in paths and f"{k}[]" not in paths)]


def stream_model(provider: str, stream: str, decl: Mapping[str, Any]) -> StreamModel:
    return StreamModel(
        provider=provider, stream=stream, kind=decl["kind"],
        fields={name: Source.parse(source) for name, source in decl["fields"].items()},
        status_map=dict(decl["status_map"]),
        phone_paths=[_steps(p) for p in pii_paths(decl, "phone")],
        body_paths=[_steps(p) for p in pii_paths(decl, "body")],
        inbound_status=decl.get("inbound_status"),
    )


def load_declarations(fragments: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(provider, stream) → its declaration, from each fragment's ``model:`` section."""
    declarations = {}
    for provider, fragment in fragments.items():
        section = fragment.get("model") or {}
        for stream, spec in (section.get("streams") or {}).items():
            declarations[(provider, stream)] = declaration(provider, stream, spec, section.get("status_map") or {})
    return declarations


# ---------------------------------------------------------------------------------------------
# Applying it

class Hasher:
    """HMAC-SHA256 keyed by the salt, hex: the digest of the CDK's Jinja ``hmac`` filter, so the pure
    manifest hashes alike. Phone numbers are canonicalised first, so ``447700900123`` from one API
    and ``+44 7700 900123`` from another hash alike and tables still join."""

    def __init__(self, salt: str) -> None:
        self._salt = str(salt).encode("utf-8")
        self._cache: dict[str, str] = {}

    def text(self, value: Any) -> str:
        text = value if isinstance(value, str) else str(value)
        digest = self._cache.get(text)
        if digest is None:
            digest = hmac.new(self._salt, text.encode("utf-8"), hashlib.sha256).hexdigest()
            if len(self._cache) < 1_000_000:
                self._cache[text] = digest
        return digest

    def phone(self, value: Any) -> Any:
        if isinstance(value, list):  # provider_to: the recipients a core `to` took the first of
            return [self.phone(item) for item in value]
        is_phone, canonical = _canonical(value)
        return self.text(canonical) if is_phone else value


@dataclass
class Normaliser:
    """Adds the core fields to each record of the streams a provider models; hashes on request."""

    models: Mapping[tuple[str, str], StreamModel]
    provider: str
    hasher: Hasher | None = None
    hash_phones: bool = False
    hash_bodies: bool = False
    warn: Callable[[str], None] = lambda message: None
    _warned: set = field(default_factory=set)

    def apply(self, stream: str, record: dict[str, Any]) -> dict[str, Any]:
        model = self.models.get((self.provider, stream))
        if model is None:
            return record
        core = model.empty.copy()
        for name, get, convert in model.plain:
            core[name] = convert(get(record))
        if "status" in model.fields:
            raw = model.fields["status"].value(record)
            status = model.status_of(raw)
            if status == UNKNOWN and raw not in (None, "") and (stream, raw) not in self._warned:
                self._warned.add((stream, raw))
                self.warn(f"{self.provider} {stream}: status {raw!r} is not in source-sms's status map; "
                          f"written as status 'unknown' with the original in provider_status. Please report it.")
            if model.inbound_status and core.get("direction") == "inbound" and status not in ("failed", "expired", "cancelled"):
                status = model.inbound_status
            core["status"], core["provider_status"] = status, raw
        for name, source, convert in model.conditional:
            core[name] = convert(source.value(record)) if core.get("status") in source.when_status else None
        # A provider field that a core field of the same name would replace with something else
        # (tyntec's `parts` list against the part count) is kept as provider_<name>.
        for name in model.replaceable:
            old = record.get(name)
            if old is not None and old != core[name]:
                record["provider_" + name] = old
        record.update(core)
        if self.hasher is not None:
            if self.hash_phones:
                for name in model.phone_fields:
                    record[name] = self.hasher.phone(record[name])
                for steps in model.phone_paths:
                    _replace(record, steps, self.hasher.phone)
            if self.hash_bodies:
                if record.get("body") is not None:
                    record["body"] = self.hasher.text(record["body"])
                for steps in model.body_paths:
                    _replace(record, steps, self.hasher.text)
        return record


def privacy_of(config: Mapping[str, Any]) -> tuple[Optional[str], bool, bool]:
    """(salt, hash phone numbers, hash texts) asked for by the config. Hashing asked for without a
    salt is a config error, never a read in clear."""
    privacy = config.get("privacy") if isinstance(config, Mapping) else None
    privacy = privacy if isinstance(privacy, Mapping) else {}
    phones, bodies = bool(privacy.get("hash_phone_numbers")), bool(privacy.get("hash_message_bodies"))
    salt = privacy.get("salt")
    if (phones or bodies) and not (isinstance(salt, str) and salt):
        raise AirbyteTracedException(message=SALT_REQUIRED, internal_message=SALT_REQUIRED, failure_type=FailureType.config_error)
    return (salt if phones or bodies else None), phones, bodies


SALT_REQUIRED = ("privacy.salt is required when privacy.hash_phone_numbers or privacy.hash_message_bodies is on: "
                 "set a secret of at least 16 characters and keep it stable. Nothing was read.")


@dataclass
class SmsModel(RecordTransformation):
    """The model of one stream, as a record transformation its manifest names (``CustomTransformation``
    with ``provider``, ``stream`` and ``model``, the declaration ``declaration()`` gives)."""

    provider: str
    stream: str
    model: Mapping[str, Any]
    config: Mapping[str, Any]

    def __post_init__(self) -> None:
        salt, phones, bodies = privacy_of(self.config)
        self._normaliser = Normaliser(
            models={(self.provider, self.stream): stream_model(self.provider, self.stream, self.model)},
            provider=self.provider, hasher=Hasher(salt) if salt else None, hash_phones=phones, hash_bodies=bodies,
            warn=logging.getLogger("airbyte").warning)

    def transform(self, record: dict[str, Any], config: Optional[Mapping[str, Any]] = None,
                  stream_state: Optional[Mapping[str, Any]] = None, stream_slice: Optional[Mapping[str, Any]] = None) -> None:
        self._normaliser.apply(self.stream, record)
