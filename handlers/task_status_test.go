package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestTaskStatusWorkflow: the status workflow holds on the REST API for
// every role, the crew cannot validate nor declare urgent works, and the
// signed job document ignores the status.
func TestTaskStatusWorkflow(t *testing.T) {
	t.Parallel()
	g := newGanttTenant(t)
	crew, err := g.App().FindAuthRecordByEmail("users", "crew@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	task, _ := g.App().FindRecordById("tasks", g.a)
	task.Set("assignees", []string{crew.Id})
	if err := g.App().Save(task); err != nil {
		t.Fatal(err)
	}
	pm := g.Token("users", "pm@acme.test")
	ct := g.Token("users", "crew@acme.test")
	patch := func(tok string, body map[string]any) (int, string) {
		rec := tenanttest.Do(t, g.Registry, http.MethodPatch, g.Host(), "/api/collections/tasks/records/"+g.a, tok, apiJSON(body))
		return rec.Code, rec.Body.String()
	}
	status := func() string {
		r, _ := g.App().FindRecordById("tasks", g.a)
		return r.GetString("status")
	}
	_, hashBefore, _ := domain.TaskDocument(g.App(), g.a)

	if code, body := patch(pm, map[string]any{"status": "validated"}); code != http.StatusBadRequest || !strings.Contains(body, "Seule une tâche terminée peut être validée") {
		t.Errorf("planned → validated: %d %s", code, body)
	}
	// the crew may not declare urgent works nor change the crew (a real
	// crew, so that only the rule can refuse it)
	other := g.Record("crews", map[string]any{"name": "Équipe B", "lead": crew.Id, "active": true}).Id
	for _, body := range []map[string]any{{"urgent_works": true, "urgent_reason": "Fuite de gaz signalée par le client"}, {"crew": other}} {
		if code, _ := patch(ct, body); code == http.StatusOK {
			t.Errorf("crew PATCH %v: 200", body)
		}
	}
	if r, _ := g.App().FindRecordById("tasks", g.a); r.GetBool("urgent_works") || r.GetString("crew") != "" {
		t.Errorf("the crew changed the task: urgent_works %v, crew %q", r.GetBool("urgent_works"), r.GetString("crew"))
	}
	// the office may
	if code, body := patch(pm, map[string]any{"crew": other}); code != http.StatusOK {
		t.Errorf("pm sets the crew: %d %s", code, body)
	}
	if code, body := patch(ct, map[string]any{"status": "in_progress"}); code != http.StatusOK {
		t.Fatalf("crew starts: %d %s", code, body)
	}
	if code, body := patch(ct, map[string]any{"status": "done"}); code != http.StatusOK {
		t.Fatalf("crew finishes: %d %s", code, body)
	}
	if code, _ := patch(ct, map[string]any{"status": "validated"}); code == http.StatusOK || status() != "done" {
		t.Errorf("crew validated: %d, status %s", code, status())
	}
	// the same through the sync endpoint
	rec := tenanttest.Do(t, g.Registry, http.MethodPost, g.Host(), "/api/fieldops/sync", ct, apiJSON(map[string]any{"operations": []map[string]any{
		{"key": "01ARZ3NDEKTSV4RRFFQ69G5FB0", "op": "update", "collection": "tasks", "id": g.a, "data": map[string]any{"status": "validated"}, "device_time": "2026-03-03T10:00:00Z"}}}))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":403`) || status() != "done" {
		t.Errorf("crew validates through sync: %d %s (status %s)", rec.Code, rec.Body, status())
	}
	if code, body := patch(pm, map[string]any{"status": "validated"}); code != http.StatusOK {
		t.Fatalf("pm validates: %d %s", code, body)
	}
	if code, body := patch(pm, map[string]any{"status": "todo"}); code != http.StatusBadRequest || !strings.Contains(body, "validée") {
		t.Errorf("validated → todo: %d %s", code, body)
	}
	// the job document a client signs does not depend on the status
	if _, hashAfter, _ := domain.TaskDocument(g.App(), g.a); hashAfter != hashBefore {
		t.Error("the signed document changed with the status")
	}
}
