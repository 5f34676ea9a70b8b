// Command dashcheck validates Grafana dashboards and Prometheus rule files of deploy/monitoring.
//
//	dashcheck -metrics metrics.txt -rules 'rules/*.yml' dashboards/*.json
//
// For every dashboard: strict decoding and Validate() with the Grafana foundation SDK (unknown
// fields, wrong types and invalid panels fail), unique uid and panel ids, panels inside the 24-column
// grid, every PromQL expression parsed by Prometheus' own parser (Grafana variables substituted),
// every fieldops_* / fieldops:* series name known: the application's metric contract (metrics.txt)
// or a recording rule. Rule expressions get the same metric-name check. Loki targets (LogQL) select
// the stream {app="fieldops"} and filter or group only on the keys of the app's JSON log lines.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"
)

type ruleFile struct {
	Groups []struct {
		Name  string `json:"name"`
		Rules []struct {
			Record string `json:"record"`
			Alert  string `json:"alert"`
			Expr   string `json:"expr"`
		} `json:"rules"`
	} `json:"groups"`
}

// rawDashboard is the subset read for the checks the SDK does not do.
type rawDashboard struct {
	UID        string     `json:"uid"`
	Panels     []rawPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Definition string          `json:"definition"`
			Query      json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type rawPanel struct {
	ID      int    `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	GridPos struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Datasource struct {
		Type string `json:"type"`
	} `json:"datasource"`
	Targets []struct {
		Expr       string `json:"expr"`
		RefID      string `json:"refId"`
		Datasource struct {
			Type string `json:"type"`
		} `json:"datasource"`
	} `json:"targets"`
	Panels []rawPanel `json:"panels"`
}

var (
	// Prometheus 2.x/3.x stable PromQL only: no experimental functions.
	promParser   = parser.NewParser(parser.Options{})
	varRe        = regexp.MustCompile(`\$\{?(\w+)(?::\w+)?\}?`)
	labelValRe   = regexp.MustCompile(`^label_values\(\s*(.*?)\s*,\s*\w+\s*\)$`)
	gridColumns  = 24
	intervalVars = map[string]string{"__rate_interval": "5m", "__interval": "1m", "__range": "1h"}
)

// substitute replaces Grafana variables so that the expression is plain PromQL.
func substitute(expr string) string {
	return varRe.ReplaceAllStringFunc(expr, func(m string) string {
		name := varRe.FindStringSubmatch(m)[1]
		if d, ok := intervalVars[name]; ok {
			return d
		}
		return "var_" + name
	})
}

type checker struct {
	known map[string]bool
	errs  []string
}

func (c *checker) fail(format string, a ...any) { c.errs = append(c.errs, fmt.Sprintf(format, a...)) }

// promql parses expr and checks the series names it selects.
func (c *checker) promql(where, expr string) {
	e, err := promParser.ParseExpr(substitute(expr))
	if err != nil {
		c.fail("%s: invalid PromQL: %v\n    %s", where, err, expr)
		return
	}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			name := vs.Name
			if name == "" {
				for _, m := range vs.LabelMatchers {
					if m.Name == "__name__" {
						name = m.Value
					}
				}
			}
			c.series(where, name)
		}
		return nil
	})
}

// logKeys are the keys of the app's JSON log lines (and Loki's own labels) a LogQL query may use.
var logKeys = map[string]bool{"trace_id": true, "span_id": true, "tenant": true, "route": true, "method": true,
	"status": true, "duration_ms": true, "user": true, "level": true, "msg": true, "app": true, "__error__": true}

var (
	logFilterRe = regexp.MustCompile(`\|\s*([a-zA-Z_]\w*)\s*(?:=~|!~|!=|==|>=|<=|=|>|<)`)
	logByRe     = regexp.MustCompile(`\bby\s*\(([^)]*)\)`)
	logTmplRe   = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
)

// logql checks a Loki query: the app's stream, balanced brackets, known JSON keys.
func (c *checker) logql(where, expr string) {
	if !strings.Contains(expr, `{app="fieldops"}`) {
		c.fail("%s: LogQL does not select the stream {app=\"fieldops\"}: %s", where, expr)
	}
	if strings.Count(expr, "(") != strings.Count(expr, ")") || strings.Count(expr, "{") != strings.Count(expr, "}") {
		c.fail("%s: unbalanced LogQL: %s", where, expr)
	}
	var keys []string
	for _, m := range logFilterRe.FindAllStringSubmatch(expr, -1) {
		keys = append(keys, m[1])
	}
	for _, m := range logByRe.FindAllStringSubmatch(expr, -1) {
		for _, k := range strings.Split(m[1], ",") {
			keys = append(keys, strings.TrimSpace(k))
		}
	}
	for _, m := range logTmplRe.FindAllStringSubmatch(expr, -1) {
		keys = append(keys, m[1])
	}
	for _, k := range keys {
		if k != "" && !logKeys[k] {
			c.fail("%s: LogQL uses %q, not a key of the app's JSON log lines", where, k)
		}
	}
}

func (c *checker) series(where, name string) {
	base := name
	for _, suf := range []string{"_bucket", "_count", "_sum"} {
		if strings.HasSuffix(name, suf) && c.known[strings.TrimSuffix(name, suf)] {
			base = strings.TrimSuffix(name, suf)
		}
	}
	if strings.HasPrefix(base, "fieldops") && !c.known[base] {
		c.fail("%s: unknown series %q (not in the metric contract nor a recording rule)", where, name)
	}
}

func (c *checker) dashboard(path string, uids map[string]string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		c.fail("%s: %v", path, err)
		return
	}
	var d dashboard.Dashboard
	if err := realErr(d.UnmarshalJSONStrict(raw)); err != nil {
		c.fail("%s: not a valid Grafana dashboard: %v", path, err)
	}
	if err := realErr(d.Validate()); err != nil {
		c.fail("%s: %v", path, err)
	}
	var r rawDashboard
	if err := json.Unmarshal(raw, &r); err != nil {
		c.fail("%s: %v", path, err)
		return
	}
	if r.UID == "" {
		c.fail("%s: no uid", path)
	} else if other, dup := uids[r.UID]; dup {
		c.fail("%s: uid %q already used by %s", path, r.UID, other)
	}
	uids[r.UID] = path
	ids := map[int]bool{}
	var walk func([]rawPanel)
	walk = func(ps []rawPanel) {
		for _, p := range ps {
			where := fmt.Sprintf("%s: panel %d %q", filepath.Base(path), p.ID, p.Title)
			if ids[p.ID] {
				c.fail("%s: duplicate panel id", where)
			}
			ids[p.ID] = true
			if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X < 0 || p.GridPos.X+p.GridPos.W > gridColumns {
				c.fail("%s: gridPos outside the %d-column grid: %+v", where, gridColumns, p.GridPos)
			}
			if p.Type != "row" && len(p.Targets) == 0 {
				c.fail("%s: no query", where)
			}
			for _, t := range p.Targets {
				if t.Datasource.Type == "loki" || (t.Datasource.Type == "" && p.Datasource.Type == "loki") {
					c.logql(where+" "+t.RefID, t.Expr)
				} else {
					c.promql(where+" "+t.RefID, t.Expr)
				}
			}
			walk(p.Panels)
		}
	}
	walk(r.Panels)
	for _, v := range r.Templating.List {
		if v.Type != "query" {
			continue
		}
		if m := labelValRe.FindStringSubmatch(v.Definition); m != nil {
			c.promql(fmt.Sprintf("%s: variable %s", filepath.Base(path), v.Name), m[1])
		} else {
			c.fail("%s: variable %s: unsupported query %q", filepath.Base(path), v.Name, v.Definition)
		}
	}
}

// realErr drops the SDK's typed-nil errors: its generated methods return an empty
// cog.BuildErrors (a non-nil error interface holding a nil slice) on success.
func realErr(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

func main() {
	metrics := flag.String("metrics", "", "file listing the application's metric names, one a line")
	rules := flag.String("rules", "", "glob of Prometheus rule files (recording rules become known series)")
	flag.Parse()
	plugins.RegisterDefaultPlugins()
	c := &checker{known: map[string]bool{}}
	if *metrics != "" {
		b, err := os.ReadFile(*metrics)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				c.known[strings.Fields(l)[0]] = true
			}
		}
	}
	var files []ruleFile
	var names []string
	if *rules != "" {
		paths, _ := filepath.Glob(*rules)
		sort.Strings(paths)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				c.fail("%s: %v", p, err)
				continue
			}
			var rf ruleFile
			if err := yaml.UnmarshalStrict(b, &rf); err != nil {
				var ute *json.UnmarshalTypeError
				if !errors.As(err, &ute) {
					// rule files have more fields (labels, annotations, for): decode leniently
					if err2 := yaml.Unmarshal(b, &rf); err2 != nil {
						c.fail("%s: %v", p, err2)
						continue
					}
				}
			}
			for _, g := range rf.Groups {
				for _, r := range g.Rules {
					if r.Record != "" {
						c.known[r.Record] = true
					}
				}
			}
			files = append(files, rf)
			names = append(names, p)
		}
	}
	for i, rf := range files {
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				c.promql(fmt.Sprintf("%s: %s%s", filepath.Base(names[i]), r.Record, r.Alert), r.Expr)
			}
		}
	}
	uids := map[string]string{}
	for _, p := range flag.Args() {
		c.dashboard(p, uids)
	}
	for _, e := range c.errs {
		fmt.Fprintln(os.Stderr, "dashcheck:", e)
	}
	if len(c.errs) > 0 {
		os.Exit(1)
	}
	fmt.Printf("dashcheck: %d dashboard(s), %d rule file(s), %d known series: ok\n", flag.NArg(), len(files), len(c.known))
}
