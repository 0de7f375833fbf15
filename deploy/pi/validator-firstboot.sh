#!/bin/bash
# First boot of a validator SD card (installed as /usr/local/sbin/validator-firstboot by
# deploy/flash-sd.sh, run by validator-firstboot.service until it is done):
#   1. system: host name, technician login, Wi-Fi, SD-card care, hardware watchdog, PWM overlay;
#      reboots once if the firmware config changed (overlays are read at boot only);
#   2. the validator package from the boot partition (apt, or the offline .debs next to it);
#   3. `validator provision` with the device id, back office, device secret, list key and card-token
#      key from the boot partition, then `validator selftest`, then the service (re)started;
#   4. erases the secrets from the boot partition and disables itself.
# Each step is idempotent, so a power cut or a missing network only means it runs again.
# Exit codes: 0 done, 75 retry later (network), 64/78 a technician must fix device.env.
#
# VALIDATOR_FIRSTBOOT_ROOT=<dir> runs the file edits against a copy of a root file system and only
# prints the commands that would change the running system (used by tests/deploy).
set -uo pipefail

R="${VALIDATOR_FIRSTBOOT_ROOT:-}"
state="$R/var/lib/validator-firstboot"

log() { echo "validator-firstboot: $*"; }
# Commands that act on the running system; in a test root they are printed, not run.
sys() { if [ -n "$R" ]; then echo "would run: $*"; else "$@"; fi; }

boot_dir() {
  # Raspberry Pi OS bookworm and later mount the boot partition at /boot/firmware; older at /boot.
  for d in "$R/boot/firmware" "$R/boot"; do
    [ -d "$d/validator" ] && { echo "$d"; return 0; }
  done
  for d in "$R/boot/firmware" "$R/boot"; do
    [ -f "$d/config.txt" ] && { echo "$d"; return 0; }
  done
  return 1
}

# KEY=value reader: device.env sits on a FAT partition anyone can edit, so it is parsed, never sourced.
env_get() {
  local key="$1" file="$2"
  sed -n "s/^${key}=//p" "$file" | tail -n 1 | sed 's/\r$//'
}

# Adds a line to a file unless it is there already.
ensure_line() {
  local line="$1" file="$2"
  grep -qxF "$line" "$file" 2>/dev/null || { echo "$line" >>"$file"; return 1; }
  return 0
}

step_system() {
  local boot="$1" env="$2" changed_fw=0
  local device_id hostname tech_user tech_key wifi_country wifi_ssid wifi_psk buzzer
  device_id="$(env_get DEVICE_ID "$env")"
  hostname="$(env_get HOSTNAME "$env")"
  [ -n "$hostname" ] || hostname="validator-$(echo "$device_id" | tr 'A-Z_ ' 'a-z--' | tr -cd 'a-z0-9-')"
  tech_user="$(env_get TECH_USER "$env")"
  tech_key="$(env_get TECH_SSH_KEY "$env")"
  wifi_country="$(env_get WIFI_COUNTRY "$env")"
  wifi_ssid="$(env_get WIFI_SSID "$env")"
  wifi_psk="$(env_get WIFI_PSK "$env")"
  buzzer="$(env_get BUZZER "$env")"

  # Host name (also in /etc/hosts so sudo does not stall on name lookups).
  if [ "$(cat "$R/etc/hostname" 2>/dev/null)" != "$hostname" ]; then
    log "host name $hostname"
    echo "$hostname" >"$R/etc/hostname"
    sed -i "s/^127\.0\.1\.1\s.*/127.0.1.1\t$hostname/" "$R/etc/hosts" 2>/dev/null
    ensure_line "127.0.1.1	$hostname" "$R/etc/hosts" || true
    sys hostname "$hostname"
  fi

  # Technician login: key only. Raspberry Pi OS has no default user any more.
  if [ -n "$tech_user" ] && [ -n "$tech_key" ]; then
    if [ -z "$R" ]; then
      # Raspberry Pi OS usually created the user already from userconf.txt (written by flash-sd.sh
      # with a random password nobody knows); the password is locked either way: keys only.
      id "$tech_user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$tech_user"
      usermod -aG sudo,adm,gpio "$tech_user"
      passwd --lock "$tech_user" >/dev/null
      echo "$tech_user ALL=(ALL) NOPASSWD: ALL" >"/etc/sudoers.d/010_validator-$tech_user"
      chmod 0440 "/etc/sudoers.d/010_validator-$tech_user"
    fi
    local home="$R/home/$tech_user"
    mkdir -p "$home/.ssh"
    echo "$tech_key" >"$home/.ssh/authorized_keys"
    chmod 0700 "$home/.ssh"; chmod 0600 "$home/.ssh/authorized_keys"
    [ -z "$R" ] && chown -R "$tech_user:$tech_user" "$home/.ssh"
    mkdir -p "$R/etc/ssh/sshd_config.d"
    printf '# validator: technicians log in with a key only\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n' \
      >"$R/etc/ssh/sshd_config.d/50-validator.conf"
    sys systemctl enable --now ssh
  fi

  # Wi-Fi of the bus's router (NetworkManager on bookworm and later).
  if [ -n "$wifi_country" ]; then sys raspi-config nonint do_wifi_country "$wifi_country"; fi
  if [ -n "$wifi_ssid" ]; then
    if [ -n "$R" ] || ! nmcli -t -f NAME connection show 2>/dev/null | grep -qx validator-wifi; then
      sys nmcli connection add type wifi con-name validator-wifi ifname wlan0 ssid "$wifi_ssid" \
        wifi-sec.key-mgmt wpa-psk wifi-sec.psk "$wifi_psk" connection.autoconnect yes
    fi
  fi

  # SD-card care. The system journal stays in RAM (the tap journal is the validator's own, on disk,
  # fsynced per tap); no access-time writes; no swap file on the card.
  mkdir -p "$R/etc/systemd/journald.conf.d"
  printf '# validator: system logs in RAM to spare the SD card; taps have their own journal.\n[Journal]\nStorage=volatile\nRuntimeMaxUse=32M\n' \
    >"$R/etc/systemd/journald.conf.d/50-validator-volatile.conf"
  if [ -f "$R/etc/fstab" ] && grep -qE '^\S+\s+/\s+ext4\s+' "$R/etc/fstab" && ! grep -qE '^\S+\s+/\s+ext4\s+\S*noatime' "$R/etc/fstab"; then
    sed -i -E 's#^(\S+\s+/\s+ext4\s+)(\S+)#\1\2,noatime#' "$R/etc/fstab"
    log "root mounted noatime from the next boot"
  fi
  if [ -n "$R" ] || systemctl list-unit-files dphys-swapfile.service >/dev/null 2>&1; then
    sys systemctl disable --now dphys-swapfile.service
  fi

  # Hardware watchdog: systemd pets the SoC watchdog; if the kernel or systemd hangs, the Pi reboots.
  # The BCM2835 watchdog cannot count beyond ~15 s, hence 10 s.
  mkdir -p "$R/etc/systemd/system.conf.d"
  printf '# validator: reboot a hung Pi (the SoC watchdog counts at most ~15 s)\n[Manager]\nRuntimeWatchdogSec=10s\nRebootWatchdogSec=2min\n' \
    >"$R/etc/systemd/system.conf.d/50-validator-watchdog.conf"

  # Firmware config: watchdog on; the passive buzzer's PWM on GPIO 18 (docs/hardware.md).
  local config="$boot/config.txt"
  ensure_line "dtparam=watchdog=on" "$config" || changed_fw=1
  if [ "${buzzer:-passive}" = passive ]; then
    ensure_line "dtoverlay=pwm,pin=18,func=2" "$config" || changed_fw=1
    if grep -qx "dtparam=audio=on" "$config"; then sed -i 's/^dtparam=audio=on$/dtparam=audio=off/' "$config"; changed_fw=1; fi
    ensure_line "dtparam=audio=off" "$config" || changed_fw=1
  fi
  # ACR122U readers: the kernel's NFC drivers would grab the reader before pcscd.
  mkdir -p "$R/etc/modprobe.d"
  printf '# validator: the reader belongs to pcscd (ACR122U / PN533)\nblacklist pn533_usb\nblacklist pn533\nblacklist nfc\n' \
    >"$R/etc/modprobe.d/blacklist-validator-nfc.conf"
  return $changed_fw
}

step_package() {
  local boot="$1" deb
  deb="$(ls "$boot"/validator/validator_*_arm64.deb 2>/dev/null | sort -V | tail -n 1)"
  if dpkg-query -W -f='${Status}' validator 2>/dev/null | grep -q "install ok installed" && [ -z "$R" ]; then
    log "validator package already installed"
    return 0
  fi
  [ -n "$deb" ] || { log "no validator_*_arm64.deb in $boot/validator"; return 64; }
  log "installing $(basename "$deb")"
  # apt resolves pcscd, libccid, libgpiod from the network; without network the .debs that
  # flash-sd.sh --offline-debs put next to it are enough.
  if sys apt-get update -q && sys env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb"; then
    return 0
  fi
  if ls "$boot"/validator/debs/*.deb >/dev/null 2>&1; then
    log "apt failed; installing the offline packages from the boot partition"
    sys dpkg -i "$boot"/validator/debs/*.deb "$deb" && return 0
  fi
  log "could not install the package (no network?); retrying later"
  return 75
}

step_provision() {
  local boot="$1" env="$2" device_id upstream secret args rc
  local list_key="$boot/validator/list-key.pem" token_key="$boot/validator/token.key" secret_file token_args=()
  device_id="$(env_get DEVICE_ID "$env")"
  upstream="$(env_get UPSTREAM_URL "$env")"
  secret="$(env_get DEVICE_SECRET "$env")"
  args="$(env_get PROVISION_ARGS "$env")"
  [ -n "$secret" ] || { log "DEVICE_SECRET is empty in validator/device.env: fix it on the boot partition and reboot"; return 64; }
  [ -f "$list_key" ] || { log "validator/list-key.pem (the back office's list signing key) is missing on the boot partition"; return 64; }
  # The fleet's card-token key; without it PROVISION_ARGS must say --generate-token-key (provision says so).
  [ -f "$token_key" ] && token_args=(--token-key-file "$token_key")
  # The secret goes to provision in a 0600 file in RAM (/run), not on the command line where ps shows it.
  secret_file="$R/run/validator-firstboot/device-secret"
  mkdir -p "$(dirname "$secret_file")" && chmod 0700 "$(dirname "$secret_file")"
  (umask 077 && printf '%s\n' "$secret" >"$secret_file")
  log "provisioning $device_id against $upstream"
  # PROVISION_ARGS is split on spaces on purpose (several options); it is never evaluated by a shell.
  # shellcheck disable=SC2086
  sys validator provision --device-id "$device_id" --upstream "$upstream" --device-secret-file "$secret_file" \
    --list-key-file "$list_key" "${token_args[@]}" $args
  rc=$?
  rm -f "$secret_file"
  case $rc in
    0) return 0 ;;
    64|78) log "validator provision refused the settings (exit $rc): fix validator/device.env on the boot partition and reboot"; return $rc ;;
    *) log "validator provision failed (exit $rc), retrying later"; return 75 ;;
  esac
}

main() {
  local boot env rc
  boot="$(boot_dir)" || { log "boot partition not found"; exit 64; }
  env="$boot/validator/device.env"
  [ -f "$env" ] || { log "$env missing: nothing to do"; touch_done; exit 0; }
  [ -n "$(env_get DEVICE_ID "$env")" ] || { log "DEVICE_ID is empty in $env"; exit 64; }
  [[ "$(env_get UPSTREAM_URL "$env")" =~ ^https?:// ]] || { log "UPSTREAM_URL in $env is not an http(s) address"; exit 64; }
  mkdir -p "$state"

  if [ ! -e "$state/system" ]; then
    step_system "$boot" "$env"; rc=$?
    touch "$state/system"
    if [ $rc -ne 0 ]; then
      log "firmware settings changed; rebooting once so they apply"
      sync; sys systemctl reboot; exit 0
    fi
  fi

  step_package "$boot"; rc=$?; [ $rc -eq 0 ] || exit $rc
  if [ ! -e "$state/provisioned" ]; then
    step_provision "$boot" "$env"; rc=$?; [ $rc -eq 0 ] || exit $rc
    touch "$state/provisioned"
  fi

  # The self-test's verdict is for the technician (journal, LEDs); the first boot is done either way.
  if sys validator selftest; then log "selftest passed"; else log "selftest FAILED: see 'journalctl -u validator-firstboot' and docs/operations.md"; fi
  # Unprovisioned, the service stopped with exit 78 and is not restarted by systemd; provision does
  # not restart it either. After the selftest, which needs the pins the service would hold.
  sys systemctl restart validator.service

  # Secrets must not stay on a FAT partition anyone can read: keep the non-secret settings only.
  sed -E -i 's/^(DEVICE_SECRET|PROVISION_ARGS|WIFI_PSK)=.*/\1=/' "$env"
  mv "$env" "$env.done"
  rm -f "$boot/validator/token.key"
  rm -rf "$boot/validator/debs"
  touch_done
  sys systemctl disable validator-firstboot.service
  log "done"
}

touch_done() { mkdir -p "$state"; touch "$state/done"; }

main "$@"
