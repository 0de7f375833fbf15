#!/usr/bin/env bash
# Writes a Raspberry Pi OS Lite (64-bit) image to an SD card and prepares the card's first boot as a
# validator. Runs on a Linux laptop as root. docs/operations.md walks through it.
#
#   sudo deploy/flash-sd.sh --image 2025-xx-xx-raspios-bookworm-arm64-lite.img.xz --device /dev/sdX \
#        --deb artifacts/packages/validator_0.1.0_arm64.deb --device-id BUS-0042-FRONT \
#        --upstream https://backoffice.example/ --device-secret-file bus-0042-front.secret \
#        --list-key-file list-signing-key.pub.pem --token-key-file fleet-token.key \
#        [--ssh-key ~/.ssh/id_ed25519.pub] [options]
#
# What it writes:
#   boot partition (FAT, editable from any laptop):  validator/device.env, validator/validator_*.deb,
#                                                    validator/list-key.pem, validator/token.key,
#                                                    validator/debs/*.deb (with --offline-debs),
#                                                    userconf.txt (the technician user), ssh (with --ssh-key)
#   root partition (ext4):  /usr/local/sbin/validator-firstboot and validator-firstboot.service,
#                           enabled; it does the rest at the first boot (deploy/pi/validator-firstboot.sh).
#
# Options:
#   --image FILE          .img or .img.xz to write (omit with --no-flash)
#   --device DEV          the SD card's block device (whole disk, e.g. /dev/sdb or /dev/mmcblk0)
#   --no-flash            do not write an image; prepare a card that already holds Raspberry Pi OS
#   --deb FILE            validator_<version>_arm64.deb (required)
#   --device-id ID        the id the back office knows this door by (required)
#   --upstream URL        the back office (required)
#   --device-secret-file F  the device secret the back office gave this door (required; erased after use)
#   --list-key-file PEM   the back office's list signing public key, GET /v1/admin/signing-key (required)
#   --token-key-file F    the fleet's card-token key (erased after use); without it, give
#                         --provision-args --generate-token-key (the first device of a new fleet only)
#   --hostname NAME       default validator-<device id>
#   --provision-args STR  extra `validator provision` arguments, e.g. "--line 42 --stop Bernburg" (erased after use)
#   --ssh-key FILE        public key for the technician login (user --tech-user, default tech)
#   --wifi-ssid S --wifi-psk-file F --wifi-country CC   Wi-Fi of the bus's router
#   --buzzer passive|active|none                        default passive (enables PWM on GPIO 18)
#   --offline-debs DIR    arm64 .debs (pcscd, libccid, libpcsclite1, libgpiod2...) for a first boot without network
#   --boot-dir DIR --root-dir DIR   use already mounted partitions instead of --device (no dd, no mount)
#   --yes                 do not ask for confirmation (scripts; the device checks still apply)
#   --dry-run             check everything, print what would be done, write nothing
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
image="" device="" no_flash=0 deb="" device_id="" upstream="" hostname="" provision_args=""
device_secret_file="" list_key_file="" token_key_file=""
ssh_key="" tech_user="tech" wifi_ssid="" wifi_psk_file="" wifi_country="DE" buzzer="passive"
offline_debs="" boot_dir="" root_dir="" yes=0 dry_run=0

die() { echo "flash-sd: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
say() { echo "flash-sd: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    --no-flash) no_flash=1; shift ;;
    --deb) deb="$2"; shift 2 ;;
    --device-id) device_id="$2"; shift 2 ;;
    --upstream) upstream="$2"; shift 2 ;;
    --hostname) hostname="$2"; shift 2 ;;
    --device-secret-file) device_secret_file="$2"; shift 2 ;;
    --list-key-file) list_key_file="$2"; shift 2 ;;
    --token-key-file) token_key_file="$2"; shift 2 ;;
    --provision-args) provision_args="$2"; shift 2 ;;
    --ssh-key) ssh_key="$2"; shift 2 ;;
    --tech-user) tech_user="$2"; shift 2 ;;
    --wifi-ssid) wifi_ssid="$2"; shift 2 ;;
    --wifi-psk-file) wifi_psk_file="$2"; shift 2 ;;
    --wifi-country) wifi_country="$2"; shift 2 ;;
    --buzzer) buzzer="$2"; shift 2 ;;
    --offline-debs) offline_debs="$2"; shift 2 ;;
    --boot-dir) boot_dir="$2"; shift 2 ;;
    --root-dir) root_dir="$2"; shift 2 ;;
    --yes) yes=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "flash-sd: unknown option '$1'" >&2; usage 64 ;;
  esac
done

# ---- checks that need no root and touch nothing -------------------------------------------------
check_inputs() {
  [[ "$tech_user" =~ ^[a-z][a-z0-9_-]{0,31}$ ]] || die "--tech-user '$tech_user' is not a valid user name"
  [ -n "$deb" ] || die "--deb is required (artifacts/packages/validator_<version>_arm64.deb from 'build.ps1 package')"
  [ -f "$deb" ] || die "--deb $deb does not exist"
  case "$(basename "$deb")" in validator_*_arm64.deb) ;; *) die "--deb must be validator_<version>_arm64.deb (a Pi runs arm64), not $(basename "$deb")" ;; esac
  [ -n "$device_id" ] || die "--device-id is required"
  [[ "$device_id" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] || die "--device-id '$device_id': letters, digits, '.', '_', '-' only"
  [[ "$upstream" =~ ^https://[^[:space:]]+$ ]] || die "--upstream must be an https:// address (the device secret travels on it)"
  # What `validator provision` needs at the first boot (it refuses to run without them).
  [ -n "$device_secret_file" ] && [ -f "$device_secret_file" ] || die "--device-secret-file is required: a file holding the device secret from the back office"
  [ "$(head -n 1 "$device_secret_file" | tr -d '\r\n' | wc -c)" -ge 16 ] || die "--device-secret-file $device_secret_file: the secret is shorter than 16 characters"
  [ -n "$list_key_file" ] && [ -f "$list_key_file" ] || die "--list-key-file is required: the back office's list signing public key (GET /v1/admin/signing-key)"
  grep -q -- '-----BEGIN PUBLIC KEY-----' "$list_key_file" || die "--list-key-file $list_key_file is not a PEM public key"
  [ -z "$token_key_file" ] || { [ -f "$token_key_file" ] && [ "$(wc -c <"$token_key_file")" -ge 32 ]; } || die "--token-key-file $token_key_file must exist and hold at least 32 bytes"
  [ -z "$hostname" ] || [[ "$hostname" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || die "--hostname '$hostname' is not a valid host name"
  case "$buzzer" in passive|active|none) ;; *) die "--buzzer must be passive, active or none" ;; esac
  [ -z "$ssh_key" ] || { [ -f "$ssh_key" ] && grep -qE '^(ssh-|ecdsa-|sk-)' "$ssh_key"; } || die "--ssh-key $ssh_key is not a public key file"
  [ -z "$wifi_psk_file" ] || [ -f "$wifi_psk_file" ] || die "--wifi-psk-file $wifi_psk_file does not exist"
  [ -z "$wifi_ssid" ] || [ -n "$wifi_psk_file" ] || die "--wifi-ssid needs --wifi-psk-file (the passphrase is not taken on the command line, where ps shows it)"
  [ -z "$offline_debs" ] || ls "$offline_debs"/*.deb >/dev/null 2>&1 || die "--offline-debs $offline_debs holds no .deb"
  if [ -n "$boot_dir$root_dir" ]; then
    [ -d "$boot_dir" ] && [ -d "$root_dir" ] || die "--boot-dir and --root-dir must both be existing directories"
    [ -z "$device" ] || die "--boot-dir/--root-dir and --device exclude each other"
    return
  fi
  [ -n "$device" ] || die "--device is required (or --boot-dir and --root-dir)"
  if [ $no_flash -eq 0 ]; then
    [ -n "$image" ] || die "--image is required (or --no-flash)"
    [ -f "$image" ] || die "--image $image does not exist"
    case "$image" in *.img|*.img.xz) ;; *) die "--image must be .img or .img.xz" ;; esac
  fi
}

# The card must be a whole disk, not in use, and not the disk this laptop runs from.
check_device() {
  [ -b "$device" ] || die "$device is not a block device"
  [ "$(lsblk -dno TYPE "$device" 2>/dev/null)" = disk ] || [ "$(lsblk -dno TYPE "$device" 2>/dev/null)" = loop ] \
    || die "$device is not a whole disk (give /dev/sdX, not /dev/sdX1)"
  local name parts
  name="$(basename "$(readlink -f "$device")")"
  parts="$(lsblk -lno NAME "$device" 2>/dev/null | tr '\n' ' ')"
  for p in $parts; do
    if grep -qE "^/dev/$p\s" /proc/mounts; then die "/dev/$p is mounted; unmount it first (umount /dev/$p)"; fi
  done
  # A partition mounted through a loop device (an image tool, or an earlier run) shows as /dev/loopN.
  local loops
  loops="$(losetup -nO NAME -j "$device" 2>/dev/null | tr '\n' ' ')"
  [ -z "${loops// /}" ] || die "$device is in use by loop device(s) $loops(mounted? 'losetup -j $device' shows them)"
  local rootdisk
  rootdisk="$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" 2>/dev/null | head -n 1 || true)"
  [ "$name" != "$rootdisk" ] || die "$device holds this computer's root file system"
  local size_gb=$(( $(blockdev --getsize64 "$device") / 1000000000 ))
  [ "$size_gb" -le 256 ] || die "$device is ${size_gb} GB; an SD card for a validator is smaller. Wrong device?"
}

device_env() {
  cat <<ENV
# Written by deploy/flash-sd.sh on $(date -u +%Y-%m-%dT%H:%MZ). KEY=value only; never executed.
# Secret values (DEVICE_SECRET, PROVISION_ARGS, WIFI_PSK, and validator/token.key) are erased once
# the first boot has used them.
DEVICE_ID=$device_id
UPSTREAM_URL=$upstream
DEVICE_SECRET=$(head -n 1 "$device_secret_file" | tr -d '\r')
HOSTNAME=$hostname
PROVISION_ARGS=$provision_args
TECH_USER=$tech_user
TECH_SSH_KEY=$( [ -n "$ssh_key" ] && head -n 1 "$ssh_key" || true)
WIFI_COUNTRY=$wifi_country
WIFI_SSID=$wifi_ssid
WIFI_PSK=$( [ -n "$wifi_psk_file" ] && head -n 1 "$wifi_psk_file" || true)
BUZZER=$buzzer
ENV
}

install_boot_files() {
  local boot="$1"
  [ -f "$boot/config.txt" ] || die "$boot has no config.txt: not a Raspberry Pi OS boot partition"
  mkdir -p "$boot/validator"
  rm -f "$boot"/validator/validator_*.deb
  cp "$deb" "$boot/validator/"
  device_env >"$boot/validator/device.env"
  cp "$list_key_file" "$boot/validator/list-key.pem"
  rm -f "$boot/validator/token.key"
  [ -z "$token_key_file" ] || cp "$token_key_file" "$boot/validator/token.key"
  # FAT ignores the modes; ext4 test images do not.
  chmod 0600 "$boot/validator/device.env" 2>/dev/null || true
  [ -z "$token_key_file" ] || chmod 0600 "$boot/validator/token.key" 2>/dev/null || true
  if [ -n "$offline_debs" ]; then
    mkdir -p "$boot/validator/debs"
    cp "$offline_debs"/*.deb "$boot/validator/debs/"
  fi
  # Raspberry Pi OS enables sshd at boot when this file exists.
  if [ -n "$ssh_key" ]; then : >"$boot/ssh"; fi
  # Without userconf.txt a fresh Raspberry Pi OS asks for a user on the console at first boot and holds
  # logins until someone answers. The technician user gets a random password nobody knows; the first
  # boot locks it, so the login is by SSH key only.
  if [ ! -f "$boot/userconf.txt" ]; then
    local hash
    hash="$(head -c 32 /dev/urandom | base64 | openssl passwd -6 -stdin)" || die "openssl is needed for userconf.txt"
    printf '%s:%s\n' "$tech_user" "$hash" >"$boot/userconf.txt"
  fi
}

install_root_files() {
  local root="$1"
  [ -d "$root/etc/systemd/system" ] || die "$root has no etc/systemd/system: not a Raspberry Pi OS root partition"
  install -D -m 0755 "$here/pi/validator-firstboot.sh" "$root/usr/local/sbin/validator-firstboot"
  install -D -m 0644 "$here/pi/validator-firstboot.service" "$root/etc/systemd/system/validator-firstboot.service"
  mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
  ln -sfn /etc/systemd/system/validator-firstboot.service "$root/etc/systemd/system/multi-user.target.wants/validator-firstboot.service"
  rm -f "$root/var/lib/validator-firstboot/done" "$root/var/lib/validator-firstboot/system" "$root/var/lib/validator-firstboot/provisioned"
}

# Partition N of the card mounted at DIR through an offset loop mount: works the same on a USB
# reader, a built-in mmcblk slot and a loop device, without waiting for udev to make /dev/sdX1.
mount_partition() {
  local dev="$1" n="$2" dir="$3" start sectors
  read -r start sectors < <(partx -g -o START,SECTORS -n "$n" "$dev") || die "$dev has no partition $n"
  mount -o "offset=$((start * 512)),sizelimit=$((sectors * 512))" "$dev" "$dir" || die "cannot mount partition $n of $dev"
}

mnt=""
# Only ever our own temporary mount points: never a path built from an empty variable.
cleanup_mounts() {
  [ -n "$mnt" ] && [ -d "$mnt" ] || return 0
  mountpoint -q "$mnt/boot" && umount "$mnt/boot"
  mountpoint -q "$mnt/root" && umount "$mnt/root"
  rmdir "$mnt/boot" "$mnt/root" "$mnt" 2>/dev/null || true
}

main() {
  check_inputs
  local mode="prepare the mounted partitions $boot_dir and $root_dir"
  if [ -z "$boot_dir" ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root (sudo): it writes a block device"
    for tool in lsblk partx blockdev findmnt dd openssl; do command -v "$tool" >/dev/null || die "needs $tool (util-linux, coreutils)"; done
    check_device
    if [ $no_flash -eq 1 ]; then mode="prepare the Raspberry Pi OS already on $device"; else mode="ERASE $device and write $(basename "$image")"; fi
  fi

  say "plan: $mode"
  say "  device id $device_id, back office $upstream, package $(basename "$deb")"
  say "  list key $list_key_file, card-token key ${token_key_file:-(none: --generate-token-key in --provision-args?)}"
  [ -n "$ssh_key" ] && say "  technician login '$tech_user' with key $(awk '{print $1, $3}' "$ssh_key")"
  [ -n "$wifi_ssid" ] && say "  Wi-Fi '$wifi_ssid' ($wifi_country)"
  [ -n "$offline_debs" ] && say "  offline packages: $(ls "$offline_debs"/*.deb | wc -l) from $offline_debs"
  [ -n "$device" ] && lsblk -o NAME,SIZE,MODEL,TRAN,MOUNTPOINTS "$device" 2>/dev/null | sed 's/^/  /'
  if [ $dry_run -eq 1 ]; then
    say "dry run: would write to the boot partition validator/device.env:"
    device_env | sed -E 's/^(DEVICE_SECRET|PROVISION_ARGS|WIFI_PSK)=.+/\1=<secret>/; s/^/    /'
    say "dry run: nothing written"
    return 0
  fi
  if [ $yes -eq 0 ] && [ -n "$device" ]; then
    read -r -p "flash-sd: type the device name ($device) to go on: " answer
    [ "$answer" = "$device" ] || die "not confirmed; nothing written"
  fi

  if [ -n "$boot_dir" ]; then
    install_boot_files "$boot_dir"; install_root_files "$root_dir"
    sync; say "prepared $boot_dir and $root_dir"; return 0
  fi

  if [ $no_flash -eq 0 ]; then
    say "writing $(basename "$image") to $device"
    if [[ "$image" == *.xz ]]; then
      xz -dc "$image" | dd of="$device" bs=4M conv=fsync iflag=fullblock status=progress
    else
      dd if="$image" of="$device" bs=4M conv=fsync status=progress
    fi
    sync
    command -v partprobe >/dev/null && partprobe "$device" 2>/dev/null || true
  fi

  mnt="$(mktemp -d)"
  mkdir -p "$mnt/boot" "$mnt/root"
  trap cleanup_mounts EXIT
  mount_partition "$device" 1 "$mnt/boot"
  mount_partition "$device" 2 "$mnt/root"
  install_boot_files "$mnt/boot"
  install_root_files "$mnt/root"
  sync
  umount "$mnt/boot"; umount "$mnt/root"
  say "done: put the card in the Pi and power it; the first boot installs and provisions (about 5-10 min with network)"
}

main
