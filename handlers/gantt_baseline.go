package handlers

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/planning"
)

// ganttBaselineSave freezes the site's current plan as a named baseline
// (POST /sites/{id}/baselines) and shows the Gantt compared with it.
func (h *Handlers) ganttBaselineSave(e *core.RequestEvent) error {
	v := formValues(e, "name")
	siteID := e.Request.PathValue("id")
	r, err := domain.SaveBaseline(e.App, e.Auth, siteID, v["name"], h.deps.Clock())
	if err != nil {
		return h.ganttBack(e, err, v, "", "")
	}
	return e.Redirect(http.StatusSeeOther, "/sites/"+siteID+"/gantt?toast="+ganttBaselineSet+"&baseline="+url.QueryEscape(r.Id))
}

// ganttBaselineDelete removes a baseline (POST /sites/{id}/baselines/{bid}/delete).
func (h *Handlers) ganttBaselineDelete(e *core.RequestEvent) error {
	return h.ganttBack(e, domain.DeleteBaseline(e.App, e.Auth, e.Request.PathValue("id"), e.Request.PathValue("bid")), nil, ganttBaselineGone, "")
}

// ganttBaseline returns the baseline asked for by ?baseline=, if it is one
// of the site's (an unknown id is ignored: the chart shows no comparison).
func ganttBaseline(e *core.RequestEvent, siteID string) (domain.Baseline, bool) {
	id := e.Request.URL.Query().Get("baseline")
	if id == "" {
		return domain.Baseline{}, false
	}
	b, err := domain.FindBaseline(e.App, siteID, id)
	return b, err == nil
}

// baselineOptions lists a site's baselines for the picker.
func baselineOptions(ctx context.Context, app core.App, siteID string, loc *time.Location) []planning.BaselineOptionVM {
	bs, err := domain.FindBaselines(app, siteID)
	if err != nil {
		return nil
	}
	out := make([]planning.BaselineOptionVM, 0, len(bs))
	for _, b := range bs {
		taken := b.TakenAt.In(loc)
		text := taken.Format("02/01/2006 15:04")
		if i18n.Lang(ctx) == i18n.EN {
			text = taken.Format("2 Jan 2006 15:04")
		}
		out = append(out, planning.BaselineOptionVM{ID: b.ID, Name: b.Name, TakenText: text})
	}
	return out
}

// applyBaseline adds the baseline comparison to a laid-out chart: a thin
// bar at the frozen dates under each task and its slip in working days.
func applyBaseline(ctx context.Context, c *planning.ChartVM, p *domain.SitePlan, b domain.Baseline, from time.Time) {
	if c.Empty {
		return
	}
	v := domain.CompareBaseline(p, b)
	c.Baseline, c.FinishSlip = b.Name, v.FinishSlip
	for _, r := range v.Removed {
		c.Removed = append(c.Removed, r.Title)
	}
	for i := range c.Bars {
		bar := &c.Bars[i]
		tv, ok := v.Tasks[bar.ID]
		if !ok || !tv.InBaseline {
			bar.NewSinceBase = true
			continue
		}
		bar.HasBase, bar.StartSlip, bar.EndSlip = true, tv.StartSlip, tv.EndSlip
		bar.BaseText = civilText(ctx, tv.BaseStart) + " → " + civilText(ctx, tv.BaseEnd)
		x := planning.LabelWidth + daysBetween(from, tv.BaseStart)*planning.DayWidth
		w := max((daysBetween(tv.BaseStart, tv.BaseEnd)+1)*planning.DayWidth-2, 6)
		// keep the frozen bar inside the drawing
		if x < planning.LabelWidth {
			w -= planning.LabelWidth - x
			x = planning.LabelWidth
		}
		if x+w > c.Width {
			w = c.Width - x
		}
		// NB: a frozen bar cut off by the two-year cap is not drawn; its
		// slip is still shown in the table
		bar.BaseX, bar.BaseW = x, max(w, 0)
	}
}
