package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ClientSiteSummary is a site as its client sees it in the list: name,
// address, dates, status and progress (the share of its jobs done, %).
type ClientSiteSummary struct {
	ID, Name, Code, Address, Status string
	Start, End                      time.Time
	TasksDone, TasksTotal           int
	Progress                        int
	NextMilestone                   string
	NextMilestoneDue                time.Time
}

// ClientSites returns the session's sites, by name.
func ClientSites(app core.App, s *ClientSession) ([]ClientSiteSummary, error) {
	if s == nil || len(s.SiteIDs) == 0 {
		return nil, nil
	}
	recs, err := app.FindRecordsByIds(CollectionSites, s.SiteIDs)
	if err != nil {
		return nil, fmt.Errorf("client sites: %w", err)
	}
	out := make([]ClientSiteSummary, 0, len(recs))
	for _, r := range recs {
		sum, err := clientSiteSummary(app, Site{r})
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	slices.SortFunc(out, func(a, b ClientSiteSummary) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func clientSiteSummary(app core.App, site Site) (ClientSiteSummary, error) {
	sum := ClientSiteSummary{ID: site.Id, Name: site.Name(), Code: site.Code(), Address: site.Address(), Status: site.Status(),
		Start: site.Start(), End: site.End()}
	var row struct {
		Done  int `db:"done"`
		Total int `db:"total"`
	}
	err := app.DB().Select("COUNT(*) AS total", "COALESCE(SUM(status IN ('done','validated')), 0) AS done").
		From(CollectionTasks).Where(dbx.HashExp{"site": site.Id}).One(&row)
	if err != nil {
		return sum, fmt.Errorf("client site progress: %w", err)
	}
	sum.TasksDone, sum.TasksTotal = row.Done, row.Total
	switch {
	case row.Total > 0:
		sum.Progress = row.Done * 100 / row.Total
	case site.Status() == SiteDone:
		sum.Progress = 100 // a finished site without jobs
	}
	ms, err := app.FindRecordsByFilter(CollectionMilestones, "site = {:s} && reached_at = ''", "due", 1, 0, dbx.Params{"s": site.Id})
	if err != nil {
		return sum, fmt.Errorf("client next milestone: %w", err)
	}
	if len(ms) == 1 {
		sum.NextMilestone, sum.NextMilestoneDue = ms[0].GetString("name"), ms[0].GetDateTime("due").Time()
	}
	return sum, nil
}

// ClientMilestone is a milestone of the planning summary.
type ClientMilestone struct {
	Name           string
	Due, ReachedAt time.Time
}

// ClientStep is a job of the planning summary (a next step, or a
// finished job with its proof bundle).
type ClientStep struct {
	ID, Title, Status string
	Start, End        time.Time
}

// ClientFile is a shared document, a published photo, an archived weekly
// report or an issued invoice: what the client downloads.
type ClientFile struct {
	ID, Title, Kind, Period, Status string
	At                              time.Time
	AmountCents                     int
}

// ClientSiteView is everything the client sees of one site.
type ClientSiteView struct {
	ClientSiteSummary
	Milestones []ClientMilestone
	NextSteps  []ClientStep
	Proofs     []ClientStep
	Documents  []ClientFile
	Photos     []ClientFile
	Reports    []ClientFile
	Invoices   []ClientFile
}

// LoadClientSite returns the client view of a site of the session (a
// not-found error for any other site).
func LoadClientSite(app core.App, s *ClientSession, siteID string, now time.Time) (*ClientSiteView, error) {
	if !s.HasSite(siteID) {
		return nil, Errorf(ENotFound, "err.portal.not_found")
	}
	site, err := FindSite(app, siteID)
	if err != nil {
		return nil, Errorf(ENotFound, "err.portal.not_found")
	}
	sum, err := clientSiteSummary(app, site)
	if err != nil {
		return nil, err
	}
	v := &ClientSiteView{ClientSiteSummary: sum}
	p := dbx.Params{"s": siteID, "now": DBTime(now)}
	ms, err := app.FindRecordsByFilter(CollectionMilestones, "site = {:s}", "due", 50, 0, p)
	if err != nil {
		return nil, err
	}
	for _, m := range AsMilestones(ms) {
		v.Milestones = append(v.Milestones, ClientMilestone{Name: m.Name(), Due: m.Due(), ReachedAt: m.ReachedAt()})
	}
	next, err := app.FindRecordsByFilter(CollectionTasks, "site = {:s} && status != 'done' && status != 'validated' && planned_start != ''", "planned_start", 5, 0, p)
	if err != nil {
		return nil, err
	}
	v.NextSteps = clientSteps(next)
	done, err := app.FindRecordsByFilter(CollectionTasks, "site = {:s} && (status = 'done' || status = 'validated')", "-planned_end", 50, 0, p)
	if err != nil {
		return nil, err
	}
	v.Proofs = clientSteps(done)
	if v.Documents, err = clientDocuments(app, siteID); err != nil {
		return nil, err
	}
	if v.Photos, err = clientPhotos(app, siteID); err != nil {
		return nil, err
	}
	if v.Reports, err = clientReports(app, siteID); err != nil {
		return nil, err
	}
	if v.Invoices, err = clientInvoices(app, s.ClientID, siteID); err != nil {
		return nil, err
	}
	return v, nil
}

func clientSteps(recs []*core.Record) []ClientStep {
	out := make([]ClientStep, 0, len(recs))
	for _, t := range AsTasks(recs) {
		out = append(out, ClientStep{ID: t.Id, Title: t.Title(), Status: t.Status(), Start: t.PlannedStart(), End: t.PlannedEnd()})
	}
	return out
}

func clientDocuments(app core.App, siteID string) ([]ClientFile, error) {
	recs, err := app.FindRecordsByFilter(CollectionDocuments, "site = {:s} && shared_with_client = true && current = true", "title", 200, 0, dbx.Params{"s": siteID})
	if err != nil {
		return nil, fmt.Errorf("client documents: %w", err)
	}
	out := make([]ClientFile, 0, len(recs))
	for _, d := range AsDocuments(recs) {
		out = append(out, ClientFile{ID: d.Id, Title: d.Title(), Kind: d.Kind(), At: d.Created()})
	}
	return out, nil
}

func clientPhotos(app core.App, siteID string) ([]ClientFile, error) {
	recs, err := app.FindRecordsByFilter(CollectionPhotos, "site = {:s} && shared_with_client = true", "-taken_at", 200, 0, dbx.Params{"s": siteID})
	if err != nil {
		return nil, fmt.Errorf("client photos: %w", err)
	}
	out := make([]ClientFile, 0, len(recs))
	for _, p := range AsPhotos(recs) {
		out = append(out, ClientFile{ID: p.Id, Title: p.Caption(), At: p.TakenAt()})
	}
	return out, nil
}

func clientReports(app core.App, siteID string) ([]ClientFile, error) {
	recs, err := app.FindRecordsByFilter(CollectionReports, "site = {:s} && kind = 'weekly' && pdf != ''", "-period", 100, 0, dbx.Params{"s": siteID})
	if err != nil {
		return nil, fmt.Errorf("client reports: %w", err)
	}
	out := make([]ClientFile, 0, len(recs))
	for _, r := range AsReports(recs) {
		out = append(out, ClientFile{ID: r.Id, Kind: r.Kind(), Period: r.Period(), At: r.Created()})
	}
	return out, nil
}

// clientInvoices lists the issued invoices (and credit notes) of the site
// addressed to the client; drafts never show.
func clientInvoices(app core.App, clientID, siteID string) ([]ClientFile, error) {
	recs, err := app.FindRecordsByFilter(CollectionInvoices, "site = {:s} && client = {:c} && status != 'draft' && number != '' && pdf != ''",
		"-issue_date", 200, 0, dbx.Params{"s": siteID, "c": clientID})
	if err != nil {
		return nil, fmt.Errorf("client invoices: %w", err)
	}
	out := make([]ClientFile, 0, len(recs))
	for _, i := range AsInvoices(recs) {
		out = append(out, ClientFile{ID: i.Id, Title: i.Number(), Kind: i.Kind(), Status: i.Status(), At: i.IssueDate(), AmountCents: i.TotalInclCents()})
	}
	return out, nil
}

// ClientSiteFile returns the record of a file the session may download
// on the site: kind "documents" (shared, current), "photos" (published),
// "reports" (weekly, archived), "invoices" (issued, of the client) or
// "proofs" (a finished job); any other record is not found.
func ClientSiteFile(app core.App, s *ClientSession, siteID, kind, id string) (*core.Record, error) {
	notFound := Errorf(ENotFound, "err.portal.not_found")
	if !s.HasSite(siteID) || id == "" {
		return nil, notFound
	}
	var col, filter string
	switch kind {
	case "documents":
		col, filter = CollectionDocuments, "shared_with_client = true && current = true"
	case "photos":
		col, filter = CollectionPhotos, "shared_with_client = true"
	case "reports":
		col, filter = CollectionReports, "kind = 'weekly' && pdf != ''"
	case "invoices":
		col, filter = CollectionInvoices, "client = {:c} && status != 'draft' && number != '' && pdf != ''"
	case "proofs":
		col, filter = CollectionTasks, "(status = 'done' || status = 'validated')"
	default:
		return nil, notFound
	}
	rec, err := app.FindFirstRecordByFilter(col, "id = {:id} && site = {:s} && "+filter, dbx.Params{"id": id, "s": siteID, "c": s.ClientID})
	if err != nil {
		return nil, notFound
	}
	return rec, nil
}
