#!/usr/bin/env bash
# Runs the core benchmarks with sample counts large enough for percentiles
# and prints them side by side. Figures are recorded in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} GOFLAGS=${GOFLAGS:--tags=no_default_driver}
go test -run '^$' -bench 'Provision'     -benchtime 60x   -count 1 ./tenants/
go test -run '^$' -bench 'Reopen'        -benchtime 200x  -count 1 ./handlers/
go test -run '^$' -bench 'IdleTenantRSS' -benchtime 1x    -count 1 ./handlers/
go test -run '^$' -bench 'SitesList'     -benchtime 3000x -count 3 ./handlers/
go test -run '^$' -bench 'Schedule2000'  -benchtime 2s    -count 1 ./domain/
go test -run '^$' -bench 'DispatchBoard' -benchtime 200x  -count 3 ./handlers/
go test -run '^$' -bench 'LiveFanout'    -benchtime 30x   -count 1 ./handlers/
go test -run '^$' -bench 'ManagerDashboard50SitesYear' -benchtime 200x -count 1 ./handlers/
go test -run '^$' -bench 'MonthlyReport' -benchtime 20x -count 1 ./domain/pdf/
