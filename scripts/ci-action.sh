#!/usr/bin/env bash
# What the netviz GitHub Action (action.yml) runs, and what any CI job can run: lint, check the
# expectations, diff against the base commit; SARIF and Markdown into $NETVIZ_OUT, the Markdown
# also appended to $GITHUB_STEP_SUMMARY when set. Every step runs; the exit status is the worst.
#
# Environment (all optional):
#   NETVIZ_PATH       manifests (file or directory) in the working tree       default: .
#   NETVIZ_EXPECT     expectations file for `netviz check`                    default: none
#   NETVIZ_BASE_REF   git ref to diff against; default origin/$GITHUB_BASE_REF on a pull request
#   NETVIZ_FAIL_ON    lint --fail-on (info, warning, danger)                  default: danger
#   NETVIZ_BASELINE   lint --baseline FILE                                    default: none
#   NETVIZ_BASE_URL   diff --base-url (a netviz review page)                  default: none
#   NETVIZ_LINT       "false" to skip lint                                    default: true
#   NETVIZ_OUT        where the reports go (outside NETVIZ_PATH: the base commit's manifests
#                     are unpacked there)                     default: $RUNNER_TEMP/netviz-out
#   NETVIZ            the command                                             default: netviz
# Exit status: 0 all passed, 1 a finding, a failed expectation or input errors, 2 usage error.
set -uo pipefail

path=${NETVIZ_PATH:-.}
out=${NETVIZ_OUT:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/netviz-out}
fail_on=${NETVIZ_FAIL_ON:-danger}
read -r -a netviz <<<"${NETVIZ:-netviz}"
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
status=0

worst() { # keep the highest exit status seen
	if [ "$1" -gt "$status" ]; then status=$1; fi
}

mkdir -p "$out"

if [ "${NETVIZ_LINT:-true}" != "false" ]; then
	lint=("${netviz[@]}" lint "$path" --fail-on "$fail_on" -v 0)
	if [ -n "${NETVIZ_BASELINE:-}" ]; then lint+=(--baseline "$NETVIZ_BASELINE"); fi
	"${lint[@]}" --format sarif --output "$out/lint.sarif"
	rc=$?
	worst "$rc"
	# The same run again as Markdown for the job summary (its status is the one above).
	"${lint[@]}" --format md --output "$out/lint.md" 2>/dev/null
	{
		echo "## netviz lint"
		echo
		cat "$out/lint.md" 2>/dev/null
		echo
	} >>"$summary"
	echo "netviz lint: exit $rc ($out/lint.sarif)"
fi

if [ -n "${NETVIZ_EXPECT:-}" ]; then
	check=("${netviz[@]}" check "$path" --expect "$NETVIZ_EXPECT" -v 0)
	"${check[@]}" --format sarif --output "$out/check.sarif"
	rc=$?
	worst "$rc"
	"${check[@]}" --format md --output "$out/check.md" 2>/dev/null
	cat "$out/check.md" 2>/dev/null # into the job log as well
	{
		echo "## netviz check"
		echo
		cat "$out/check.md" 2>/dev/null
		echo
	} >>"$summary"
	echo "netviz check: exit $rc ($out/check.sarif)"
fi

base=${NETVIZ_BASE_REF:-}
if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
	base="origin/$GITHUB_BASE_REF"
	git rev-parse --verify -q "$base^{commit}" >/dev/null ||
		git fetch -q --depth=1 origin "$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF" || true
fi
if [ -n "$base" ]; then
	if git rev-parse --verify -q "$base^{commit}" >/dev/null; then
		rm -rf "$out/base" && mkdir -p "$out/base"
		# The manifests as they were: an empty directory when the path is new in this change.
		if git cat-file -e "$base:$path" 2>/dev/null || [ "$path" = "." ]; then
			git archive "$base" -- "$path" | tar -x -C "$out/base"
		fi
		diff=("${netviz[@]}" diff "$out/base/$path" "$path" --format md -v 0)
		if [ -n "${NETVIZ_BASE_URL:-}" ]; then diff+=(--base-url "$NETVIZ_BASE_URL"); fi
		"${diff[@]}" --output "$out/diff.md"
		rc=$?
		worst "$rc"
		cat "$out/diff.md" >>"$summary" 2>/dev/null
		echo "netviz diff against $base: exit $rc ($out/diff.md)"
	else
		echo "netviz diff: no commit $base to compare with (fetch it, e.g. fetch-depth: 0)" >&2
		worst 2
	fi
fi

exit "$status"
