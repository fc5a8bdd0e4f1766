"""Power Textor streams against mocked HTTP: exact paths, the ApiKey header, canned envelopes from files.

Only GETs are registered: HttpMocker fails the test on any other request, so every read here also
proves that no send, schedule or contact edit (all POSTs) is called.
"""

from __future__ import annotations

import json
import logging

from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_sms.source import SourceSms
from unit_tests.helpers import SENTINEL_SECRET, discover_streams, read_stream, record_data, response_body, response_json

BASE = "https://connectorservices.powertextor.com"
HEADERS = {"ApiKey": SENTINEL_SECRET}
EMPTY = json.dumps({"Success": True, "Error": None, "Data": []})


def config(**provider):
    return {"provider": {"name": "powertextor", "api_key": SENTINEL_SECRET, **provider}}


def get(http_mocker: HttpMocker, path: str, body: str, status: int = 200) -> None:
    http_mocker.get(HttpRequest(f"{BASE}{path}", query_params={}, headers=HEADERS), HttpResponse(body, status))


def error_messages(output) -> list[str]:
    return [error.trace.error.message for error in output.errors]


class TestDiscover:
    def test_exactly_the_three_readable_streams_with_provider_first_in_each_key(self) -> None:
        streams = discover_streams(config())
        assert set(streams) == {"contacts", "contact_groups", "places"}
        assert streams["contacts"].source_defined_primary_key == [["provider"], ["ContactId"]]
        assert streams["contact_groups"].source_defined_primary_key == [["provider"], ["GroupId"]]
        assert streams["places"].source_defined_primary_key == [["provider"], ["PlaceId"]]
        assert all([m.value for m in s.supported_sync_modes] == ["full_refresh"] for s in streams.values()), "no endpoint filters by date"


class TestContacts:
    def test_one_record_per_contact_with_every_provider_field(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", response_body("powertextor", "contacts"))

        output = read_stream(config(), "contacts")

        records = record_data(output)
        assert [r["ContactId"] for r in records] == ["c-001", "c-002", "c-003"]
        assert records[0]["Name"] == "Zoë Müller 🙂"
        assert records[0]["Groups"] == "VIP, Newsletter"
        assert records[0]["LastName"] == "kept", "provider fields must never be dropped"
        assert {r["provider"] for r in records} == {"powertextor"}
        assert not output.errors

    def test_an_empty_account_gives_no_records_and_no_error(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", EMPTY)

        output = read_stream(config(), "contacts")

        assert output.records == []
        assert not output.errors

    def test_success_false_on_http_200_is_an_error_that_says_to_create_a_new_key(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", response_body("powertextor", "expired_key"))

        output = read_stream(config(), "contacts", expecting_exception=True)

        message = next(m for m in error_messages(output) if "Power Textor refused the request" in m)
        assert "API Key has expired" in message
        assert "Create a new API key in the Power Textor web app (API Keys" in message
        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert output.records == []

    def test_other_success_false_answers_fail_the_read_instead_of_looking_empty(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", json.dumps({"Success": False, "Error": "Database unavailable", "Data": None}))

        output = read_stream(config(), "contacts", expecting_exception=True)

        assert any("Power Textor answered" in m and "Database unavailable" in m for m in error_messages(output))
        assert output.errors[0].trace.error.failure_type.value == "system_error"

    def test_a_rejected_key_ends_the_read_with_a_config_error_naming_the_fix(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", json.dumps({"Success": False, "Error": "Unauthorized"}), 401)

        output = read_stream(config(), "contacts", expecting_exception=True)

        messages = error_messages(output)
        message = next(m for m in messages if "Power Textor rejected the credentials (HTTP 401)" in m)
        assert "API Keys" in message and "provider.api_key" in message
        assert output.errors[0].trace.error.failure_type.value == "config_error"
        assert SENTINEL_SECRET not in json.dumps(messages)

    def test_a_custom_base_url_is_used(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(HttpRequest("https://proxy.example.com/pt/api/contacts", headers=HEADERS), HttpResponse(EMPTY))

        assert not read_stream(config(base_url="https://proxy.example.com/pt"), "contacts").errors


class TestContactGroups:
    def test_each_group_carries_the_ids_of_its_members(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", response_body("powertextor", "contacts"))
        get(http_mocker, "/api/groups", response_body("powertextor", "groups"))

        output = read_stream(config(), "contact_groups")

        records = {r["GroupId"]: r for r in record_data(output)}
        assert records["g-vip"]["member_ids"] == ["c-001"]
        assert records["g-news"]["member_ids"] == ["c-001", "c-002"]
        assert records["g-empty"]["member_ids"] == []
        assert records["g-news"]["ContactsCount"] == 2
        assert {r["provider"] for r in records.values()} == {"powertextor"}
        assert "Data" not in records["g-vip"] and "snapshot" not in records["g-vip"]
        assert not output.errors

    def test_groups_given_as_objects_or_ids_are_matched_too(self, http_mocker: HttpMocker) -> None:
        contacts = response_json("powertextor", "contacts")
        contacts["Data"][1]["Groups"] = [{"GroupId": "g-vip", "Name": "VIP", "ContactsCount": 2}]  # the contactnew shape
        contacts["Data"][2]["Groups"] = "g-empty"
        get(http_mocker, "/api/contacts", json.dumps(contacts))
        get(http_mocker, "/api/groups", response_body("powertextor", "groups"))

        records = {r["GroupId"]: r for r in record_data(read_stream(config(), "contact_groups"))}

        assert records["g-vip"]["member_ids"] == ["c-001", "c-002"]
        assert records["g-empty"]["member_ids"] == ["c-003"]

    def test_a_group_name_inside_another_name_is_not_a_membership(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", json.dumps({"Success": True, "Data": [{"ContactId": "c-9", "Groups": "VIP Gold"}]}))
        get(http_mocker, "/api/groups", response_body("powertextor", "groups"))

        records = {r["GroupId"]: r for r in record_data(read_stream(config(), "contact_groups"))}

        assert records["g-vip"]["member_ids"] == []

    def test_an_account_without_contacts_or_groups_gives_no_records(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", EMPTY)
        get(http_mocker, "/api/groups", EMPTY)

        output = read_stream(config(), "contact_groups")

        assert output.records == []
        assert not output.errors

    def test_an_expired_key_fails_the_read(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", response_body("powertextor", "expired_key"))

        output = read_stream(config(), "contact_groups", expecting_exception=True)

        assert any("API Key has expired" in m and "API Keys" in m for m in error_messages(output))
        assert output.records == []


class TestPlaces:
    def test_one_record_per_review_place(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/places", response_body("powertextor", "places"))

        records = record_data(read_stream(config(), "places"))

        assert records == [{**response_json("powertextor", "places")["Data"][0], "provider": "powertextor"}]

    def test_an_account_without_places_gives_no_records(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/places", EMPTY)

        output = read_stream(config(), "places")

        assert output.records == []
        assert not output.errors


class TestCheck:
    @staticmethod
    def check():
        return SourceSms(config=config()).check(logging.getLogger("test"), config())

    def test_one_authenticated_call_to_contacts(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", EMPTY)
        assert self.check().status == Status.SUCCEEDED

    def test_a_401_says_to_create_a_new_api_key_in_the_web_app(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", json.dumps({"Success": False, "Error": "Unauthorized"}), 401)

        status = self.check()

        assert status.status == Status.FAILED
        assert "Power Textor rejected the credentials (HTTP 401)" in status.message
        assert "Create a new API key in the Power Textor web app (API Keys" in status.message
        assert SENTINEL_SECRET not in status.message

    def test_an_expired_key_answered_with_http_200_still_fails_the_check(self, http_mocker: HttpMocker) -> None:
        get(http_mocker, "/api/contacts", response_body("powertextor", "expired_key"))

        status = self.check()

        assert status.status == Status.FAILED
        assert "API Key has expired" in status.message
        assert "Create a new API key in the Power Textor web app (API Keys" in status.message
