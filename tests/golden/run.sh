#!/usr/bin/env bash
# run.sh - one golden test: run stekwatch on a capture, diff with the
# expected output.
#
# usage: run.sh STEKWATCH SRCDIR NAME EXIT CAPTURES ARGS
#   CAPTURES is a comma-separated list of files under SRCDIR, read in order;
#   ARGS are stekwatch's options (word-split); the expected report is
#   tests/golden/expected/NAME, and EXIT the expected exit status. When
#   ARGS contain --events, the event stream goes to NAME.events beside it.
#   With REGEN=1 the expected files are rewritten instead (review the diff).
set -u
sw=$1 src=$2 name=$3 want_exit=$4 caps=$5 args=$6
exp="$src/tests/golden/expected/$name"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

rflags=()
IFS=, read -r -a files <<<"$caps"
for f in "${files[@]}"; do rflags+=(-r "$f"); done
evflags=()
case " $args " in
*" --events "*) args=${args/--events/}; evflags=(--events "$out/events") ;;
esac

# Run from the source tree so the report names captures as the manifest does.
cd "$src" || exit 1
# shellcheck disable=SC2086
TZ=GMT0 "$sw" "${rflags[@]}" $args "${evflags[@]}" >"$out/report" \
    2>"$out/stderr"
got_exit=$?

if [ "${REGEN:-0}" = 1 ]; then
    mkdir -p "$(dirname "$exp")"
    cp "$out/report" "$exp"
    [ ${#evflags[@]} -gt 0 ] && cp "$out/events" "$exp.events"
    echo "regenerated $name (exit $got_exit)"
    exit 0
fi

status=0
if [ "$got_exit" != "$want_exit" ]; then
    echo "$name: exit status $got_exit, expected $want_exit"
    cat "$out/stderr"
    status=1
fi
diff -u "$exp" "$out/report" || status=1
if [ ${#evflags[@]} -gt 0 ]; then
    diff -u "$exp.events" "$out/events" || status=1
fi
exit $status
