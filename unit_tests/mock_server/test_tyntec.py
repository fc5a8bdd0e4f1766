"""tyntec streams against mocked HTTP: exact paths and query parameters, canned responses from files."""

from __future__ import annotations

import json

from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from unit_tests.helpers import SENTINEL_SECRET, read_stream, record_data, response_body, response_json

BASE = "https://api.tyntec.com"
HEADERS = {"apikey": SENTINEL_SECRET}


def config(**provider):
    return {"provider": {"name": "tyntec", "api_key": SENTINEL_SECRET, **provider}}


def numbers_page(count: int, start: int = 0) -> str:
    rows = [{"phoneNumber": f"49151{start + i:07d}", "accountId": "acc-1", "contactId": "c", "friendlyName": "f",
             "requestId": "r", "status": "SUCCESSFUL"} for i in range(count)]
    return json.dumps([{"provisioningRequests": rows, "size": count}])


class TestMessages:
    def test_reads_the_status_of_each_configured_request_id(self, http_mocker: HttpMocker) -> None:
        body = response_body("tyntec", "message_status")
        for request_id in ("id-1", "id-2"):
            http_mocker.get(HttpRequest(f"{BASE}/messaging/v1/messages/{request_id}", headers=HEADERS),
                            HttpResponse(body.replace("7dd2d8e3-ab49-4a0e-b2b0-c0fd06f8c9e8", request_id)))

        output = read_stream(config(message_request_ids=["id-1", "id-2"]), "messages")

        records = sorted(record_data(output), key=lambda r: r["message_id"])
        assert [r["message_id"] for r in records] == ["id-1", "id-2"]
        assert records[0]["provider"] == "tyntec"
        assert records[0]["source_api"] == "sms_v1"
        assert records[0]["parts"][0]["statusText"] == "Your code is 123456"
        assert records[0]["networkOnlyField"] == "kept", "provider fields must never be dropped"
        assert not output.errors

    def test_an_expired_request_id_is_skipped_with_a_log_line_not_a_failed_sync(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/messaging/v1/messages/old-id", headers=HEADERS),
                        HttpResponse(json.dumps({"status": 404, "title": "Not Found"}), 404))
        http_mocker.get(HttpRequest(f"{BASE}/messaging/v1/messages/new-id", headers=HEADERS),
                        HttpResponse(response_body("tyntec", "message_status")))

        output = read_stream(config(message_request_ids=["old-id", "new-id"]), "messages")

        assert len(output.records) == 1
        assert not output.errors
        assert output.is_in_logs("Skipped .*old-id.*3 months")

    def test_no_configured_ids_means_no_records_and_no_requests(self) -> None:
        with HttpMocker():  # any request would fail: nothing is registered
            output = read_stream(config(), "messages")
        assert output.records == []
        assert not output.errors


class TestContacts:
    def test_one_record_per_contact_from_the_documented_array_of_wrappers(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/byon/contacts/v1", headers=HEADERS), HttpResponse(response_body("tyntec", "contacts")))

        records = record_data(read_stream(config(), "contacts"))

        assert [r["friendlyName"] for r in records] == ["acme-dental", "globex-retail"]
        assert all(r["provider"] == "tyntec" for r in records)
        assert "contacts" not in records[0], "items are flattened, never one record holding an array"

    def test_a_single_wrapper_object_is_read_too(self, http_mocker: HttpMocker) -> None:
        wrapper = response_json("tyntec", "contacts")[0]
        http_mocker.get(HttpRequest(f"{BASE}/byon/contacts/v1"), HttpResponse(json.dumps(wrapper)))

        assert len(read_stream(config(), "contacts").records) == 2

    def test_an_empty_account_answers_204_and_gives_no_records(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/byon/contacts/v1"), HttpResponse("", 204))

        output = read_stream(config(), "contacts")

        assert output.records == []
        assert not output.errors


class TestPhoneNumbers:
    def test_pages_through_with_the_largest_page_size(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/byon/phonebook/v1/numbers", query_params={"page": "0", "size": "3000"}, headers=HEADERS),
                        HttpResponse(numbers_page(3000)))
        http_mocker.get(HttpRequest(f"{BASE}/byon/phonebook/v1/numbers", query_params={"page": "1", "size": "3000"}, headers=HEADERS),
                        HttpResponse(numbers_page(5, start=3000)))

        records = record_data(read_stream(config(), "phone_numbers"))

        assert len(records) == 3005
        assert len({r["phoneNumber"] for r in records}) == 3005

    def test_a_custom_base_url_is_used(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest("https://proxy.example.com/tyntec/byon/phonebook/v1/numbers", query_params={"page": "0", "size": "3000"}),
                        HttpResponse(numbers_page(1)))

        output = read_stream(config(base_url="https://proxy.example.com/tyntec"), "phone_numbers")

        assert len(output.records) == 1


class TestPhoneRegistrations:
    def test_one_record_per_provisioning_request(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/byon/provisioning/v1", headers=HEADERS), HttpResponse(response_body("tyntec", "provisioning")))

        records = record_data(read_stream(config(), "phone_registrations"))

        assert [r["status"] for r in records] == ["SUCCESSFUL", "PENDING"]
        assert {r["provider"] for r in records} == {"tyntec"}

    def test_a_rejected_key_ends_the_read_with_a_config_error_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/byon/provisioning/v1"), HttpResponse(json.dumps({"status": 401, "title": "Unauthorized"}), 401))

        output = read_stream(config(), "phone_registrations", expecting_exception=True)

        messages = [error.trace.error.message for error in output.errors]
        stream_error = next(m for m in messages if "tyntec rejected the credentials (HTTP 401)" in m)
        assert "provider.api_key" in stream_error
        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert SENTINEL_SECRET not in json.dumps(messages)
