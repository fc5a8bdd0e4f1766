import pytest
from airbyte_cdk.test.mock_http import HttpMocker


@pytest.fixture
def http_mocker():
    """Mocked HTTP for one test: an unregistered request fails, and so does a registered one never made.

    (HttpMocker checks the second only in its decorator form, which pytest's fixture injection does
    not fit, so the check is made here after the test body.)
    """
    with HttpMocker() as mocker:
        yield mocker
        mocker._validate_all_matchers_called()
