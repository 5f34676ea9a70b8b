// Package planning holds the pages of module 3: the per-site Gantt (a
// server-rendered SVG that works without JavaScript, made draggable by
// gantt.js and kept live over SSE) and the multi-site planning. View
// models are built by the handlers; views never query and never decide
// permissions.
package planning

import (
	"strconv"

	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// Chart geometry, in SVG user units.
const (
	LabelWidth   = 220
	DayWidth     = 28
	RowHeight    = 34
	HeaderHeight = 44
	BarHeight    = 22
)

// PageVM is what every page of the module shares.
type PageVM struct {
	Shell   layouts.ShellVM
	CSS     string // planning.css
	GanttJS string // gantt.js
}

// DayVM is one calendar column of the chart.
type DayVM struct {
	X     int
	Label string // day of month
	Month string // month label on the first column and each 1st
	Off   bool   // weekend, holiday or closure
	Title string // holiday name or the full date
}

// BarVM is one task row of the chart.
type BarVM struct {
	ID, Title          string
	Row                int
	X, W               int
	Start, End         string // YYYY-MM-DD (data for gantt.js)
	StartText, EndText string // formatted for the locale
	LateText           string
	Duration, Float    int
	Critical, Pinned   bool
	Conflict           bool
	MoveURL            string
	// Baseline comparison (ChartVM.Baseline set): the task's frozen dates
	// drawn as a thin bar under it, and its slip in working days.
	HasBase            bool
	BaseX, BaseW       int
	BaseText           string // baseline dates, formatted
	StartSlip, EndSlip int
	NewSinceBase       bool // added after the baseline was taken
}

// Y is the bar's top.
func (b BarVM) Y() int { return HeaderHeight + b.Row*RowHeight + (RowHeight-BarHeight)/2 }

// Class is the bar's CSS class list.
func (b BarVM) Class() string {
	c := "gantt-bar"
	if b.Critical {
		c += " gantt-critical"
	}
	if b.Pinned {
		c += " gantt-pinned"
	}
	if b.Conflict {
		c += " gantt-conflict"
	}
	return c
}

// LinkVM is a dependency arrow and its line in the links list.
type LinkVM struct {
	ID        string
	Path      string // SVG path data
	Critical  bool
	Text      string // "Terrassement → Fondations (FS +1)"
	DeleteURL string
}

// ChartVM is the Gantt chart fragment (#gantt-chart), re-rendered for
// every viewer when the site's schedule changes.
type ChartVM struct {
	SiteID   string
	Width    int
	Height   int
	Days     []DayVM
	Bars     []BarVM
	Links    []LinkVM
	TodayX   int
	HasToday bool
	OffDates string // comma-separated non-working dates, for snapping in gantt.js
	CanEdit  bool
	Finish   string
	Empty    bool
	// Baseline compared with (empty: none), the project finish slip and
	// the tasks of the baseline that are no longer planned.
	Baseline   string
	FinishSlip int
	Removed    []string
}

// GanttVM is the per-site Gantt page.
type GanttVM struct {
	Page      PageVM
	SiteID    string
	SiteTitle string
	SiteHref  string
	StreamURL string
	Chart     ChartVM
	CanEdit   bool
	// CanPlanning: the viewer may open the multi-site planning (linked).
	CanPlanning bool
	Tasks       []components.Option // for the link form
	FormError   string
	Values      map[string]string
	// Baselines of the site (newest first) and the one compared with.
	Baselines  []BaselineOptionVM
	BaselineID string
	// Risk is the finish-date risk from the duration model (nil: no
	// model yet, or not shown to this viewer).
	Risk *RiskVM
}

// BaselineOptionVM is one saved baseline of a site.
type BaselineOptionVM struct {
	ID, Name, TakenText string
}

// SiteTasksVM is one site of the multi-site planning.
type SiteTasksVM struct {
	ID, Title, GanttHref string
	Finish               string
	Bars                 []BarVM
	Error                string
}

// PlanningVM is the multi-site planning page.
type PlanningVM struct {
	Page  PageVM
	Sites []SiteTasksVM
	Chart MultiChartVM // every site's tasks on one axis
}

func itoa(n int) string { return strconv.Itoa(n) }
