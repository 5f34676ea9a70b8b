package handlers

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// dispatchQuery is the board's view state, carried in its URL.
type dispatchQuery struct {
	Monday time.Time
	Kind   string // "user" or "crew"
	Site   string // unassigned list filter
}

// parseDispatchQuery reads ?week=YYYY-Www&rows=crew&site=… (default:
// the current week of the tenant's zone, people rows).
func (h *Handlers) parseDispatchQuery(e *core.RequestEvent) (dispatchQuery, error) {
	q := dispatchQuery{Kind: "user", Site: e.Request.URL.Query().Get("site")}
	if e.Request.URL.Query().Get("rows") == "crew" {
		q.Kind = "crew"
	}
	if w := e.Request.URL.Query().Get("week"); w != "" {
		m, err := domain.ParseISOWeek(w)
		if err != nil {
			return q, err
		}
		q.Monday = m
		return q, nil
	}
	q.Monday = domain.PlanningWeekMonday(tenantCtx(e).Today())
	return q, nil
}

// href returns the board URL for the query with changes applied.
func (q dispatchQuery) href(path string, monday time.Time, kind string) string {
	v := url.Values{"week": {domain.ISOWeekText(monday)}}
	if kind == "crew" {
		v.Set("rows", "crew")
	}
	if q.Site != "" {
		v.Set("site", q.Site)
	}
	return path + "?" + v.Encode()
}

// dispatchPage builds the page model shared by the dispatch pages.
func (h *Handlers) dispatchPage(e *core.RequestEvent, title string, crumbs ...layouts.Crumb) planning.DispatchPageVM {
	return planning.DispatchPageVM{Shell: h.shell(e, "dispatch", title, crumbs...), CSS: h.assets.Path("css/planning.css"),
		BoardCSS: h.assets.Path("css/board.css"), BoardJS: h.assets.Path("js/board.js")}
}

// dayLabel is "lun. 02/03" / "Mon 02/03".
func dayLabel(ctx context.Context, d time.Time) string {
	return i18n.T(ctx, "dispatch.wd."+strings.ToLower(d.Weekday().String()[:3])) + " " + d.Format("02/01")
}

// slotDates is "02/03 → 04/03" (or one date).
func slotDates(s domain.TaskSlot) string {
	if s.Start.Equal(s.End) {
		return s.Start.Format("02/01")
	}
	return s.Start.Format("02/01") + " → " + s.End.Format("02/01")
}

// newBoardVM lays the week out as rows × days.
func newBoardVM(ctx context.Context, w *domain.DispatchWeek, q dispatchQuery, today time.Time) planning.BoardVM {
	r := w.Roster
	b := planning.BoardVM{Week: domain.ISOWeekText(w.Monday), Kind: q.Kind, Site: q.Site}
	weekend := w.HasWeekendTasks()
	for _, d := range w.Days {
		we := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		if we && !weekend {
			continue
		}
		b.Days = append(b.Days, planning.BoardDayVM{Date: d.Format(time.DateOnly), Label: dayLabel(ctx, d), Weekend: we, Today: d.Equal(today)})
		b.DayOptions = append(b.DayOptions, components.Option{Value: d.Format(time.DateOnly), Label: dayLabel(ctx, d)})
	}
	card := func(t domain.TaskSlot, from, viaCrew string) planning.CardVM {
		s := r.Sites[t.Site]
		return planning.CardVM{TaskID: t.ID, Title: t.Title, SiteID: t.Site, SiteCode: s.Code, Dates: slotDates(t), Start: t.Start.Format(time.DateOnly),
			From: from, CanPlan: w.CanPlan[t.ID], ViaCrew: viaCrew, AssignHref: "/tasks/" + t.ID + "/assign"}
	}
	cells := func(id string, tasks func(time.Time) []domain.TaskSlot) []planning.BoardCellVM {
		out := make([]planning.BoardCellVM, 0, len(b.Days))
		for _, d := range b.Days {
			day, _ := time.Parse(time.DateOnly, d.Date)
			c := planning.BoardCellVM{Day: d.Date}
			for _, t := range tasks(day) {
				via := ""
				if q.Kind == "user" && !slices.Contains(t.Assignees, id) {
					via = r.Crews[t.Crew].Name
				}
				c.Cards = append(c.Cards, card(t, id, via))
			}
			out = append(out, c)
		}
		return out
	}
	if q.Kind == "crew" {
		for _, c := range r.ActiveCrews() {
			b.Rows = append(b.Rows, planning.BoardRowVM{ID: c.ID, Name: c.Name, Sub: i18n.T(ctx, "dispatch.members", len(c.People())),
				Cells: cells(c.ID, func(d time.Time) []domain.TaskSlot { return w.CrewDay(c.ID, d) })})
			b.Targets = append(b.Targets, components.Option{Value: c.ID, Label: c.Name})
		}
	} else {
		for _, id := range r.Order {
			p := r.People[id]
			b.Rows = append(b.Rows, planning.BoardRowVM{ID: id, Name: p.Name, Sub: i18n.T(ctx, "role."+p.Role),
				Cells: cells(id, func(d time.Time) []domain.TaskSlot { return w.PersonDay(id, d) })})
			b.Targets = append(b.Targets, components.Option{Value: id, Label: p.Name})
		}
	}
	for _, t := range w.Unassigned() {
		if q.Site == "" || t.Site == q.Site {
			b.Unassigned = append(b.Unassigned, card(t, "", ""))
		}
	}
	return b
}

// conflictVMs translates conflicts for the page or JSON.
func conflictVMs(ctx context.Context, cs []domain.Conflict) []planning.ConflictVM {
	out := make([]planning.ConflictVM, 0, len(cs))
	for _, c := range cs {
		out = append(out, planning.ConflictVM{Code: c.Code, Text: conflictText(ctx, c), Blocking: c.Blocking()})
	}
	return out
}

func conflictText(ctx context.Context, c domain.Conflict) string {
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		args[i] = a
	}
	return i18n.T(ctx, c.Key, args...)
}

func reasonVMs(ctx context.Context, rs []domain.Reason) []planning.ReasonVM {
	out := make([]planning.ReasonVM, 0, len(rs))
	for _, r := range rs {
		args := make([]any, len(r.Args))
		for i, a := range r.Args {
			args[i] = a
			if f, err := strconv.ParseFloat(a, 64); err == nil && r.Key == "dispatch.reason.distance" && i == 0 {
				args[i] = i18n.FormatNumber(ctx, f, 1) // kilometres, in the reader's locale
			}
		}
		out = append(out, planning.ReasonVM{Text: i18n.T(ctx, r.Key, args...), Good: r.Good})
	}
	return out
}
