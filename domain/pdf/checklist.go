package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/core"
	pbcore "github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// checklistRows renders a task's checklist run: each item with its
// answer, who answered and when (server time, and the device's time when
// it was answered offline), out-of-bounds measures flagged as
// non-conformities. runID is "" when the task has no run.
func checklistRows(app pbcore.App, taskID string, at func(time.Time) string) (rows []core.Row, runID string, err error) {
	rows = []core.Row{h2("Fiche de contrôle")}
	run, err := domain.FindChecklistRun(app, taskID)
	if err != nil {
		return nil, "", err
	}
	if run == nil {
		return append(rows, para("Aucune fiche de contrôle pour cette intervention.")), "", nil
	}
	st, err := domain.ChecklistRunStatus(app, run)
	if err != nil {
		return nil, "", err
	}
	name := ""
	if tpl, err := app.FindRecordById(domain.CollectionChecklistTemplates, run.GetString("template")); err == nil {
		name = tpl.GetString("name")
	}
	state := "complète"
	if !st.Complete {
		state = fmt.Sprintf("INCOMPLÈTE (%d élément(s) obligatoire(s) manquant(s) : %s)", len(st.Missing), domain.RequiredLabels(st.Missing))
	}
	if n := len(st.NonConformities); n > 0 {
		state += fmt.Sprintf(" · %d non-conformité(s) : %s", n, domain.RequiredLabels(st.NonConformities))
	}
	rows = append(rows, para(name+" — "+state))
	stamp := func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return ""
		}
		return at(t)
	}
	for _, s := range st.Items {
		label := s.Item.Label
		if s.Item.Required {
			label += " *"
		}
		if s.Answer == nil || !s.Satisfied {
			rows = append(rows, para("☐ "+label+" : sans réponse"))
			continue
		}
		line := "☑ " + label + " : " + answerPDF(s)
		if s.Answer.OutOfBounds {
			line += " — HORS TOLÉRANCE (non-conformité)"
		}
		line += " · " + s.Answer.ByName + ", le " + stamp(s.Answer.At)
		if d := stamp(s.Answer.DeviceAt); d != "" {
			line += " (appareil : " + d + ")"
		}
		rows = append(rows, para(line))
	}
	return rows, run.Id, nil
}

// answerPDF formats an answer for the proof.
func answerPDF(s domain.ChecklistItemState) string {
	switch s.Item.Type {
	case domain.ItemCheck:
		return "fait"
	case domain.ItemMeasure:
		if f, ok := s.Answer.Value.(float64); ok {
			return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1) + " " + s.Item.Unit
		}
	case domain.ItemPhoto:
		return fmt.Sprintf("photo %v", s.Answer.Value)
	case domain.ItemSignature:
		return "signée par " + s.Answer.ByName
	}
	return fmt.Sprint(s.Answer.Value)
}
