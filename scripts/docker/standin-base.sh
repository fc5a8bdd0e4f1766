#!/usr/bin/env bash
# Builds a local stand-in for airbyte/python-connector-base:4.0.2, which no registry here can serve.
#
# What it keeps of the real base (python:3.11-slim-bookworm + Airbyte's layer): Debian bookworm,
# CPython 3.11 installed under /usr/local (so `pip install --prefix=X` lays out X/bin and
# X/lib/python3.11/site-packages, as on the real base; Debian's own python3 would not), pip from
# ensurepip, a system user and group `airbyte` (uid 1000), /airbyte owned by it, and
# WORKDIR /airbyte/integration_code. The CPython is this machine's own (CI runs on a machine of the
# same kind), copied without its site-packages. What it adds that the real base needs nowhere else:
# the host's CA bundle, because this machine reaches the package registries through a CA that
# Debian's bundle does not know.
#
# Usage: scripts/docker/standin-base.sh [TAG]; prints the tag. A tag already built from this
# same script and Python is reused (the recipe's hash is a label), so only the first run pays
# the ~2 minutes of debootstrap.
set -euo pipefail
TAG="${1:-source-sms/python-connector-base-standin:4.0.2}"
PYTHON="${STANDIN_PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3.11}"
CA_BUNDLE="${STANDIN_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
DOCKER="${DOCKER:-docker}"

prefix="$("$PYTHON" -c 'import sys; print(sys.base_prefix)')"
version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
recipe="$( (cat "$0"; "$PYTHON" -VV; sha256sum "$CA_BUNDLE") | sha256sum | cut -c1-16)"
if [ "$("$DOCKER" image inspect -f '{{ index .Config.Labels "source-sms.standin-recipe" }}' "$TAG" 2>/dev/null)" = "$recipe" ]; then
  echo "$TAG"
  exit 0
fi
command -v debootstrap >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

root="$(mktemp -d /var/tmp/standin-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"  # it becomes the image's /, which user airbyte must be able to enter
# The libraries CPython's extension modules link against (ldd of lib-dynload), tkinter's aside.
debootstrap --variant=minbase \
  --include=ca-certificates,netbase,tzdata,libssl3,libffi8,libsqlite3-0,libncursesw6,libreadline8,libuuid1,libnsl2,libgdbm6,libbz2-1.0,liblzma5,zlib1g \
  bookworm "$root" >&2

mkdir -p "$root/usr/local/bin" "$root/usr/local/lib"
tar -C "$prefix/lib" --exclude="python$version/site-packages/*" --exclude="python$version/test" \
  --exclude="python$version/idlelib" --exclude="python$version/tkinter" --exclude='*/lib-dynload/_tkinter*' \
  -cf - "python$version" "libpython$version.so.1.0" | tar -C "$root/usr/local/lib" -xf -
cp "$prefix/bin/python$version" "$root/usr/local/bin/"
ln -s "python$version" "$root/usr/local/bin/python3"
ln -s "python$version" "$root/usr/local/bin/python"
cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
chroot "$root" /bin/sh -euc "
  ln -snf /usr/share/zoneinfo/Etc/UTC /etc/localtime
  ldconfig
  python3 -m ensurepip --default-pip >/dev/null
  python3 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, readline, uuid, decimal, hashlib'
  useradd --system --uid 1000 --user-group --no-create-home airbyte
  mkdir -p /airbyte/integration_code
  chown -R airbyte:airbyte /airbyte
  chmod 1777 /tmp
  apt-get clean
  rm -rf /var/lib/apt/lists/* /root/.cache /usr/share/doc/* /usr/share/man/* /usr/share/locale/*
"
tar -C "$root" -cf - . | "$DOCKER" import \
  --change "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" \
  --change "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt" \
  --change "WORKDIR /airbyte/integration_code" \
  --change "LABEL source-sms.standin-recipe=$recipe" \
  --change 'CMD ["python3"]' \
  - "$TAG" >&2
echo "$TAG"
