package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// crawlPerPattern is how many URLs of one route pattern (ids replaced,
// query keys kept) a role's crawl follows: enough to meet each kind of
// record in a few states, few enough to stay bounded and fast.
const crawlPerPattern = 6

// crawlRole is one demo role the crawl signs in as.
type crawlRole struct {
	name, email, password, home string
}

// demoCrawlRoles are the demo tenant's roles: its tenant admin and the
// first demo person of each role (as `fieldops demo` prints them).
func demoCrawlRoles(tt *tenanttest.Tenant) []crawlRole {
	roles := []crawlRole{{"tenant_admin", tt.Admin, tenanttest.Password, domain.HomePath(domain.RoleManager)}}
	for _, u := range domain.DemoUsers()[:4] {
		roles = append(roles, crawlRole{u.Role, u.Email, domain.DemoPassword, domain.HomePath(u.Role)})
	}
	return roles
}

// crawlResult is what a role's crawl saw: the HTML pages it read (paths
// with their query, answered 200) and every link that answered ≥ 400 or
// led back to the login page.
type crawlResult struct {
	Pages    []string
	Fetched  int
	Failures []string
	Actions  map[string]string // POST form action (with an enabled submit control) → a page showing it
}

// crawler follows, breadth first, every same-origin link a signed-in
// user is shown: <a href> and GET forms submitted with their defaults.
type crawler struct {
	t      testing.TB
	tt     *tenanttest.Tenant
	role   string
	cookie *http.Cookie
	seen   map[string]bool
	per    map[string]int
	failed map[string]string   // URL → status
	from   map[string][]string // failing URL → source pages
	res    crawlResult
}

// idSegment is a record id in a path (PocketBase: 15 lowercase
// alphanumerics).
var idSegment = regexp.MustCompile(`^[a-z0-9]{15}$`)

// crawlPattern is the route pattern of u: ids replaced by {id}, the
// query's keys kept (not their values).
func crawlPattern(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(segs, "/") + "?" + strings.Join(keys, "&")
}

// crawlSkip reports links the crawl must not follow: other origins,
// non-HTTP schemes, and GET links that change state (sign-out, the
// language switch that stores the user's locale).
func crawlSkip(u *url.URL, host string) bool {
	if (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Host != "" && u.Host != host) {
		return true
	}
	p := u.Path
	return strings.HasPrefix(p, "/logout") || strings.HasPrefix(p, "/lang/") || strings.HasSuffix(p, "/stream")
}

// crawl signs in as role and crawls from its home.
func crawl(t testing.TB, tt *tenanttest.Tenant, r crawlRole) crawlResult {
	t.Helper()
	c := &crawler{t: t, tt: tt, role: r.name, seen: map[string]bool{}, per: map[string]int{}, failed: map[string]string{}, from: map[string][]string{}, res: crawlResult{Actions: map[string]string{}}}
	c.cookie = tt.Login(r.email, r.password)
	type edge struct{ from, to string }
	queue := []edge{{"(home)", r.home}}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if _, bad := c.failed[e.to]; bad {
			c.from[e.to] = append(c.from[e.to], e.from)
			continue
		}
		if c.seen[e.to] {
			continue
		}
		u, _ := url.Parse(e.to)
		pat := crawlPattern(u)
		if c.per[pat] >= crawlPerPattern {
			continue
		}
		c.seen[e.to], c.per[pat] = true, c.per[pat]+1
		for _, next := range c.visit(e.from, e.to) {
			queue = append(queue, edge{e.to, next})
		}
	}
	for link, st := range c.failed {
		from := c.from[link]
		if len(from) > 4 {
			from = append(from[:4:4], fmt.Sprintf("and %d more", len(from)-4))
		}
		c.res.Failures = append(c.res.Failures, fmt.Sprintf("%s: %s → %s (shown on %s)", r.name, link, st, strings.Join(from, ", ")))
	}
	sort.Strings(c.res.Failures)
	sort.Strings(c.res.Pages)
	return c.res
}

// visit GETs target (following redirects), records a failure, and
// returns the links of an HTML answer.
func (c *crawler) visit(from, target string) []string {
	c.res.Fetched++
	loc := target
	var rec *http.Response
	for hop := 0; ; hop++ {
		w := tenanttest.Get(c.t, c.tt.Registry, c.tt.Host(), loc, c.cookie)
		rec = w.Result()
		if rec.StatusCode < 300 || rec.StatusCode >= 400 || hop == 5 {
			break
		}
		next, err := url.Parse(rec.Header.Get("Location"))
		if err != nil || crawlSkip(next, c.tt.Host()) {
			break
		}
		base, _ := url.Parse(loc)
		loc = base.ResolveReference(next).RequestURI()
	}
	status := ""
	switch {
	case rec.StatusCode >= 400:
		status = fmt.Sprint(rec.StatusCode)
	case strings.HasPrefix(loc, "/login"):
		status = "redirected to " + loc
	}
	if status != "" {
		c.failed[target], c.from[target] = status, []string{from}
		return nil
	}
	if rec.StatusCode != http.StatusOK || !strings.HasPrefix(rec.Header.Get("Content-Type"), "text/html") {
		return nil
	}
	c.res.Pages = append(c.res.Pages, loc)
	d, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		c.t.Fatalf("%s: %s: %v", c.role, loc, err)
	}
	return c.links(loc, d)
}

// links are the same-origin targets of page: its <a href> and its GET
// forms as submitted with their default values.
func (c *crawler) links(page string, d *goquery.Document) []string {
	base, _ := url.Parse(page)
	var out []string
	add := func(href string) {
		u, err := url.Parse(strings.TrimSpace(href))
		if err != nil || crawlSkip(u, c.tt.Host()) {
			return
		}
		abs := base.ResolveReference(u)
		if abs.Path == base.Path && abs.RawQuery == base.RawQuery {
			return // a fragment of the page itself
		}
		abs.Fragment, abs.RawQuery = "", abs.Query().Encode()
		out = append(out, abs.RequestURI())
	}
	d.Find("a[href]").Each(func(_ int, a *goquery.Selection) { add(a.AttrOr("href", "")) })
	d.Find("form").Each(func(_ int, f *goquery.Selection) {
		if m := strings.ToLower(f.AttrOr("method", "get")); m != "get" || f.AttrOr("action", "") == "" {
			if u, err := url.Parse(f.AttrOr("action", "")); err == nil && m == "post" && canSubmit(f) {
				if a := base.ResolveReference(u).Path; c.res.Actions[a] == "" {
					c.res.Actions[a] = page
				}
			}
			return
		}
		if v, ok := formDefaults(f); ok {
			add(f.AttrOr("action", "") + "?" + v.Encode())
		}
	})
	return out
}

// canSubmit reports whether a form shows an enabled submit control.
func canSubmit(f *goquery.Selection) bool {
	return f.Find("button, input[type=submit], input[type=image]").FilterFunction(func(_ int, b *goquery.Selection) bool {
		_, off := b.Attr("disabled")
		t := strings.ToLower(b.AttrOr("type", "submit"))
		return !off && (t == "submit" || t == "image") && b.ParentsFiltered("fieldset[disabled]").Length() == 0
	}).Length() > 0
}

// formDefaults are the values a GET form submits untouched; ok is false
// when a browser would refuse to submit it (a required field is empty).
func formDefaults(f *goquery.Selection) (v url.Values, ok bool) {
	v, ok = url.Values{}, true
	f.Find("input[name], select[name]").Each(func(_ int, in *goquery.Selection) {
		name := in.AttrOr("name", "")
		if _, req := in.Attr("required"); req && in.AttrOr("value", "") == "" && goquery.NodeName(in) == "input" {
			ok = false
		}
		switch {
		case goquery.NodeName(in) == "select":
			opt := in.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = in.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", strings.TrimSpace(opt.Text())))
		case in.AttrOr("type", "") == "checkbox" || in.AttrOr("type", "") == "radio":
			if _, on := in.Attr("checked"); on {
				v.Add(name, in.AttrOr("value", "on"))
			}
		default:
			v.Add(name, in.AttrOr("value", ""))
		}
	})
	return v, ok
}

// crawlMinPages is the least number of distinct pages each role's crawl
// must read, so that it cannot pass by crawling nothing (the demo gives
// about 230, 220, 215, 175 and 11).
var crawlMinPages = map[string]int{"tenant_admin": 150, domain.RoleManager: 150, domain.RoleProjectManager: 150, domain.RoleSiteLead: 120, domain.RoleCrew: 8}

// TestCrawlDemoRoles (issue #15): signed in as each role of the demo
// tenant, every link the pages show (from the role's home, breadth first)
// answers below 400 and never sends back to the login page, and every
// POST button shown is one the domain lets the role use. Office roles
// must meet every demo site's history and both incidents (on sites they
// run and sites they do not), so that per-site rules are exercised both
// ways. The demo gets the records of a first hour it lacks
// (seedCrawlExtras).
func TestCrawlDemoRoles(t *testing.T) {
	t.Parallel()
	start := time.Now()
	tt := handlertest.New(t)
	if err := domain.SeedDemo(tt.App()); err != nil {
		t.Fatal(err)
	}
	seedCrawlExtras(t, tt)
	sites, err := tt.App().CountRecords(domain.CollectionSites)
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	for _, r := range demoCrawlRoles(tt) {
		res := crawl(t, tt, r)
		t.Logf("%s: %d pages read, %d URLs fetched, %d failing", r.name, len(res.Pages), res.Fetched, len(res.Failures))
		if len(res.Pages) < crawlMinPages[r.name] {
			t.Errorf("%s: the crawl read %d pages, want at least %d: %v", r.name, len(res.Pages), crawlMinPages[r.name], res.Pages)
		}
		if histories := countMatching(res.Pages, `^/sites/[a-z0-9]{15}/history$`); r.name != domain.RoleCrew && int64(histories) != sites {
			t.Errorf("%s: the crawl read %d site histories, want all %d", r.name, histories, sites)
		}
		if incidents := countMatching(res.Pages, `^/sites/[a-z0-9]{15}/incidents/[a-z0-9]{15}$`); r.name != domain.RoleCrew && incidents != 2 {
			t.Errorf("%s: the crawl read %d incident pages, want both", r.name, incidents)
		}
		kpis, costs := countMatching(res.Pages, `^/kpis$`), countMatching(res.Pages, `^/sites/[a-z0-9]{15}/costs$`)
		if seesKPIs := r.name != domain.RoleSiteLead && r.name != domain.RoleCrew; seesKPIs != (kpis == 1 && costs > 0) {
			t.Errorf("%s: the crawl read /kpis %d times and %d site cost pages (KPIs shown: %v)", r.name, kpis, costs, seesKPIs)
		}
		failures = append(failures, res.Failures...)
		failures = append(failures, actionFailures(t, tt, r, res)...)
	}
	if len(failures) > 0 {
		t.Errorf("%d links or buttons shown that the role cannot follow:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	t.Logf("seed and crawl of %d roles: %v", len(demoCrawlRoles(tt)), time.Since(start).Round(time.Millisecond))
}

// countMatching counts the paths matching the regular expression re.
func countMatching(paths []string, re string) int {
	n, rx := 0, regexp.MustCompile(re)
	for _, p := range paths {
		if rx.MatchString(p) {
			n++
		}
	}
	return n
}
