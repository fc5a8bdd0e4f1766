"""Start-up without the serializers' JSON schemas: they are built on request, and come out the same."""

from __future__ import annotations

import json
import subprocess
import sys

SCHEMA_OF_EVERY_SERIALIZER = (
    "import json, serpyco_rs\n"
    "from airbyte_cdk.models import airbyte_protocol_serializers as s\n"
    "serializers = {name: value for name, value in vars(s).items() if isinstance(value, serpyco_rs.Serializer)}\n"
    "built_at_import = sorted(name for name, value in serializers.items() if value._schema is not None)\n"
    "print(json.dumps({'built_at_import': built_at_import, 'schemas': {n: v.get_json_schema() for n, v in serializers.items()}}))\n"
)


def schemas(first: str) -> dict:
    done = subprocess.run([sys.executable, "-c", first + SCHEMA_OF_EVERY_SERIALIZER], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_entry_point_builds_no_schema_at_import_and_the_same_schemas_on_request():
    ours = schemas("import source_sms.run\n")
    stock = schemas("")
    assert ours["built_at_import"] == []
    assert len(stock["built_at_import"]) >= 8
    assert ours["schemas"] == stock["schemas"]


def test_the_manifest_files_parse_the_same_with_libyaml_as_with_the_python_loader():
    import yaml
    from importlib import resources

    from source_sms import manifest

    package = resources.files("source_sms")
    files = [package / "manifest.yaml", *(e for e in (package / "providers").iterdir() if e.name.endswith(".yaml"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert manifest._parse_yaml(text) == yaml.safe_load(text), path.name
