"""Sinch MessageMedia streams against mocked HTTP: exact paths, query parameters and report bodies."""

from __future__ import annotations

import base64
import json
import logging

import freezegun
from airbyte_cdk.models import Status, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from airbyte_cdk.test.state_builder import StateBuilder

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET, catalog, discover_streams, read_stream, record_data, response_body, response_json

BASE = "https://api.messagemedia.com"
API_KEY = "mm-test-key-5d1e9c3a7b"
BASIC = "Basic " + base64.b64encode(f"{API_KEY}:{SENTINEL_SECRET}".encode()).decode()
HEADERS = {"Authorization": BASIC, "Accept": "application/json"}
DETAIL = f"{BASE}/v2-preview/reporting/messages/detail"
SENDERS = f"{BASE}/v1/messaging/numbers/sender_address/addresses"
ASSIGNED = f"{BASE}/v1/messaging/numbers/dedicated/assignments"
CONTACTS = f"{BASE}/api/v1/contacts/contacts"
LISTS = f"{BASE}/api/v1/contacts/lists"
NOW = "2026-01-15T12:00:00Z"


def config(start_date: str | None = "2026-01-01T00:00:00Z", **provider):
    result = {"provider": {"name": "messagemedia", "api_key": API_KEY, "api_secret": SENTINEL_SECRET, **provider}}
    if start_date:
        result["start_date"] = start_date
    return result


def report_body(start: str, end: str, page: int | None = None) -> dict:
    body = {"start_date": start, "end_date": end, "direction": "all", "timezone": "UTC", "page_size": 100}
    if page is not None:
        body["page"] = page
    return body


def report_page(count: int, start: int = 0, page: int = 0, has_next: bool = False, day: str = "2026-01-02") -> str:
    rows = [{"message_id": f"00000000-0000-4000-8000-{start + i:012d}", "timestamp": f"{day}T10:{(start + i) // 60 % 60:02d}:{(start + i) % 60:02d}",
             "direction": "outbound", "status": "delivered", "content": "hi"} for i in range(count)]
    return json.dumps({"messages": rows, "pagination": {"page": page, "page_size": 100, "has_next": has_next}})


EMPTY_REPORT = json.dumps({"messages": [], "pagination": {"page": 0, "page_size": 100, "has_next": False}})
# 2026-01-01 .. 2026-01-15 12:00, millisecond precision, no overlap and no gap. The first window is the
# manifest's 7 days; a first window with fewer than 1000 records (10 pages of 100) makes the next one
# 16 times as long (112 days), so it runs to now (source_sms/windows.py).
WINDOWS = [("2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z"),
           ("2026-01-08T00:00:00.000Z", "2026-01-15T12:00:00.000Z")]
# The manifest's fixed 7-day windows over the same range, as the CDK cuts them (config concurrency 1).
FIXED_WINDOWS = [("2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z"),
                 ("2026-01-08T00:00:00.000Z", "2026-01-14T23:59:59.999Z"),
                 ("2026-01-15T00:00:00.000Z", "2026-01-15T12:00:00.000Z")]


def mock_windows(http_mocker: HttpMocker, first_window_body: str = EMPTY_REPORT, windows=WINDOWS) -> None:
    for index, (start, end) in enumerate(windows):
        http_mocker.post(HttpRequest(DETAIL, headers=HEADERS, body=report_body(start, end)),
                         HttpResponse(first_window_body if index == 0 else EMPTY_REPORT))


@freezegun.freeze_time(NOW)
class TestMessages:
    def test_the_detail_report_is_walked_window_by_window_with_every_field_kept(self, http_mocker: HttpMocker) -> None:
        mock_windows(http_mocker, response_body("messagemedia", "detail_report"))

        output = read_stream(config(), "messages")

        records = record_data(output)
        assert [r["direction"] for r in records] == ["outbound", "inbound"]
        assert records[0]["provider"] == "messagemedia"
        assert records[0]["content"] == "Your appointment is confirmed for tomorrow at 10:30 🎉 Grüße"
        assert records[0]["carrierOnlyField"] == "kept", "provider fields must never be dropped"
        assert records[1]["metadata"] == {"order": "10442"} and records[0]["metadata"] == [{"key": "campaign", "value": "spring"}]
        assert not output.errors

    def test_pages_follow_has_next_with_the_largest_page_size(self, http_mocker: HttpMocker) -> None:
        start, end = WINDOWS[0]
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end)), HttpResponse(report_page(100, has_next=True)))
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end, page=1)), HttpResponse(report_page(100, 100, page=1, has_next=True)))
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end, page=2)), HttpResponse(report_page(100, 200, page=2)))
        mock_windows(http_mocker, windows=WINDOWS[1:])

        records = record_data(read_stream(config(), "messages"))

        assert len(records) == 300
        assert len({r["message_id"] for r in records}) == 300

    def test_an_empty_account_gives_no_records_and_no_error(self, http_mocker: HttpMocker) -> None:
        mock_windows(http_mocker)

        output = read_stream(config(), "messages")

        assert output.records == []
        assert not output.errors

    def test_report_window_days_sets_the_window(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(HttpRequest(DETAIL, body=report_body("2026-01-01T00:00:00.000Z", "2026-01-15T12:00:00.000Z")), HttpResponse(EMPTY_REPORT))

        output = read_stream(config(report_window_days=31), "messages")

        assert not output.errors

    def test_incremental_state_round_trips_and_the_next_sync_starts_a_lookback_day_before_it(self, http_mocker: HttpMocker) -> None:
        mock_windows(http_mocker, response_body("messagemedia", "detail_report"))
        configured = catalog("messages", sync_mode=SyncMode.incremental)
        first = read(SourceSms(catalog=configured, config=config(), state=None), config(), configured)
        state = first.most_recent_state.stream_state.__dict__
        assert state == {"timestamp": "2026-01-03T18:02:11.000Z"}

        http_mocker.clear_all_matchers()
        # State 2026-01-03T18:02:11.000Z minus the default 1-day lookback: a first 7-day window, empty,
        # so the next one is 16 times as long and runs to now.
        for start, end in [("2026-01-02T18:02:11.000Z", "2026-01-09T18:02:10.999Z"), ("2026-01-09T18:02:11.000Z", "2026-01-15T12:00:00.000Z")]:
            http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end)), HttpResponse(EMPTY_REPORT))
        incoming = StateBuilder().with_stream_state("messages", state).build()
        second = read(SourceSms(catalog=configured, config=config(), state=incoming), config(), configured, incoming)

        assert second.records == []
        assert not second.errors

    def test_a_fractional_start_date_is_refused_before_any_request(self, http_mocker: HttpMocker) -> None:
        # start_date carries the pattern the Airbyte UI's date picker writes (whole seconds, Z), an
        # acceptance rule (docs/acceptance-rules.md); no request is mocked, so none may be sent.
        output = read_stream(config(start_date="2026-01-01T00:00:00.25Z"), "messages", expecting_exception=True)

        assert not output.records
        error = output.errors[0].trace.error
        assert error.failure_type.value == "config_error"
        assert "2026-01-01T00:00:00.25Z" in error.message

    def test_a_rejected_key_ends_the_read_with_a_config_error_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        # The first window fails, so no later window is cut (each is sized from the one before it).
        start, end = WINDOWS[0]
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end)), HttpResponse(json.dumps({"message": "Unauthenticated"}), 401))

        output = read_stream(config(), "messages", expecting_exception=True)

        messages = [error.trace.error.message for error in output.errors]
        stream_error = next(m for m in messages if "Sinch MessageMedia rejected the credentials (HTTP 401)" in m)
        assert "provider.api_secret" in stream_error
        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert SENTINEL_SECRET not in json.dumps(messages)


# Far enough from the start date for three windows of an empty history: 7 days, 16 x 7 = 112 days, the rest.
FOLLOWING_NOW = "2026-06-15T12:00:00Z"


def sent_windows(http_mocker: HttpMocker) -> list[tuple]:
    """(start_date, end_date, page) of each detail-report request, in the order they were sent."""
    bodies = [json.loads(request.body) for request in http_mocker._mocker.request_history if request.path == "/v2-preview/reporting/messages/detail"]
    return [(body["start_date"], body["end_date"], body.get("page")) for body in bodies]


@freezegun.freeze_time(FOLLOWING_NOW)
class TestFollowingWindows:
    """Each window is cut after the one before it is read, sized from what it held (source_sms/windows.py):
    the first is the manifest's 7 days; the next holds about 10 pages (1000 records) at the last one's
    rate, at most 16 times as long and at most 16 steps (112 days); the last ends at now. Windows meet
    a millisecond apart."""

    def test_an_empty_history_is_read_in_windows_growing_16_fold(self, http_mocker: HttpMocker) -> None:
        windows = [("2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z"),  # 7 days, the manifest's step
                   ("2026-01-08T00:00:00.000Z", "2026-04-29T23:59:59.999Z"),  # 112 days: the first was empty
                   ("2026-04-30T00:00:00.000Z", "2026-06-15T12:00:00.000Z")]  # the next (112 days again) passes now: to now
        mock_windows(http_mocker, windows=windows)

        output = read_stream(config(), "messages")

        assert output.records == [] and not output.errors
        assert sent_windows(http_mocker) == [(start, end, None) for start, end in windows]

    @freezegun.freeze_time("2026-03-01T00:00:00Z")
    def test_a_dense_window_makes_the_next_one_hold_about_ten_pages_at_its_rate(self, http_mocker: HttpMocker) -> None:
        start, end = "2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z"
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end)), HttpResponse(report_page(100, has_next=True)))
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end, page=1)), HttpResponse(report_page(100, 100, page=1, has_next=True)))
        http_mocker.post(HttpRequest(DETAIL, body=report_body(start, end, page=2)), HttpResponse(report_page(100, 200, page=2)))
        # 300 records in 7 days: 1000 records take 7 d x 1000 / 300 = 23 d 8 h, from 2026-01-08T00:00.
        dense_next = ("2026-01-08T00:00:00.000Z", "2026-01-31T07:59:59.999Z")
        # That one is empty: 16 x 23 d 8 h (capped at 112 days) passes now, so the last window runs to now.
        last = ("2026-01-31T08:00:00.000Z", "2026-03-01T00:00:00.000Z")
        mock_windows(http_mocker, windows=[dense_next, last])

        output = read_stream(config(), "messages")

        assert len({r["message_id"] for r in record_data(output)}) == 300 and not output.errors
        assert sent_windows(http_mocker) == [(start, end, None), (start, end, 1), (start, end, 2), (*dense_next, None), (*last, None)]

    @freezegun.freeze_time("2026-09-01T00:00:00Z")
    def test_an_empty_window_grows_to_at_most_16_steps(self, http_mocker: HttpMocker) -> None:
        windows = [("2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z"),  # 7 days
                   ("2026-01-08T00:00:00.000Z", "2026-04-29T23:59:59.999Z"),  # 16 x 7 = 112 days
                   ("2026-04-30T00:00:00.000Z", "2026-08-19T23:59:59.999Z"),  # 16 x 112 days, capped at 16 x 7 = 112
                   ("2026-08-20T00:00:00.000Z", "2026-09-01T00:00:00.000Z")]  # the rest, to now
        mock_windows(http_mocker, windows=windows)

        output = read_stream(config(), "messages")

        assert output.records == [] and not output.errors
        assert sent_windows(http_mocker) == [(start, end, None) for start, end in windows]

    def test_a_failed_window_stops_the_read_and_the_state_is_that_of_the_last_window_that_closed(self, http_mocker: HttpMocker) -> None:
        first = ("2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z")
        failing = ("2026-01-08T00:00:00.000Z", "2026-04-29T23:59:59.999Z")  # 2 records in the first: 16 x 7 days
        http_mocker.post(HttpRequest(DETAIL, body=report_body(*first)), HttpResponse(response_body("messagemedia", "detail_report")))
        # A 400 is fatal (the error handler retries only 408, 429 and 5xx). Nothing answers for the window
        # after it (2026-04-30 .. now): it must never be requested.
        http_mocker.post(HttpRequest(DETAIL, body=report_body(*failing)), HttpResponse(json.dumps({"message": "Invalid request"}), 400))
        configured = catalog("messages", sync_mode=SyncMode.incremental)

        output = read(SourceSms(catalog=configured, config=config(), state=None), config(), configured, expecting_exception=True)

        assert sent_windows(http_mocker) == [(*first, None), (*failing, None)]
        assert len(output.records) == 2
        assert any("HTTP Status Code: 400" in error.trace.error.message for error in output.errors)
        assert any("did not sync successfully: messages" in error.trace.error.message for error in output.errors)
        # The newest record of the first window; no state claims any part of the failed window or beyond.
        states = [message.state.stream.stream_state.__dict__ for message in output.state_messages]
        assert states and all(state == {"timestamp": "2026-01-03T18:02:11.000Z"} for state in states), states

    @freezegun.freeze_time(NOW)
    def test_with_concurrency_1_the_manifests_fixed_7_day_windows_are_kept(self, http_mocker: HttpMocker) -> None:
        mock_windows(http_mocker, windows=FIXED_WINDOWS)  # all empty: none grows, each is requested
        cfg = {**config(), "concurrency": 1}

        output = read_stream(cfg, "messages")

        assert output.records == [] and not output.errors
        assert sent_windows(http_mocker) == [(start, end, None) for start, end in FIXED_WINDOWS]


class TestMessageStatuses:
    def test_reads_the_status_of_each_configured_id(self, http_mocker: HttpMocker) -> None:
        body = response_body("messagemedia", "message_status")
        for message_id in ("id-1", "id-2"):
            http_mocker.get(HttpRequest(f"{BASE}/v1/messages/{message_id}", headers=HEADERS),
                            HttpResponse(body.replace("04fe9a97-a579-43c5-bb1a-58ed29bf0a6a", message_id)))

        records = sorted(record_data(read_stream(config(message_ids=["id-1", "id-2"]), "message_statuses")), key=lambda r: r["message_id"])

        assert [r["message_id"] for r in records] == ["id-1", "id-2"]
        assert records[0]["provider"] == "messagemedia"
        assert records[0]["content"] == "Your code is 123456 ✅"
        assert records[0]["networkOnlyField"] == "kept"

    def test_an_expired_id_is_skipped_with_a_log_line_not_a_failed_sync(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/v1/messages/old-id"), HttpResponse(json.dumps({"message": "Not found"}), 404))
        http_mocker.get(HttpRequest(f"{BASE}/v1/messages/new-id"), HttpResponse(response_body("messagemedia", "message_status")))

        output = read_stream(config(message_ids=["old-id", "new-id"]), "message_statuses")

        assert len(output.records) == 1
        assert not output.errors
        assert output.is_in_logs("Skipped .*old-id.*45 days")

    def test_no_configured_ids_means_no_records_and_no_requests(self) -> None:
        with HttpMocker():
            output = read_stream(config(), "message_statuses")
        assert output.records == []
        assert not output.errors


class TestSenderIds:
    def test_pages_by_next_token(self, http_mocker: HttpMocker) -> None:
        first = response_json("messagemedia", "sender_addresses")
        http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100"}, headers=HEADERS), HttpResponse(json.dumps(first)))
        last = {"data": [{**first["data"][0], "id": "11111111-2222-4333-8444-555555555555", "sender_address": "LASTPAGE"}], "pagination": {"page_size": 100}}
        http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100", "token": first["pagination"]["next_token"]}, headers=HEADERS),
                        HttpResponse(json.dumps(last)))

        records = record_data(read_stream(config(), "sender_ids"))

        assert [r["sender_address"] for r in records] == ["EXAMPLE1", "61491570156", "LASTPAGE"]
        assert records[1]["display_status"] == "APPROVED"
        assert {r["provider"] for r in records} == {"messagemedia"}

    def test_an_empty_account(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100"}), HttpResponse(json.dumps({"data": [], "pagination": {"page_size": 100}})))

        output = read_stream(config(), "sender_ids")

        assert output.records == []
        assert not output.errors

    def test_the_sub_account_header_and_region_host_are_used(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest("https://eu.app.api.sinch.com/v1/messaging/numbers/sender_address/addresses",
                                    query_params={"page_size": "100"}, headers={**HEADERS, "Account": "SubAccount1"}),
                        HttpResponse(json.dumps({"data": [], "pagination": {}})))

        output = read_stream(config(region="eu.app.api.sinch.com", account_id="SubAccount1"), "sender_ids")

        assert not output.errors

    def test_no_account_header_is_sent_without_a_sub_account(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100"}), HttpResponse(json.dumps({"data": [], "pagination": {}})))

        read_stream(config(), "sender_ids")

        sent = http_mocker._mocker.request_history
        assert sent and all("Account" not in request.headers for request in sent)


class TestPhoneNumbers:
    def test_one_record_per_assignment_with_number_id_and_phone_number_lifted_as_strings(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(ASSIGNED, query_params={"page_size": "100"}, headers=HEADERS),
                        HttpResponse(response_body("messagemedia", "assigned_numbers")))

        records = record_data(read_stream(config(), "phone_numbers"))

        assert records[0]["number_id"] == "03cf54ad-a4a3-4cd1-afd5-e0ca2cf158a3"
        assert records[0]["phone_number"] == "+61436489205", "a string in the core + and digits form"
        assert records[0]["number"]["capabilities"] == ["SMS"] and records[0]["assignment"]["label"] == "LabelTest0"
        assert records[1]["number_id"] == "1d9e2f3a-2222-4cd1-afd5-e0ca2cf158a3", "falls back to assignment.number_id"
        assert "phone_number" not in records[1], "a missing number is left out, never the text 'None'"

    def test_pages_by_next_token(self, http_mocker: HttpMocker) -> None:
        page = response_json("messagemedia", "assigned_numbers")
        http_mocker.get(HttpRequest(ASSIGNED, query_params={"page_size": "100"}),
                        HttpResponse(json.dumps({**page, "pagination": {"page_size": 100, "next_token": "0428d673-0f75-4063-9493-e89d75f13438"}})))
        http_mocker.get(HttpRequest(ASSIGNED, query_params={"page_size": "100", "token": "0428d673-0f75-4063-9493-e89d75f13438"}),
                        HttpResponse(json.dumps({"data": [], "pagination": {"page_size": 100, "next_token": None}})))

        assert len(read_stream(config(), "phone_numbers").records) == 2


class TestContacts:
    def test_pages_by_next_page_token_with_the_largest_page_size(self, http_mocker: HttpMocker) -> None:
        first = response_json("messagemedia", "contacts")
        http_mocker.get(HttpRequest(CONTACTS, query_params={"pageSize": "1000"}, headers=HEADERS), HttpResponse(json.dumps(first)))
        second = {"content": [{**first["content"][0], "id": "aaaaaaaa-5717-4562-b3fc-2c963f66afa6", "firstName": "Ava"}],
                  "prevPageToken": "cHJldg", "totalElements": 2}
        http_mocker.get(HttpRequest(CONTACTS, query_params={"pageSize": "1000", "nextPageToken": first["nextPageToken"]}, headers=HEADERS),
                        HttpResponse(json.dumps(second)))

        records = record_data(read_stream(config(), "contacts"))

        assert [r["firstName"] for r in records] == ["Zoë", "Ava"]
        assert records[0]["lists"] == [{"id": "6b1f0e2d-3c4a-4b5e-9f60-718293a4b5c6", "name": "VIP customers"}]
        assert records[0]["provider"] == "messagemedia"

    def test_an_account_without_the_contacts_product_is_a_403_that_says_so(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(CONTACTS, query_params={"pageSize": "1000"}),
                        HttpResponse(json.dumps({"uuid": "x", "type": "forbidden", "title": "Forbidden", "detail": "Disabled feature"}), 403))

        output = read_stream(config(), "contacts")

        assert output.records == [] and not output.errors
        assert any(m.log.level.name == "WARN" and "refused access (HTTP 403)" in m.log.message and "the Contacts API" in m.log.message
                   for m in output.logs)


class TestContactLists:
    def test_one_record_per_list(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(LISTS, query_params={"pageSize": "1000"}, headers=HEADERS), HttpResponse(response_body("messagemedia", "contact_lists")))

        records = record_data(read_stream(config(), "contact_lists"))

        assert [r["name"] for r in records] == ["VIP customers", "Café regulars ☕"]

    def test_an_empty_account(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(LISTS, query_params={"pageSize": "1000"}), HttpResponse(json.dumps({"content": [], "totalElements": 0})))

        assert read_stream(config(), "contact_lists").records == []


class TestCheckAndCatalog:
    def test_check_is_one_authenticated_sender_ids_call(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100"}, headers=HEADERS), HttpResponse(response_body("messagemedia", "sender_addresses")))

        status = SourceSms(config=config()).check(logging.getLogger("test"), config())

        assert status.status == Status.SUCCEEDED

    def test_check_with_a_rejected_key_names_the_provider_status_and_fields(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100"}), HttpResponse(json.dumps({"message": "Unauthenticated"}), 401))

        status = SourceSms(config=config()).check(logging.getLogger("test"), config())

        assert status.status == Status.FAILED
        assert "Sinch MessageMedia rejected the credentials (HTTP 401)" in status.message
        assert "provider.api_key" in status.message and SENTINEL_SECRET not in status.message

    def test_discover_lists_the_streams_with_keys_and_messages_incremental(self) -> None:
        streams = discover_streams(config())

        assert set(streams) == {"messages", "message_statuses", "sender_ids", "phone_numbers", "contacts", "contact_lists"}
        assert all(s.source_defined_primary_key[0] == ["provider"] for s in streams.values())
        assert SyncMode.incremental in streams["messages"].supported_sync_modes
        assert streams["messages"].default_cursor_field == ["timestamp"]


@freezegun.freeze_time(NOW)
def test_a_full_read_of_every_stream_makes_no_write(http_mocker: HttpMocker) -> None:
    """Only GETs and the detail-report POST-search; never a send, cancel or queue confirmation."""
    mock_windows(http_mocker, response_body("messagemedia", "detail_report"))
    http_mocker.get(HttpRequest(f"{BASE}/v1/messages/id-1"), HttpResponse(response_body("messagemedia", "message_status")))
    http_mocker.get(HttpRequest(SENDERS, query_params={"page_size": "100"}), HttpResponse(json.dumps({"data": [], "pagination": {}})))
    http_mocker.get(HttpRequest(ASSIGNED, query_params={"page_size": "100"}), HttpResponse(response_body("messagemedia", "assigned_numbers")))
    http_mocker.get(HttpRequest(CONTACTS, query_params={"pageSize": "1000"}), HttpResponse(json.dumps({"content": [], "totalElements": 0})))
    http_mocker.get(HttpRequest(LISTS, query_params={"pageSize": "1000"}), HttpResponse(response_body("messagemedia", "contact_lists")))
    cfg = config(message_ids=["id-1"])
    configured = catalog("messages", "message_statuses", "sender_ids", "phone_numbers", "contacts", "contact_lists")

    output = read(SourceSms(catalog=configured, config=cfg, state=None), cfg, configured)

    assert not output.errors
    sent = [(r.method, r.path) for r in http_mocker._mocker.request_history]
    assert {m for m, _ in sent} <= {"GET", "POST"}
    assert {p for m, p in sent if m == "POST"} == {"/v2-preview/reporting/messages/detail"}
    assert not any("confirmed" in p or p.startswith(("/v1/replies", "/v1/delivery_reports")) for _, p in sent)
