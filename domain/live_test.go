package domain_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

var (
	week10 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	week12 = time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
)

// liveTenant has two sites and a task on each: t1 on s1 in week 10, t2 on
// s2 in week 12.
type liveTenant struct {
	*tenanttest.Tenant
	app    core.App
	s1, s2 string
	t1, t2 *core.Record
}

func newLiveTenant(t *testing.T) liveTenant {
	t.Helper()
	tt := tenanttest.New(t)
	l := liveTenant{Tenant: tt, app: tt.App()}
	site := func(code string) string {
		return tt.Record("sites", map[string]any{"code": code, "name": "Chantier", "sector": "btp", "status": "active"}).Id
	}
	l.s1, l.s2 = site("S-1"), site("S-2")
	l.t1 = tt.Record("tasks", map[string]any{"site": l.s1, "title": "Un", "planned_start": week10, "duration_days": 2, "status": "planned"})
	l.t2 = tt.Record("tasks", map[string]any{"site": l.s2, "title": "Deux", "planned_start": week12, "duration_days": 1, "status": "planned"})
	return l
}

// rename saves a new title for task id (read fresh, as a handler would).
func (l liveTenant) rename(t *testing.T, id, title string) {
	t.Helper()
	r, err := l.app.FindRecordById("tasks", id)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("title", title)
	if err := l.app.Save(r); err != nil {
		t.Fatal(err)
	}
}

// titlesView is a live view listing the titles of a site's tasks; renders
// counts its renders.
func titlesView(app core.App, key string, topics []domain.Topic, site string, renders *atomic.Int64) domain.LiveView[[]string] {
	return domain.LiveView[[]string]{
		Key: key, Topics: topics,
		Load: func() ([]string, error) {
			recs, err := domain.FindSiteTasks(app, site)
			var out []string
			for _, r := range recs {
				out = append(out, r.GetString("title"))
			}
			return out, err
		},
		Render: func(titles []string, _ *core.Record) ([]byte, error) {
			renders.Add(1)
			return []byte(strings.Join(titles, ",")), nil
		},
	}
}

// waitFrame waits for the stream's next frame.
func waitFrame(t *testing.T, s *domain.LiveStream) string {
	t.Helper()
	select {
	case <-s.Ready():
		return string(s.Next())
	case <-time.After(5 * time.Second):
		t.Fatal("no frame within 5 s")
		return ""
	}
}

// waitRenders waits until n reaches want.
func waitRenders(t *testing.T, n *atomic.Int64, want int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); n.Load() < want; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d renders, want %d", n.Load(), want)
		}
	}
}

func TestChangeTopics(t *testing.T) {
	l := newLiveTenant(t)
	r, _ := l.app.FindRecordById("tasks", l.t1.Id)
	r.Set("planned_start", week12)
	r.Set("site", l.s2)
	got := domain.ChangeTopics(l.app, r, domain.AuditUpdate)
	for _, want := range []domain.Topic{domain.TopicCollection("tasks"), domain.TopicSite(l.s1), domain.TopicSite(l.s2), domain.TopicWeek(week10), domain.TopicWeek(week12)} {
		if !slices.Contains(got, want) {
			t.Errorf("moving a task from S-1 week 10 to S-2 week 12: %v lacks %s", got, want)
		}
	}
	if slices.Contains(got, domain.TopicWeek(week10.AddDate(0, 0, 28))) || slices.Contains(got, domain.TopicAnyWeek) {
		t.Errorf("moving a task: %v touches week 14 or every week", got)
	}
	t3 := l.Record("tasks", map[string]any{"site": l.s1, "title": "Trois", "planned_start": week10, "duration_days": 1, "status": "planned"})
	link := l.Record("task_links", map[string]any{"from": l.t1.Id, "to": t3.Id, "type": "FS"})
	if got := domain.ChangeTopics(l.app, link, domain.AuditCreate); !slices.Contains(got, domain.TopicSite(l.s1)) {
		t.Errorf("a link of S-1's tasks: %v", got)
	}
	blank := core.NewRecord(r.Collection())
	blank.Id = r.Id
	if got := domain.ChangeTopics(l.app, blank, domain.AuditUpdate); !slices.Contains(got, domain.TopicAnySite) || !slices.Contains(got, domain.TopicAnyWeek) {
		t.Errorf("an update without its stored original must wake every site and week: %v", got)
	}
	user, _ := l.app.FindAuthRecordByEmail("users", l.Admin)
	if got := domain.ChangeTopics(l.app, user, domain.AuditUpdate); !slices.Equal(got, []domain.Topic{domain.TopicCollection("users")}) {
		t.Errorf("a user change: %v", got)
	}
}

// TestLiveWakesOnlyTouchedViews: a change to a task of site S-2 in week
// 12 renders the views of S-2 and week 12, not those of S-1 or week 10.
func TestLiveWakesOnlyTouchedViews(t *testing.T) {
	l := newLiveTenant(t)
	live := domain.LiveOf(l.app)
	var site1, site2, wk10, wk12 atomic.Int64
	streams := []*domain.LiveStream{
		domain.Watch(live, titlesView(l.app, "s1", []domain.Topic{domain.TopicSite(l.s1)}, l.s1, &site1), nil),
		domain.Watch(live, titlesView(l.app, "s2", []domain.Topic{domain.TopicSite(l.s2)}, l.s2, &site2), nil),
		domain.Watch(live, titlesView(l.app, "w10", []domain.Topic{domain.TopicWeek(week10)}, l.s1, &wk10), nil),
		domain.Watch(live, titlesView(l.app, "w12", []domain.Topic{domain.TopicWeek(week12)}, l.s2, &wk12), nil),
	}
	for _, s := range streams {
		defer s.Close()
	}
	l.rename(t, l.t2.Id, "Deux bis")
	if got := waitFrame(t, streams[1]); got != "Deux bis" {
		t.Errorf("S-2 view: %q", got)
	}
	if got := waitFrame(t, streams[3]); got != "Deux bis" {
		t.Errorf("week 12 view: %q", got)
	}
	time.Sleep(100 * time.Millisecond)
	if site1.Load() != 0 || wk10.Load() != 0 {
		t.Errorf("a change to S-2 in week 12 rendered S-1's view %d times and week 10's %d times, want 0", site1.Load(), wk10.Load())
	}
	if site2.Load() != 1 || wk12.Load() != 1 {
		t.Errorf("renders of S-2 %d, week 12 %d, want 1 each", site2.Load(), wk12.Load())
	}
}

// TestLiveOneRenderForTwoStreams: two streams of one view get the same
// bytes from one render; a burst of changes renders once.
func TestLiveOneRenderForTwoStreams(t *testing.T) {
	l := newLiveTenant(t)
	live := domain.LiveOf(l.app)
	var n atomic.Int64
	v := titlesView(l.app, "s1", []domain.Topic{domain.TopicSite(l.s1)}, l.s1, &n)
	a, b := domain.Watch(live, v, nil), domain.Watch(live, v, nil)
	defer a.Close()
	defer b.Close()
	if live.Views() != 1 || live.Streams() != 2 {
		t.Fatalf("%d views for %d streams, want 1 for 2", live.Views(), live.Streams())
	}
	// a burst: five saves committed together (as a move and the
	// rescheduling of its successors are)
	err := l.app.RunInTransaction(func(tx core.App) error {
		for i := range 5 {
			r, err := tx.FindRecordById("tasks", l.t1.Id)
			if err != nil {
				return err
			}
			r.Set("title", fmt.Sprintf("Un %d", i))
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := waitFrame(t, a), waitFrame(t, b)
	if fa != "Un 4" || fa != fb {
		t.Errorf("frames %q and %q, want both %q", fa, fb, "Un 4")
	}
	if got := n.Load(); got != 1 {
		t.Errorf("a burst of 5 changes rendered %d times, want 1", got)
	}
}

// TestLiveStreamFallingBehindGetsFullRefresh: a stream that does not read
// while 50 renders happen gets one frame, the latest, and nothing is lost.
func TestLiveStreamFallingBehindGetsFullRefresh(t *testing.T) {
	l := newLiveTenant(t)
	live := domain.LiveOf(l.app)
	var n atomic.Int64
	v := titlesView(l.app, "s1", []domain.Topic{domain.TopicSite(l.s1)}, l.s1, &n)
	slow, fast := domain.Watch(live, v, nil), domain.Watch(live, v, nil)
	defer slow.Close()
	defer fast.Close()
	const changes = 50
	for i := range changes {
		l.rename(t, l.t1.Id, fmt.Sprintf("Un %d", i))
		waitRenders(t, &n, int64(i+1))
		if got := waitFrame(t, fast); got != fmt.Sprintf("Un %d", i) {
			t.Fatalf("the reading stream got %q after change %d", got, i)
		}
	}
	if got := string(slow.Next()); got != fmt.Sprintf("Un %d", changes-1) {
		t.Errorf("the stream that fell behind got %q, want the latest state", got)
	}
	if got := slow.Next(); got != nil {
		t.Errorf("a second frame %q after the refresh", got)
	}
	if slow.Skipped() != changes-1 || fast.Skipped() != 0 {
		t.Errorf("skipped %d (slow) and %d (fast), want %d and 0", slow.Skipped(), fast.Skipped(), changes-1)
	}
}

// TestLiveCleanupAndIsolation: views go with their last stream, closing
// the hub ends its streams, and two tenants never share a view.
func TestLiveCleanupAndIsolation(t *testing.T) {
	l := newLiveTenant(t)
	b := tenanttest.Provision(t, l.Registry, "beta", domain.SectorBTP)
	bApp := b.App()
	bSite := b.Record("sites", map[string]any{"code": "S-1", "name": "Chantier", "sector": "btp", "status": "active"}).Id
	live, bLive := domain.LiveOf(l.app), domain.LiveOf(bApp)
	if live == bLive {
		t.Fatal("two tenants share their live views")
	}
	var na, nb atomic.Int64
	sa := domain.Watch(live, titlesView(l.app, "same-key", []domain.Topic{domain.TopicCollection("tasks")}, l.s1, &na), nil)
	sb := domain.Watch(bLive, titlesView(bApp, "same-key", []domain.Topic{domain.TopicCollection("tasks")}, bSite, &nb), nil)
	l.rename(t, l.t1.Id, "Un bis")
	if got := waitFrame(t, sa); got != "Un bis" {
		t.Errorf("tenant A's stream: %q", got)
	}
	time.Sleep(100 * time.Millisecond)
	if nb.Load() != 0 || sb.Next() != nil {
		t.Error("a change in tenant A woke tenant B's view of the same key")
	}
	sa.Close()
	sa.Close()
	if live.Views() != 0 || live.Streams() != 0 {
		t.Errorf("after the last stream closed: %d views, %d streams, want none", live.Views(), live.Streams())
	}
	bLive.Close()
	select {
	case <-sb.Done():
	case <-time.After(time.Second):
		t.Error("closing the hub did not end its stream")
	}
	sb.Close()
	if bLive.Views() != 0 || bLive.Streams() != 0 {
		t.Errorf("after close: %d views, %d streams", bLive.Views(), bLive.Streams())
	}
	late := domain.Watch(bLive, titlesView(bApp, "k", nil, bSite, &nb), nil)
	select {
	case <-late.Done():
	default:
		t.Error("a stream opened on a closed hub is not ended")
	}
	late.Close()
}

// TestLiveRenderPanicIsContained: a renderer that panics is logged, and
// the view renders again on the next change.
func TestLiveRenderPanicIsContained(t *testing.T) {
	l := newLiveTenant(t)
	var calls atomic.Int64
	v := domain.LiveView[int]{Key: "panics", Topics: []domain.Topic{domain.TopicSite(l.s1)},
		Load: func() (int, error) { return int(calls.Add(1)), nil },
		Render: func(n int, _ *core.Record) ([]byte, error) {
			if n == 1 {
				panic("renderer bug")
			}
			return []byte(fmt.Sprint(n)), nil
		},
	}
	s := domain.Watch(domain.LiveOf(l.app), v, nil)
	defer s.Close()
	l.rename(t, l.t1.Id, "Un bis")
	waitRenders(t, &calls, 1)
	l.rename(t, l.t1.Id, "Un ter")
	if got := waitFrame(t, s); got != "2" {
		t.Errorf("after a panic the view sent %q, want the next render", got)
	}
}
