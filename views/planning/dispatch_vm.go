package planning

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// DispatchPageVM is what the dispatch pages share: the shell and their
// stylesheets and script.
type DispatchPageVM struct {
	Shell    layouts.ShellVM
	CSS      string // planning.css
	BoardCSS string // board.css
	BoardJS  string // board.js
}

// BoardDayVM is a column of the board.
type BoardDayVM struct {
	Date    string // YYYY-MM-DD
	Label   string // "lun. 02/03"
	Weekend bool
	Today   bool
}

// CardVM is a task card on the board or in the unassigned list.
type CardVM struct {
	TaskID, Title    string
	SiteID, SiteCode string
	Dates            string // "02/03 → 04/03"
	Start            string // YYYY-MM-DD, the default day of the assign form
	From             string // the row (person or crew id) the card sits in
	CanPlan          bool
	ViaCrew          string // crew name when held through a crew
	AssignHref       string // the task's assign page (candidates, override)
}

// BoardCellVM is one row × day cell.
type BoardCellVM struct {
	Day   string
	Cards []CardVM
}

// BoardRowVM is a person or a crew and their week.
type BoardRowVM struct {
	ID, Name, Sub string
	Cells         []BoardCellVM
}

// BoardVM is the live part of the board (#dispatch-board), re-rendered
// for every viewer on each change.
type BoardVM struct {
	Week       string // YYYY-Www
	Kind       string // "user" or "crew": what the rows are
	Days       []BoardDayVM
	Rows       []BoardRowVM
	Unassigned []CardVM
	Targets    []components.Option // people or crews, for the "assign to" forms
	DayOptions []components.Option // the week's days
	Site       string              // the unassigned list's site filter
}

// DispatchVM is the dispatch board page.
type DispatchVM struct {
	Page        DispatchPageVM
	Title       string
	Week        string
	PrevHref    string
	NextHref    string
	TodayHref   string
	ToggleHref  string
	ToggleLabel string
	SuggestHref string
	StreamURL   string
	Sites       []components.Option
	Board       BoardVM
}

// ReasonVM is a candidate's reason, translated.
type ReasonVM struct {
	Text string
	Good bool
}

// ConflictVM is a conflict, translated.
type ConflictVM struct {
	Code, Text string
	Blocking   bool
}

// CandidateVM is a ranked person for a task.
type CandidateVM struct {
	UserID, Name string
	Score        int
	Eligible     bool
	Reasons      []ReasonVM
	Conflicts    []ConflictVM
}

// OverrideVM is an override recorded on a task.
type OverrideVM struct {
	Who, By, At, Reason string
	Conflicts           []string
}

// AssignVM is a task's assignment page: ranked candidates with their
// reasons, the plain assign form, and the project manager's override.
type AssignVM struct {
	Page        DispatchPageVM
	TaskID      string
	Title       string
	SiteTitle   string
	Dates       string
	Assignees   string
	BackHref    string
	Candidates  []CandidateVM
	People      []components.Option
	Days        []components.Option
	Day         string
	User        string
	Error       string
	Conflicts   []ConflictVM
	CanOverride bool
	Reason      string
	Overrides   []OverrideVM
}

// ProposalLineVM is one line of the week's suggestion.
type ProposalLineVM struct {
	TaskID, Title, SiteCode, Dates string
	User                           string
	Options                        []components.Option
	Reasons                        []ReasonVM
}

// SuggestVM is the review table of the week's suggestion.
type SuggestVM struct {
	Page     DispatchPageVM
	Week     string
	Title    string
	BackHref string
	Lines    []ProposalLineVM
	Error    string
}
