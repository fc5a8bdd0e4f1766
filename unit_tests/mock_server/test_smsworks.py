"""The SMS Works streams against mocked HTTP: exact paths, headers and POST-search bodies, canned responses."""

from __future__ import annotations

import json
import logging

import pytest
from airbyte_cdk.models import Status
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from freezegun import freeze_time

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET, catalog, read_incremental, read_stream, record_data, response_body, response_json

BASE = "https://api.thesmsworks.co.uk/v1"
HEADERS = {"Authorization": f"JWT {SENTINEL_SECRET}"}
NOW = "2026-11-20T12:00:00Z"
START = "2026-11-01T00:00:00Z"
# One 30-day window: from the start date to the frozen now.
WINDOW = {"from": START, "to": NOW}


def config(token: str = SENTINEL_SECRET, **provider):
    return {"provider": {"name": "smsworks", "jwt_token": token, **provider}, "start_date": START}


def search(body: dict, path: str = "/messages") -> HttpRequest:
    return HttpRequest(f"{BASE}{path}", headers=HEADERS, body=body)


def page(count: int, start: int = 0, status: str = "DELIVERED", batch=None) -> str:
    return json.dumps([{"messageid": f"m{start + i:06d}", "status": status, "content": "hi", "sender": "YourCompany",
                        "destination": 447700900000 + start + i, "created": "Tue Nov 10 2026 10:00:00 GMT+0000 (GMT)",
                        "modified": "Tue Nov 10 2026 10:00:05 GMT+0000 (GMT)", "schedule": "", "tag": None,
                        "customerid": "c", **({"batchid": batch} if batch else {})} for i in range(count)])


@freeze_time(NOW)
class TestMessages:
    def test_fields_are_kept_and_every_date_is_normalised_to_iso_utc(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(response_body("smsworks", "messages")))

        records = record_data(read_stream(config(), "messages"))

        first, failed = records
        assert first["provider"] == "smsworks"
        assert first["created"] == "Wed Jul 19 2017 20:53:46 GMT+0100 (BST)", "the original string is kept"
        assert first["created_at"] == "2017-07-19T19:53:46Z", "BST (+0100) is converted to UTC"
        assert first["modified_at"] == "2017-07-19T19:53:49Z", "ISO strings are normalised too"
        assert first["scheduled_at"] == "2017-07-19T19:53:45Z"
        assert first["destination"] == 447777777777
        assert first["content"] == "Your appointment is confirmed 🎉 Grüße"
        assert first["networkOnlyField"] == "kept", "provider fields must never be dropped"
        assert failed["created_at"] == "2017-12-05T09:00:00Z"
        assert "scheduled_at" not in failed, "an empty schedule is null (the CDK omits nulls)"
        assert failed["failurereason"] == {"code": 34, "details": "Handset error", "permanent": False}

    def test_pages_through_with_skip_and_limit_1000_in_the_body(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(page(1000)))
        http_mocker.post(search({**WINDOW, "skip": 1000, "limit": 1000}), HttpResponse(page(1000, start=1000)))
        http_mocker.post(search({**WINDOW, "skip": 2000, "limit": 1000}), HttpResponse(page(3, start=2000)))

        records = record_data(read_stream(config(), "messages"))

        assert len(records) == 2003
        assert len({r["messageid"] for r in records}) == 2003

    def test_incoming_messages_are_left_to_their_own_stream_without_ending_the_paging(self, http_mocker: HttpMocker) -> None:
        mixed = json.loads(page(990)) + json.loads(page(10, start=990, status="INCOMING"))
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(json.dumps(mixed)))
        http_mocker.post(search({**WINDOW, "skip": 1000, "limit": 1000}), HttpResponse(page(2, start=1000)))

        records = record_data(read_stream(config(), "messages"))

        assert len(records) == 992
        assert all(r["status"] != "INCOMING" for r in records)

    def test_an_empty_account_gives_no_records(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse("[]"))

        output = read_stream(config(), "messages")

        assert output.records == []
        assert not output.errors

    def test_the_history_is_read_from_the_start_date_in_a_30_day_window_then_windows_grown_from_it(self, http_mocker: HttpMocker) -> None:
        # A first window of the manifest's 30 days; one record in a window (far under 10 pages of 1000)
        # makes the next one 16 times as long: 480 days, then the rest to now. They meet a second apart.
        cfg = {**config(), "start_date": "2025-01-01T00:00:00Z"}
        windows = [("2025-01-01T00:00:00Z", "2025-01-30T23:59:59Z"), ("2025-01-31T00:00:00Z", "2026-05-25T23:59:59Z"),
                   ("2026-05-26T00:00:00Z", NOW)]
        for start, end in windows:
            http_mocker.post(search({"from": start, "to": end, "skip": 0, "limit": 1000}), HttpResponse(page(1)))

        assert len(read_stream(cfg, "messages").records) == 3
        assert [(r.json()["from"], r.json()["to"]) for r in http_mocker._mocker.request_history] == windows

    def test_incremental_state_is_the_latest_created_at_and_the_next_sync_starts_there_minus_the_lookback(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(page(2)))

        first = read_incremental(config(), "messages")

        state = first.most_recent_state.stream_state.__dict__
        assert state == {"created_at": "2026-11-10T10:00:00Z"}

        http_mocker.post(search({"from": "2026-11-07T10:00:00Z", "to": NOW, "skip": 0, "limit": 1000}), HttpResponse("[]"))
        second = read_incremental(config(), "messages", state)

        assert second.records == []
        assert not second.errors
        assert second.most_recent_state.stream_state.__dict__["created_at"] >= "2026-11-10T10:00:00Z"

    def test_the_lookback_is_configurable(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({"from": "2026-11-10T10:00:00Z", "to": NOW, "skip": 0, "limit": 1000}), HttpResponse("[]"))

        output = read_incremental(config(lookback_days=0), "messages", {"created_at": "2026-11-10T10:00:00Z"})

        assert not output.errors

    def test_a_rejected_token_ends_the_read_with_a_config_error_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(json.dumps({"message": "Unauthorized"}), 401))

        output = read_stream(config(), "messages", expecting_exception=True)

        messages = [error.trace.error.message for error in output.errors]
        stream_error = next(m for m in messages if "The SMS Works rejected the credentials (HTTP 401)" in m)
        assert "provider.jwt_token" in stream_error
        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert SENTINEL_SECRET not in json.dumps(messages)


class TestCheck:
    def check(self):
        return SourceSms(config=config()).check(logging.getLogger("test"), config())

    def test_check_is_one_authenticated_balance_call(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/credits/balance", headers=HEADERS), HttpResponse(response_body("smsworks", "credits")))

        assert self.check().status == Status.SUCCEEDED

    def test_a_rejected_token_is_a_failed_status_naming_provider_status_and_fix(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/credits/balance"), HttpResponse(json.dumps({"message": "Unauthorized"}), 401))

        status = self.check()

        assert status.status == Status.FAILED
        assert "The SMS Works rejected the credentials (HTTP 401)" in status.message
        assert "provider.jwt_token" in status.message
        assert SENTINEL_SECRET not in status.message


@freeze_time(NOW)
class TestAuthorization:
    @pytest.mark.parametrize("token", [SENTINEL_SECRET, f"JWT {SENTINEL_SECRET}", f"jwt  {SENTINEL_SECRET} "])
    def test_the_token_is_sent_as_jwt_with_or_without_its_prefix(self, http_mocker: HttpMocker, token: str) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/credits/balance", headers=HEADERS), HttpResponse(response_body("smsworks", "credits")))

        assert len(read_stream(config(token), "credits").records) == 1

    def test_a_custom_base_url_is_used(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest("https://proxy.example.com/smsworks/v1/utils/test", headers=HEADERS),
                        HttpResponse(response_body("smsworks", "utils_test")))

        assert len(read_stream(config(base_url="https://proxy.example.com/smsworks/v1"), "account").records) == 1


@freeze_time(NOW)
class TestInboundMessages:
    def test_the_search_asks_for_incoming_messages_read_or_unread(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({"status": "INCOMING", **WINDOW, "skip": 0, "limit": 1000}), HttpResponse(response_body("smsworks", "inbound")))

        records = record_data(read_stream(config(), "inbound_messages"))

        assert [r["keyword"] for r in records] == ["STOP"]
        assert records[0]["created_at"] == "2026-11-19T18:04:10Z"
        assert records[0]["provider"] == "smsworks"

    def test_pages_through(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({"status": "INCOMING", **WINDOW, "skip": 0, "limit": 1000}), HttpResponse(page(1000, status="INCOMING")))
        http_mocker.post(search({"status": "INCOMING", **WINDOW, "skip": 1000, "limit": 1000}), HttpResponse("[]"))

        assert len(read_stream(config(), "inbound_messages").records) == 1000


@freeze_time(NOW)
class TestBatches:
    def test_batch_members_come_from_one_search_over_the_whole_history_with_no_call_per_batch(self, http_mocker: HttpMocker) -> None:
        """HttpMocker fails on any request not registered: no GET /batch/{id}, no second window."""
        cfg = {**config(), "start_date": "2026-01-01T00:00:00Z"}  # ten months: more than one window for `messages`
        found = (json.loads(page(3, batch="2586749")) + json.loads(page(2, start=3)) + json.loads(page(1, start=5, batch="9999999"))
                 + json.loads(page(1, start=6, status="INCOMING")))
        whole = search({"from": "2026-01-01T00:00:00Z", "to": NOW, "skip": 0, "limit": 1000})
        http_mocker.post(whole, HttpResponse(json.dumps(found)))

        output = read_stream(cfg, "batches")

        records = record_data(output)
        assert [r["messageid"] for r in records] == ["m000000", "m000001", "m000002", "m000005"]
        assert {r["batchid"] for r in records} == {"2586749", "9999999"}
        assert records[0]["created_at"] == "2026-11-10T10:00:00Z"
        assert not output.errors
        http_mocker.assert_number_of_calls(whole, 1)

    def test_pages_through_the_search_with_skip_and_limit_1000(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(page(1000, batch="2586749")))
        http_mocker.post(search({**WINDOW, "skip": 1000, "limit": 1000}), HttpResponse(page(3, start=1000)))

        assert len(read_stream(config(), "batches").records) == 1000

    def test_no_batch_ids_means_no_records(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(page(4)))

        output = read_stream(config(), "batches")

        assert output.records == []
        assert not output.errors


@freeze_time(NOW)
class TestScheduledMessages:
    def test_one_record_per_scheduled_message_with_its_time_normalised(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/messages/schedule", headers=HEADERS), HttpResponse(response_body("smsworks", "scheduled")))

        records = record_data(read_stream(config(), "scheduled_messages"))

        assert [r["id"] for r in records] == ["3200562", "2586749"]
        assert [r["scheduled_at"] for r in records] == ["2026-12-05T10:30:00Z", "2017-07-19T19:26:28Z"]
        assert records[1]["message"]["destinations"] == ["447777777777", "447777777778"]
        assert records[1]["message"]["schedule"] == "Wed Jul 19 2017 20:26:28 GMT+0100 (BST)"

    def test_the_single_object_the_spec_declares_is_read_too(self, http_mocker: HttpMocker) -> None:
        single = response_json("smsworks", "scheduled")[0]
        http_mocker.get(HttpRequest(f"{BASE}/messages/schedule"), HttpResponse(json.dumps(single)))

        assert [r["id"] for r in record_data(read_stream(config(), "scheduled_messages"))] == ["3200562"]

    def test_none_scheduled(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/messages/schedule"), HttpResponse("[]"))

        output = read_stream(config(), "scheduled_messages")

        assert output.records == []
        assert not output.errors


@freeze_time(NOW)
class TestCreditsAndAccount:
    def test_credits_is_one_record_with_the_balance_and_when_it_was_read(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/credits/balance", headers=HEADERS), HttpResponse(response_body("smsworks", "credits")))

        records = record_data(read_stream(config(), "credits"))

        assert records == [{"credits": 180.5, "read_at": NOW, "provider": "smsworks"}]

    def test_account_holds_the_customer_id_parsed_from_the_test_message(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/utils/test", headers=HEADERS), HttpResponse(response_body("smsworks", "utils_test")))

        records = record_data(read_stream(config(), "account"))

        assert records == [{"message": "Your customer ID is 0fca8c3c-6cbc-11e7-8154-a6006ad3dba0",
                            "customerid": "0fca8c3c-6cbc-11e7-8154-a6006ad3dba0", "provider": "smsworks"}]

    def test_a_message_without_a_customer_id_keeps_the_message_and_no_id(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/utils/test"), HttpResponse(json.dumps({"message": "API is up"})))

        records = record_data(read_stream(config(), "account"))

        assert records[0]["message"] == "API is up"
        assert records[0].get("customerid") is None


@freeze_time(NOW)
def test_a_full_read_of_every_stream_calls_only_the_read_endpoints(http_mocker: HttpMocker) -> None:
    """HttpMocker fails on any request not registered here: no send, schedule, cancel, delete or inbox call."""
    http_mocker.post(search({**WINDOW, "skip": 0, "limit": 1000}), HttpResponse(page(2, batch="2586749")))
    http_mocker.post(search({"status": "INCOMING", **WINDOW, "skip": 0, "limit": 1000}), HttpResponse(response_body("smsworks", "inbound")))
    http_mocker.get(HttpRequest(f"{BASE}/messages/schedule"), HttpResponse(response_body("smsworks", "scheduled")))
    http_mocker.get(HttpRequest(f"{BASE}/credits/balance"), HttpResponse(response_body("smsworks", "credits")))
    http_mocker.get(HttpRequest(f"{BASE}/utils/test"), HttpResponse(response_body("smsworks", "utils_test")))
    streams = ["messages", "inbound_messages", "batches", "scheduled_messages", "credits", "account"]
    configured = catalog(*streams)

    output = read(SourceSms(catalog=configured, config=config(), state=None), config(), configured)

    assert not output.errors
    assert {r.record.stream for r in output.records} == set(streams)
