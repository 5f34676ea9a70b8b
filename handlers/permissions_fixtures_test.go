package handlers_test

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// fixtures holds, per collection of the table, how the matrix exercises
// it (see fixture). A collection added to the schema needs a row in
// permissions and an entry here: TestPermissionTableCoversSchema says so.
var fixtures = map[string]fixture{
	"users": {scoped: true,
		create: func(w *permWorld, _ string, _ bool) map[string]any {
			email := w.uniq("new") + "@acme.test"
			return map[string]any{"email": email, "password": "test-password-123", "passwordConfirm": "test-password-123",
				"name": "Nouveau", "role": domain.RoleCrew, "active": true}
		},
		// in scope: one's own profile (update); otherwise a fresh person
		target: func(w *permWorld, role, verb string, in bool) *core.Record {
			if in && verb == "update" && role != "anonymous" {
				return w.user(role)
			}
			return w.Tenant.User(domain.RoleCrew, w.uniq("p")+"@acme.test").Record
		},
		update: map[string]any{"name": "Nom corrigé"},
	},
	"skills": named("skills", func(w *permWorld) map[string]any { return map[string]any{"code": w.uniq("sk"), "name": "Soudure"} },
		map[string]any{"name": "Soudure TIG"}),
	"clearance_kinds": named("clearance_kinds", func(w *permWorld) map[string]any {
		return map[string]any{"code": w.uniq("ck"), "name": "AIPR", "family": "aipr"}
	}, map[string]any{"name": "AIPR opérateur"}),
	"user_skills": named("user_skills", func(w *permWorld) map[string]any {
		skill := w.rec("skills", map[string]any{"code": w.uniq("us"), "name": "Pose"})
		return map[string]any{"user": w.id(domain.RoleCrew), "skill": skill.Id, "level": 1}
	}, map[string]any{"level": 2}),
	"clearances": named("clearances", func(w *permWorld) map[string]any {
		return map[string]any{"user": w.id(domain.RoleCrew), "kind": "aipr", "valid_until": w.future(300)}
	}, map[string]any{"issuer": "Organisme"}),
	"availability": named("availability", func(w *permWorld) map[string]any {
		return map[string]any{"user": w.id(domain.RoleCrew), "kind": "leave", "from": w.future(10), "to": w.future(12)}
	}, map[string]any{"note": "Congés"}),
	"clients": named("clients", func(w *permWorld) map[string]any { return map[string]any{"name": w.uniq("Client ")} },
		map[string]any{"name": "Client renommé"}),
	"sites": {scoped: true,
		create: func(w *permWorld, _ string, _ bool) map[string]any {
			return map[string]any{"code": w.uniq("S-"), "name": "Nouveau site", "sector": "btp"}
		},
		// in scope: a site the roles run, like site A
		target: func(w *permWorld, _, _ string, in bool) *core.Record {
			f := map[string]any{"code": w.uniq("S-"), "name": "Site", "sector": "btp", "status": "active"}
			if in {
				f["project_manager"], f["site_lead"] = w.id(domain.RoleProjectManager), w.id(domain.RoleSiteLead)
				f["team"] = []string{w.id(domain.RoleCrew)}
			}
			return w.rec("sites", f)
		},
		update: map[string]any{"name": "Site renommé"},
	},
	"phases": onSite("phases", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "name": w.uniq("Phase ")}
	},
		map[string]any{"name": "Phase renommée"}),
	"milestones": onSite("milestones", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "name": w.uniq("Jalon ")}
	}, map[string]any{"name": "Jalon renommé"}),
	"documents": onSite("documents", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "kind": "plan", "title": w.uniq("Plan ")}
	}, map[string]any{"title": "Plan indice B"}),
	"site_templates": named("site_templates", func(w *permWorld) map[string]any {
		return map[string]any{"code": w.uniq("tpl"), "name": "Modèle", "sector": "btp"}
	}, map[string]any{"name": "Modèle B"}),
	"company": {
		create: func(w *permWorld, _ string, _ bool) map[string]any {
			return map[string]any{"name": "Autre", "sector": "btp"}
		},
		target: func(w *permWorld, _, _ string, _ bool) *core.Record {
			c, err := w.App().FindFirstRecordByFilter("company", "id != ''")
			if err != nil {
				w.t.Fatal(err)
			}
			return c
		},
		update: map[string]any{"address": "1 rue du Port"},
	},
	"vehicles": named("vehicles", func(w *permWorld) map[string]any { return map[string]any{"plate": w.uniq("AB-"), "label": "Master"} },
		map[string]any{"label": "Master L2"}),
	"vehicle_positions": named("vehicle_positions", func(w *permWorld) map[string]any {
		return map[string]any{"vehicle": w.vehicle, "at": w.ago(1), "lat": 47.2, "lng": -1.55}
	}, map[string]any{"lat": 47.3}),
	"equipment": named("equipment", func(w *permWorld) map[string]any { return map[string]any{"name": w.uniq("Perforateur ")} },
		map[string]any{"location": "Dépôt"}),
	"reservations": named("reservations", func(w *permWorld) map[string]any {
		return map[string]any{"asset_kind": "vehicle", "asset": w.vehicle, "vehicle": w.vehicle, "site": w.siteA, "from": w.future(20), "to": w.future(21)}
	}, map[string]any{"note": "Décalée"}),
	"maintenance": named("maintenance", func(w *permWorld) map[string]any {
		return map[string]any{"asset_kind": "vehicle", "asset": w.vehicle, "label": w.uniq("Vidange ")}
	}, map[string]any{"label": "Vidange et filtres"}),
	"suppliers": named("suppliers", func(w *permWorld) map[string]any { return map[string]any{"name": w.uniq("Fournisseur ")} },
		map[string]any{"phone": "0240000000"}),
	"materials": named("materials", func(w *permWorld) map[string]any {
		return map[string]any{"sku": w.uniq("SKU-"), "name": "Gaine", "unit": "m"}
	}, map[string]any{"name": "Gaine ICTA"}),
	"stock_moves": {scoped: true,
		create: func(w *permWorld, _ string, in bool) map[string]any {
			return map[string]any{"material": w.material, "kind": "consumption", "qty": 1, "site": w.site(in)}
		},
		target: func(w *permWorld, _, _ string, in bool) *core.Record {
			return w.rec("stock_moves", map[string]any{"material": w.material, "kind": "receipt", "qty": 1, "location": domain.SiteLocation(w.site(in))})
		},
		update: map[string]any{"qty": 5},
	},
	"purchase_orders": named("purchase_orders", func(w *permWorld) map[string]any {
		return map[string]any{"supplier": w.supplier, "number": w.uniq("BC-"), "status": "draft",
			"lines": []map[string]any{{"material": w.material, "qty": 4, "unit_cost": 9.5}}}
	}, map[string]any{"note": "Livraison le matin"}),
	"checklist_templates": named("checklist_templates", func(w *permWorld) map[string]any {
		return map[string]any{"code": w.uniq("cl"), "name": "Contrôle", "items": []map[string]any{{"id": "c1", "label": "Vérifié", "type": "check"}}}
	}, map[string]any{"name": "Contrôle final"}),
	"work_types": named("work_types", func(w *permWorld) map[string]any {
		return map[string]any{"code": w.uniq("wt"), "name": "Tranchée", "sector": "btp"}
	}, map[string]any{"name": "Tranchée profonde"}),
	"tasks": {scoped: true,
		create: func(w *permWorld, _ string, in bool) map[string]any {
			return map[string]any{"site": w.site(in), "title": w.uniq("Tâche ")}
		},
		target: func(w *permWorld, _, _ string, in bool) *core.Record { return w.task(in) },
		update: map[string]any{"progress": 10},
	},
	"task_links": {scoped: true,
		create: func(w *permWorld, _ string, in bool) map[string]any {
			return map[string]any{"from": w.task(in).Id, "to": w.task(in).Id, "type": "FS", "lag_days": 0}
		},
		target: func(w *permWorld, _, _ string, in bool) *core.Record {
			return w.rec("task_links", map[string]any{"from": w.task(in).Id, "to": w.task(in).Id, "type": "FS", "lag_days": 0})
		},
		update: map[string]any{"lag_days": 1},
	},
	"checklist_runs": {scoped: true,
		create: func(w *permWorld, _ string, in bool) map[string]any {
			return map[string]any{"task": w.task(in).Id, "template": w.template}
		},
		target: func(w *permWorld, _, _ string, in bool) *core.Record {
			return w.rec("checklist_runs", map[string]any{"task": w.task(in).Id, "template": w.template})
		},
		update: map[string]any{"answers": map[string]any{"c1": true}},
	},
	"plan_baselines": onSite("plan_baselines", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "name": w.uniq("Référence "), "taken_at": w.ago(1)}
	}, map[string]any{"name": "Référence B"}),
	"crews": named("crews", func(w *permWorld) map[string]any { return map[string]any{"name": w.uniq("Équipe ")} },
		map[string]any{"active": true}),
	"assignment_overrides": named("assignment_overrides", func(w *permWorld) map[string]any {
		return map[string]any{"task": w.task(true).Id, "user": w.id(domain.RoleCrew), "reason": "Urgence", "by": w.id(domain.RoleManager), "at": w.ago(1)}
	}, map[string]any{"reason": "Autre"}),
	"time_entries": {scoped: true,
		// crews record their own time on their sites; reviewers record the
		// time of their site's crew (in) or of site B's (out)
		create: func(w *permWorld, role string, in bool) map[string]any {
			user, site := w.id(role), w.site(in)
			if role != domain.RoleCrew && role != "inactive" && role != "anonymous" {
				user = w.id(domain.RoleCrew)
				if !in {
					user = w.id("other")
				}
			}
			return map[string]any{"user": user, "site": site, "clock_in": w.ago(3), "clock_out": w.ago(2)}
		},
		target: func(w *permWorld, role, _ string, in bool) *core.Record {
			user, site := w.id(domain.RoleCrew), w.siteA
			if !in {
				user, site = w.id("other"), w.siteB
			}
			if role == "inactive" && in {
				user = w.id("inactive")
			}
			return w.rec("time_entries", map[string]any{"user": user, "site": site, "clock_in": w.ago(1), "status": "open"})
		},
		update: map[string]any{"kind": "travel"},
	},
	"photos": onSite("photos", func(w *permWorld, site string) map[string]any {
		return map[string]any{"subject": site, "site": site, "by": w.id(domain.RoleCrew), "original_sha256": "forged", "taken_at": w.ago(1)}
	}, map[string]any{"caption": "Retouchée"}),
	"signatures": {scoped: true,
		create: func(w *permWorld, _ string, in bool) map[string]any {
			return map[string]any{"subject": w.task(in).Id, "signer_name": "M. Client", "signer_role": "client",
				"consent_text": domain.SignatureConsentFR, "signed_at": w.ago(1), "document_sha256": "copied"}
		},
		target: func(w *permWorld, _, _ string, in bool) *core.Record {
			return w.rec("signatures", map[string]any{"subject": w.task(in).Id, "signer_name": "M. Client", "signer_role": "client", "signed_at": w.ago(1)})
		},
		update: map[string]any{"signer_name": "Quelqu'un d'autre"},
	},
	// a distinct past day per record (one log per site and day)
	"daily_logs": onSite("daily_logs", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "day": w.future(-3000), "weather": "cloudy"}
	}, map[string]any{"weather": "rain"}),
	"incidents": onSite("incidents", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "kind": "delay", "severity": "low", "description": w.uniq("Retard ")}
	}, map[string]any{"status": "in_progress"}),
	"audit_events": {
		create: func(w *permWorld, _ string, _ bool) map[string]any {
			return map[string]any{"seq": 999999, "at": w.ago(1), "action": "create", "collection": "sites", "hash": "forged"}
		},
		target: func(w *permWorld, _, _ string, _ bool) *core.Record {
			r, err := w.App().FindFirstRecordByFilter(domain.CollectionAuditEvents, "seq > 0")
			if err != nil {
				w.t.Fatal(err)
			}
			return r
		},
		update: map[string]any{"actor": "forged"},
	},
	"reports": named("reports", func(w *permWorld) map[string]any {
		return map[string]any{"kind": "daily", "period": w.uniq("2026-12-")}
	},
		map[string]any{"period": "2026-11"}),
	"report_schedules": named("report_schedules", func(w *permWorld) map[string]any {
		// NB: disabled, so that the tenant's report scheduler never runs it
		// (a test run around 07:00 would otherwise generate reports).
		return map[string]any{"kind": "daily", "cron": "0 7 * * *", "enabled": false}
	}, map[string]any{"cron": "0 8 * * *"}),
	"alerts": named("alerts", func(w *permWorld) map[string]any {
		return map[string]any{"kind": "test", "level": "info", "message": w.uniq("Alerte ")}
	}, map[string]any{"acknowledged_at": "2026-12-01 08:00:00.000Z"}),
	// invoicing (issue #18)
	"contract_lines": onSite("contract_lines", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "designation": w.uniq("Ligne "), "quantity": 1, "unit_price_cents": 100, "vat_percent": 20}
	}, map[string]any{"progress": 50}),
	"acceptances": onSite("acceptances", func(w *permWorld, site string) map[string]any {
		return map[string]any{"site": site, "date": w.ago(24), "status": "draft", "lots": []string{"Peinture"}}
	}, map[string]any{"place": "Ailleurs"}),
	"acceptance_reservations": onSite("acceptance_reservations", func(w *permWorld, site string) map[string]any {
		a := w.rec("acceptances", map[string]any{"site": site, "date": w.ago(24), "status": "draft", "lots": []string{"Peinture"}})
		return map[string]any{"acceptance": a.Id, "site": site, "number": 1, "description": w.uniq("Réserve "), "status": "open"}
	}, map[string]any{"description": "Autre"}),
	"invoices": named("invoices", func(w *permWorld) map[string]any {
		return map[string]any{"kind": "progress", "status": "draft", "site": w.siteA}
	}, map[string]any{"notes": "Modifiée"}),
	"invoice_lines": named("invoice_lines", func(w *permWorld) map[string]any {
		inv := w.rec("invoices", map[string]any{"kind": "progress", "status": "draft", "site": w.siteA})
		return map[string]any{"invoice": inv.Id, "kind": "other", "designation": w.uniq("Ligne "), "net_cents": 100}
	}, map[string]any{"net_cents": 1}),
	"invoice_payments": named("invoice_payments", func(w *permWorld) map[string]any {
		inv := w.rec("invoices", map[string]any{"kind": "progress", "status": "draft", "site": w.siteA})
		return map[string]any{"invoice": inv.Id, "paid_on": w.ago(1), "amount_cents": 100}
	}, map[string]any{"amount_cents": 1}),
	// client portal (issue #20)
	"client_contacts": named("client_contacts", func(w *permWorld) map[string]any {
		cl := w.rec("clients", map[string]any{"name": w.uniq("Client ")})
		return map[string]any{"client": cl.Id, "name": w.uniq("Contact "), "email": w.uniq("contact") + "@client.test"}
	}, map[string]any{"phone": "02 40 00 00 00"}),
	"client_access": named("client_access", func(w *permWorld) map[string]any {
		cl := w.rec("clients", map[string]any{"name": w.uniq("Client ")})
		ct := w.rec("client_contacts", map[string]any{"client": cl.Id, "name": w.uniq("Contact "), "email": w.uniq("contact") + "@client.test"})
		return map[string]any{"contact": ct.Id, "sites": []string{w.siteA}, "expires": "2027-01-01 00:00:00.000Z"}
	}, map[string]any{"revoked": true}),
	// in scope: a notification of the caller; out: someone else's
	"notifications": {scoped: true,
		create: func(w *permWorld, role string, _ bool) map[string]any {
			return map[string]any{"user": w.id(role), "kind": "stock_low", "state": "low", "key": w.uniq("k"), "message": "notify.stock_low"}
		},
		target: func(w *permWorld, role, _ string, in bool) *core.Record {
			owner := w.id("other")
			if in {
				owner = w.id(role)
			}
			return w.rec("notifications", map[string]any{"user": owner, "kind": "stock_low", "state": "low", "key": w.uniq("k"), "message": "notify.stock_low"})
		},
		update: map[string]any{"read_at": "2026-12-01 08:00:00.000Z"},
	},
	// duration models and predictions (issue #23): office reads
	"duration_models": named("duration_models", func(w *permWorld) map[string]any {
		w.n++
		return map[string]any{"version": w.n, "state": "rejected", "trained_at": w.ago(1)}
	}, map[string]any{"state": "active"}),
	"duration_predictions": named("duration_predictions", func(w *permWorld) map[string]any {
		return map[string]any{"task": w.task(true).Id, "predicted_at": w.ago(1), "p50_days": 2, "p80_days": 3}
	}, map[string]any{"p50_days": 1}),
	"sync_ops": named("sync_ops", func(w *permWorld) map[string]any {
		return map[string]any{"key": w.uniq("01J"), "user": w.id(domain.RoleCrew), "collection": "tasks", "op": "update"}
	}, map[string]any{"op": "delete"}),
	"time_periods": named("time_periods", func(w *permWorld) map[string]any {
		return map[string]any{"start": w.ago(40), "end": w.ago(39), "kind": "week", "status": "reopened"}
	}, map[string]any{"status": "closed"}),
	"time_corrections": named("time_corrections", func(w *permWorld) map[string]any {
		e := w.rec("time_entries", map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": w.ago(3), "clock_out": w.ago(2), "status": "submitted"})
		return map[string]any{"entry": e.Id, "user": w.id(domain.RoleCrew), "clock_in": w.ago(3), "clock_out": w.ago(2), "reason": "Oubli", "status": "pending"}
	}, map[string]any{"status": "approved"}),
	"sync_conflicts": onSite("sync_conflicts", func(w *permWorld, site string) map[string]any {
		return map[string]any{"user": w.id(domain.RoleCrew), "key": w.uniq("01K"), "op": "update", "collection": "tasks",
			"reason": "Tâche réaffectée", "status": "open", "site": site}
	}, map[string]any{"status": "resolved"}),
}
