package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/reports"
)

// reportGenerate is POST /reports/generate/{kind}/{siteId} (daily,
// weekly) and /reports/generate/monthly, with the period in the form
// (YYYY-MM-DD, YYYY-Www, YYYY-MM): the report is generated and archived
// in the background, in the asker's language, and the Rapports page
// follows it (?job=). A report and period already being generated is not
// started again: the page follows the running job (a double click is
// harmless). A bad period is 400, a site the asker may not read 403/404,
// the monthly report 403 for who does not read every site.
func (h *Handlers) reportGenerate(e *core.RequestEvent) error {
	req, err := domain.ParseReportRequest(e.App, e.Auth, e.Request.PathValue("kind"), e.Request.PathValue("siteId"),
		e.Request.FormValue("period"), tenantCtx(e).Location())
	if err != nil {
		return h.fail(e, err)
	}
	ctx := e.Request.Context()
	j, started := reportJobsOf(e.App).start(req, e.Auth.Id, reportJobLabel(ctx, e.App, req), h.deps.Clock())
	if started {
		h.runReportJob(e.App, tenants.FromContext(ctx), j, i18n.Lang(ctx))
	}
	return e.Redirect(http.StatusSeeOther, "/reports?job="+url.QueryEscape(j.id)+"#report-job")
}

// reportJobLabel names the report of req ("Journal du 05/12/2026 — CH-A").
func reportJobLabel(ctx context.Context, app core.App, req domain.ReportRequest) string {
	label := i18n.T(ctx, "rpt.kind."+req.Kind) + " " + req.Period
	if req.SiteID != "" {
		if s, err := domain.FindSite(app, req.SiteID); err == nil {
			label += " — " + s.Code()
		}
	}
	return label
}

// reportJobVM formats a job's progress for its page and stream.
func reportJobVM(ctx context.Context, j *reportJob) reports.JobVM {
	st := j.state()
	vm := reports.JobVM{ID: j.id, Label: j.label}
	state := "done"
	for _, s := range reportJobSteps {
		switch {
		case s == st.step && st.err != nil:
			state = "failed"
		case s == st.step && s != stepDone:
			state = "current"
		}
		vm.Steps = append(vm.Steps, reports.JobStepVM{Key: s, Label: i18n.T(ctx, "reports.job.step."+s), State: state})
		if state != "done" {
			state = "pending"
		}
	}
	switch {
	case st.err != nil:
		vm.Error = i18n.T(ctx, "reports.job.failed", i18n.T(ctx, "reports.job.step."+st.step), userMessage(ctx, st.err))
	case st.step == stepDone:
		vm.Done, vm.Hash = true, st.report.PDFSHA256()
		if st.report.PDF() != "" {
			vm.PDF = "/reports/archive/" + st.report.Id + "/pdf"
		}
		if st.report.XLSX() != "" {
			vm.XLSX = "/reports/archive/" + st.report.Id + "/xlsx"
		}
	default:
		vm.Stream = "/reports/jobs/" + j.id + "/stream"
	}
	return vm
}

// reportJobStream follows a job (GET /reports/jobs/{id}/stream): every
// step re-renders its panel. Only the asker sees it (404 otherwise).
func (h *Handlers) reportJobStream(e *core.RequestEvent) error {
	j := reportJobsOf(e.App).find(e.Request.PathValue("id"), e.Auth.Id)
	if j == nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.report.job_not_found"))
	}
	ctx, locale := h.liveContext(e)
	return serveLive(e, domain.LiveView[*reportJob]{
		Key:    "/reports/jobs/" + j.id + "/stream?" + locale,
		Topics: []domain.Topic{domain.TopicReportJob(j.id)},
		Load:   func() (*reportJob, error) { return j, nil },
		Audience: func(j *reportJob, viewer *core.Record) string {
			if viewer != nil && viewer.Id == j.by {
				return "asker"
			}
			return "none"
		},
		Render: func(j *reportJob, viewer *core.Record) ([]byte, error) {
			if viewer == nil || viewer.Id != j.by {
				return nil, nil
			}
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				return sse.MergeFragmentTempl(reports.JobPanel(reportJobVM(ctx, j)), datastar.WithMergeOuter())
			})
		},
	}, liveFresh)
}
