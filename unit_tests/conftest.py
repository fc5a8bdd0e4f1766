import pytest
from airbyte_cdk.test.mock_http import HttpMocker


@pytest.fixture
def http_mocker():
    """Mocked HTTP for one test; an unregistered request fails, and so does a registered one never made."""
    with HttpMocker() as mocker:
        yield mocker
