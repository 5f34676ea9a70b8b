// Package handlers is a fixture of scripts/lint/records.sh: every line
// below must be reported (make check-records proves the lint refuses it).
package handlers

func bad(e *core.RequestEvent) {
	site, _ := e.App.FindRecordById("sites", "x")
	_ = site.GetString("code")
	site.Set("name", "x")
	_ = site.Get("budget")
	n, _ := e.App.CountRecords("tasks")
}
