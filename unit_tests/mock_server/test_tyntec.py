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
        assert records[0]["provider_parts"][0]["statusText"] == "Your code is 123456", "the parts list, beside the core part count"
        assert records[0]["parts"] == 1
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


V3 = f"{BASE}/conversations/v3"
V3_ID = "77185196-664a-43ec-b14a-fe97036c697f"


def not_found() -> HttpResponse:
    return HttpResponse(json.dumps({"type": "https://httpstatuses.com/404", "title": "Not Found", "status": 404}), 404)


class TestConversationMessages:
    def test_a_conversations_id_is_read_from_the_v3_status_endpoint_and_tagged_as_such(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/messages/{V3_ID}/status", headers=HEADERS), HttpResponse(response_body("tyntec", "conversation_status"), 202))

        output = read_stream(config(conversation_message_ids=[V3_ID]), "messages")

        records = record_data(output)
        provider_record = {**response_json("tyntec", "conversation_status"), "message_id": V3_ID,
                           "source_api": "conversations_v3", "provider": "tyntec"}
        assert len(records) == 1
        assert {k: v for k, v in records[0].items() if k in provider_record and k != "status"} == \
            {k: v for k, v in provider_record.items() if k != "status"}
        assert records[0]["provider_status"] == provider_record["status"]
        assert not output.errors

    def test_sms_and_conversations_ids_share_the_messages_stream_each_from_its_own_api(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{BASE}/messaging/v1/messages/sms-id", headers=HEADERS), HttpResponse(response_body("tyntec", "message_status")))
        http_mocker.get(HttpRequest(f"{V3}/messages/{V3_ID}/status", headers=HEADERS), HttpResponse(response_body("tyntec", "conversation_status")))

        records = record_data(read_stream(config(message_request_ids=["sms-id"], conversation_message_ids=[V3_ID]), "messages"))

        by_api = {r["source_api"]: r for r in records}
        assert set(by_api) == {"sms_v1", "conversations_v3"}
        assert by_api["sms_v1"]["message_id"] == "7dd2d8e3-ab49-4a0e-b2b0-c0fd06f8c9e8"
        assert by_api["conversations_v3"]["message_id"] == V3_ID
        assert by_api["conversations_v3"]["deliveryChannel"] == "sms"

    def test_a_status_past_retention_is_skipped_with_a_log_line(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/messages/gone-id/status"), not_found())
        http_mocker.get(HttpRequest(f"{V3}/messages/{V3_ID}/status"), HttpResponse(response_body("tyntec", "conversation_status")))

        output = read_stream(config(conversation_message_ids=["gone-id", V3_ID]), "messages")

        assert [r["message_id"] for r in record_data(output)] == [V3_ID]
        assert not output.errors
        assert output.is_in_logs("Skipped .*conversations/v3/messages/gone-id/status.*expired or never existed")

    def test_a_numeric_looking_id_stays_a_string(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/messages/123456/status"), HttpResponse(json.dumps({"status": "accepted"})))

        records = record_data(read_stream(config(conversation_message_ids=["123456"]), "messages"))

        assert records[0]["message_id"] == "123456"


class TestMessageEvents:
    def test_one_record_per_event_carrying_its_message_id(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/messages/{V3_ID}/events", headers=HEADERS), HttpResponse(response_body("tyntec", "conversation_events")))

        output = read_stream(config(conversation_message_ids=[V3_ID]), "message_events")

        records = record_data(output)
        assert [r["event"] for r in records] == ["MessageStatus::accepted", "MessageStatus::channelFailed", "MessageStatus::delivered"]
        assert {r["message_id"] for r in records} == {V3_ID}
        assert {r["source_api"] for r in records} == {"conversations_v3"}
        assert {r["provider"] for r in records} == {"tyntec"}
        assert records[1]["details"]["code"] == "whatsapp::error::470"
        assert records[2]["carrierOnlyField"] == "kept"
        assert "events" not in records[0]
        assert not output.errors

    def test_an_expired_message_is_skipped_and_the_others_are_read(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/messages/gone-id/events"), not_found())
        http_mocker.get(HttpRequest(f"{V3}/messages/{V3_ID}/events"), HttpResponse(response_body("tyntec", "conversation_events")))

        output = read_stream(config(conversation_message_ids=["gone-id", V3_ID]), "message_events")

        assert len(output.records) == 3
        assert not output.errors
        assert output.is_in_logs("Skipped .*gone-id/events")

    def test_sms_api_request_ids_have_no_events_endpoint_and_are_not_requested(self) -> None:
        with HttpMocker():  # any request would fail: nothing is registered
            output = read_stream(config(message_request_ids=["sms-id"]), "message_events")
        assert output.records == []
        assert not output.errors

    def test_a_message_with_no_events_yet_gives_no_records(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/messages/{V3_ID}/events"), HttpResponse(json.dumps({"messageId": V3_ID, "events": []})))

        output = read_stream(config(conversation_message_ids=[V3_ID]), "message_events")

        assert output.records == []
        assert not output.errors


class TestChannels:
    def test_one_record_per_channel_with_its_id_whatever_the_channel(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/configurations/channels", headers=HEADERS), HttpResponse(response_body("tyntec", "channels")))

        records = record_data(read_stream(config(), "channels"))

        assert [(r["channel"], r["channel_id"]) for r in records] == [
            ("sms", "4915112345678"), ("whatsapp", "4915112345678"), ("viber", "1234"), ("rcs", "agent_1")]
        assert records[0]["callback"]["eventFilter"] == ["MessageStatus::accepted", "MessageStatus::delivered"]
        assert records[2]["config"] == {"serviceType": "two-way"}
        assert {r["provider"] for r in records} == {"tyntec"}

    def test_an_account_without_channels_gives_no_records(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/configurations/channels"), HttpResponse("[]"))

        output = read_stream(config(), "channels")

        assert output.records == []
        assert not output.errors

    def test_a_key_without_the_conversations_api_ends_the_stream_with_a_warning_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/configurations/channels"), HttpResponse(json.dumps({"status": 403, "title": "Forbidden"}), 403))

        output = read_stream(config(), "channels")

        assert output.records == [] and not output.errors
        warnings = [m.log.message for m in output.logs if m.log.level.name == "WARN"]
        assert any("tyntec refused access (HTTP 403)" in m and "the Conversations API" in m and "deselect" in m for m in warnings), warnings


class TestAccount:
    def test_one_record_with_the_configuration_and_without_its_secrets(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/configurations", headers=HEADERS), HttpResponse(response_body("tyntec", "configuration")))

        output = read_stream(config(), "account")

        records = record_data(output)
        assert len(records) == 1
        account = records[0]
        assert account["provider"] == "tyntec"
        assert account["scopes"] == ["channels:read", "callbacks:read", "callbacks:write", "credentials:read"]
        assert account["callback"]["messageStatusUrl"] == "https://rest.customer.com/messagestatus/"
        assert account["callback"]["signature"] == {"method": "HS256"}
        assert account["callback"]["header"] == {"key": "X-Auth"}
        assert account["config"]["mediaCredentials"]["oauth2"] == {"clientId": "media-client", "url": "https://auth.customer.com/token"}
        assert "super-secret" not in json.dumps(records) and "super-secret" not in json.dumps([m.log.message for m in output.logs])

    def test_a_rejected_key_is_a_config_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest(f"{V3}/configurations"), HttpResponse(json.dumps({"status": 401, "title": "Unauthorized"}), 401))

        output = read_stream(config(), "account", expecting_exception=True)

        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert any("tyntec rejected the credentials (HTTP 401)" in e.trace.error.message for e in output.errors)


def test_discover_lists_every_tyntec_stream_with_provider_first_in_each_key() -> None:
    from unit_tests.helpers import discover_streams

    streams = discover_streams(config())

    assert set(streams) == {"messages", "message_events", "contacts", "phone_numbers", "phone_registrations", "channels", "account",
                            "ip_restriction"}
    assert all(s.source_defined_primary_key[0] == ["provider"] for s in streams.values())
    assert streams["message_events"].source_defined_primary_key == [["provider"], ["message_id"], ["timestamp"], ["event"]]
    assert streams["channels"].source_defined_primary_key == [["provider"], ["channel"], ["channel_id"]]


def test_a_channel_without_an_id_gets_no_channel_id_rather_than_the_text_none(http_mocker: HttpMocker) -> None:
    http_mocker.get(HttpRequest(f"{V3}/configurations/channels"), HttpResponse(json.dumps([{"channel": "sms", "id": {}}, {"channel": "mms"}])))

    records = record_data(read_stream(config(), "channels"))

    assert [r.get("channel_id") for r in records] == [None, None]
