#!/usr/bin/env bash
# Install the Debian packages of debian-packages.txt that a group needs and this machine lacks.
# Usage: scripts/debian-packages.sh run|test|ci   (each group includes the ones before it)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    run) groups="run" ;;
    test) groups="run test" ;;
    ci) groups="run test ci" ;;
    *) echo "usage: $0 run|test|ci" >&2; exit 2 ;;
esac
missing=()
while read -r package group _; do
    [[ -z "$package" || "$package" == \#* ]] && continue
    [[ " $groups " == *" $group "* ]] || continue
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < debian-packages.txt
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "Installing from Debian: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "Not root: run as root (or with sudo): apt-get install -y ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
