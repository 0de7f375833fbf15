#!/usr/bin/env bash
# Runs the amd64 package under a real systemd: a minimal Debian 12 root (debootstrap) booted with
# systemd-nspawn. Checks what a container without systemd cannot: the .NET program runs inside the
# unit's full sandbox (seccomp filter, ProtectSystem=strict, DevicePolicy, MemoryMax ...), reaches a
# socket-activated pcscd, the postinst starts the service, the unit stops instead of restarting on a
# usage/configuration exit, and purge stops and removes everything.
#   tests/deploy/sandbox.test.sh <validator_x_amd64.deb>
# Needs root, debootstrap, systemd-nspawn (package systemd-container) and the Debian mirror.
# Prints PASS/FAIL/SKIP lines; exit 1 on a failure, 0 on success or skip.
set -uo pipefail
deb="${1:?usage: sandbox.test.sh validator_x_amd64.deb}"
cache="${VALIDATOR_SANDBOX_ROOT_CACHE:-/var/tmp/validator-sandbox-root}"
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
skip() { echo "SKIP: sandbox test: $*"; exit 0; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
command -v systemd-nspawn >/dev/null || skip "needs systemd-nspawn (apt-get install systemd-container)"
command -v debootstrap >/dev/null || skip "needs debootstrap"
[ -f "$deb" ] || { fail "no package $deb"; exit 1; }

# A clean root per run, from a cached debootstrap (about a minute the first time).
if [ ! -x "$cache/bin/systemctl" ]; then
  rm -rf "$cache"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,adduser,pcscd,libccid,libpcsclite1,libssl3,init-system-helpers \
    bookworm "$cache" http://deb.debian.org/debian >/tmp/validator-sandbox-debootstrap.log 2>&1 \
    || skip "debootstrap failed (no mirror?): $(tail -n 1 /tmp/validator-sandbox-debootstrap.log)"
fi
root="$(mktemp -d /var/tmp/validator-sandbox.XXXXXX)"
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
cp -a "$cache/." "$root/"

# nspawn cleans its propagation directory only on a tmpfs; container hosts often have /run on disk.
if [ "$(stat -f -c %T /run 2>/dev/null)" != tmpfs ] && ! mountpoint -q /run/systemd/nspawn; then
  mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn
fi
nspawn=(systemd-nspawn -q --register=no --keep-unit --private-network -D "$root")
"${nspawn[@]}" /bin/true >/dev/null 2>&1 || skip "systemd-nspawn cannot start a container here"

cp "$deb" "$root/root/validator.deb"
# The scenario runs inside the booted container as a oneshot unit, writes its findings to
# /root/result, and powers the container off.
cat >"$root/usr/local/sbin/scenario" <<'SCENARIO'
#!/bin/sh
exec >/root/result 2>&1
show() { echo "== $1"; systemctl show -p ActiveState,Result,ExecMainStatus,NRestarts validator.service; }
echo "== install"
dpkg -i /root/validator.deb >/dev/null 2>&1; echo "dpkg-rc=$?"
sleep 5
# Unprovisioned and (until the run verb exists) unknown: either way a usage/config exit, no restart loop.
show after-install
journalctl -u validator -o cat --no-pager | tail -n 3
head -c 32 /dev/urandom >/etc/validator/token.key; chgrp validator /etc/validator/token.key; chmod 0640 /etc/validator/token.key
mkdir -p /etc/systemd/system/validator.service.d
printf '[Service]\nType=exec\nExecStart=\nExecStart=/opt/validator/validator demo --fast --in-process --students 3\nRestart=no\nWatchdogSec=0\n' \
  >/etc/systemd/system/validator.service.d/test.conf
systemctl daemon-reload; systemctl reset-failed validator.service
systemctl start validator.service; sleep 15
show demo
journalctl -u validator -o cat --no-pager | grep -E '^ *[0-9]+ taps' | tail -n 1
printf '[Service]\nType=exec\nExecStart=\nExecStart=/opt/validator/validator inspect --json --count 1 --timeout 3\nRestart=no\nWatchdogSec=0\n' \
  >/etc/systemd/system/validator.service.d/test.conf
systemctl daemon-reload; systemctl reset-failed validator.service
systemctl start validator.service; sleep 12
show inspect
echo "pcscd=$(systemctl is-active pcscd.service)"
journalctl -u validator -o cat --no-pager | tail -n 4
echo "== security"
systemd-analyze security validator.service 2>&1 | tail -n 1
rm -rf /etc/systemd/system/validator.service.d; systemctl daemon-reload; systemctl reset-failed validator.service
echo "== purge"
dpkg -P validator >/dev/null 2>&1; echo "purge-rc=$?"
echo "user=$(getent passwd validator >/dev/null && echo present || echo absent)"
echo "data=$( [ -e /var/lib/validator ] && echo present || echo absent)"
echo "unit=$(systemctl is-active validator.service)"
systemctl poweroff
SCENARIO
chmod +x "$root/usr/local/sbin/scenario"
printf '[Unit]\nAfter=multi-user.target\n[Service]\nType=oneshot\nExecStart=/usr/local/sbin/scenario\n[Install]\nWantedBy=multi-user.target\n' \
  >"$root/etc/systemd/system/scenario.service"
ln -s /etc/systemd/system/scenario.service "$root/etc/systemd/system/multi-user.target.wants/scenario.service"

timeout 300 "${nspawn[@]}" --boot </dev/null >/tmp/validator-sandbox-boot.log 2>&1
r="$root/root/result"
[ -f "$r" ] || { fail "the container produced no result (boot log: /tmp/validator-sandbox-boot.log)"; tail -n 20 /tmp/validator-sandbox-boot.log; exit 1; }
sed 's/^/    /' "$r"
val() { sed -n "/^== $1\$/,/^== /p" "$r" | sed -n "s/^$2=//p" | head -n 1; }
[ "$(sed -n 's/^dpkg-rc=//p' "$r")" = 0 ] && pass "dpkg -i under a running systemd" || fail "dpkg -i under systemd"
st="$(val after-install ExecMainStatus)"
if [ "$(val after-install NRestarts)" = 0 ] && { [ "$st" = 64 ] || [ "$st" = 78 ]; }; then
  pass "postinst started the service; unprovisioned it stops with exit $st and is not restarted"
elif [ "$(val after-install ActiveState)" = active ]; then
  pass "postinst started the service and it runs"
else
  fail "service after install: $(val after-install ActiveState) exit $st restarts $(val after-install NRestarts)"
fi
[ "$(val demo Result)" = success ] && grep -qE '^ *[0-9]+ taps' "$r" && pass ".NET runs inside the full sandbox (seccomp, ProtectSystem=strict, DevicePolicy, MemoryMax)" \
  || fail "demo inside the sandbox: $(val demo Result) exit $(val demo ExecMainStatus)"
grep -q '^pcscd=active' "$r" && pass "pcscd socket-activated by the validator inside the sandbox (AF_UNIX allowed)" || fail "pcscd not reached from the sandbox"
[ "$(val inspect ExecMainStatus)" != 159 ] && ! grep -qi "SIGSYS\|Bad system call" "$r" && pass "no system call refused fatally (inspect exit $(val inspect ExecMainStatus))" || fail "inspect killed by the sandbox"
grep -q "^purge-rc=0" "$r" && grep -q "^user=absent" "$r" && grep -q "^data=absent" "$r" && grep -qE "^unit=(inactive|unknown)$" "$r" \
  && pass "purge under systemd: service stopped, data and user gone" || fail "purge under systemd"
if [ "$failures" -gt 0 ]; then echo "sandbox test: $failures FAILED"; exit 1; fi
echo "sandbox test: all PASSED"
