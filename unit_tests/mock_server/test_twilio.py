"""Twilio streams against mocked HTTP: exact paths and query parameters, next-page links, both auth forms."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import freezegun
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from airbyte_cdk.test.state_builder import StateBuilder

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET, catalog, read_stream, record_data

API = "https://api.twilio.com"
MESSAGING = "https://messaging.twilio.com"
ACCOUNT = "AC" + "0123456789abcdef" * 2
KEY_SID = "SK" + "fedcba9876543210" * 2
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT}:{SENTINEL_SECRET}".encode()).decode()
MESSAGES = f"{API}/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
NUMBERS = f"{API}/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"
BALANCE = f"{API}/2010-04-01/Accounts/{ACCOUNT}/Balance.json"
DAILY = f"{API}/2010-04-01/Accounts/{ACCOUNT}/Usage/Records/Daily.json"
SERVICES = f"{MESSAGING}/v1/Services"
NOW = "2026-01-15T12:00:00Z"
# 2026-01-01 .. 2026-01-15 12:00 in windows of DateSent, to the second, no overlap and no gap. The first
# is the manifest's 7 days; with fewer than 10000 records in it (10 pages of 1000) the next one is 16
# times as long, so it runs to now (source_sms/windows.py).
WINDOWS = [("2026-01-01T00:00:00Z", "2026-01-07T23:59:59Z"), ("2026-01-08T00:00:00Z", "2026-01-15T12:00:00Z")]


def config(start_date: str | None = "2026-01-01T00:00:00Z", authentication: dict | None = None, **provider):
    result = {"provider": {"name": "twilio", "account_sid": ACCOUNT,
                           "authentication": authentication or {"auth_type": "auth_token", "auth_token": SENTINEL_SECRET}, **provider}}
    if start_date:
        result["start_date"] = start_date
    return result


def message(i: int, day: str = "02", status: str = "delivered", direction: str = "outbound-api") -> dict:
    return {"sid": f"SM{i:032x}", "account_sid": ACCOUNT, "direction": direction, "from": "+14155550100", "to": "+447700900123",
            "body": "Your code is 123456 🎉", "status": status, "num_segments": "1", "price": "-0.00790", "price_unit": "USD",
            "error_code": 30003 if status == "undelivered" else None, "date_created": f"Fri, {day} Jan 2026 10:00:00 +0000",
            "date_sent": f"Fri, {day} Jan 2026 10:00:{i % 60:02d} +0000", "date_updated": f"Fri, {day} Jan 2026 10:01:00 +0000",
            "carrierOnlyField": "kept"}


def page_2010(key: str, items: list, next_uri: str | None = None) -> str:
    return json.dumps({key: items, "next_page_uri": next_uri, "page": 0, "page_size": 1000, "start": 0, "end": len(items) - 1})


def page_v1(key: str, items: list, next_url: str | None = None) -> str:
    return json.dumps({key: items, "meta": {"page": 0, "page_size": 1000, "key": key, "next_page_url": next_url}})


def window(start: str, end: str, **extra) -> dict:
    return {"DateSent>": start, "DateSent<": end, "PageSize": "1000", **extra}


def mock_windows(http_mocker: HttpMocker, first: str | None = None, windows=WINDOWS, at: int = 0) -> None:
    for index, (start, end) in enumerate(windows):
        body = first if index == at and first else page_2010("messages", [])
        http_mocker.get(HttpRequest(MESSAGES, query_params=window(start, end), headers={"Authorization": BASIC}), HttpResponse(body))


@freezegun.freeze_time(NOW)
class TestMessages:
    def test_messages_of_every_direction_are_read_window_by_window_with_every_field_kept(self, http_mocker: HttpMocker) -> None:
        mock_windows(http_mocker, page_2010("messages", [message(1), message(2, status="received", direction="inbound")]))

        records = record_data(read_stream(config(), "messages"))

        assert [(r["direction"], r["provider_direction"] if "provider_direction" in r else None) for r in records] == [
            ("outbound", "outbound-api"), ("inbound", None)]
        assert [r["status"] for r in records] == ["delivered", "received"]
        assert records[0]["carrierOnlyField"] == "kept", "provider fields must never be dropped"
        assert records[0]["sent_at"] == "2026-01-02T10:00:01Z" and records[0]["price"] == 0.0079

    def test_pages_follow_next_page_uri_with_the_largest_page_size(self, http_mocker: HttpMocker) -> None:
        start, end = WINDOWS[0]
        second = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json?" + urlencode(window(start, end, Page="1", PageToken="PASM1000"))
        http_mocker.get(HttpRequest(MESSAGES, query_params=window(start, end)),
                        HttpResponse(page_2010("messages", [message(i) for i in range(1000)], second)))
        http_mocker.get(HttpRequest(MESSAGES, query_params=window(start, end, Page="1", PageToken="PASM1000")),
                        HttpResponse(page_2010("messages", [message(i) for i in range(1000, 1200)])))
        mock_windows(http_mocker, windows=WINDOWS[1:])

        records = record_data(read_stream(config(), "messages"))

        assert len({r["sid"] for r in records}) == 1200

    def test_incremental_state_round_trips_and_the_next_sync_starts_lookback_days_before_it(self, http_mocker: HttpMocker) -> None:
        mock_windows(http_mocker, page_2010("messages", [message(5, day="10")]), at=1)
        configured = catalog("messages", sync_mode=SyncMode.incremental)
        first = read(SourceSms(catalog=configured, config=config(), state=None), config(), configured)
        state = first.most_recent_state.stream_state.__dict__
        assert state == {"date_sent": "2026-01-10T10:00:05Z"}

        http_mocker.clear_all_matchers()
        # The saved cursor minus the default 3-day lookback: a first 7-day window, empty, so the next one
        # is 16 times as long and runs to now.
        mock_windows(http_mocker, windows=[("2026-01-07T10:00:05Z", "2026-01-14T10:00:04Z"), ("2026-01-14T10:00:05Z", "2026-01-15T12:00:00Z")])
        incoming = StateBuilder().with_stream_state("messages", state).build()
        second = read(SourceSms(catalog=configured, config=config(), state=incoming), config(), configured, incoming)

        assert second.records == [] and not second.errors

    def test_an_api_key_is_the_basic_user_and_the_account_sid_stays_in_the_path(self, http_mocker: HttpMocker) -> None:
        key = {"auth_type": "api_key", "api_key_sid": KEY_SID, "api_key_secret": SENTINEL_SECRET}
        basic = "Basic " + base64.b64encode(f"{KEY_SID}:{SENTINEL_SECRET}".encode()).decode()
        for start, end in WINDOWS:
            http_mocker.get(HttpRequest(MESSAGES, query_params=window(start, end), headers={"Authorization": basic}),
                            HttpResponse(page_2010("messages", [])))

        output = read_stream(config(authentication=key), "messages")

        assert not output.errors

    def test_a_rejected_token_ends_the_read_with_a_config_error_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        body = json.dumps({"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
        # The first window fails, so no later window is cut (each is sized from the one before it).
        start, end = WINDOWS[0]
        http_mocker.get(HttpRequest(MESSAGES, query_params=window(start, end)), HttpResponse(body, 401))

        output = read_stream(config(), "messages", expecting_exception=True)

        messages = [error.trace.error.message for error in output.errors]
        assert any("Twilio rejected the credentials (HTTP 401)" in m and "provider.authentication" in m for m in messages), messages
        assert SENTINEL_SECRET not in json.dumps(messages)


class TestPhoneNumbers:
    def test_incoming_numbers_with_capabilities_are_read_1000_a_page(self, http_mocker: HttpMocker) -> None:
        number = {"sid": "PN" + "1" * 32, "phone_number": "+14155550100", "friendly_name": "(415) 555-0100",
                  "capabilities": {"sms": True, "mms": False, "voice": True, "fax": False},
                  "date_created": "Thu, 30 Jul 2015 20:12:31 +0000", "date_updated": "Thu, 30 Jul 2015 20:12:33 +0000"}
        http_mocker.get(HttpRequest(NUMBERS, query_params={"PageSize": "1000"}), HttpResponse(page_2010("incoming_phone_numbers", [number])))

        [record] = record_data(read_stream(config(), "phone_numbers"))

        assert record["capabilities"]["sms"] is True and record["number_id"] == number["sid"]
        assert (record["phone_number"], record["created_at"]) == ("+14155550100", "2015-07-30T20:12:31Z")


def service(i: int) -> dict:
    return {"sid": f"MG{i:032x}", "friendly_name": f"Service {i}", "date_created": "2015-07-30T20:12:31Z"}


class TestMessagingServices:
    def test_services_follow_the_absolute_next_page_url(self, http_mocker: HttpMocker) -> None:
        second = f"{SERVICES}?PageSize=1000&Page=1&PageToken=PAMG1000"
        http_mocker.get(HttpRequest(SERVICES, query_params={"PageSize": "1000"}), HttpResponse(page_v1("services", [service(1)], second)))
        http_mocker.get(HttpRequest(SERVICES, query_params={"PageSize": "1000", "Page": "1", "PageToken": "PAMG1000"}),
                        HttpResponse(page_v1("services", [service(2)])))

        records = record_data(read_stream(config(), "messaging_services"))

        assert [r["friendly_name"] for r in records] == ["Service 1", "Service 2"]


class TestSenderIds:
    def test_each_services_numbers_alpha_senders_and_short_codes_become_sender_ids(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(SERVICES, query_params={"PageSize": "1000"}), HttpResponse(page_v1("services", [service(1)])))
        sid = service(1)["sid"]
        lists = {
            "PhoneNumbers": ("phone_numbers", {"sid": "PN" + "2" * 32, "phone_number": "+14155550100", "capabilities": ["SMS"]}),
            "AlphaSenders": ("alpha_senders", {"sid": "AI" + "3" * 32, "alpha_sender": "CafeNord", "capabilities": ["SMS"]}),
            "ShortCodes": ("short_codes", {"sid": "SC" + "4" * 32, "short_code": "894546", "capabilities": ["SMS"]}),
        }
        for path, (key, item) in lists.items():
            http_mocker.get(HttpRequest(f"{SERVICES}/{sid}/{path}", query_params={"PageSize": "1000"}),
                            HttpResponse(page_v1(key, [{**item, "service_sid": sid, "date_created": "2020-01-01T00:00:00Z"}])))

        records = record_data(read_stream(config(), "sender_ids"))

        assert sorted((r["sender_type"], r["sender_id"]) for r in records) == [
            ("alpha_sender", "CafeNord"), ("phone_number", "+14155550100"), ("short_code", "894546")]
        assert all(r["service_sid"] == sid and r["created_at"] == "2020-01-01T00:00:00Z" for r in records)


class TestCredits:
    @freezegun.freeze_time(NOW)
    def test_the_balance_is_one_record_stamped_with_when_it_was_read(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(BALANCE), HttpResponse(json.dumps({"account_sid": ACCOUNT, "balance": "12.34", "currency": "USD"})))

        [record] = record_data(read_stream(config(), "credits"))

        assert (record["balance"], record["currency"], record["read_at"]) == ("12.34", "USD", NOW)


class TestUsageRecords:
    @freezegun.freeze_time(NOW)
    def test_daily_usage_is_read_per_configured_category_from_the_start_date(self, http_mocker: HttpMocker) -> None:
        for category in ("sms", "mms"):
            day = {"category": category, "start_date": "2026-01-02", "end_date": "2026-01-02", "count": "7", "price": 0.0553, "price_unit": "usd"}
            http_mocker.get(HttpRequest(DAILY, query_params={"Category": category, "StartDate": "2026-01-01", "EndDate": "2026-01-15",
                                                             "PageSize": "1000"}),
                            HttpResponse(page_2010("usage_records", [day])))

        records = record_data(read_stream(config(usage_categories=["sms", "mms"]), "usage_records"))

        assert sorted((r["category"], r["count"], r["price"]) for r in records) == [("mms", "7", 0.0553), ("sms", "7", 0.0553)]
