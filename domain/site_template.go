package domain

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// CollectionSiteTemplates holds the site templates of a tenant.
const CollectionSiteTemplates = "site_templates"

// TemplatePhase is a phase of a site template: a name and a duration in
// working days; phases follow each other.
type TemplatePhase struct {
	Name string  `json:"name"`
	Days float64 `json:"days"`
}

// TemplateMilestone falls at the end of the phase of index Phase.
type TemplateMilestone struct {
	Name  string `json:"name"`
	Phase int    `json:"phase"`
}

// SiteTemplateSeed is a site template of the sector reference data.
type SiteTemplateSeed struct {
	Code       string
	Name       string
	Phases     []TemplatePhase
	Milestones []TemplateMilestone
	Checklists []string // checklist template codes used on such sites
}

// siteTemplatesFor returns the sector's stock site templates.
func siteTemplatesFor(sector string) []SiteTemplateSeed {
	switch sector {
	case SectorBTP:
		return []SiteTemplateSeed{
			{Code: "MAISON", Name: "Maison individuelle", Phases: []TemplatePhase{
				{"Installation de chantier", 2}, {"Terrassement et fondations", 8}, {"Gros œuvre", 25}, {"Charpente et couverture", 10},
				{"Menuiseries extérieures", 5}, {"Second œuvre", 30}, {"Finitions et réception", 8}},
				Milestones: []TemplateMilestone{{"Fondations coulées", 1}, {"Hors d'eau", 3}, {"Hors d'air", 4}, {"Réception des travaux", 6}}},
			{Code: "RENO", Name: "Rénovation intérieure", Phases: []TemplatePhase{
				{"Curage et démolition", 5}, {"Réseaux (électricité, plomberie)", 10}, {"Plâtrerie et isolation", 10}, {"Revêtements et peinture", 10}, {"Nettoyage et réception", 2}},
				Milestones: []TemplateMilestone{{"Fin du curage", 0}, {"Réception des travaux", 4}}},
		}
	case SectorElec:
		return []SiteTemplateSeed{
			{Code: "TERTIAIRE", Name: "Installation électrique tertiaire", Phases: []TemplatePhase{
				{"Préparation et consignation", 2}, {"Chemins de câbles et tirage", 10}, {"Pose tableaux et TGBT", 5}, {"Raccordements", 8},
				{"Autocontrôle et mesures", 3}, {"Mise en service", 2}},
				Milestones: []TemplateMilestone{{"Tirage terminé", 1}, {"Passage Consuel", 4}, {"Mise en service", 5}}},
			{Code: "IRVE", Name: "Bornes de recharge (IRVE)", Phases: []TemplatePhase{
				{"Étude et repérage", 1}, {"Génie civil et fourreaux", 4}, {"Pose des bornes", 2}, {"Raccordement et paramétrage", 2}, {"Essais et mise en service", 1}},
				Milestones: []TemplateMilestone{{"Bornes posées", 2}, {"Mise en service", 4}}},
		}
	case SectorTP:
		return []SiteTemplateSeed{
			{Code: "AEP", Name: "Extension de réseau d'eau potable", Phases: []TemplatePhase{
				{"DT-DICT et marquage-piquetage", 3}, {"Terrassement en tranchée", 10}, {"Pose des canalisations", 10}, {"Essais de pression et désinfection", 3},
				{"Remblaiement et réfection de chaussée", 6}},
				Milestones: []TemplateMilestone{{"Récépissés DICT reçus", 0}, {"Essais réussis", 3}, {"Réception", 4}}},
			{Code: "VOIRIE", Name: "Aménagement de voirie", Phases: []TemplatePhase{
				{"Signalisation et installation", 2}, {"Rabotage et terrassement", 5}, {"Bordures et caniveaux", 6}, {"Enrobés", 3}, {"Signalisation horizontale", 2}},
				Milestones: []TemplateMilestone{{"Enrobés posés", 3}, {"Réouverture à la circulation", 4}}},
		}
	}
	return nil
}

// applyTemplate copies a template's phases (chained in working days from
// the site start, or today) and milestones into a new site.
func applyTemplate(tx core.App, actor, site *core.Record, code string) error {
	t, err := tx.FindFirstRecordByData(CollectionSiteTemplates, "code", code)
	if err != nil {
		return FieldError("template", "err.site.template_not_found", code)
	}
	var phases []TemplatePhase
	var milestones []TemplateMilestone
	if err := t.UnmarshalJSONField("phases", &phases); err != nil {
		return fmt.Errorf("template phases: %w", err)
	}
	_ = t.UnmarshalJSONField("milestones", &milestones)
	tf := TenantFactsOf(tx)
	cal := tf.Calendar()
	start := site.GetDateTime("start").Time()
	if start.IsZero() {
		start = tf.Today(time.Now())
	}
	cursor := cal.NextWorkingDay(start)
	ends := make([]time.Time, len(phases))
	for i, p := range phases {
		days := max(int(p.Days), 1)
		end := cal.AddWorkingDays(cursor, days-1)
		r, err := newChild(tx, CollectionPhases, map[string]any{
			"site": site.Id, "name": p.Name, "position": i + 1, "start": cursor, "end": end, "status": "todo", "progress": 0,
		}, actor)
		if err != nil {
			return err
		}
		_ = r
		ends[i] = end
		cursor = cal.AddWorkingDays(end, 1)
	}
	for i, m := range milestones {
		due := time.Time{}
		if m.Phase >= 0 && m.Phase < len(ends) {
			due = ends[m.Phase]
		}
		if _, err := newChild(tx, CollectionMilestones, map[string]any{"site": site.Id, "name": m.Name, "due": due, "position": i + 1}, actor); err != nil {
			return err
		}
	}
	if site.GetDateTime("end").IsZero() && len(ends) > 0 {
		site.Set("end", ends[len(ends)-1])
		setActor(site, actor)
		return tx.Save(site)
	}
	return nil
}

// newChild creates a record of collection with fields, as actor.
func newChild(app core.App, collection string, fields map[string]any, actor *core.Record) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(fields)
	setActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}
