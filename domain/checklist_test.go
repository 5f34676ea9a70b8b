package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func fp(v float64) *float64 { return &v }

func TestValidateChecklist(t *testing.T) {
	ok := domain.ChecklistItem{ID: "a", Label: "Coffrage propre", Type: domain.ItemCheck}
	scenarios := []struct {
		name       string
		tplName    string
		code       string
		items      []domain.ChecklistItem
		wantFields []string
	}{
		{"valid", "Contrôle", "controle", []domain.ChecklistItem{ok,
			{ID: "b", Label: "Enrobage", Type: domain.ItemMeasure, Unit: "mm", Min: fp(20), Max: fp(50)}}, nil},
		{"measure without bounds", "Contrôle", "controle", []domain.ChecklistItem{{ID: "b", Label: "Profondeur", Type: domain.ItemMeasure, Unit: "cm"}}, nil},
		{"missing name and bad code", " ", "Bad Code", []domain.ChecklistItem{ok}, []string{"code", "name"}},
		{"no items", "Contrôle", "controle", nil, []string{"items"}},
		{"empty label", "Contrôle", "controle", []domain.ChecklistItem{ok, {ID: "b", Label: "  ", Type: domain.ItemText}}, []string{"item.1.label"}},
		{"min above max", "Contrôle", "controle", []domain.ChecklistItem{{ID: "b", Label: "T°", Type: domain.ItemMeasure, Unit: "°C", Min: fp(35), Max: fp(5)}}, []string{"item.0.min"}},
		{"missing unit", "Contrôle", "controle", []domain.ChecklistItem{{ID: "b", Label: "T°", Type: domain.ItemMeasure}}, []string{"item.0.unit"}},
		{"duplicate ids", "Contrôle", "controle", []domain.ChecklistItem{ok, {ID: "a", Label: "Autre", Type: domain.ItemCheck}}, []string{"item.1.id"}},
		{"unknown type", "Contrôle", "controle", []domain.ChecklistItem{{ID: "a", Label: "X", Type: "video"}}, []string{"item.0.type"}},
		{"several problems at once", "Contrôle", "controle", []domain.ChecklistItem{{ID: "a", Label: "", Type: domain.ItemMeasure, Min: fp(2), Max: fp(1)}},
			[]string{"item.0.label", "item.0.min", "item.0.unit"}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			err := domain.ValidateChecklist(s.tplName, s.code, s.items)
			if len(s.wantFields) == 0 {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			ci, ok := err.(*domain.ChecklistInvalid)
			if !ok {
				t.Fatalf("got %T %v, want *ChecklistInvalid", err, err)
			}
			if len(ci.Fields) != len(s.wantFields) {
				t.Errorf("got fields %v, want %v", ci.Fields, s.wantFields)
			}
			for _, f := range s.wantFields {
				if !catalog.Default().Has(ci.Fields[f].Key) {
					t.Errorf("no message for %s (got %v)", f, ci.Fields)
				}
			}
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorText(err).Key != "err.checklist.invalid" {
				t.Errorf("code %q message %q: want EInvalid listing the fields", domain.ErrorCode(err), domain.ErrorMessage(err))
			}
		})
	}
}

func TestParseChecklistItemsReadsSeedFormat(t *testing.T) {
	raw, _ := json.Marshal([]domain.ChecklistItemSeed{{Label: "Enrobage", Kind: "measure", Required: true, Unit: "mm", Min: fp(20)}, {Label: "OK", Kind: "check"}})
	items, err := domain.ParseChecklistItems(raw)
	if err != nil || len(items) != 2 {
		t.Fatalf("parse: %v %v", items, err)
	}
	if it := items[0]; it.ID != "item-1" || it.Type != domain.ItemMeasure || !it.Required || it.Unit != "mm" || it.Min == nil || *it.Min != 20 || it.Max != nil {
		t.Errorf("item 0 = %+v", it)
	}
	if items[1].ID != "item-2" || items[1].Type != domain.ItemCheck {
		t.Errorf("item 1 = %+v", items[1])
	}
}

func TestMergeAnswersMeasureBoundsAndStamps(t *testing.T) {
	items := []domain.ChecklistItem{
		{ID: "m", Label: "Enrobage", Type: domain.ItemMeasure, Unit: "mm", Min: fp(20), Max: fp(50), Required: true},
		{ID: "c", Label: "Coffrage", Type: domain.ItemCheck},
		{ID: "p", Label: "Photo", Type: domain.ItemPhoto},
		{ID: "t", Label: "Note", Type: domain.ItemText},
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	by := domain.ChecklistActor{ID: "u1", Name: "Léa"}
	photoOK := func(id string) bool { return id == "ph1" }
	scenarios := []struct {
		name    string
		in      string
		wantErr string
		check   func(t *testing.T, a map[string]domain.ChecklistAnswer)
	}{
		{"in bounds", `{"m": 35}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			if a["m"].Value != 35.0 || a["m"].OutOfBounds {
				t.Errorf("m = %+v", a["m"])
			}
		}},
		{"lower bound inclusive", `{"m": "20"}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			if a["m"].Value != 20.0 || a["m"].OutOfBounds {
				t.Errorf("m = %+v", a["m"])
			}
		}},
		{"below min flagged", `{"m": {"value": "12,5", "device_at": "2026-03-02T08:55:00+01:00"}}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			m := a["m"]
			if m.Value != 12.5 || !m.OutOfBounds || m.By != "u1" || m.ByName != "Léa" || m.At != "2026-03-02T09:00:00Z" || m.DeviceAt != "2026-03-02T07:55:00Z" {
				t.Errorf("m = %+v", m)
			}
		}},
		{"above max flagged", `{"m": 51}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			if !a["m"].OutOfBounds {
				t.Errorf("m = %+v", a["m"])
			}
		}},
		{"not a number", `{"m": "beaucoup"}`, "saisissez un nombre (en mm)", nil},
		{"check ticked", `{"c": true}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			if a["c"].Value != true {
				t.Errorf("c = %+v", a["c"])
			}
		}},
		{"check unticked clears", `{"c": false}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			if _, ok := a["c"]; ok {
				t.Errorf("c kept: %+v", a["c"])
			}
		}},
		{"photo of the task", `{"p": "ph1"}`, "", nil},
		{"photo of another task", `{"p": "ph2"}`, "choisissez une photo", nil},
		{"unknown item", `{"zz": true}`, "inconnu", nil},
		{"text", `{"t": "  BL 4512 "}`, "", func(t *testing.T, a map[string]domain.ChecklistAnswer) {
			if a["t"].Value != "BL 4512" {
				t.Errorf("t = %+v", a["t"])
			}
		}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			var in map[string]json.RawMessage
			if err := json.Unmarshal([]byte(s.in), &in); err != nil {
				t.Fatal(err)
			}
			got, err := domain.MergeAnswers(items, nil, in, by, now, photoOK)
			if s.wantErr != "" {
				if err == nil || !strings.Contains(domain.ErrorMessage(err), s.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, s.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.check != nil {
				s.check(t, got)
			}
		})
	}

	// an unchanged answer keeps who/when; other answers are merged
	stored := map[string]domain.ChecklistAnswer{"m": {Value: 30.0, By: "u0", ByName: "Tom", At: "2026-03-01T10:00:00Z"}}
	got, err := domain.MergeAnswers(items, stored, map[string]json.RawMessage{"m": json.RawMessage(`{"value":30,"by":"forged","at":"2000-01-01T00:00:00Z"}`), "c": json.RawMessage(`true`)}, by, now, photoOK)
	if err != nil {
		t.Fatal(err)
	}
	if got["m"].By != "u0" || got["m"].At != "2026-03-01T10:00:00Z" || got["c"].By != "u1" {
		t.Errorf("merge = %+v", got)
	}
}

func TestEvaluateChecklistRequiredItems(t *testing.T) {
	items := []domain.ChecklistItem{
		{ID: "c", Label: "Coffrage", Type: domain.ItemCheck, Required: true},
		{ID: "m", Label: "Enrobage", Type: domain.ItemMeasure, Unit: "mm", Min: fp(20), Required: true},
		{ID: "p", Label: "Photo ferraillage", Type: domain.ItemPhoto, Required: true},
		{ID: "s", Label: "Signature", Type: domain.ItemSignature, Required: true},
		{ID: "t", Label: "Note", Type: domain.ItemText},
	}
	all := map[string]domain.ChecklistAnswer{"c": {Value: true}, "m": {Value: 10.0, OutOfBounds: true}, "p": {Value: "ph1"}}
	signed := &domain.ChecklistAnswer{Value: "sig1", ByName: "Client"}
	scenarios := []struct {
		name        string
		answers     map[string]domain.ChecklistAnswer
		facts       domain.ChecklistFacts
		wantMissing []string
		wantNC      int
	}{
		{"nothing answered", nil, domain.ChecklistFacts{}, []string{"c", "m", "p", "s"}, 0},
		{"all answered, signed", all, domain.ChecklistFacts{Photos: map[string]bool{"ph1": true}, Signature: signed}, nil, 1},
		{"photo linked but not of this task", all, domain.ChecklistFacts{Photos: map[string]bool{"other": true}, Signature: signed}, []string{"p"}, 1},
		{"not signed", all, domain.ChecklistFacts{Photos: map[string]bool{"ph1": true}}, []string{"s"}, 1},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			st := domain.EvaluateChecklist(items, s.answers, s.facts)
			var got []string
			for _, it := range st.Missing {
				got = append(got, it.ID)
			}
			if strings.Join(got, ",") != strings.Join(s.wantMissing, ",") || st.Complete != (len(s.wantMissing) == 0) || len(st.NonConformities) != s.wantNC {
				t.Errorf("missing %v complete %v nc %d, want %v / %d", got, st.Complete, len(st.NonConformities), s.wantMissing, s.wantNC)
			}
		})
	}
}

// checklistTask: a BTP tenant task whose work type has a checklist with
// a required check, measure, photo and signature.
func checklistTask(t *testing.T) (*tenanttest.Tenant, *core.Record, domain.User) {
	t.Helper()
	tt := tenanttest.New(t)
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	tpl := tt.Record("checklist_templates", map[string]any{"code": "test_cl", "name": "Contrôle test", "items": []domain.ChecklistItem{
		{ID: "c", Label: "Coffrage propre", Type: "check", Required: true},
		{ID: "m", Label: "Enrobage", Type: "measure", Unit: "mm", Min: fp(20), Max: fp(50), Required: true},
		{ID: "p", Label: "Photo du ferraillage", Type: "photo", Required: true},
		{ID: "s", Label: "Signature client", Type: "signature", Required: true},
		{ID: "n", Label: "Remarques", Type: "text"},
	}})
	wt := tt.Record("work_types", map[string]any{"code": "wt_test", "name": "Voile béton", "sector": "btp", "checklist": tpl.Id})
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Voile R+1", "work_type": wt.Id, "status": "planned", "assignees": []string{crew.Id}})
	return tt, task, crew
}

func TestTaskCompletionBlockedByChecklist(t *testing.T) {
	t.Parallel()
	tt, task, crew := checklistTask(t)
	app := tt.App()
	setStatus := func(s string) error {
		task.Set("status", s)
		domain.SetActor(task, crew.Id)
		return app.Save(task)
	}
	// no run yet: every required item is missing
	if err := setStatus("done"); err == nil || !strings.Contains(domain.ErrorMessage(err), "« Coffrage propre »") {
		t.Fatalf("done without a run: %v", err)
	}
	task, _ = app.FindRecordById("tasks", task.Id)
	// starting creates the run, by the actor
	if err := setStatus("in_progress"); err != nil {
		t.Fatal(err)
	}
	run, err := domain.FindChecklistRun(app, task.Id)
	if err != nil || run == nil || len(domain.RunItems(run)) != 5 || run.GetBool("complete") {
		t.Fatalf("run after start: %v %v", run, err)
	}
	answer := func(v map[string]any) error {
		r, _ := domain.FindChecklistRun(app, task.Id)
		r.Set("answers", v)
		r.Set("complete", true) // never trusted
		domain.SetActor(r, crew.Id)
		return app.Save(r)
	}
	if err := answer(map[string]any{"c": true, "m": 12}); err != nil {
		t.Fatal(err)
	}
	run, _ = domain.FindChecklistRun(app, task.Id)
	a := domain.ParseChecklistAnswers([]byte(run.GetString("answers")))
	if run.GetBool("complete") || a["m"].By != crew.Id || a["m"].ByName != crew.GetString("name") || !a["m"].OutOfBounds || a["c"].At == "" {
		t.Errorf("run = complete %v answers %+v", run.GetBool("complete"), a)
	}
	err = setStatus("done")
	msg := domain.ErrorMessage(err)
	if err == nil || !strings.Contains(msg, "« Photo du ferraillage »") || !strings.Contains(msg, "« Signature client »") || strings.Contains(msg, "Coffrage") {
		t.Fatalf("done with photo and signature missing: %v", err)
	}
	task, _ = app.FindRecordById("tasks", task.Id)

	// a photo of the task linked to the item, then a signature on the task
	photos, _ := app.FindCollectionByNameOrId("photos")
	ph := core.NewRecord(photos)
	ph.Load(map[string]any{"subject": task.Id, "site": task.GetString("site"), "by": crew.Id, "taken_at": time.Now()})
	if err := app.Save(ph); err != nil {
		t.Fatal(err)
	}
	if err := answer(map[string]any{"p": "nope"}); err == nil {
		t.Error("a photo that is not the task's was linked")
	}
	if err := answer(map[string]any{"p": ph.Id}); err != nil {
		t.Fatal(err)
	}
	if err := setStatus("done"); err == nil || !strings.Contains(domain.ErrorMessage(err), "Signature client") {
		t.Fatalf("done unsigned: %v", err)
	}
	task, _ = app.FindRecordById("tasks", task.Id)
	sigs, _ := app.FindCollectionByNameOrId("signatures")
	sig := core.NewRecord(sigs)
	sig.Load(map[string]any{"subject": task.Id, "signer_name": "M. Client", "signer_role": "client", "signed_at": time.Now()})
	if err := app.Save(sig); err != nil {
		t.Fatal(err)
	}
	run, _ = domain.FindChecklistRun(app, task.Id)
	if !run.GetBool("complete") {
		t.Error("the signature did not complete the run")
	}
	if err := setStatus("done"); err != nil {
		t.Fatalf("done with a complete checklist: %v", err)
	}
	if err := answer(map[string]any{"c": false}); err == nil || !strings.Contains(domain.ErrorMessage(err), "terminée") {
		t.Errorf("a required answer of a finished task was cleared: %v", err)
	}
	if err := answer(map[string]any{"n": "RAS"}); err != nil {
		t.Errorf("an optional answer after completion: %v", err)
	}
	if rep, err := domain.VerifyAuditChain(app); err != nil || !rep.OK {
		t.Errorf("audit chain: %+v %v", rep, err)
	}
}

func TestChecklistRunOnePerTaskAndTemplatesValidatedOnSave(t *testing.T) {
	t.Parallel()
	tt, task, _ := checklistTask(t)
	app := tt.App()
	run, err := domain.EnsureChecklistRun(app, task, "system")
	if err != nil || run == nil {
		t.Fatal(err)
	}
	again, err := domain.EnsureChecklistRun(app, task, "system")
	if err != nil || again.Id != run.Id {
		t.Errorf("second ensure: %v %v", again, err)
	}
	col, _ := app.FindCollectionByNameOrId(domain.CollectionChecklistRuns)
	dup := core.NewRecord(col)
	dup.Set("task", task.Id)
	if err := app.Save(dup); err == nil {
		t.Error("a second run of the task was saved")
	}
	tpls, _ := app.FindCollectionByNameOrId("checklist_templates")
	bad := core.NewRecord(tpls)
	bad.Load(map[string]any{"code": "bad", "name": "Mauvaise", "items": []map[string]any{{"id": "x", "label": "T", "type": "measure", "min": 5, "max": 1}}})
	if err := app.Save(bad); err == nil || !strings.Contains(domain.ErrorMessage(err), "minimum") {
		t.Errorf("invalid template saved: %v", err)
	}
	// seeded templates are stored with item ids
	seeded, err := app.FindFirstRecordByData("checklist_templates", "code", "controle_coulage")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seeded.GetString("items"), `"id":"item-1"`) || !strings.Contains(seeded.GetString("items"), `"type":"measure"`) {
		t.Errorf("seeded items: %s", seeded.GetString("items"))
	}
}
