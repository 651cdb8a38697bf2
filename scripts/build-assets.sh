#!/bin/sh
# Rebuild portal/static/ (CSS, JS, images) from npm's govuk-frontend and our sources in assets/.
#
# The results are committed, so installing or running the portal never needs Node; run this only after changing
# assets/ or package.json (needs Node 20+ and npm, with the npm registry reachable). Usage: scripts/build-assets.sh
#
# What goes into portal/static/:
#   css/portal.css             assets/scss/portal.scss compiled (compressed), without GDS Transport and the crown
#   js/govuk-frontend.min.js   GOV.UK Frontend's ES module (+ its source map)
#   js/init.js                 assets/js/init.js: starts GOV.UK Frontend without inline script
#   images/                    assets/images/: our own favicon and icon (never GOV.UK's crown, crest or logo)
set -eu

cd "$(dirname "$0")/.."
STATIC=portal/static
GOVUK=node_modules/govuk-frontend/dist/govuk

# Exactly the versions in package-lock.json; no install scripts are needed (sass is pure JavaScript).
npm ci --ignore-scripts --no-audit --no-fund

rm -rf "$STATIC/css" "$STATIC/js" "$STATIC/images"
mkdir -p "$STATIC/css" "$STATIC/js" "$STATIC/images"

npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
  assets/scss/portal.scss "$STATIC/css/portal.css"

cp "$GOVUK/govuk-frontend.min.js" "$GOVUK/govuk-frontend.min.js.map" "$STATIC/js/"
cp assets/js/init.js "$STATIC/js/"
cp assets/images/* "$STATIC/images/"

# Guard the licence rules: no GDS Transport font and no crown or crest may reach the compiled output.
if grep -Eq 'GDS Transport|govuk-crest|govuk-icon|@font-face' "$STATIC/css/portal.css"; then
  echo "build-assets: portal.css names GOV.UK's font or crest; check assets/scss/portal.scss" >&2
  exit 1
fi

for file in "$STATIC"/css/* "$STATIC"/js/* "$STATIC"/images/*; do
  printf '%8s  %s\n' "$(wc -c <"$file" | tr -d ' ')" "$file"
done
