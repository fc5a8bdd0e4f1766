"""The direct dpath lookups give what dpath itself gives, on any JSON-like data and path."""

from __future__ import annotations

import copy

import dpath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from source_sms import fast_dpath

import airbyte_cdk.sources  # noqa: F401  (sets dpath.options.ALLOW_EMPTY_STRING_KEYS, as in a sync)

KEYS = st.sampled_from(["a", "b", "data", "0", "1", "x*", "[y]", "", "provider"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)
paths = st.one_of(st.lists(KEYS, max_size=4), st.lists(KEYS, max_size=3).map(tuple), st.lists(st.integers(0, 2), min_size=1, max_size=2))


def outcome(call):
    try:
        return "value", call()
    except Exception as error:  # the same exception type is part of the same answer
        return "raised", type(error)


@settings(max_examples=400, deadline=None)
@given(document=documents, path=paths)
def test_get_answers_like_dpath(document, path):
    assert outcome(lambda: fast_dpath.get(document, path)) == outcome(lambda: fast_dpath._original_get(document, path))
    assert (outcome(lambda: fast_dpath.get(document, path, default="absent"))
            == outcome(lambda: fast_dpath._original_get(document, path, default="absent")))


@settings(max_examples=400, deadline=None)
@given(document=documents, path=paths)
def test_new_writes_like_dpath(document, path):
    ours, theirs = copy.deepcopy(document), copy.deepcopy(document)
    assert outcome(lambda: fast_dpath.new(ours, path, "value") is ours) == outcome(lambda: fast_dpath._original_new(theirs, path, "value") is theirs)
    assert ours == theirs


def test_a_page_of_records_is_found_without_walking_it():
    page = {"provisioningRequests": [{"phoneNumber": str(n)} for n in range(3)], "size": 3}
    walked = []
    original_walk = dpath.segments.walk
    dpath.segments.walk = lambda *args, **kwargs: walked.append(args) or original_walk(*args, **kwargs)
    try:
        assert fast_dpath.get(page, ["provisioningRequests"]) is page["provisioningRequests"]
    finally:
        dpath.segments.walk = original_walk
    assert walked == []


@pytest.mark.parametrize("path", [["data", "*"], ["data", "0"], "data"])
def test_globs_indexes_and_string_paths_are_dpath_s_own(path):
    document = {"data": [{"id": 1}]}
    assert fast_dpath.get(document, path) == fast_dpath._original_get(document, path)


def test_the_source_routes_dpath_through_the_direct_answers():
    import source_sms.source  # noqa: F401

    assert dpath.get is fast_dpath.get and dpath.new is fast_dpath.new
