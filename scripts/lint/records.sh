#!/usr/bin/env bash
# Typed records only: handlers and views never read or write a record field
# by its string name and never call PocketBase finders (App.Find*,
# RecordQuery) themselves; they go through domain's typed records and
# finders (issue #12). Prints each violation as file:line and exits 1.
# Usage: scripts/lint/records.sh [DIR...]   (default: handlers views)
set -euo pipefail
cd "$(dirname "$0")/../.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(handlers views)
files=$(find "${dirs[@]}" \( -name '*.go' -o -name '*.templ' \) ! -name '*_test.go' ! -name '*_templ.go' | sort)
[ -n "$files" ] || exit 0
status=0
report() { # pattern, message, [exclude pattern]
	local out
	out=$(grep -HnE "$1" $files | grep -vE "${3:-^\$}" | grep -v '// lint:allow' || true)
	if [ -n "$out" ]; then
		echo "$2:"
		echo "$out" | sed 's/^/  /'
		status=1
	fi
}
# Typed getters of core.Record called with a field name.
report '\.(GetString|GetInt|GetFloat|GetBool|GetDateTime|GetStringSlice|GetRaw|UnmarshalJSONField|GetUnsavedFiles|GetFilesList)\("' \
	'record field read by its string name (use the typed record of domain)'
# Get/Set with a literal name on anything but HTTP headers, URL values,
# forms, cookies and sessions.
report '\.(Get|Set|SetIfFieldExists|Load)\("[a-z_]+"' \
	'record field read or written by its string name (use the typed record of domain)' \
	'(Header(\(\))?|Query\(\)|[Ff]orm|f|PostForm|MultipartForm\.Value|[qv]|vals?|values|params|query|u\.Query\(\)|URL|Values|cookie|sess(ion)?|Store|Context|ctx|w\.Header\(\)|h)\.(Get|Set)\("'
# PocketBase finders and queries outside domain.
report '\.(Find[A-Z][A-Za-z]*|RecordQuery|CountRecords|FindRecordsByIds)\(' \
	'PocketBase finder called outside domain (add a finder to domain)' \
	'(domain|tenants|pdf|imaging)\.Find[A-Z]|e\.FindUploadedFiles'
exit $status
