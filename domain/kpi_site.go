package domain

import (
	"math"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Costs are hours and costs added up over a period, by kind.
type Costs struct {
	Labour        float64 `json:"labour_cost"`
	Material      float64 `json:"material_cost"`
	Vehicle       float64 `json:"vehicle_cost"`
	Equipment     float64 `json:"equipment_cost"`
	Incident      float64 `json:"incident_cost"` // incidents' impact_eur
	Total         float64 `json:"actual_cost"`   // the sum of the above
	Hours         float64 `json:"hours"`         // approved hours
	OvertimeHours float64 `json:"overtime_hours"`
}

func (c *Costs) add(d KPIDay) {
	c.Labour += d.LabourCost
	c.Material += d.MaterialCost
	c.Vehicle += d.VehicleCost
	c.Equipment += d.EquipmentCost
	c.Incident += d.IncidentCost
	c.Hours += d.Hours
	c.OvertimeHours += d.OvertimeHours
}

func (c *Costs) round() {
	c.Total = c.Labour + c.Material + c.Vehicle + c.Equipment + c.Incident
	for _, v := range []*float64{&c.Labour, &c.Material, &c.Vehicle, &c.Equipment, &c.Incident, &c.Total} {
		*v = roundCents(*v)
	}
	c.Hours, c.OvertimeHours = roundCents(c.Hours), roundCents(c.OvertimeHours)
}

// BudgetKPIs are budget versus actual of a site or a phase, to date:
// progress is the share of the work done (0–100), earned value the
// budget × progress, the forecast at completion the actual cost plus the
// budget of the remaining work (Budget × (1 − progress)).
type BudgetKPIs struct {
	Budget        float64 `json:"budget"`
	Progress      float64 `json:"progress"`         // %
	EarnedValue   float64 `json:"earned_value"`     // Budget × Progress
	CostVariance  float64 `json:"cost_variance"`    // EarnedValue − actual cost (negative: over budget)
	BudgetUsedPct float64 `json:"budget_used_pct"`  // actual cost / Budget, %
	Forecast      float64 `json:"forecast_cost"`    // at completion
	ForecastOver  float64 `json:"forecast_overrun"` // Forecast − Budget (positive: over budget)
}

func budgetOf(budget, progress, actual float64) BudgetKPIs {
	progress = math.Max(0, math.Min(100, progress))
	b := BudgetKPIs{Budget: roundCents(budget), Progress: math.Round(progress*10) / 10}
	b.EarnedValue = roundCents(budget * progress / 100)
	b.CostVariance = roundCents(b.EarnedValue - actual)
	if budget > 0 {
		b.BudgetUsedPct = math.Round(actual/budget*1000) / 10
	}
	b.Forecast = roundCents(actual + budget*(1-progress/100))
	b.ForecastOver = roundCents(b.Forecast - budget)
	return b
}

// HoursKPIs compare planned and actual hours: planned hours of a task are
// its duration in working days × its assignees (at least one) ×
// OvertimeRules.DailyHours; earned hours are planned × progress; the
// productivity is earned / actual (1 = as planned, 0.8 = 25 % more hours
// than planned for the work done; 0 when nothing was recorded).
type HoursKPIs struct {
	Planned      float64 `json:"planned_hours"`
	Earned       float64 `json:"earned_hours"`
	Actual       float64 `json:"actual_hours"`
	Productivity float64 `json:"productivity"`
}

func hoursOf(planned, earned, actual float64) HoursKPIs {
	h := HoursKPIs{Planned: roundCents(planned), Earned: roundCents(earned), Actual: roundCents(actual)}
	if actual > 0 {
		h.Productivity = math.Round(earned/actual*1000) / 1000
	}
	return h
}

// SiteKPIs are a site's figures: costs of the period [From, To) and to
// date (everything before To), budget versus actual and the forecast,
// the margin against the contract amount, hours, schedule, quality and
// incidents. Dates are civil dates "YYYY-MM-DD" of the tenant's zone;
// "as of" is the last day of the period (To − 1 day).
type SiteKPIs struct {
	SiteID string `json:"site"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Status string `json:"status"`
	From   string `json:"from"`
	To     string `json:"to"` // exclusive

	// Costs to date; Period the same within [From, To).
	Costs
	Period Costs `json:"period"`
	BudgetKPIs

	ContractAmount float64 `json:"contract_amount"`
	// Margin is ContractAmount − Forecast (the margin at completion);
	// MarginToDate the contract's earned share (ContractAmount ×
	// Progress) − actual cost.
	Margin       float64 `json:"margin"`
	MarginPct    float64 `json:"margin_pct"`
	MarginToDate float64 `json:"margin_to_date"`

	HoursKPIs

	// Schedule: Finish is the forecast finish, the latest CPM early finish
	// of its tasks (tasks.planned_end, kept by the planning hooks), moved
	// to the as-of day when an unfinished task is past its end. DelayDays
	// are the calendar days Finish lies after the contract end (ContractEnd,
	// sites.end; 0 when on time or without one; penalties of French
	// contracts count calendar days). ScheduleVarianceDays are the working
	// days Finish lies after the latest baseline's finish (negative:
	// ahead; 0 without a baseline).
	Finish               string `json:"finish"`
	ContractEnd          string `json:"contract_end"`
	BaselineFinish       string `json:"baseline_finish"`
	DelayDays            int    `json:"delay_days"`
	ScheduleVarianceDays int    `json:"schedule_variance_days"`
	Tasks                int    `json:"tasks"`
	TasksDone            int    `json:"tasks_done"`
	LateTasks            int    `json:"late_tasks"`

	// Quality: checklist answers of the runs updated in the period, the
	// out-of-bounds measures among them and their share (%).
	ChecklistAnswers  int     `json:"checklist_answers"`
	NonConformities   int     `json:"non_conformities"`
	NonConformityRate float64 `json:"non_conformity_rate"`

	// Incidents reported in the period by severity (low, medium, high,
	// critical), and those still open or in progress whenever reported.
	Incidents     map[string]int `json:"incidents"`
	IncidentsOpen int            `json:"incidents_open"`

	// Details (ComputeSiteKPIs only): per phase ("" = costs of no phase),
	// per task and per work type.
	Phases    []PhaseKPIs    `json:"phases,omitempty"`
	TaskHours []TaskHours    `json:"task_hours,omitempty"`
	WorkTypes []WorkTypeKPIs `json:"work_types,omitempty"`
}

// PhaseKPIs are a phase's costs to date, budget versus actual (its
// progress is the phase's) and hours.
type PhaseKPIs struct {
	PhaseID string `json:"phase"`
	Name    string `json:"name"`
	Costs
	BudgetKPIs
	HoursKPIs
}

// TaskHours are a task's planned versus actual hours.
type TaskHours struct {
	TaskID     string  `json:"task"`
	Title      string  `json:"title"`
	WorkTypeID string  `json:"work_type"`
	Status     string  `json:"status"`
	Progress   float64 `json:"progress"`
	HoursKPIs
}

// WorkTypeKPIs are planned versus actual hours of a work type's tasks.
type WorkTypeKPIs struct {
	WorkTypeID string `json:"work_type"`
	Name       string `json:"name"`
	Tasks      int    `json:"tasks"`
	HoursKPIs
}

// TenantKPIs are every site's figures (without details) and their sums.
type TenantKPIs struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Sites []SiteKPIs `json:"sites"`
	// Totals: costs to date and of the period, budgets, contract amounts,
	// forecasts, margins and hours of every site; incidents by severity.
	Costs
	Period         Costs   `json:"period"`
	Budget         float64 `json:"budget"`
	ContractAmount float64 `json:"contract_amount"`
	Forecast       float64 `json:"forecast_cost"`
	Margin         float64 `json:"margin"`
	HoursKPIs
	LateSites     int            `json:"late_sites"` // DelayDays > 0
	Incidents     map[string]int `json:"incidents"`
	IncidentsOpen int            `json:"incidents_open"`
	WorkTypes     []WorkTypeKPIs `json:"work_types"`
}

// CanSeeSiteKPIs reports whether u may see a site's costs and KPIs:
// managers and tenant admins every site, a project manager the sites
// they manage. Site leads and crews do not (labour costs add up people's
// pay rates).
func CanSeeSiteKPIs(u, site *core.Record) bool {
	if u == nil || site == nil || !u.GetBool("active") {
		return false
	}
	if u.GetString("role") == RoleManager || u.GetBool("tenant_admin") {
		return true
	}
	return u.GetString("role") == RoleProjectManager && site.GetString("project_manager") != "" &&
		site.GetString("project_manager") == u.Id
}

// civilString formats a civil date ("" when zero).
func civilString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
