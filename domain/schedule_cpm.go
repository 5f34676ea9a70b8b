package domain

import (
	"strings"
)

// Link types of a dependency between two tasks (predecessor → successor).
const (
	LinkFS = "FS" // finish-to-start: the successor starts after the predecessor finishes
	LinkSS = "SS" // start-to-start: the successor starts after the predecessor starts
	LinkFF = "FF" // finish-to-finish: the successor finishes after the predecessor finishes
	LinkSF = "SF" // start-to-finish: the successor finishes after the predecessor starts
)

// ValidLinkType reports whether t is FS, SS, FF or SF.
func ValidLinkType(t string) bool {
	return t == LinkFS || t == LinkSS || t == LinkFF || t == LinkSF
}

// cpmEdge is a dependency between task indices, lag in working days.
type cpmEdge struct {
	from, to int
	kind     string
	lag      int
}

// cpmNet is the network the critical path method works on. Dates are
// working-day indices (0 = the project's first working day): a task of
// duration d starting at s occupies days s … s+d-1 and finishes at s+d
// (exclusive), so an FS link with lag 0 starts the successor the next
// working day.
type cpmNet struct {
	dur    []int
	min    []int  // start no earlier than (SNET) of each task
	pinned []bool // start fixed at min (must start on)
	edges  []cpmEdge
}

// cpmResult holds the forward and backward passes.
type cpmResult struct {
	es, ef, ls, lf []int
	finish         int    // project finish (exclusive), the latest early finish
	order          []int  // topological order
	conflict       []bool // pinned task starting before a predecessor allows
	driven         []bool // not pinned, its predecessors set its early start
}

// earliestStart returns the earliest start of succ implied by edge given
// the predecessor's early dates.
func (e cpmEdge) earliestStart(predES, predEF, succDur int) int {
	switch e.kind {
	case LinkSS:
		return predES + e.lag
	case LinkFF:
		return predEF + e.lag - succDur
	case LinkSF:
		return predES + e.lag - succDur
	default: // FS
		return predEF + e.lag
	}
}

// latestFinish returns the latest finish of pred implied by edge given
// the successor's late dates.
func (e cpmEdge) latestFinish(succLS, succLF, predDur int) int {
	switch e.kind {
	case LinkSS:
		return succLS - e.lag + predDur
	case LinkFF:
		return succLF - e.lag
	case LinkSF:
		return succLF - e.lag + predDur
	default: // FS
		return succLS - e.lag
	}
}

// solve runs the forward pass (early dates: the latest of the task's
// SNET date and what every predecessor link demands; a pinned task keeps
// its date) and the backward pass from the project finish (late dates).
// It returns the indices of a cycle when the network has one.
func (n cpmNet) solve() (cpmResult, []int) {
	count := len(n.dur)
	succ := make([][]int32, count)
	pred := make([][]int32, count)
	indeg := make([]int, count)
	for i, e := range n.edges {
		succ[e.from] = append(succ[e.from], int32(i))
		pred[e.to] = append(pred[e.to], int32(i))
		indeg[e.to]++
	}
	order := make([]int, 0, count)
	for i := 0; i < count; i++ {
		if indeg[i] == 0 {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		for _, ei := range succ[order[k]] {
			t := n.edges[ei].to
			if indeg[t]--; indeg[t] == 0 {
				order = append(order, t)
			}
		}
	}
	if len(order) < count {
		return cpmResult{}, findCycle(count, n.edges, succ, indeg)
	}
	r := cpmResult{es: make([]int, count), ef: make([]int, count), ls: make([]int, count), lf: make([]int, count),
		order: order, conflict: make([]bool, count), driven: make([]bool, count)}
	for k, i := range order {
		es, byPred := n.min[i], false
		for _, ei := range pred[i] {
			e := n.edges[ei]
			if v := e.earliestStart(r.es[e.from], r.ef[e.from], n.dur[i]); v >= es {
				es, byPred = v, true
			}
		}
		// NB: a tie counts as driven: its own date is no later than what
		// its predecessors demand.
		r.driven[i] = byPred && !n.pinned[i]
		if n.pinned[i] {
			r.conflict[i] = es > n.min[i]
			es = n.min[i]
		}
		r.es[i], r.ef[i] = es, es+n.dur[i]
		if k == 0 || r.ef[i] > r.finish {
			r.finish = r.ef[i]
		}
	}
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		lf := r.finish
		for _, ei := range succ[i] {
			e := n.edges[ei]
			lf = min(lf, e.latestFinish(r.ls[e.to], r.lf[e.to], n.dur[i]))
		}
		r.lf[i], r.ls[i] = lf, lf-n.dur[i]
	}
	return r, nil
}

// findCycle returns the task indices of one cycle among the tasks left
// with predecessors after a topological sort (indeg > 0), in link order,
// the first task repeated at the end.
func findCycle(count int, edges []cpmEdge, succ [][]int32, indeg []int) []int {
	const (
		white = iota
		grey
		black
	)
	color := make([]uint8, count)
	var stack []int
	var found []int
	var visit func(i int) bool
	visit = func(i int) bool {
		color[i] = grey
		stack = append(stack, i)
		for _, ei := range succ[i] {
			t := edges[ei].to
			if indeg[t] == 0 {
				continue
			}
			if color[t] == grey {
				for k := len(stack) - 1; k >= 0; k-- {
					if stack[k] == t {
						found = append(append([]int{}, stack[k:]...), t)
						return true
					}
				}
			}
			if color[t] == white && visit(t) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
		return false
	}
	for i := 0; i < count; i++ {
		if indeg[i] > 0 && color[i] == white && visit(i) {
			return found
		}
	}
	return nil
}

// cycleError is the coded error for circular dependencies, naming the
// tasks of the cycle in link order.
func cycleError(names []string) *Error {
	path := strings.Join(names, " → ")
	return &Error{Code: EInvalid, Field: "to", Key: "err.planning.cycle", Args: []any{path}}
}
