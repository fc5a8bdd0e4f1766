"""Date windows that follow the data: each window is cut after the one before it has been read.

Under a provider's rate limit a sync lasts as long as its calls, and a fixed window costs a call
even when it is empty: MessageMedia's 7-day report windows made 48 calls for 3 pages of data, the
SMS Works 30-day searches 12 for 1 (docs/performance.md, "Calls per sync"). The CDK's
``ConcurrentCursor`` cuts every window from the state and the manifest's ``step`` before the first is
read, so no window can depend on what an earlier one held. ``FollowingWindowsCursor`` keeps the
CDK's state, lookback and checkpoint handling and changes one thing: the length of the next window.

- The first window is the manifest's ``step`` (7 days for MessageMedia), so a large account still
  checkpoints soon after a first sync starts.
- Each next window is sized from the one just read: to hold about ``PAGES_PER_WINDOW`` full pages
  at the rate the last window held records, at most ``GROWTH`` times longer (an empty window grows
  by ``GROWTH``: years of empty history cost a few calls, not one per week), never shorter than
  ``MIN_WINDOW`` and never longer than ``GROWTH`` steps. So a dense account checkpoints every ~10
  pages (a window's last, partial page is then at most a tenth of its calls), and a sparse one reads
  its history in a few windows.
- The ceiling is what a window grown over empty history can hold when it reaches dense data (it
  cannot know before it is read): at most what 16 of the manifest's windows held, where an
  unbounded window could hold years. It costs calls only on long empty or sparse histories: one per
  16 steps (112 days for MessageMedia, 480 for The SMS Works).

The windows of a stream are read one after another (the next one's length needs the last one's
count); other streams still run concurrently. The Connector Builder and ``source-declarative-manifest``
run the manifest with the CDK's own fixed windows (``source-sms manifest`` names no Python class, so
the Builder can import it); only ``SourceSms`` installs this cursor, through ``FollowingWindowsFactory``.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any, Iterable, Mapping, Optional, Tuple

from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.models.declarative_component_schema import DatetimeBasedCursor as DatetimeBasedCursorModel
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.streams.concurrent.default_stream import DefaultStream
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.streams.concurrent.partitions.partition_generator import PartitionGenerator
from airbyte_cdk.sources.types import Record, StreamSlice

PAGES_PER_WINDOW = 10
GROWTH = 16
MIN_WINDOW = datetime.timedelta(hours=1)
# How often a window waiting for the last one checks that the sync is still running at all.
_POLL_SECONDS = 1.0


class _Window:
    """One window in flight: records seen so far, and whether its read ended (and how)."""

    __slots__ = ("records", "finished", "succeeded")

    def __init__(self) -> None:
        self.records = 0
        self.finished = threading.Event()
        self.succeeded = False


class FollowingWindowsCursor(ConcurrentCursor):
    """A ``ConcurrentCursor`` whose windows are cut one at a time, each sized from the last one read."""

    target_records: int = 0  # set by the factory from the stream's page size; 0 = fixed windows

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._follow()

    def _follow(self) -> None:
        # Windows in flight by (start, end). Only the thread cutting windows adds and removes them;
        # readers only look one up, which the GIL keeps atomic, so no lock.
        self._windows: dict[Tuple[Any, Any], _Window] = {}

    def copy_without_state(self) -> "ConcurrentCursor":
        copy = super().copy_without_state()
        copy.target_records = self.target_records  # type: ignore[attr-defined]
        return copy

    def _key(self, stream_slice: Optional[Mapping[str, Any]]) -> Tuple[Any, Any]:
        start_field, end_field = self._slice_boundary_fields_wrapper
        return (stream_slice or {}).get(start_field), (stream_slice or {}).get(end_field)

    def observe(self, record: Record) -> None:
        super().observe(record)
        window = self._windows.get(self._key(record.associated_slice))
        if window is not None:
            window.records += 1

    def close_partition(self, partition: Partition) -> None:
        super().close_partition(partition)
        window = self._windows.get(self._key(partition.to_slice()))
        if window is not None:
            window.succeeded = True
            window.finished.set()

    def window_failed(self, stream_slice: Optional[Mapping[str, Any]]) -> None:
        """The window's read raised or was abandoned: no further window is cut (the sync reports the error)."""
        window = self._windows.get(self._key(stream_slice))
        if window is not None:
            window.finished.set()

    def _split_per_slice_range(self, lower: Any, upper: Any, upper_is_end: bool) -> Iterable[StreamSlice]:
        # Gaps between saved slices (a sync that failed part-way) keep the CDK's fixed windows.
        if not upper_is_end or not self.target_records or not self._slice_range:
            yield from super()._split_per_slice_range(lower, upper, upper_is_end)
            return
        if lower > upper or (lower == upper and not self._cursor_granularity):
            return
        if self._start and upper < self._start:
            return
        lower = max(lower, self._start) if self._start else lower
        if lower > upper or (lower == upper and self._is_compare_strictly):
            return
        length = self._slice_range
        while True:
            window_end = min(self._evaluate_upper_safely(lower, length), upper)
            last = window_end >= upper
            # As the CDK cuts them: windows meet at a granularity, the last one ends at `upper` itself.
            end_value = window_end if last or not self._cursor_granularity else window_end - self._cursor_granularity
            stream_slice = StreamSlice(partition={}, cursor_slice={
                self._slice_boundary_fields_wrapper[self._START_BOUNDARY]: self._connector_state_converter.output_format(lower),
                self._slice_boundary_fields_wrapper[self._END_BOUNDARY]: self._connector_state_converter.output_format(end_value),
            })
            window = _Window()
            self._windows[self._key(stream_slice)] = window
            yield stream_slice
            if last:
                return
            # The CDK asks for the next window once this one is queued: wait until it has been read.
            while not window.finished.wait(_POLL_SECONDS):
                if not threading.main_thread().is_alive():
                    return
            self._windows.pop(self._key(stream_slice), None)
            if not window.succeeded:
                return
            length = next_length(window_end - lower, window.records, self.target_records, self._slice_range)
            lower = window_end


def next_length(length: datetime.timedelta, records: int, target_records: int, step: datetime.timedelta) -> datetime.timedelta:
    """The next window: about `target_records` at the last window's rate, at most GROWTH times longer
    and at most GROWTH steps."""
    factor = GROWTH if records == 0 else min(GROWTH, target_records / records)
    try:
        return max(MIN_WINDOW, min(length * factor, step * GROWTH))
    except OverflowError:
        return step


class _ReportingPartition(Partition):
    """A window's partition that tells the cursor when its read failed, so no later window waits on it."""

    def __init__(self, partition: Partition, cursor: FollowingWindowsCursor) -> None:
        self._partition = partition
        self._cursor = cursor

    def read(self) -> Iterable[Record]:
        try:
            yield from self._partition.read()
        except BaseException:  # an error, or GeneratorExit when the reader stops early
            self._cursor.window_failed(self._partition.to_slice())
            raise

    def to_slice(self) -> Optional[Mapping[str, Any]]:
        return self._partition.to_slice()

    def stream_name(self) -> str:
        return self._partition.stream_name()

    def __hash__(self) -> int:
        return hash(self._partition)

    def __eq__(self, other: object) -> bool:
        return self is other


class _ReportingPartitions(PartitionGenerator):
    def __init__(self, generator: PartitionGenerator, cursor: FollowingWindowsCursor) -> None:
        self._generator = generator
        self._cursor = cursor

    def generate(self) -> Iterable[Partition]:
        for partition in self._generator.generate():
            yield _ReportingPartition(partition, self._cursor)


class FollowingWindowsFactory(ModelToComponentFactory):
    """The CDK's factory, building each dated stream's cursor as a ``FollowingWindowsCursor``.

    Installed on a built source (``install``): the CDK's ``ConcurrentDeclarativeSource`` makes its
    own factory and takes none from outside.
    """

    follow_windows = True

    @classmethod
    def install(cls, factory: ModelToComponentFactory, follow_windows: bool) -> None:
        factory.__class__ = cls
        factory.follow_windows = follow_windows  # type: ignore[attr-defined]
        factory._init_mappings()  # the model-to-constructor table holds bound methods of the old class

    def create_concurrent_cursor_from_datetime_based_cursor(self, *args: Any, **kwargs: Any) -> ConcurrentCursor:
        cursor = super().create_concurrent_cursor_from_datetime_based_cursor(*args, **kwargs)
        if type(cursor) is ConcurrentCursor and self.follow_windows and kwargs.get("model_type", args[0] if args else None) is DatetimeBasedCursorModel:
            cursor.__class__ = FollowingWindowsCursor
            cursor._follow()  # type: ignore[attr-defined]
        return cursor

    def create_default_stream(self, model: Any, config: Mapping[str, Any], is_parent: bool = False, **kwargs: Any) -> Any:
        stream = super().create_default_stream(model, config, is_parent=is_parent, **kwargs)
        cursor = getattr(stream, "cursor", None)
        if isinstance(stream, DefaultStream) and isinstance(cursor, FollowingWindowsCursor):
            page = _page_size(model, config)
            if page and not is_parent:
                cursor.target_records = PAGES_PER_WINDOW * page
                stream._stream_partition_generator = _ReportingPartitions(stream._stream_partition_generator, cursor)
        return stream


def _page_size(model: Any, config: Mapping[str, Any]) -> int:
    """The records of one full page: the stream's paginator page_size (0 where it has none)."""
    strategy = getattr(getattr(getattr(model, "retriever", None), "paginator", None), "pagination_strategy", None)
    value = getattr(strategy, "page_size", None)
    if isinstance(value, str):
        value = InterpolatedString.create(value, parameters={}).eval(config)
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0
