#!/usr/bin/env bash
# Installs the Debian packages the portal needs, when they are missing.
# fonts-noto-cjk: Chinese in PDFs; libharfbuzz-subset0: fast font subsetting in WeasyPrint
# (without it a certificate takes ~40x longer); poppler-utils: pdftotext/pdftoppm in tests;
# chromium: browser tests; flite: the spoken captcha of 办件查询 (django-simple-captcha's audio). As root we install them; otherwise we print the command.
set -eu
want="fonts-noto-cjk fonts-dejavu-core libharfbuzz-subset0 poppler-utils flite"
[ "${1:-}" = "--with-browser" ] && want="$want chromium"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Missing Debian packages:$missing"
  echo "Install them with:  sudo apt-get install -y$missing"
  exit 1
fi
