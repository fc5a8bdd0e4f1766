"""Sinch SMS REST API (xms/v1) streams against mocked HTTP: exact paths, query parameters and headers, canned responses."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from airbyte_cdk.models import Status
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from freezegun import freeze_time

from source_sms.config_check import config_errors
from source_sms.manifest import connection_specification
from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET, catalog, read_incremental, read_stream, record_data, response_body, response_json

PLAN = "jd63jf88477ll123ab4567cd89012ef3"
BASE = f"https://us.sms.api.sinch.com/xms/v1/{PLAN}"
HEADERS = {"Authorization": f"Bearer {SENTINEL_SECRET}"}
NOW = "2026-11-20T12:00:00Z"
START = "2026-11-15T00:00:00Z"
# One window, from the start date to the frozen now; end_date is exclusive, so one second past it.
WINDOW = {"start_date": START, "end_date": "2026-11-20T12:00:01Z"}
FIRST_PAGE = {"page": "0", "page_size": "100"}


def config(**provider):
    return {"provider": {"name": "sinch", "service_plan_id": PLAN, "api_token": SENTINEL_SECRET, **provider}, "start_date": START}


def get(path: str, **query) -> HttpRequest:
    return HttpRequest(f"{BASE}{path}", query_params=query or None, headers=HEADERS)


def batches(count: int, start: int = 0) -> str:
    return json.dumps({"count": 250, "page": start // 100, "page_size": count, "batches": [
        {"id": f"01B{start + i:023d}", "type": "mt_text", "from": "SinchShop", "to": [f"+1555{start + i:07d}"], "body": "hi",
         "created_at": "2026-11-16T10:00:00.000Z", "modified_at": "2026-11-16T10:00:00.000Z", "canceled": False}
        for i in range(count)]})


@freeze_time(NOW)
class TestMessages:
    def test_one_record_per_batch_with_its_fields_kept_and_core_fields_added(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/batches", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "batches")))

        first, cancelled = record_data(read_stream(config(), "messages"))

        assert first["provider"] == "sinch"
        assert first["networkOnlyField"] == "kept", "provider fields are never dropped"
        assert first["parameters"] == {"name": {"+15551231234": "Ava", "default": "there"}}
        assert (first["message_id"], first["direction"], first["body"]) == ("01FC66621XXXXX119Z8PMV1QPQ", "outbound", "Hi ${name}! Your order shipped 🎉")
        assert (first["from"], first["provider_from"]) == ("+447537404817", "447537404817")
        assert first["to"] == "+15551231234", "the first recipient"
        assert first["provider_to"] == ["+15551231234", "+15551256344"], "every recipient is kept"
        assert (first["created_at"], first["provider_created_at"]) == ("2026-11-16T10:00:00Z", "2026-11-16T10:00:00.123Z")
        assert first["updated_at"] == "2026-11-16T10:00:02Z"
        assert (first["batch_status"], first["status"]) == ("accepted", "accepted")
        assert (cancelled["status"], cancelled["scheduled_at"]) == ("cancelled", "2026-11-18T09:00:00Z")

    def test_a_batch_scheduled_for_later_is_scheduled(self, http_mocker: HttpMocker) -> None:
        body = response_json("sinch", "batches")
        body["batches"] = [{**body["batches"][0], "send_at": "2026-11-21T09:00:00.000Z"}]
        http_mocker.get(get("/batches", **WINDOW, **FIRST_PAGE), HttpResponse(json.dumps(body)))

        assert record_data(read_stream(config(), "messages"))[0]["status"] == "scheduled"

    def test_pages_of_100_until_a_short_page(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/batches", **WINDOW, page="0", page_size="100"), HttpResponse(batches(100)))
        http_mocker.get(get("/batches", **WINDOW, page="1", page_size="100"), HttpResponse(batches(100, start=100)))
        http_mocker.get(get("/batches", **WINDOW, page="2", page_size="100"), HttpResponse(batches(50, start=200)))

        records = record_data(read_stream(config(), "messages"))

        assert len({r["id"] for r in records}) == 250

    def test_the_history_is_read_in_growing_windows_whose_end_date_is_exclusive(self, http_mocker: HttpMocker) -> None:
        # A first window of the manifest's 7 days; one record in it (far under 10 pages of 100) makes the
        # next one 16 times as long, 112 days; then the rest, to now. Each end_date is the next window's
        # start_date (exclusive: one second past the last second read), the last one now + 1 s.
        cfg = {**config(), "start_date": "2026-07-01T00:00:00Z"}
        windows = [("2026-07-01T00:00:00Z", "2026-07-08T00:00:00Z"), ("2026-07-08T00:00:00Z", "2026-10-28T00:00:00Z"),
                   ("2026-10-28T00:00:00Z", "2026-11-20T12:00:01Z")]
        for start, end in windows:
            http_mocker.get(get("/batches", start_date=start, end_date=end, **FIRST_PAGE), HttpResponse(batches(1)))

        assert len(read_stream(cfg, "messages").records) == 3
        sent = [parse_qs(urlsplit(request.url).query) for request in http_mocker._mocker.request_history]
        assert [(query["start_date"][0], query["end_date"][0]) for query in sent] == windows

    def test_state_is_the_newest_created_at_and_the_next_sync_starts_a_lookback_day_before(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/batches", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "batches")))

        first = read_incremental(config(), "messages")

        assert first.most_recent_state.stream_state.__dict__ == {"created_at": "2026-11-17T08:30:00Z"}
        http_mocker.get(get("/batches", start_date="2026-11-16T08:30:00Z", end_date="2026-11-20T12:00:01Z", **FIRST_PAGE),
                        HttpResponse(batches(0)))
        second = read_incremental(config(), "messages", {"created_at": "2026-11-17T08:30:00Z"})

        assert not second.errors

    def test_a_rejected_token_ends_the_read_with_a_config_error_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/batches", **WINDOW, **FIRST_PAGE), HttpResponse("", 401))

        output = read_stream(config(), "messages", expecting_exception=True)

        messages = [error.trace.error.message for error in output.errors]
        stream_error = next(m for m in messages if "Sinch SMS rejected the credentials (HTTP 401)" in m)
        assert "provider.api_token" in stream_error and "provider.service_plan_id" in stream_error
        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert SENTINEL_SECRET not in json.dumps(messages)

    def test_a_region_and_a_base_url_choose_the_host(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"https://eu.sms.api.sinch.com/xms/v1/{PLAN}/batches", query_params={**WINDOW, **FIRST_PAGE}),
                        HttpResponse(batches(1)))
        http_mocker.get(HttpRequest(f"https://proxy.example.com/xms/v1/{PLAN}/batches", query_params={**WINDOW, **FIRST_PAGE}),
                        HttpResponse(batches(1)))

        assert len(read_stream(config(region="eu"), "messages").records) == 1
        assert len(read_stream(config(region="eu", base_url="https://proxy.example.com"), "messages").records) == 1


@freeze_time(NOW)
class TestMessageStatuses:
    def test_one_record_per_recipient_with_the_status_mapped_and_the_code_for_failures(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/delivery_reports", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "delivery_reports")))

        delivered, failed, unknown = record_data(read_stream(config(), "message_statuses"))

        assert (delivered["message_id"], delivered["to"], delivered["provider_to"] if "provider_to" in delivered else None) == (
            "01FC66621XXXXX119Z8PMV1QPQ", "+15551231234", None)
        assert delivered["recipient"] == "15551231234", "the provider's field is kept as sent"
        assert (delivered["status"], delivered["provider_status"]) == ("delivered", "Delivered")
        assert (delivered["delivered_at"], delivered["updated_at"], delivered["parts"]) == ("2026-11-16T10:00:00Z", "2026-11-16T10:00:09Z", 2)
        assert delivered.get("error_code") is None
        assert (failed["status"], failed["error_code"], failed.get("delivered_at")) == ("failed", "411", None)
        assert (unknown["status"], unknown["from"]) == ("sent", "+12025550147")

    def test_incremental_on_at(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/delivery_reports", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "delivery_reports")))

        output = read_incremental(config(), "message_statuses")

        assert output.most_recent_state.stream_state.__dict__ == {"at": "2026-11-16T11:00:00Z"}

    def test_a_bad_request_fails_with_the_apis_own_error_text(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/delivery_reports", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "error_400"), 400))

        output = read_stream(config(), "message_statuses", expecting_exception=True)

        assert output.errors
        assert output.records == []


@freeze_time(NOW)
class TestInboundMessages:
    def test_inbounds_are_received_messages_with_both_times_normalised(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/inbounds", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "inbounds")))

        (record,) = record_data(read_stream(config(), "inbound_messages"))

        assert (record["direction"], record["status"], record.get("provider_status")) == ("inbound", "received", None)
        assert (record["from"], record["to"], record["body"]) == ("+11203494390", "+11203453453", "STOP")
        assert (record["created_at"], record["sent_at"], record["provider_sent_at"]) == (
            "2026-11-18T07:00:00Z", "2026-11-18T06:59:58Z", "2026-11-18T06:59:58.100Z")

    def test_incremental_on_received_at(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/inbounds", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "inbounds")))

        output = read_incremental(config(), "inbound_messages")

        assert output.most_recent_state.stream_state.__dict__ == {"received_at": "2026-11-18T07:00:00Z"}


@freeze_time(NOW)
class TestContactGroups:
    def test_each_group_carries_its_members_from_the_members_endpoint(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/groups", **FIRST_PAGE), HttpResponse(response_body("sinch", "groups")))
        http_mocker.get(get("/groups/01FC66621VHDBN119Z8PMV1AHY/members"), HttpResponse(json.dumps(["+12025550101", "+12025550102"])))
        http_mocker.get(get("/groups/01FC66621VHDBN119Z8PMV1AHZ/members"), HttpResponse("[]"))

        # One partition per group, read concurrently: the records' order is not the list's.
        vip, empty = sorted(record_data(read_stream(config(), "contact_groups")), key=lambda r: r["id"])

        assert vip == {"provider": "sinch", "id": "01FC66621VHDBN119Z8PMV1AHY", "name": "VIP", "size": 2,
                       "created_at": "2026-05-01T10:00:00.000Z", "modified_at": "2026-05-02T10:00:00.000Z", "child_groups": [],
                       "auto_update": {"to": "+12025550147", "add": {"first_word": "JOIN"}}, "members": ["+12025550101", "+12025550102"]}
        assert (empty["members"], empty["child_groups"], "auto_update" in empty) == ([], [], False)

    def test_a_group_deleted_between_the_list_and_its_members_is_skipped(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/groups", **FIRST_PAGE), HttpResponse(response_body("sinch", "groups")))
        http_mocker.get(get("/groups/01FC66621VHDBN119Z8PMV1AHY/members"), HttpResponse(json.dumps(["+12025550101"])))
        http_mocker.get(get("/groups/01FC66621VHDBN119Z8PMV1AHZ/members"), HttpResponse("", 404))

        output = read_stream(config(), "contact_groups")

        assert [r["id"] for r in record_data(output)] == ["01FC66621VHDBN119Z8PMV1AHY"]
        assert not output.errors


class TestCheck:
    @freeze_time(NOW)
    def test_check_reads_the_first_page_of_inbound_messages(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(get("/inbounds", **WINDOW, **FIRST_PAGE), HttpResponse(json.dumps({"count": 0, "page": 0, "page_size": 0, "inbounds": []})))

        assert SourceSms(config=config()).check(logging.getLogger("test"), config()).status == Status.SUCCEEDED

    @freeze_time(NOW)
    def test_a_rejected_token_is_a_failed_status_naming_provider_status_and_fix(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/inbounds", query_params={**WINDOW, **FIRST_PAGE}), HttpResponse("", 401))

        status = SourceSms(config=config()).check(logging.getLogger("test"), config())

        assert status.status == Status.FAILED
        assert "Sinch SMS rejected the credentials (HTTP 401)" in status.message
        assert "provider.api_token" in status.message
        assert SENTINEL_SECRET not in status.message

    @pytest.mark.parametrize("provider,field", [({"service_plan_id": "../other"}, "service_plan_id"), ({"api_token": ""}, "api_token"),
                                                ({"region": "mars"}, "region")])
    def test_a_bad_field_is_refused_naming_it(self, provider: dict, field: str) -> None:
        problems = config_errors(config(**provider), connection_specification())

        assert any(p.startswith(f"provider.{field}") for p in problems), problems


@freeze_time(NOW)
def test_a_full_read_of_every_stream_calls_only_the_read_endpoints(http_mocker: HttpMocker) -> None:
    """HttpMocker fails on any request not registered here: no send, dry run, update, cancel or group change."""
    http_mocker.get(get("/batches", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "batches")))
    http_mocker.get(get("/delivery_reports", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "delivery_reports")))
    http_mocker.get(get("/inbounds", **WINDOW, **FIRST_PAGE), HttpResponse(response_body("sinch", "inbounds")))
    http_mocker.get(get("/groups", **FIRST_PAGE), HttpResponse(response_body("sinch", "groups")))
    http_mocker.get(get("/groups/01FC66621VHDBN119Z8PMV1AHY/members"), HttpResponse("[]"))
    http_mocker.get(get("/groups/01FC66621VHDBN119Z8PMV1AHZ/members"), HttpResponse("[]"))
    streams = ["messages", "message_statuses", "inbound_messages", "contact_groups"]
    configured = catalog(*streams)

    output = read(SourceSms(catalog=configured, config=config(), state=None), config(), configured)

    assert not output.errors
    assert {r.record.stream for r in output.records} == set(streams)
