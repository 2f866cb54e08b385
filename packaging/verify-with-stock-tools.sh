#!/bin/sh
# Check a TK Commons bundle without TK Commons: only minisign, age, unzip, jq and sha256sum.
# The same steps are written out one by one in the README ("Verify a bundle without the app").
#
#   sh verify-with-stock-tools.sh BUNDLE.tkb COMMUNITY.pub
#   sh verify-with-stock-tools.sh BUNDLE.tkb.age COMMUNITY.pub MY-AGE-KEY.txt
#
# COMMUNITY.pub is the community's minisign public key (a line starting with RW...), received
# from the community itself; compare its fingerprint with them before trusting it.
# Exit status 0 only when the signature is good and every file matches the signed manifest.
set -eu
export LC_ALL=C

if [ $# -lt 2 ]; then
    echo "usage: $0 BUNDLE.tkb[.age] COMMUNITY.pub [AGE-IDENTITY]" >&2
    exit 4
fi
bundle=$1
pub=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fail() { echo "REFUSED: $*" >&2; exit 1; }

# 0. An encrypted bundle (.tkb.age) is decrypted first, into the private temporary folder.
case "$bundle" in
    *.age)
        [ $# -ge 3 ] || fail "an encrypted bundle needs your age identity file"
        age -d -i "$3" -o "$work/bundle.tkb" "$bundle"
        bundle="$work/bundle.tkb"
        ;;
esac

# 1. The signature, before anything else is unpacked. One top-level folder (the bundle id).
unzip -Z1 "$bundle" >"$work/entries" || fail "not a ZIP file"
top=$(head -n 1 "$work/entries" | cut -d / -f 1)
[ -n "$top" ] || fail "empty bundle"
grep -v -q "^$top/" "$work/entries" && fail "more than one top-level folder"
grep -q -e '\.\./' -e '^/' "$work/entries" && fail "unsafe file names"
unzip -p "$bundle" "$top/tkb/manifest.json" >"$work/manifest.json" || fail "no manifest"
unzip -p "$bundle" "$top/tkb/manifest.json.minisig" >"$work/manifest.json.minisig" ||
    fail "no signature"
minisign -V -m "$work/manifest.json" -p "$pub" || fail "bad signature, or signed by another key"

# 2. Every file against the SHA-256 in the signed manifest (not the unsigned BagIt lists).
jq -e '[.files[].path | select(startswith("/") or contains(".."))] | length == 0' \
    "$work/manifest.json" >/dev/null || fail "unsafe path in the manifest"
mkdir "$work/bag"
unzip -q "$bundle" -d "$work/bag" || fail "the ZIP container is damaged"
cd "$work/bag/$top"
jq -r '.files[] | "\(.sha256)  \(.path)"' "$work/manifest.json" >"$work/sums"
sha256sum --strict --quiet -c "$work/sums" || fail "a file was altered or is missing"

# 3. Nothing extra: the files present are exactly the signed list plus the fixed tag files.
find . -type f | sed 's|^\./||' | sort >"$work/found"
{
    jq -r '.files[].path' "$work/manifest.json"
    printf '%s\n' tagmanifest-sha256.txt tkb/manifest.json tkb/manifest.json.minisig
} | sort >"$work/expected"
diff "$work/expected" "$work/found" >&2 || fail "the bundle holds files its manifest does not list"

echo "OK: signed by the key in $pub, and every file matches the signed manifest."
