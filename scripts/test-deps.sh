#!/bin/sh
# Runs before `npm test`: the tests use real programs — git, shellcheck, a private sshd and headless
# Chromium. Installs the missing Debian packages when run as root with apt-get (as on a fresh
# machine of this project's kind); otherwise says what to install and stops.
set -eu
missing=
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing$missing (Debian packages the tests run for real)" >&2
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 ||
    { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2; }
  exit 0
fi
echo "npm test needs these Debian packages:$missing — install them (sudo apt-get install$missing) and run it again" >&2
exit 1
