"""The sizing rule of windows that follow the data (source_sms/windows.py); reads through it are in
unit_tests/mock_server/test_messagemedia.py::TestFollowingWindows."""

from datetime import timedelta

from source_sms.source import SourceSms
from source_sms.windows import GROWTH, MIN_WINDOW, FollowingWindowsCursor, next_length

WEEK = timedelta(days=7)
TARGET = 1000  # 10 pages of 100


def test_an_empty_window_is_followed_by_one_sixteen_times_longer():
    assert next_length(WEEK, 0, TARGET, WEEK) == 16 * WEEK


def test_growth_stops_at_sixteen_steps_however_long_the_empty_history():
    assert next_length(16 * WEEK, 0, TARGET, WEEK) == GROWTH * WEEK


def test_a_sparse_window_grows_to_about_ten_pages_at_its_rate():
    assert next_length(WEEK, 500, TARGET, WEEK) == 2 * WEEK


def test_a_dense_window_shrinks_to_about_ten_pages_at_its_rate():
    assert next_length(WEEK, 3000, TARGET, WEEK) == WEEK / 3


def test_a_window_never_shrinks_below_an_hour():
    assert next_length(WEEK, 10_000_000, TARGET, WEEK) == MIN_WINDOW


def _messages_cursor(config):
    source = SourceSms(config=config)
    stream = next(s for s in source.streams(config) if s.name == "messages")
    return stream.cursor


def test_dated_streams_follow_the_data_and_one_worker_keeps_the_fixed_windows():
    config = {"provider": {"name": "messagemedia", "api_key": "k", "api_secret": "s"}, "start_date": "2026-01-01T00:00:00Z"}

    following = _messages_cursor(config)
    fixed = _messages_cursor({**config, "concurrency": 1})

    assert isinstance(following, FollowingWindowsCursor) and following.target_records == 10 * 100
    assert not isinstance(fixed, FollowingWindowsCursor)
