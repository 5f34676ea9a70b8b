package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// assignRequest is the body of POST /dispatch/assign and /unassign, as a
// form or as JSON (board.js).
type assignRequest struct {
	Task     string `json:"task"`
	User     string `json:"user"`
	Crew     string `json:"crew"`
	From     string `json:"from"`
	Day      string `json:"day"` // YYYY-MM-DD
	Override string `json:"override_reason"`
	Week     string `json:"week"`
	Rows     string `json:"rows"`
	Back     string `json:"back"`
}

// conflictJSON is a conflict as board.js shows it.
type conflictJSON struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Person   string `json:"person,omitempty"`
	Message  string `json:"message"`
}

// assignProblem is the JSON error of the dispatch endpoints.
type assignProblem struct {
	Status      int            `json:"status"`
	Message     string         `json:"message"`
	Conflicts   []conflictJSON `json:"conflicts,omitempty"`
	CanOverride bool           `json:"can_override,omitempty"`
}

func isJSONBody(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

// readAssign parses the request body.
func readAssign(e *core.RequestEvent) (assignRequest, error) {
	var in assignRequest
	if isJSONBody(e.Request) {
		if err := json.NewDecoder(http.MaxBytesReader(e.Response, e.Request.Body, 1<<16)).Decode(&in); err != nil {
			return in, domain.FieldError("task", "err.unreadable_request")
		}
		return in, nil
	}
	f := func(k string) string { return strings.TrimSpace(e.Request.FormValue(k)) }
	return assignRequest{Task: f("task"), User: f("user"), Crew: f("crew"), From: f("from"), Day: f("day"),
		Override: e.Request.FormValue("override_reason"), Week: f("week"), Rows: f("rows"), Back: f("back")}, nil
}

// input converts the request for the domain.
func (in assignRequest) input() (domain.AssignInput, error) {
	day, bad := formDate(in.Day)
	if bad {
		return domain.AssignInput{}, domain.FieldError("day", "err.invalid_date_iso")
	}
	return domain.AssignInput{Task: in.Task, User: in.User, Crew: in.Crew, From: in.From, Day: day, Override: in.Override}, nil
}

// boardHref is where a form goes back to after an assignment.
func (in assignRequest) boardHref(toast string) string {
	if in.Back != "" {
		return safeNext(in.Back) + "?toast=" + toast
	}
	v := url.Values{"toast": {toast}}
	if in.Week != "" {
		v.Set("week", in.Week)
	}
	if in.Rows == "crew" {
		v.Set("rows", "crew")
	}
	return "/dispatch?" + v.Encode()
}

func (h *Handlers) conflictsJSON(e *core.RequestEvent, cs []domain.Conflict) []conflictJSON {
	ctx := e.Request.Context()
	out := make([]conflictJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, conflictJSON{Code: c.Code, Severity: c.Severity, Person: c.Person, Message: conflictText(ctx, c)})
	}
	return out
}

// dispatchProblem answers a refused dispatch request as JSON: the
// localized reason, and the conflicts of a 409.
func (h *Handlers) dispatchProblem(e *core.RequestEvent, err error, task string) error {
	a := answerOf(e.Request.Context(), err)
	h.logInternal(e, err, a.Status)
	p := assignProblem{Status: a.Status, Message: a.Message, Conflicts: h.conflictsJSON(e, domain.ConflictsOf(err))}
	if len(p.Conflicts) > 0 {
		if _, s, terr := domain.FindTaskAndSite(e.App, task); terr == nil {
			p.CanOverride = tenantCtx(e).CanOverride(s.Record)
		}
	}
	return e.JSON(a.Status, p)
}

// dispatchAssign assigns a task (POST /dispatch/assign: task, user or
// crew, optional day YYYY-MM-DD and from, override_reason). JSON callers
// get 200 {"ok", "task", "warnings"} or a problem (409 with the blocking
// conflicts, 403, 404, 400); forms go back to the board, or to the task's
// assign page showing the conflicts and the override form.
func (h *Handlers) dispatchAssign(e *core.RequestEvent) error {
	in, err := readAssign(e)
	var res *domain.AssignResult
	if err == nil {
		var ai domain.AssignInput
		if ai, err = in.input(); err == nil {
			res, err = domain.Assign(e.App, e.Auth, ai, h.deps.Clock())
		}
	}
	if wantsJSON(e.Request) || isJSONBody(e.Request) {
		if err != nil {
			return h.dispatchProblem(e, err, in.Task)
		}
		out := map[string]any{"ok": true, "task": res.Task.Id, "warnings": h.conflictsJSON(e, res.Conflicts)}
		if res.Override != nil {
			out["override"] = res.Override.Id
		}
		return e.JSON(http.StatusOK, out)
	}
	if err == nil {
		return e.Redirect(http.StatusSeeOther, in.boardHref("assigned"))
	}
	if a := answerOf(e.Request.Context(), err); a.OnForm {
		if _, _, ferr := h.assignTarget(e, in.Task); ferr == nil {
			return h.renderAssign(e, in.Task, a.Status, err, in)
		}
	}
	return h.fail(e, err)
}

// dispatchUnassign takes a person or crew off a task (POST
// /dispatch/unassign: task, user or crew).
func (h *Handlers) dispatchUnassign(e *core.RequestEvent) error {
	in, err := readAssign(e)
	if err == nil {
		_, err = domain.Unassign(e.App, e.Auth, in.Task, in.User, in.Crew)
	}
	if wantsJSON(e.Request) || isJSONBody(e.Request) {
		if err != nil {
			return h.dispatchProblem(e, err, in.Task)
		}
		return e.JSON(http.StatusOK, map[string]any{"ok": true, "task": in.Task})
	}
	if err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, in.boardHref("assigned"))
}

// dispatchCheck answers board.js while a card is dragged over a cell
// (GET /dispatch/check?task=&user=|crew=&day=): {"conflicts": [...],
// "blocking": bool, "can_override": bool}. Nothing is saved.
func (h *Handlers) dispatchCheck(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	in, err := assignRequest{Task: q.Get("task"), User: q.Get("user"), Crew: q.Get("crew"), Day: q.Get("day")}.input()
	var cs []domain.Conflict
	if err == nil {
		cs, err = domain.CheckAssign(e.App, e.Auth, in)
	}
	if err != nil {
		return h.dispatchProblem(e, err, in.Task)
	}
	p := assignProblem{Status: http.StatusOK, Conflicts: h.conflictsJSON(e, cs)}
	_, site, _ := h.assignTarget(e, in.Task)
	return e.JSON(http.StatusOK, map[string]any{"conflicts": p.Conflicts, "blocking": domain.HasBlocking(cs), "can_override": tenantCtx(e).CanOverride(site.Record)})
}

// dispatchToasts shows the flash of a form that worked (?toast=assigned).
func (h *Handlers) dispatchToasts(e *core.RequestEvent) []components.ToastVM {
	if e.Request.URL.Query().Get("toast") != "assigned" {
		return nil
	}
	return []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(e.Request.Context(), "dispatch.toast.assigned")}}
}
