#!/usr/bin/env bash
# CI check of the deploy/ deliverables, self-contained: installs its apt needs, builds both .deb
# packages (build.ps1 package), lints them, installs, verifies the unit, runs the installed
# validator, removes and purges, and runs the arm64 build under qemu against pcscd + vpcd with a
# virtual tap. Prints PASS/FAIL per check and exits non-zero if any check failed.
# Runs as root on a Debian 12 x64 machine or container (no systemd as PID 1 needed). ~4-5 min.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root="$(pwd)"
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p artifacts
log_dir="$root/artifacts/deploy-check"
rm -rf "$log_dir"; mkdir -p "$log_dir"
failures=0
own_pcscd=""

pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
step() { printf '\n==== %s ====\n' "$*"; }
# check "what" command...: PASS/FAIL on the command's exit code, its output kept in the log dir.
check() {
  local what="$1"; shift
  local out
  out="$log_dir/$(printf '%s' "$what" | tr -c 'A-Za-z0-9' '_' | cut -c1-60).log"
  if "$@" >"$out" 2>&1; then pass "$what"; else fail "$what (exit $?; output below)"; sed 's/^/    /' "$out" | tail -n 20; fi
}
cleanup() {
  if [ -n "$own_pcscd" ] && kill -0 "$own_pcscd" 2>/dev/null; then kill "$own_pcscd"; wait "$own_pcscd" 2>/dev/null; fi
  [ -n "${pcscd_dir:-}" ] && rm -rf "$pcscd_dir"
  [ -n "${arm_root:-}" ] && rm -rf "$arm_root"
}
trap cleanup EXIT

step "apt: dpkg-dev, lintian, systemd-analyze, qemu-user-static, pcscd + vpcd, arm64 runtime libraries"
need=()
command -v dpkg-deb >/dev/null || need+=(dpkg-dev)
command -v lintian >/dev/null || need+=(lintian)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v pcscd >/dev/null || need+=(pcscd)
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || need+=(vsmartcard-vpcd)
# The package's own Depends, so that `dpkg -i` (which does not fetch dependencies) succeeds.
native="$(dpkg --print-architecture)"
for p in adduser libpcsclite1 libccid libssl3; do dpkg -s "$p:$native" >/dev/null 2>&1 || dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
# The arm64 build runs under qemu-user with the arm64 loader and libraries from Debian's multiarch.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then dpkg --add-architecture arm64; need_update=1; fi
for p in libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libssl3:arm64 libpcsclite1:arm64; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ] || [ -n "${need_update:-}" ]; then
  echo "installing: ${need[*]}"
  if apt-get update -qq >/dev/null && { [ ${#need[@]} -eq 0 ] || apt-get install -y -qq "${need[@]}" >"$log_dir/apt.log" 2>&1; }; then
    pass "apt-get install ${need[*]}"
  else
    fail "apt-get install ${need[*]}"; tail -n 20 "$log_dir/apt.log"; exit 1
  fi
else
  pass "apt needs already installed"
fi

step "build.ps1 package"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)"
amd64_deb="$root/artifacts/packages/validator_${version}_amd64.deb"
arm64_deb="$root/artifacts/packages/validator_${version}_arm64.deb"
rm -f "$amd64_deb" "$arm64_deb"
if dotnet tool restore >/dev/null && dotnet pwsh build.ps1 package >"$log_dir/package.log" 2>&1 && [ -f "$amd64_deb" ] && [ -f "$arm64_deb" ]; then
  pass "build.ps1 package: $(basename "$arm64_deb") ($(du -h "$arm64_deb" | cut -f1)), $(basename "$amd64_deb") ($(du -h "$amd64_deb" | cut -f1))"
else
  fail "build.ps1 package"; tail -n 30 "$log_dir/package.log"; exit 1
fi

step "lintian"
for deb in "$arm64_deb" "$amd64_deb"; do
  # Root is fine in a throwaway CI container; lintian only warns about it.
  lint="$log_dir/lintian-$(basename "$deb").log"
  lintian --allow-root --pedantic --display-info --show-overrides "$deb" >"$lint" 2>&1
  # Overridden tags (O:) are listed once per tag with the count; each override's reason is in
  # deploy/debian/lintian-overrides.
  grep -E '^[EWIPXO]: ' "$lint" | sed -E 's/ \[.*\]$//' | sort | uniq -c | sort -rn | sed 's/^/    /'
  if grep -qE '^[EW]: ' "$lint"; then
    fail "lintian $(basename "$deb"): errors or warnings (see above)"
  elif grep -qE '^[IPX]: ' "$lint"; then
    pass "lintian $(basename "$deb"): no errors, no warnings (info tags above)"
  else
    pass "lintian $(basename "$deb"): clean at --pedantic --display-info (every override has its reason)"
  fi
done

step "install the amd64 package"
# A previous run (or a developer's machine) may have it installed; start from nothing.
if dpkg -s validator >/dev/null 2>&1; then dpkg -P validator >/dev/null 2>&1; fi
check "dpkg -i $(basename "$amd64_deb")" dpkg -i "$amd64_deb"
check "dpkg reports validator $version installed" sh -c "dpkg-query -W -f='\${Status} \${Version}' validator | grep -qx 'install ok installed $version'"
check "/usr/bin/validator points at /opt/validator/validator" sh -c '[ "$(readlink /usr/bin/validator)" = /opt/validator/validator ] && [ -x /opt/validator/validator ]'
check "/etc/validator/validator.json is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' validator | grep -q '/etc/validator/validator.json'"
check "system user validator exists, with no login shell" sh -c 'getent passwd validator | grep -q ":/usr/sbin/nologin$"'
check "/var/lib/validator belongs to validator, mode 750" sh -c '[ "$(stat -c "%U:%G %a" /var/lib/validator)" = "validator:validator 750" ]'
check "man page, copyright, changelog installed" test -f /usr/share/man/man1/validator.1.gz -a -f /usr/share/doc/validator/copyright -a -f /usr/share/doc/validator/changelog.gz

step "systemd unit"
unit=/lib/systemd/system/validator.service
if systemd-analyze verify "$unit" >"$log_dir/verify.log" 2>&1 && ! grep -q . "$log_dir/verify.log"; then
  pass "systemd-analyze verify $unit (no complaints)"
else
  fail "systemd-analyze verify $unit"; sed 's/^/    /' "$log_dir/verify.log"
fi
if systemd-analyze security --offline=true --threshold=30 "$unit" >"$log_dir/security.log" 2>&1; then
  pass "systemd-analyze security: $(grep -o 'Overall exposure level.*' "$log_dir/security.log")"
else
  fail "systemd-analyze security (exposure above 3.0)"; grep -E '✗|Overall' "$log_dir/security.log" | sed 's/^/    /'
fi
check "unit enabled for multi-user.target (deb-systemd-helper)" test -L /etc/systemd/system/multi-user.target.wants/validator.service

step "run the installed validator"
check "validator version prints $version" sh -c "/usr/bin/validator version | grep -q '^validator $version'"
# The shipped config must parse (it has comments); unprovisioned, inspect stops at the missing key with EX_CONFIG.
check "shipped validator.json parses (inspect asks for provisioning, no JSON error)" sh -c \
  'out="$0"; /usr/bin/validator inspect --timeout 1 >"$out" 2>&1; rc=$?; cat "$out"; ! grep -qi "not valid JSON" "$out" && { [ $rc -eq 0 ] || grep -q provision "$out"; }' "$log_dir/inspect.out"
check "validator demo --fast --in-process as the service user" runuser -u validator -- /usr/bin/validator demo --fast --in-process --students 3
# The packaged GPIO stack and the shipped Feedback settings, on a simulated GPIO (no pins here).
check "validator leds (start-up pattern) on simulated GPIO with the shipped settings" sh -c \
  'out="$0"; /usr/bin/validator leds --output startup --simulate "$out" && grep -q "^pin 17 1" "$out"' "$log_dir/leds-pins.txt"

step "dpkg -r keeps configuration and data"
echo "// technician's edit" >>/etc/validator/validator.json
head -c 32 /dev/urandom >/etc/validator/token.key
echo "unsent taps" >/var/lib/validator/ci-marker
check "dpkg -r validator" dpkg -r validator
check "program gone after remove" sh -c '[ ! -e /opt/validator/validator ] && [ ! -e /usr/bin/validator ]'
check "config kept after remove (with the local edit)" grep -q "technician's edit" /etc/validator/validator.json
check "provisioned secret kept after remove" test -s /etc/validator/token.key
check "data kept after remove" grep -q "unsent taps" /var/lib/validator/ci-marker
check "user kept after remove" getent passwd validator
check "reinstall keeps the edited conffile" sh -c "dpkg -i '$amd64_deb' >/dev/null && grep -q \"technician's edit\" /etc/validator/validator.json && grep -q 'unsent taps' /var/lib/validator/ci-marker"

step "dpkg -P deletes configuration, data and user"
check "dpkg -P validator" dpkg -P validator
check "config gone after purge" test ! -e /etc/validator
check "data gone after purge" test ! -e /var/lib/validator
check "user gone after purge" sh -c '! getent passwd validator'
check "dpkg forgot the package" sh -c '! dpkg -s validator >/dev/null 2>&1'

step "arm64 build under qemu-aarch64-static, pcscd + vpcd, virtual taps"
arm_root="$(mktemp -d)"
dpkg-deb -x "$arm64_deb" "$arm_root"
arm_validator="$arm_root/opt/validator/validator"
# ELF e_machine (offset 18) 0xb7 is EM_AARCH64.
check "arm64 package holds an aarch64 executable" sh -c "[ \"\$(od -An -tx1 -j18 -N2 '$arm_validator' | tr -d ' ')\" = b700 ]"
check "arm64 validator version under qemu" sh -c "qemu-aarch64-static '$arm_validator' version | grep -q '^validator $version'"
# One pcscd per machine (/run/pcscd/pcscd.comm). Start ours with a vpcd reader; never tap into
# someone else's: if another pcscd serves the socket, wait for it, then give up.
pcscd_socket=/run/pcscd/pcscd.comm
for _ in $(seq 1 60); do
  if [ -S "$pcscd_socket" ] && python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$pcscd_socket" 2>/dev/null; then sleep 1; else break; fi
done
if [ -S "$pcscd_socket" ] && python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$pcscd_socket" 2>/dev/null; then
  fail "another pcscd serves $pcscd_socket (pids: $(pgrep -x pcscd | tr '\n' ' ')); stop it and rerun"
else
  pcscd_dir="$(mktemp -d)"
  printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x8C7B\n' >"$pcscd_dir/vpcd"
  /usr/sbin/pcscd --foreground --config "$pcscd_dir" >"$log_dir/pcscd.log" 2>&1 &
  own_pcscd=$!
  for _ in $(seq 1 100); do grep -q ':8C7B 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null && break; sleep 0.1; done
  if grep -q ':8C7B 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
    pass "pcscd started (pid $own_pcscd) with the vpcd reader on port 35963"
    # The demo taps virtual cards into vpcd; the arm64 build reads them through libpcsclite1:arm64 and pcscd.
    if timeout 300 qemu-aarch64-static "$arm_validator" demo --fast --students 3 >"$log_dir/arm64-demo.log" 2>&1; then
      if grep -q "the machine's pcscd with the vpcd virtual reader" "$log_dir/arm64-demo.log"; then
        pass "arm64 validator read every virtual tap through pcscd + vpcd: $(grep -E '^ +[0-9]+ taps' "$log_dir/arm64-demo.log" | head -n 1 | sed 's/^ *//')"
      else
        fail "arm64 demo did not use pcscd + vpcd"; sed 's/^/    /' "$log_dir/arm64-demo.log" | head -n 20
      fi
    else
      fail "arm64 demo under qemu (exit $?)"; sed 's/^/    /' "$log_dir/arm64-demo.log" | tail -n 30
    fi
  else
    fail "pcscd with vpcd did not come up"; tail -n 20 "$log_dir/pcscd.log"
  fi
  kill "$own_pcscd" 2>/dev/null; wait "$own_pcscd" 2>/dev/null; own_pcscd=""
fi

step "flashing script and first-boot tests"
check "tests/deploy/flash-sd.test.sh" bash tests/deploy/flash-sd.test.sh

step "the package under a real systemd (debootstrap + systemd-nspawn)"
for p in debootstrap systemd-container; do dpkg -s "$p" >/dev/null 2>&1 || apt-get install -y -qq "$p" >>"$log_dir/apt.log" 2>&1; done
bash tests/deploy/sandbox.test.sh "$amd64_deb" >"$log_dir/sandbox.log" 2>&1; sandbox_rc=$?
grep -E '^(PASS|FAIL|SKIP): ' "$log_dir/sandbox.log"
if [ $sandbox_rc -ne 0 ]; then fail "tests/deploy/sandbox.test.sh (log: artifacts/deploy-check/sandbox.log)"; sed 's/^/    /' "$log_dir/sandbox.log" | grep -v '^    PASS' | tail -n 40; fi

step "result"
if [ "$failures" -gt 0 ]; then
  echo "deploy check: $failures check(s) FAILED (logs in artifacts/deploy-check/)"
  exit 1
fi
echo "deploy check: all checks PASSED"
