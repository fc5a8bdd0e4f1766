"""One module per emulated provider; REGISTRY maps the mount name to its app class."""

from sms_emulator.providers.tyntec import Tyntec

REGISTRY = {
    "tyntec": Tyntec,
}
