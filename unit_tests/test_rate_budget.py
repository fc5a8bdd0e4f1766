"""The client-side rate budget: the user's requests_per_minute, else the provider's default."""

from __future__ import annotations

from source_sms.source import SourceSms

CONFIG = {"provider": {"name": "tyntec", "api_key": "a-long-test-key-123456"}}


def budget_rates(config):
    source = SourceSms(config=config)
    list(source.streams(source._config))  # the CDK builds the budget with the streams
    return [(rate.limit, rate.interval) for policy in source._constructor._api_budget._policies for rate in policy._bucket.rates]


# A minute plus one second: the provider counts a call when it arrives, later than the CDK stamps it,
# and the CDK lets call N+limit go 1 ms after call N leaves its window (see manifest.yaml api_budget).
MINUTE_WITH_MARGIN_MS = 61_000


def test_the_provider_default_applies_when_the_user_sets_none():
    assert budget_rates(CONFIG) == [(1_000_000, MINUTE_WITH_MARGIN_MS)], "tyntec publishes no limit"
    assert budget_rates({"provider": {"name": "messagemedia", "api_key": "k", "api_secret": "s"}}) == [(100, MINUTE_WITH_MARGIN_MS)]


def test_requests_per_minute_overrides_the_default():
    assert budget_rates({**CONFIG, "requests_per_minute": 90}) == [(90, MINUTE_WITH_MARGIN_MS)]
