package domain

import (
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// maxProposalOptions is how many alternatives a proposal line offers.
const maxProposalOptions = 8

// ProposalLine proposes a person for an unassigned task of the week.
// User is empty when nobody can take it without a conflict.
type ProposalLine struct {
	Task     TaskSlot
	SiteCode string
	User     string
	Name     string
	Score    int
	Reasons  []Reason
	Options  []Candidate // conflict-free alternatives, best first (the proposed one included)
}

// Proposal is the suggested assignment of a week's unassigned tasks. It
// is not saved: the project manager accepts it whole or edits it first
// (AcceptProposal).
type Proposal struct {
	Monday time.Time
	Lines  []ProposalLine
}

// SuggestWeek proposes the best candidate for every unassigned task of
// the week the actor plans, in start order, so that the proposals do not
// conflict with each other or with existing work: each proposed person is
// counted busy on that task's days for the tasks after it. A task for
// which everyone has a conflict gets no proposal (its line says so).
func SuggestWeek(app core.App, actor *core.Record, monday time.Time) (*Proposal, error) {
	w, err := LoadDispatchWeek(app, actor, monday)
	if err != nil {
		return nil, err
	}
	p := &Proposal{Monday: w.Monday}
	r := w.Roster
	// most constrained first: a task only one person can take gets them
	// before a task anyone could do.
	var todo []TaskSlot
	free := map[string]int{}
	for _, t := range w.Unassigned() {
		if !w.CanPlan[t.ID] {
			continue
		}
		todo = append(todo, t)
		for _, c := range r.Rank(t) {
			if c.Free {
				free[t.ID]++
			}
		}
	}
	order := slices.Clone(todo)
	slices.SortStableFunc(order, func(a, b TaskSlot) int { return free[a.ID] - free[b.ID] })
	lines := map[string]ProposalLine{}
	for _, t := range order {
		line := ProposalLine{Task: t, SiteCode: r.Sites[t.Site].Code}
		for _, c := range r.Rank(t) {
			if c.Free && len(line.Options) < maxProposalOptions {
				line.Options = append(line.Options, c)
			}
		}
		if len(line.Options) > 0 {
			best := line.Options[0]
			line.User, line.Name, line.Score, line.Reasons = best.UserID, best.Name, best.Score, best.Reasons
			t.Assignees = []string{best.UserID}
			r.replaceSlot(t)
		}
		lines[t.ID] = line
	}
	for _, t := range todo {
		p.Lines = append(p.Lines, lines[t.ID])
	}
	return p, nil
}

// AcceptLine is one accepted (possibly edited) line of a proposal.
type AcceptLine struct {
	Task string
	User string
}

// AcceptProposal applies the accepted lines through Assign's rules, all
// in one transaction: if one is refused nothing is saved and the error
// names that task.
func AcceptProposal(app core.App, actor *core.Record, lines []AcceptLine, now time.Time) ([]*AssignResult, error) {
	if len(lines) == 0 {
		return nil, FieldError("lines", "err.dispatch.tick_one_line")
	}
	var out []*AssignResult
	err := app.RunInTransaction(func(tx core.App) error {
		for _, l := range lines {
			res, err := assignTx(tx, actor, AssignInput{Task: l.Task, User: l.User}, now)
			if err != nil {
				return namedTaskError(tx, l.Task, err)
			}
			out = append(out, res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// namedTaskError prefixes err's message with the task's title, keeping
// its code and conflicts.
func namedTaskError(app core.App, taskID string, err error) error {
	title := taskID
	if t, ferr := app.FindRecordById(CollectionTasks, taskID); ferr == nil {
		title = t.GetString("title")
	}
	code := ErrorCode(err)
	if code == EInternal {
		return err
	}
	return &Error{Code: code, Key: "err.dispatch.named_task", Args: []any{title, ErrorText(err)}, Err: err}
}
