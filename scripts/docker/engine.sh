#!/usr/bin/env bash
# Installs (Debian's docker.io) and starts a Docker engine for the image tests, unless one answers.
# No bridge network on purpose: a bridge would put containers on 172.17.0.0/16, and nothing here may
# send traffic there, so containers run with `--network host` (the emulator on 127.0.0.1) or
# `--network none`. Storage: overlay2 where the kernel has overlayfs; else vfs, which works
# everywhere but copies the whole image for every container (minutes each for our 590 MB image on
# a busy disk, against a second with overlay2).
set -euo pipefail
docker_cli() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi; }
docker_cli info >/dev/null 2>&1 && exit 0
if ! command -v dockerd >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
log=/var/log/source-sms-dockerd.log
driver=vfs
grep -qw overlay /proc/filesystems && driver=overlay2
nohup dockerd --storage-driver="$driver" --bridge=none --iptables=false --ip-forward=false >"$log" 2>&1 &
for _ in $(seq 60); do
  docker_cli info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not answer within 60 s; its log: $log" >&2
tail -20 "$log" >&2
exit 1
