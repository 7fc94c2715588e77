#!/bin/sh
# humanize's script: compile each catalogue to .mo before the build (git ignores *.mo)
set -e
for po in src/tinyhuman/locale/*/LC_MESSAGES/*.po; do
    msgfmt --check -o "${po%.po}.mo" "$po"
done
