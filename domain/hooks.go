package domain

import "github.com/pocketbase/pocketbase/core"

// BindHooks binds every module's hooks on a tenant app. It is the one list
// of them; each module keeps its bind function in its own file. The order
// matters: the audit hooks come first so that the rules bound after them
// run inside the audited transaction.
//
//   - audit (audit.go): an audit event appended in the same transaction as
//     every create, update and delete of business collections; audit
//     events are append-only;
//   - broker (broker.go): every committed change published to live views;
//   - tenant facts (tenant_facts.go): the cached company profile, zone and
//     calendar dropped when the company changes;
//   - writes (write_hooks.go): the same rules on every path — REST API
//     writes marked as a client's with their actor, proof only through
//     its protocol, bounded numbers and times, time entries, incidents,
//     stock moves and purchase orders checked and their server-set
//     fields set (time_hooks.go, proof_hooks.go, stock_hooks.go);
//   - invoices (invoice_hooks.go): issued invoices, their lines and
//     payments immutable on every path;
//   - resources (stock_record.go): stock moves valid and stock non-negative;
//   - planning (planning_hooks.go): links without cycles, coherent task
//     dates, successors rescheduled;
//   - checklists (checklist_hooks.go): a started task gets its run, a task
//     is not finished while required items are missing;
//   - task status (task_status.go): the status workflow on every path;
//   - KPIs (kpi_hooks.go): the daily cost rollup's weeks a write changes
//     marked for rebuild in the write's transaction;
//   - field access (field_access.go): confidential fields (costs, rates,
//     contact details) hidden from the roles that may not read them in
//     every record the API answers with;
//   - notifications (notify_job.go): a committed change of what the rules
//     read wakes the tenant's notification job;
//   - seats (plan.go): no active user beyond the plan's seat limit.
//
// It is the TenantHooks of every tenant app (tenants.Config).
func BindHooks(app core.App) error {
	bindAuditHooks(app)
	bindBroker(app)
	bindTenantFactsHooks(app)
	bindWriteHooks(app)
	bindInvoiceHooks(app)
	BindResourceHooks(app)
	bindPlanningHooks(app)
	bindChecklistHooks(app)
	bindTaskStatusHooks(app)
	bindKPIHooks(app)
	bindReportScheduleHooks(app)
	bindFieldAccessHooks(app)
	bindNotifyHooks(app)
	bindSeatHooks(app)
	bindDailyLogHooks(app)
	bindAcceptanceHooks(app)
	return nil
}
