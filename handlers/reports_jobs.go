package handlers

import (
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// On-demand report generation (issue #17, item 4): a report asked from
// the Rapports page is generated and archived in the background while the
// page follows its steps over SSE (reportJobStream).

// Steps of a job after the generation's own (stepCollect, stepPDF,
// stepXLSX).
const (
	stepArchive = "archive"
	stepDone    = "done"
)

// reportJobSteps are a job's steps in order.
var reportJobSteps = []string{stepCollect, stepPDF, stepXLSX, stepArchive, stepDone}

// reportJobKeep is how long a finished job stays readable by its page.
const reportJobKeep = time.Hour

// reportJob is one on-demand generation: what it makes, who asked, its
// current step and, at the end, its archive or its error.
type reportJob struct {
	id, by string
	req    domain.ReportRequest
	label  string // what the report is, in the asker's language

	mu       sync.Mutex
	step     string
	err      error
	report   domain.Report
	finished time.Time
}

// reportJobState is a copy of a job's progress.
type reportJobState struct {
	step   string
	err    error
	report domain.Report
}

func (j *reportJob) state() reportJobState {
	j.mu.Lock()
	defer j.mu.Unlock()
	return reportJobState{step: j.step, err: j.err, report: j.report}
}

// reportJobs are a tenant app's jobs: by id, and the running one of each
// report and period (one at a time).
type reportJobs struct {
	mu      sync.Mutex
	byID    map[string]*reportJob
	running map[string]*reportJob
	wg      sync.WaitGroup // running jobs, waited for when the app closes
}

const reportJobsKey = "fieldops.reportJobs"

// reportJobsWait bounds how long closing a tenant app waits for its
// running jobs.
const reportJobsWait = 30 * time.Second

// reportJobsOf returns the tenant app's jobs, created on first use with
// a hook that lets running jobs end (bounded) before the app closes.
func reportJobsOf(app core.App) *reportJobs {
	return app.Store().GetOrSet(reportJobsKey, func() any {
		js := &reportJobs{byID: map[string]*reportJob{}, running: map[string]*reportJob{}}
		app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsReportJobsWait", Func: func(e *core.TerminateEvent) error {
			done := make(chan struct{})
			go func() { js.wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(reportJobsWait):
			}
			return e.Next()
		}})
		return js
	}).(*reportJobs)
}

// find returns the job id if by asked it (nil otherwise).
func (js *reportJobs) find(id, by string) *reportJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j := js.byID[id]; j != nil && j.by == by {
		return j
	}
	return nil
}

// start returns the running job of req's report and period, or registers
// a new one (started reports whether it is new). Jobs finished long ago
// are forgotten.
func (js *reportJobs) start(req domain.ReportRequest, by, label string, now time.Time) (j *reportJob, started bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, old := range js.byID {
		old.mu.Lock()
		if !old.finished.IsZero() && now.Sub(old.finished) > reportJobKeep {
			delete(js.byID, id)
		}
		old.mu.Unlock()
	}
	if j := js.running[req.Key()]; j != nil {
		return j, false
	}
	j = &reportJob{id: security.RandomString(15), by: by, req: req, label: label, step: stepCollect}
	js.byID[j.id], js.running[req.Key()] = j, j
	js.wg.Add(1)
	return j, true
}

// end records a job's outcome and frees its report and period.
func (js *reportJobs) end(j *reportJob, rep domain.Report, err error, now time.Time) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j.mu.Lock()
	if err != nil {
		j.err = err
	} else {
		j.report, j.step = rep, stepDone
	}
	j.finished = now
	j.mu.Unlock()
	if js.running[j.req.Key()] == j {
		delete(js.running, j.req.Key())
	}
	js.wg.Done()
}

// runReportJob generates, archives (audited, requested by the asker, in
// lang) and records the outcome of j, publishing every step to its page;
// a failure (a panic included) is logged and shown on the page. The
// tenant stays open meanwhile.
func (h *Handlers) runReportJob(app core.App, t *tenants.Tenant, j *reportJob, lang string) {
	if t != nil {
		t.StreamOpened()
	}
	live, topic := domain.LiveOf(app), domain.TopicReportJob(j.id)
	go func() {
		var rep domain.Report
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("report generation panicked: %v", p)
			}
			if err != nil {
				h.deps.Logger.Error("report generation failed", "kind", j.req.Kind, "site", j.req.SiteID, "period", j.req.Period,
					"step", j.state().step, "by", j.by, "error", err)
			}
			reportJobsOf(app).end(j, rep, err, h.deps.Clock())
			live.Publish(topic)
			if t != nil {
				t.StreamClosed()
			}
		}()
		step := func(s string) {
			j.mu.Lock()
			j.step = s
			j.mu.Unlock()
			live.Publish(topic)
		}
		var in domain.ReportArchive
		if in, err = h.generateReportSteps(app, j.req.Kind, j.req.SiteID, j.req.Start, lang, step); err != nil {
			return
		}
		step(stepArchive)
		in.Kind, in.SiteID, in.Trigger, in.RequestedBy, in.Lang = j.req.Kind, j.req.SiteID, domain.ReportByRequest, j.by, lang
		rep, err = domain.ArchiveReport(app, in)
	}()
}
