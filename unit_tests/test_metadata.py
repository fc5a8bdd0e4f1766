"""metadata.yaml is what Airbyte's registry reads: it must validate against Airbyte's published model."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from airbyte_connector_models.metadata.v0.connector_metadata_definition_v0 import ConnectorMetadataDefinitionV0
from pydantic import ValidationError

from source_sms.manifest import DEFAULT_BASE_URLS

ROOT = Path(__file__).resolve().parent.parent
METADATA = yaml.safe_load((ROOT / "metadata.yaml").read_text())


def test_metadata_validates_against_airbytes_model():
    ConnectorMetadataDefinitionV0.model_validate(METADATA)


@pytest.mark.parametrize("change", [
    lambda d: d["data"].pop("dockerImageTag"),
    lambda d: d["data"].update(releaseStage="stable"),
    lambda d: d["data"].update(dockerImagTag="0.1.0"),  # a misspelt key is refused, not ignored
], ids=["missing field", "unknown enum value", "misspelt key"])
def test_the_model_refuses_a_broken_metadata(change):
    broken = copy.deepcopy(METADATA)
    change(broken)
    with pytest.raises(ValidationError):
        ConnectorMetadataDefinitionV0.model_validate(broken)


def test_the_image_tag_is_the_package_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert METADATA["data"]["dockerImageTag"] == version


@pytest.mark.parametrize("provider", sorted(DEFAULT_BASE_URLS))
def test_every_providers_default_host_is_allowed(provider):
    # Airbyte Cloud and OSS with network policies let the connector reach only allowedHosts.
    host = urlsplit(DEFAULT_BASE_URLS[provider]).hostname
    if host is None or "{" in DEFAULT_BASE_URLS[provider]:
        pytest.skip(f"{provider} has no fixed default host")
    assert host in METADATA["data"]["allowedHosts"]["hosts"]


def test_the_icon_is_a_square_svg():
    # Airbyte shows icon.svg beside the connector's name in its UI.
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.parse(ROOT / "icon.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    assert width == height
