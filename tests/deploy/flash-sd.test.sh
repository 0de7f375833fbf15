#!/usr/bin/env bash
# Tests deploy/flash-sd.sh and deploy/pi/validator-firstboot.sh without a Pi and without an SD card:
# argument checks, --dry-run, preparing mounted partitions, the whole dd + mount path against a
# loop device holding a fake two-partition image (when the machine allows loop devices), and the
# first-boot script against a fake root file system. Prints PASS/FAIL lines; exit 1 on a failure.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
flash="$repo/deploy/flash-sd.sh"
firstboot="$repo/deploy/pi/validator-firstboot.sh"
work="$(mktemp -d)"
loopdev=""
failures=0
cleanup() {
  for m in "$work/check-boot" "$work/check-root" "$work/img-boot" "$work/img-root"; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
  [ -n "$loopdev" ] && losetup -d "$loopdev" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_ok() { local what="$1"; shift; if "$@" >"$work/out" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/    /' "$work/out" | tail -n 15; fi; }
expect_refused() {
  local what="$1" pattern="$2"; shift 2
  if "$@" >"$work/out" 2>&1; then fail "$what (was accepted)"; elif grep -q -- "$pattern" "$work/out"; then pass "$what"; else fail "$what (wrong message)"; sed 's/^/    /' "$work/out"; fi
}

deb="$work/validator_9.9.9_arm64.deb"; echo "not a real package" >"$deb"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITESTKEYONLY tech@laptop" >"$work/key.pub"
echo "wifi-passphrase-for-test" >"$work/psk"
echo "device-secret-for-test-0042" >"$work/secret"
openssl ecparam -name prime256v1 -genkey 2>/dev/null | openssl ec -pubout -out "$work/list-key.pem" 2>/dev/null
printf 'token-key-for-test-%032d' 0 >"$work/token.key"
fake_partitions() { # $1 boot dir, $2 root dir: the files flash-sd.sh looks for
  mkdir -p "$1" "$2/etc/systemd/system"
  printf 'console=serial0,115200 root=PARTUUID=1234-02 rootfstype=ext4 fsck.repair=yes rootwait\n' >"$1/cmdline.txt"
  printf '[all]\ndtparam=audio=on\n' >"$1/config.txt"
}
common=(--deb "$deb" --device-id BUS-0042-FRONT --upstream https://backoffice.example/ --device-secret-file "$work/secret"
        --list-key-file "$work/list-key.pem" --token-key-file "$work/token.key")

# ---- argument checks --------------------------------------------------------------------------
fake_partitions "$work/b" "$work/r"
expect_refused "refuses a missing device id" "--device-id is required" "$flash" --deb "$deb" --upstream https://x.example/ --boot-dir "$work/b" --root-dir "$work/r"
expect_refused "refuses a plain-http back office" "https://" "$flash" --deb "$deb" --device-id A --upstream http://x.example/ --boot-dir "$work/b" --root-dir "$work/r"
cp "$deb" "$work/validator_9.9.9_amd64.deb"
expect_refused "refuses an amd64 package" "arm64" "$flash" --deb "$work/validator_9.9.9_amd64.deb" --device-id A --upstream https://x.example/ --boot-dir "$work/b" --root-dir "$work/r"
expect_refused "refuses a card without the device secret" "--device-secret-file is required" "$flash" --deb "$deb" --device-id A --upstream https://x.example/ --list-key-file "$work/list-key.pem" --boot-dir "$work/b" --root-dir "$work/r"
expect_refused "refuses a list key that is no PEM public key" "not a PEM public key" "$flash" "${common[@]}" --list-key-file "$work/psk" --boot-dir "$work/b" --root-dir "$work/r"
expect_refused "refuses Wi-Fi passphrase without a file" "--wifi-psk-file" "$flash" "${common[@]}" --wifi-ssid bus --boot-dir "$work/b" --root-dir "$work/r"
cp "$deb" "$work/fake.img"
expect_refused "refuses a regular file as device" "not a block device" "$flash" "${common[@]}" --image "$work/fake.img" --device "$work/fake.img" --yes
expect_refused "refuses a partition-less image name" ".img or .img.xz" "$flash" "${common[@]}" --image "$deb" --device /dev/null --yes

# ---- dry run writes nothing ---------------------------------------------------------------------
expect_ok "dry run succeeds" "$flash" "${common[@]}" --provision-args "--enrollment-code S3CRET" --boot-dir "$work/b" --root-dir "$work/r" --dry-run
if [ ! -e "$work/b/validator" ] && [ ! -e "$work/r/usr/local/sbin/validator-firstboot" ]; then pass "dry run wrote nothing"; else fail "dry run wrote files"; fi
if grep -q "PROVISION_ARGS=<secret>" "$work/out" && grep -q "DEVICE_SECRET=<secret>" "$work/out" && ! grep -q "S3CRET\|device-secret-for-test" "$work/out"; then pass "dry run hides secrets"; else fail "dry run printed a secret"; fi

# ---- preparing mounted partitions ----------------------------------------------------------------
expect_ok "prepares mounted partitions" "$flash" "${common[@]}" --ssh-key "$work/key.pub" --wifi-ssid bus-router --wifi-psk-file "$work/psk" --boot-dir "$work/b" --root-dir "$work/r" --yes
check_card() { # $1 boot dir, $2 root dir, $3 label
  local b="$1" r="$2" l="$3"
  [ -f "$b/validator/validator_9.9.9_arm64.deb" ] && pass "$l: package on the boot partition" || fail "$l: package missing"
  grep -qx "DEVICE_ID=BUS-0042-FRONT" "$b/validator/device.env" && grep -qx "UPSTREAM_URL=https://backoffice.example/" "$b/validator/device.env" \
    && grep -qx "DEVICE_SECRET=device-secret-for-test-0042" "$b/validator/device.env" \
    && pass "$l: device.env holds device id, back office and device secret" || fail "$l: device.env wrong"
  cmp -s "$work/list-key.pem" "$b/validator/list-key.pem" && cmp -s "$work/token.key" "$b/validator/token.key" \
    && pass "$l: list key and card-token key on the boot partition" || fail "$l: list key or token key missing"
  [ -x "$r/usr/local/sbin/validator-firstboot" ] && [ -f "$r/etc/systemd/system/validator-firstboot.service" ] \
    && [ "$(readlink "$r/etc/systemd/system/multi-user.target.wants/validator-firstboot.service")" = /etc/systemd/system/validator-firstboot.service ] \
    && pass "$l: first-boot service installed and enabled in the root file system" || fail "$l: first-boot service missing"
}
check_card "$work/b" "$work/r" "mounted"
grep -q "^TECH_SSH_KEY=ssh-ed25519 " "$work/b/validator/device.env" && [ -e "$work/b/ssh" ] && pass "ssh key and sshd switch on the card" || fail "ssh setup missing"
grep -qx "WIFI_PSK=wifi-passphrase-for-test" "$work/b/validator/device.env" && pass "Wi-Fi passphrase taken from its file" || fail "Wi-Fi passphrase missing"
grep -qE '^tech:\$6\$' "$work/b/userconf.txt" && pass "userconf.txt creates the technician user (no console prompt at first boot)" || fail "userconf.txt missing"

# ---- first boot against a fake root ------------------------------------------------------------
fb="$work/fbroot"
mkdir -p "$fb/etc" "$fb/boot"
cp -r "$work/b" "$fb/boot/firmware"
echo raspberrypi >"$fb/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\traspberrypi\n' >"$fb/etc/hosts"
printf 'proc /proc proc defaults 0 0\nPARTUUID=1234-01 /boot/firmware vfat defaults 0 2\nPARTUUID=1234-02 / ext4 defaults 0 1\n' >"$fb/etc/fstab"
sed -i 's/^PROVISION_ARGS=.*/PROVISION_ARGS=--enrollment-code S3CRET/' "$fb/boot/firmware/validator/device.env"
VALIDATOR_FIRSTBOOT_ROOT="$fb" bash "$firstboot" >"$work/fb1" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "would run: systemctl reboot" "$work/fb1" && pass "first boot, pass 1: system set up, reboots for the firmware settings" || { fail "first boot pass 1 (exit $rc)"; sed 's/^/    /' "$work/fb1"; }
grep -qx "dtparam=watchdog=on" "$fb/boot/firmware/config.txt" && grep -qx "dtoverlay=pwm,pin=18,func=2" "$fb/boot/firmware/config.txt" \
  && grep -qx "dtparam=audio=off" "$fb/boot/firmware/config.txt" && ! grep -qx "dtparam=audio=on" "$fb/boot/firmware/config.txt" \
  && pass "config.txt: hardware watchdog, PWM on GPIO 18, audio off" || { fail "config.txt"; cat "$fb/boot/firmware/config.txt"; }
grep -qE '^PARTUUID=1234-02 / ext4 defaults,noatime 0 1$' "$fb/etc/fstab" && grep -qE '/boot/firmware vfat defaults 0 2$' "$fb/etc/fstab" \
  && pass "fstab: root noatime, nothing else touched" || { fail "fstab"; cat "$fb/etc/fstab"; }
grep -qx "Storage=volatile" "$fb/etc/systemd/journald.conf.d/50-validator-volatile.conf" && pass "journald volatile" || fail "journald"
grep -qx "RuntimeWatchdogSec=10s" "$fb/etc/systemd/system.conf.d/50-validator-watchdog.conf" && pass "systemd pets the hardware watchdog" || fail "watchdog"
[ "$(cat "$fb/etc/hostname")" = validator-bus-0042-front ] && grep -q "validator-bus-0042-front" "$fb/etc/hosts" && pass "host name from the device id" || fail "host name"
grep -q "^ssh-ed25519 " "$fb/home/tech/.ssh/authorized_keys" && grep -qx "PasswordAuthentication no" "$fb/etc/ssh/sshd_config.d/50-validator.conf" && pass "technician key login only" || fail "technician login"
grep -q "nmcli connection add type wifi .*ssid bus-router" "$work/fb1" && pass "Wi-Fi connection added" || fail "Wi-Fi"
VALIDATOR_FIRSTBOOT_ROOT="$fb" bash "$firstboot" >"$work/fb2" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -q .*validator_9.9.9_arm64.deb" "$work/fb2" \
  && grep -qF "would run: validator provision --device-id BUS-0042-FRONT --upstream https://backoffice.example/ --device-secret-file $fb/run/validator-firstboot/device-secret --list-key-file $fb/boot/firmware/validator/list-key.pem --token-key-file $fb/boot/firmware/validator/token.key --enrollment-code S3CRET" "$work/fb2" \
  && grep -q "would run: validator selftest" "$work/fb2" && grep -q "would run: systemctl restart validator.service" "$work/fb2" \
  && ! grep -q "systemctl reboot" "$work/fb2" \
  && pass "first boot, pass 2: installs, provisions, self-tests, starts the service, no second reboot" || { fail "first boot pass 2 (exit $rc)"; sed 's/^/    /' "$work/fb2"; }
[ -f "$fb/boot/firmware/validator/device.env.done" ] && ! grep -rq "S3CRET\|wifi-passphrase-for-test\|device-secret-for-test" "$fb/boot/firmware" "$fb/run" \
  && [ ! -e "$fb/boot/firmware/validator/token.key" ] \
  && pass "secrets erased from the boot partition" || fail "secrets left on the boot partition"
[ -f "$fb/var/lib/validator-firstboot/done" ] && pass "first boot marked done" || fail "done marker"
printf 'DEVICE_ID=X\nUPSTREAM_URL=ftp://nope\n' >"$fb/boot/firmware/validator/device.env"; rm -f "$fb/var/lib/validator-firstboot/done"
VALIDATOR_FIRSTBOOT_ROOT="$fb" bash "$firstboot" >"$work/fb3" 2>&1; rc=$?
[ $rc -eq 64 ] && pass "first boot refuses a bad device.env with exit 64 (no retry loop)" || fail "bad device.env gave exit $rc"

# ---- the whole path: image -> dd -> mount -> files, on a loop device ------------------------------
if [ "$(id -u)" -eq 0 ] && command -v losetup >/dev/null && command -v sfdisk >/dev/null && grep -qw ext4 /proc/filesystems \
   && loopdev="$(losetup -f --show "$(truncate -s 96M "$work/card.bin" && echo "$work/card.bin")" 2>/dev/null)"; then
  # A fake Raspberry Pi OS image: DOS label, partition 1 at 4 MiB, partition 2 after it. Both are
  # ext4 here because container kernels often lack vfat; flash-sd.sh mounts whatever type is there.
  img="$work/fake-raspios.img"
  truncate -s 80M "$img"
  printf 'label: dos\nstart=8192, size=65536, type=c\nstart=73728, type=83\n' | sfdisk -q "$img"
  mkfs.ext4 -q -F -E offset=$((8192 * 512)) "$img" 32M
  mkfs.ext4 -q -F -E offset=$((73728 * 512)) "$img" $(( (80 * 1024 * 1024 - 73728 * 512) / 1024 ))k
  mkdir -p "$work/img-boot" "$work/img-root"
  mount -o loop,offset=$((8192 * 512)),sizelimit=$((65536 * 512)) "$img" "$work/img-boot"
  mount -o loop,offset=$((73728 * 512)) "$img" "$work/img-root"
  fake_partitions "$work/img-boot" "$work/img-root"
  umount "$work/img-boot" "$work/img-root"
  xz -T0 -1 -k "$img"
  expect_ok "flashes an .img.xz to a loop device and prepares it" "$flash" "${common[@]}" --image "$img.xz" --device "$loopdev" --yes
  mkdir -p "$work/check-boot" "$work/check-root"
  read -r s1 n1 < <(partx -g -o START,SECTORS -n 1 "$loopdev"); read -r s2 n2 < <(partx -g -o START,SECTORS -n 2 "$loopdev")
  mount -o "offset=$((s1 * 512)),sizelimit=$((n1 * 512))" "$loopdev" "$work/check-boot" && mount -o "offset=$((s2 * 512)),sizelimit=$((n2 * 512))" "$loopdev" "$work/check-root"
  check_card "$work/check-boot" "$work/check-root" "loop device"
  umount "$work/check-boot" "$work/check-root"
  grep -q "$loopdev" /proc/mounts && fail "flash-sd.sh left $loopdev mounted" || pass "flash-sd.sh unmounted the card"
  # A mounted card must be refused.
  mount -o "offset=$((s2 * 512)),sizelimit=$((n2 * 512))" "$loopdev" "$work/check-root"
  expect_refused "refuses a card that is in use" "mounted" "$flash" "${common[@]}" --no-flash --device "$loopdev" --yes
  umount "$work/check-root"
else
  loopdev=""
  echo "SKIP: loop-device flash test (needs root, losetup, sfdisk and ext4)"
fi

if [ "$failures" -gt 0 ]; then echo "flash-sd tests: $failures FAILED"; exit 1; fi
echo "flash-sd tests: all PASSED"
