"""The data model as declarative transformations: the pure manifest's form of ``model.py``.

Airbyte Cloud's Connector Builder runs no Python of ours, so there the model is written out as
``AddFields`` whose values are Jinja over the CDK's own filters and macros (``regex_search``,
``regex_replace``, ``format_datetime``, ``str_to_datetime``, ``hmac``), generated from the same
declarations ``model.py`` applies. Each value renders a Python literal (``'%r' | format(...)``),
because the CDK reads every rendered value back with ``ast.literal_eval``: a plain ``{{ x }}`` would
turn a message id ``"0123"`` into the number 123, a number string into an int, ``"None"`` into null.

One stream's transformations, in the order ``Normaliser.apply`` works:
1. the core values, computed from the record as the provider sent it, into a scratch field;
2. ``provider_<name>`` for each provider field a core field replaces with another value;
3. the core fields themselves;
4. with privacy on, the hashing of phone numbers and texts, path by path;
5. the scratch field removed.

What Jinja cannot do the same way is listed in docs/connector-builder.md, each case null here
rather than different (timestamps outside the grammar below, for instance). Tests compare the two
forms value by value (unit_tests/test_model_jinja.py) and record by record against the emulator.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from source_sms.model import DIRECTIONS, INTEGERS, KINDS, NUMBERS, PHONES, TIMESTAMPS, UNKNOWN, Source, _steps, pii_paths

SCRATCH = "_source_sms_model"
_PRIVACY = "(config.get('privacy') or {})"
HASH_PHONES = f"{_PRIVACY}.get('hash_phone_numbers')"
HASH_BODIES = f"{_PRIVACY}.get('hash_message_bodies')"
_SALT = "config['privacy']['salt']"
_LIST = "{v} is sequence and {v} is not string and {v} is not mapping"
_MONTHS = {m: f"{i:02d}" for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}

# ISO 8601 as both Python's fromisoformat and the CDK's str_to_datetime (dateutil's isoparse) read it:
# date, optional time to the hour, minute, second or fraction, optional Z or offset. Groups: year,
# month, day, hour, minute, second, offset.
ISO = (r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
       r"(Z|z|[+-]\d{2}(?::?\d{2})?)?)?\Z")
# The SMS Works' JavaScript Date.toString(): "Mon Aug 03 2026 11:54:58 GMT+0100 (British Summer Time)".
JS_DATE = r"^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT([+-]\d{4})"
# RFC 2822 as Twilio's 2010 API writes it: "Fri, 24 May 2019 17:44:50 +0000".
RFC_2822 = r"^[A-Za-z]{3}, ?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC|UT|Z)\Z"
_PLAIN_PHONE = r"^[+]?([0-9]{6,15})\Z"
_NOT_DIGIT = r"\D"
_PHONE_LIKE = r"^([+]?[\d\s().-]+)$"
_EIGHT_DIGITS = r"^([0-9]{8})\Z"
_DIGITS = r"^([0-9]+)\Z"
_IS_ISO = "^(" + ISO[1:-2] + r")\Z"
_IS_JS_DATE = "^(" + JS_DATE[1:] + ")"
_IS_RFC_2822 = "^(" + RFC_2822[1:-2] + r")\Z"
_INTEGER = r"^\s*([+-]?\d+)\s*\Z"
_FLOAT = r"^\s*([+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))\s*\Z"


def lit(value: Any) -> str:
    """A Jinja literal of a Python constant."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    raise TypeError(f"no Jinja literal for {value!r}")


def _s(code: str) -> str:
    return "{%- " + code + " -%}"


# ---------------------------------------------------------------------------------------------
# Reading a value: model.Source.value

def _get(steps: list[tuple[str, Any]], out: str = "m.v") -> str:
    code = [_s(f"set {out} = record")]
    for kind, arg in steps:
        if kind == "key":
            code.append(_s(f"set {out} = {out}.get({lit(arg)}) if {out} is mapping else none"))
        elif kind == "index":
            code.append(_s(f"set {out} = {out}[{arg}] if ({_LIST.format(v=out)}) and {out}|length > {arg} else none"))
        elif kind == "where":
            key, wanted = arg
            code += [_s(f"if {_LIST.format(v=out)}"), _s("set m.w = none"), _s(f"for item in {out}"),
                     _s(f"if m.w is none and item is mapping and ('%s'|format(item.get({lit(key)}))) == {lit(wanted)}"),
                     _s("set m.w = item"), _s("endif"), _s("endfor"), _s(f"set {out} = m.w"),
                     _s("else"), _s(f"set {out} = none"), _s("endif")]
    return "".join(code)


def _value(source: Source, out: str = "m.x") -> str:
    """``out`` = the first non-empty path's value, else the constant."""
    if len(source.paths) == 1 and len(source.paths[0]) == 1 and source.paths[0][0][0] == "key" and source.const is None:
        # Most fields: one key of the record. Two statements instead of eight (each costs ~5 µs a record).
        key = lit(source.paths[0][0][1])
        return _s(f"set {out} = record.get({key})") + _s(f"if {out} == ''") + _s(f"set {out} = none") + _s("endif")
    code = [_s(f"set {out} = none")]
    for steps in source.paths:
        code += [_s(f"if {out} is none"), _get(steps), _s("if m.v is not none and m.v != ''"), _s(f"set {out} = m.v"),
                 _s("endif"), _s("endif")]
    if source.const is not None:
        code += [_s(f"if {out} is none"), _s(f"set {out} = {lit(source.const)}"), _s("endif")]
    return "".join(code)


# ---------------------------------------------------------------------------------------------
# Converting it: model.converter, one Jinja block per kind of field (x in, c out)

def _text(x: str, c: str) -> str:
    return _s(f"set {c} = {x} if ({x} is none or {x} is string or {x} is mapping or {x} is sequence) else '%s'|format({x})")


def _canonical(x: str, c: str, phone: str) -> str:
    """``c`` = the canonical form, ``phone`` = whether ``x`` is a phone number (model._canonical)."""
    plus = "'+' ~ (m.d[2:] if m.d[:2] == '00' else m.d)"
    return "".join([
        _s(f"set {phone} = false"),
        _s(f"set m.d = ({x} | regex_search({lit(_PLAIN_PHONE)})) if {x} is string else ''"),
        _s("if m.d"), _s(f"set {phone} = true"), _s(f"set {c} = {plus}"),
        _s(f"elif ({x} is string or {x} is integer) and {x} is not boolean"),
        _s(f"set m.t = ('%s'|format({x}))|trim"),
        _s(f"set m.d = m.t | regex_replace({lit(_NOT_DIGIT)}, '')"),
        _s(f"if (m.t | regex_search({lit(_PHONE_LIKE)})) and m.d|length >= 6 and m.d|length <= 15"),
        _s(f"set {phone} = true"), _s(f"set {c} = {plus}"),
        _s("else"), _s(f"set {c} = {x} if {x} is string else '%s'|format({x})"), _s("endif"),
        _s("else"), _s(f"set {c} = {x} if ({x} is none or {x} is string) else '%s'|format({x})"), _s("endif"),
    ])


def _integer(x: str, c: str) -> str:
    return "".join([
        _s(f"if {x} is none or {x} is boolean or {x} == ''"), _s(f"set {c} = none"),
        _s(f"elif {x} is number"), _s(f"set {c} = {x}|int"),
        _s(f"elif {x} is string and ({x} | regex_search({lit(_INTEGER)}))"), _s(f"set {c} = {x}|int"),
        _s("else"), _s(f"set {c} = none"), _s("endif"),
    ])


def _float(x: str, c: str, negate: bool) -> str:
    code = [
        _s(f"if {x} is none or {x} is boolean or {x} == ''"), _s(f"set {c} = none"),
        _s(f"elif {x} is number"), _s(f"set {c} = {x}|float"),
        _s(f"elif {x} is string and ({x} | regex_search({lit(_FLOAT)}))"), _s(f"set {c} = {x}|float"),
        _s("else"), _s(f"set {c} = none"), _s("endif"),
    ]
    if negate:
        code += [_s(f"if {c} is number and {c}"), _s(f"set {c} = -{c}"), _s("endif")]
    return "".join(code)


def _direction(x: str, c: str) -> str:
    return _s(f"set {c} = {lit(DIRECTIONS)}.get(('%s'|format({x}))|lower) if {x} is not none else none")


def _valid_iso(candidate: str, c: str) -> str:
    """``c`` = ISO 8601 UTC to the second of ``candidate`` (a string matching ISO), or none when it
    names no real moment (2026-02-30, 25:00): fromisoformat refuses those and model.to_utc gives None."""
    parts = "\\1|\\2|\\3|\\4|\\5|\\6|\\7"
    leap = "(m.y % 4 == 0 and m.y % 100 != 0) or m.y % 400 == 0"
    return "".join([
        _s(f"set m.p = ({candidate} | regex_replace({lit(ISO)}, {lit(parts)})).split('|')"),
        _s("set m.y = m.p[0]|int"), _s("set m.mo = m.p[1]|int"), _s("set m.dd = m.p[2]|int"),
        _s(f"set m.ok = m.y >= 1 and m.mo >= 1 and m.mo <= 12 and m.dd >= 1 and m.dd <= "
           f"[31, (29 if {leap} else 28), 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m.mo - 1]"),
        _s("set m.ok = m.ok and (m.p[3] == '' or m.p[3]|int <= 23) and (m.p[4] == '' or m.p[4]|int <= 59) "
           "and (m.p[5] == '' or m.p[5]|int <= 59)"),
        _s("set m.off = m.p[6] | regex_replace('[^0-9]', '')"),
        _s("set m.ok = m.ok and (m.off == '' or (m.off[:2]|int <= 23 and (m.off[2:] == '' or m.off[2:]|int <= 59)))"),
        _s("if m.ok and (m.off == '' or m.off|int == 0)"),
        # Already UTC (most APIs): the parts as they are, without a datetime (a third of the template's time).
        _s(f"set {c} = '%04d-%02d-%02dT%02d:%02d:%02dZ'|format(m.y, m.mo, m.dd, (m.p[3] or 0)|int, (m.p[4] or 0)|int, "
           "(m.p[5] or 0)|int)"),
        _s("elif m.ok"),
        # str_to_datetime (dateutil's isoparse) is given a T and an upper-case Z.
        _s(f"set m.iso = {candidate}[:10] ~ ('T' ~ ({candidate}[11:] | regex_replace('z$', 'Z')) "
           f"if {candidate}|length > 10 else '')"),
        _s("set m.at = str_to_datetime(m.iso)"),
        # Not strftime: its %Y writes the year 999 as 999, model.to_utc as 0999.
        _s(f"set {c} = '%04d-%02d-%02dT%02d:%02d:%02dZ'|format(m.at.year, m.at.month, m.at.day, m.at.hour, m.at.minute, m.at.second)"),
        _s("endif"),
    ])


def _timestamp(x: str, c: str) -> str:
    """model.to_utc: ISO 8601, a date as 8 digits, JavaScript dates, RFC 2822, epoch (milli)seconds."""
    js_parts = rfc_parts = "\\1|\\2|\\3|\\4|\\5|\\6|\\7"
    months = lit(_MONTHS)

    def iso_from(day: int, month: int, year: int, offset: str) -> str:
        return (f"m.q[{year}] ~ '-' ~ {months}.get(m.q[{month}]|lower, '00') ~ '-' ~ ('0' ~ m.q[{day}])[-2:] ~ 'T' ~ m.q[3] ~ ':' "
                f"~ m.q[4] ~ ':' ~ (m.q[5] or '00') ~ {offset}")

    return "".join([
        _s(f"set {c} = none"), _s("set m.cand = none"), _s("set m.epoch = none"), _s("set m.else_epoch = none"),
        _s(f"if {x} is none or {x} is boolean or {x} == ''"),
        _s(f"elif {x} is number"), _s(f"set m.epoch = {x}"),
        _s(f"elif {x} is string"),
        _s(f"set m.t = {x}|trim"),
        _s(f"if m.t | regex_search({lit(_IS_ISO)})"), _s("set m.cand = m.t"),
        # fromisoformat reads YYYYMMDD as a date; when that is no date, model.to_utc takes it as epoch seconds.
        _s(f"elif m.t | regex_search({lit(_EIGHT_DIGITS)})"),
        _s("set m.cand = m.t[:4] ~ '-' ~ m.t[4:6] ~ '-' ~ m.t[6:]"), _s("set m.else_epoch = m.t|int"),
        _s(f"elif m.t | regex_search({lit(_IS_JS_DATE)})"),
        _s(f"set m.q = (m.t | regex_replace({lit(JS_DATE + '.*')}, {lit(js_parts)})).split('|')"),
        _s("set m.cand = " + iso_from(day=1, month=0, year=2, offset="m.q[6]")),
        _s(f"elif m.t | regex_search({lit(_DIGITS)})"), _s("set m.epoch = m.t|int"),
        _s(f"elif m.t | regex_search({lit(_IS_RFC_2822)})"),
        _s(f"set m.q = (m.t | regex_replace({lit(RFC_2822)}, {lit(rfc_parts)})).split('|')"),
        _s("set m.cand = " + iso_from(day=0, month=1, year=2, offset="(m.q[6] if m.q[6][:1] in '+-' else '+0000')")),
        _s("endif"),
        _s("endif"),
        _s("if m.cand is not none"),
        _s(f"if m.cand | regex_search({lit(_IS_ISO)})"), _valid_iso("m.cand", c), _s("endif"),
        _s(f"if {c} is none and m.else_epoch is not none"), _s("set m.epoch = m.else_epoch"), _s("endif"),
        _s("endif"),
        # Milliseconds past 10^11 (the year 5138 in seconds); a moment outside the years 1000-9999 is none.
        _s("if m.epoch is not none"),
        _s("set m.epoch = (m.epoch / 1000) if (m.epoch > 100000000000 or m.epoch < -100000000000) else m.epoch"),
        _s("if m.epoch >= -30610224000 and m.epoch < 253402300800"),
        _s(f"set {c} = format_datetime((m.epoch // 1)|int, '%Y-%m-%dT%H:%M:%SZ')"), _s("endif"), _s("endif"),
    ])


# Timestamps and phone numbers are converted by macros, written once per template: a macro renders
# text, which both are (or nothing, for none).
_CONVERTING_MACROS = {
    "ts": "{%- macro ts(v) -%}" + _s("set m = namespace()") + _timestamp("v", "m.c") + "{{ m.c or '' }}{%- endmacro -%}",
    "ph": "{%- macro ph(v) -%}" + _s("set m = namespace()") + _canonical("v", "m.c", "m.is_phone") + "{{ m.c }}{%- endmacro -%}",
}


def _convert(name: str, source: Source, x: str, c: str) -> str:
    if name in TIMESTAMPS:
        return _s(f"set {c} = ts({x}) or none")
    if name in PHONES:
        return _s(f"set {c} = ph({x}) if {x} is not none else none")
    if name in INTEGERS:
        return _integer(x, c)
    if name in NUMBERS:
        return _float(x, c, source.negate)
    if name == "direction":
        return _direction(x, c)
    return _text(x, c)


# ---------------------------------------------------------------------------------------------
# Hashing: model.Hasher, as macros that render a Python literal

def _hash_macros() -> str:
    """``hp(v)``: a phone number's HMAC (lists item by item), anything else as it is; ``ht(v)``: a text's."""
    return "".join([
        "{%- macro hp(v) -%}", _s("set m = namespace()"),
        _s(f"if {_LIST.format(v='v')}"), "[", _s("for item in v"), "{{ hp(item) }}{{ ', ' if not loop.last }}",
        _s("endfor"), "]",
        _s("else"), _canonical("v", "m.c", "m.is_phone"),
        _s("if m.is_phone"), f"{{{{ '%r'|format(m.c | hmac({_SALT})) }}}}", _s("else"), "{{ '%r'|format(v) }}", _s("endif"),
        _s("endif"),
        "{%- endmacro -%}",
        "{%- macro ht(v) -%}", f"{{{{ '%r'|format(v | hmac({_SALT})) }}}}", "{%- endmacro -%}",
    ])


def _rebuild(steps: list[tuple[str, Any]], leaf: str) -> tuple[str, str]:
    """Macros that render ``v`` with ``leaf`` applied to every value the path reaches (model._replace),
    and the name of the outermost."""
    macros, name = [], f"r{len(steps)}"
    macros.append("{%- macro r0(v) -%}" + _s("if v is none") + "None" + _s("else") + "{{ " + leaf + "(v) }}" + _s("endif")
                  + "{%- endmacro -%}")
    for depth in range(1, len(steps) + 1):
        kind, arg = steps[len(steps) - depth]
        inner, here = f"r{depth - 1}", f"r{depth}"
        same = "{{ '%r'|format(v) }}"
        if kind == "key":
            body = (_s(f"if v is mapping and {lit(arg)} in v") + "{{ '{' }}" + _s("for k, item in v.items()")
                    + "{{ '%r'|format(k) }}: " + _s(f"if k == {lit(arg)}") + "{{ " + inner + "(item) }}" + _s("else")
                    + "{{ '%r'|format(item) }}" + _s("endif") + "{{ ', ' if not loop.last }}" + _s("endfor") + "{{ '}' }}"
                    + _s("else") + same + _s("endif"))
        else:
            if kind == "every":
                item = "{{ " + inner + "(item) }}"
            elif kind == "index":
                item = (_s(f"if loop.index0 == {arg}") + "{{ " + inner + "(item) }}" + _s("else") + "{{ '%r'|format(item) }}"
                        + _s("endif"))
            else:
                key, wanted = arg
                item = (_s(f"if item is mapping and ('%s'|format(item.get({lit(key)}))) == {lit(wanted)}") + "{{ " + inner
                        + "(item) }}" + _s("else") + "{{ '%r'|format(item) }}" + _s("endif"))
            body = (_s(f"if {_LIST.format(v='v')}") + "[" + _s("for item in v") + item + "{{ ', ' if not loop.last }}"
                    + _s("endfor") + "]" + _s("else") + same + _s("endif"))
        macros.append("{%- macro " + here + "(v) -%}" + body + "{%- endmacro -%}")
    return "".join(macros), name


# ---------------------------------------------------------------------------------------------
# One stream

def _core_template(decl: Mapping[str, Any]) -> str:
    kind = decl["kind"]
    fields = {name: Source.parse(spec) for name, spec in decl["fields"].items()}
    code = [_s("set m = namespace()")]
    for name, source in fields.items():
        if name in ("status", "provider_status") or source.when_status:
            continue
        code += [_value(source), _convert(name, source, "m.x", f"m.f_{name}")]
    if "status" in fields:
        inbound = decl.get("inbound_status")
        code += [_value(fields["status"], "m.raw"),
                 _s(f"set m.f_status = {lit(UNKNOWN)} if (m.raw is none or m.raw == '') else "
                    f"{lit(decl['status_map'])}.get(('%s'|format(m.raw))|lower, {lit(UNKNOWN)})")]
        if inbound:
            code += [_s(f"if m.f_direction == 'inbound' and m.f_status not in ('failed', 'expired', 'cancelled')"),
                     _s(f"set m.f_status = {lit(inbound)}"), _s("endif")]
        code.append(_s("set m.f_provider_status = m.raw"))
    for name, source in fields.items():
        if source.when_status and name not in ("status", "provider_status"):
            code += [_value(source), _convert(name, source, "m.x", "m.cv"),
                     _s(f"set m.f_{name} = m.cv if m.f_status in {lit(list(source.when_status))} else none")]
    computed = {name for name in fields if name != "provider_status"} | ({"provider_status"} if "status" in fields else set())
    entries = ", ".join(f"{lit(name)}: {'m.f_' + name if name in computed else 'none'}" for name in KINDS[kind])
    code.append("{{ '%r'|format({" + entries + "}) }}")
    used = set(fields)
    macros = [_CONVERTING_MACROS["ts"]] if used & TIMESTAMPS else []
    macros += [_CONVERTING_MACROS["ph"]] if used & PHONES else []
    return "".join(macros + code)


def transformations(decl: Mapping[str, Any], provider_fields: Optional[Iterable[str]] = None) -> list[dict[str, Any]]:
    """The declarative transformations that give a stream's records what ``SmsModel`` gives them.

    ``provider_fields``: the fields the stream's schema declares for the provider's records. Only
    those can be kept as ``provider_<name>`` (the schema declares no other), so only those are
    checked for it: each check costs a render per record. None checks every core field's name."""
    kind = decl["kind"]
    core = KINDS[kind]
    steps: list[dict[str, Any]] = []
    scratch = f"record[{lit(SCRATCH)}]"
    if core:
        steps.append({"type": "AddFields", "fields": [{"type": "AddedFieldDefinition", "path": [SCRATCH], "value": _core_template(decl)}]})
        kept = [name for name in core if name not in ("status", "provider_status")
                and (provider_fields is None or name in provider_fields)]
        if kept:
            steps.append({
                "type": "AddFields",
                # Rendered as null (not added) unless the provider's value is there and the core value differs.
                "condition": "{{ value is not none }}",
                "fields": [{"type": "AddedFieldDefinition", "path": [f"provider_{name}"],
                            "value": (f"{{{{ '%r'|format(record[{lit(name)}] if (record.get({lit(name)}) is not none and "
                                      f"record.get({lit(name)}) != {scratch}[{lit(name)}]) else none) }}}}")} for name in kept],
            })
        steps.append({"type": "AddFields",
                      "fields": [{"type": "AddedFieldDefinition", "path": [name], "value": f"{{{{ '%r'|format({scratch}[{lit(name)}]) }}}}"}
                                 for name in core]})
    # Hashing, in model.Normaliser's order, as one AddFields: its fields are written one after the
    # other, each rendering None (so not written) where privacy is off or the field is absent. (An
    # empty rendering would not do: the CDK then renders the template again as its own default.)
    hashing: list[dict[str, Any]] = []

    def hashed(top: str, switch: str, code: str, needs_value: bool = True) -> None:
        guard = f"{switch} and record.get({lit(top)}) is not none" if needs_value else switch
        hashing.append({"type": "AddedFieldDefinition", "path": [top],
                        "value": _hash_macros() + code.split("\x00")[0] + _s(f"if {guard}") + code.split("\x00")[1] + _s("else") + "None" + _s("endif")})

    for name in core:
        if name in PHONES:
            hashed(name, HASH_PHONES, f"\x00{{{{ hp(record[{lit(name)}]) }}}}", needs_value=False)
    for what, switch, leaf in (("phone", HASH_PHONES, "hp"), ("body", HASH_BODIES, "ht")):
        if what == "body":
            hashed("body", HASH_BODIES, "\x00{{ ht(record['body']) }}")  # any `body`, as model.Normaliser hashes it
        for path in pii_paths(decl, what):
            path_steps = _steps(path)
            top, rest = path_steps[0], path_steps[1:]
            if top[0] != "key":
                raise ValueError(f"a pii path starts with a field name: {path!r}")
            macros, outer = _rebuild(rest, leaf)
            hashed(top[1], switch, f"{macros}\x00{{{{ {outer}(record[{lit(top[1])}]) }}}}")
    if hashing:
        steps.append({"type": "AddFields", "condition": "{{ value is not none }}", "fields": hashing})
    if core:
        steps.append({"type": "RemoveFields", "field_pointers": [[SCRATCH]]})
    return steps
