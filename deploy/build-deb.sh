#!/usr/bin/env bash
# Builds validator_<version>_<arch>.deb from a `build.ps1 publish` output with dpkg-deb, no debhelper:
# the package is assembled from a staged tree so every file that lands on a Pi is listed here.
#   deploy/build-deb.sh --arch arm64 --publish-dir artifacts/publish/linux-arm64 --version 0.1.0 --out artifacts/packages
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
arch="" publish="" version="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --publish-dir) publish="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "build-deb: unknown argument '$1'" >&2; exit 64 ;;
  esac
done
case "$arch" in arm64|amd64) ;; *) echo "build-deb: --arch must be arm64 or amd64" >&2; exit 64 ;; esac
[ -x "$publish/validator" ] || { echo "build-deb: $publish/validator not found; run 'build.ps1 publish' first" >&2; exit 1; }
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || { echo "build-deb: --version '$version' is not a Debian version" >&2; exit 64; }
for tool in dpkg-deb gzip md5sum; do command -v "$tool" >/dev/null || { echo "build-deb: needs $tool (apt-get install dpkg-dev)" >&2; exit 1; }; done

# The changelog is the package's history; refuse to ship one whose newest entry is another version.
changelog_version="$(sed -n '1s/^validator (\([^)]*\)).*/\1/p' "$here/debian/changelog")"
if [ "$changelog_version" != "$version" ]; then
  echo "build-deb: deploy/debian/changelog starts with $changelog_version but the project is $version; add an entry" >&2
  exit 1
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$out/stage-$arch"
rm -rf "$stage"
install -d -m 0755 "$stage/DEBIAN" "$stage/opt/validator" "$stage/usr/bin" "$stage/etc/validator" \
  "$stage/lib/systemd/system" "$stage/usr/share/doc/validator" "$stage/usr/share/man/man1" \
  "$stage/usr/share/lintian/overrides"

# The app. XML doc files are for IDEs. libcoreclrtraceptprovider.so only serves LTTng tracing and
# links against liblttng-ust, which a Pi does not have (the runtime skips it when it is absent).
cp -a "$publish/." "$stage/opt/validator/"
rm -f "$stage/opt/validator/"*.xml "$stage/opt/validator/libcoreclrtraceptprovider.so"
find "$stage/opt/validator" -type d -exec chmod 0755 {} +
find "$stage/opt/validator" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/opt/validator/validator" "$stage/opt/validator/createdump"
# The apphost finds its runtime through /proc/self/exe, so a symlink on the PATH is enough.
# Absolute: /usr/bin and /opt are different top-level directories (Debian policy 10.5).
ln -s /opt/validator/validator "$stage/usr/bin/validator"

install -m 0644 "$here/systemd/validator.service" "$stage/lib/systemd/system/validator.service"
install -m 0644 "$here/config/validator.json" "$stage/etc/validator/validator.json"
install -m 0644 "$here/debian/copyright" "$stage/usr/share/doc/validator/copyright"
gzip -9n -c "$here/debian/changelog" > "$stage/usr/share/doc/validator/changelog.gz"
chmod 0644 "$stage/usr/share/doc/validator/changelog.gz"
if [ -f "$here/../docs/operations.md" ]; then
  install -m 0644 "$here/../docs/operations.md" "$stage/usr/share/doc/validator/operations.md"
fi
gzip -9n -c "$here/debian/validator.1" > "$stage/usr/share/man/man1/validator.1.gz"
chmod 0644 "$stage/usr/share/man/man1/validator.1.gz"
install -m 0644 "$here/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/validator"

for script in postinst prerm postrm; do install -m 0755 "$here/debian/$script" "$stage/DEBIAN/$script"; done
install -m 0644 "$here/debian/conffiles" "$stage/DEBIAN/conffiles"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  "$here/debian/control.in" > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

deb="$out/validator_${version}_${arch}.deb"
# --root-owner-group: every file root:root without fakeroot; the postinst creates the service user.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}" \
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
rm -rf "$stage"
echo "$deb"
