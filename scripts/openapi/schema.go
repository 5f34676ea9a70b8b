package main

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"gopkg.in/yaml.v3"

	"github.com/fieldops360/fieldops/domain"
)

// confidential maps "collection.field" to the roles (accessRoles names)
// that may read it, from domain.FieldGroups evaluated against an
// unsaved user record of each role.
func confidential(users *core.Collection) map[string][]string {
	out := map[string][]string{}
	for _, g := range domain.FieldGroups() {
		var may []string
		for _, r := range accessRoles {
			u := core.NewRecord(users)
			u.Set("role", r.Role)
			u.Set("tenant_admin", r.TenantAdmin)
			u.Set("active", true)
			if g.May(u) {
				may = append(may, r.Name)
			}
		}
		for _, f := range g.Fields {
			out[g.Collection+"."+f] = may
		}
	}
	return out
}

// recordSchema is the component schema of a record of c, and the names
// of its required fields (a create must send them).
func recordSchema(c *core.Collection, names map[string]string, conf map[string][]string) (*yaml.Node, []string) {
	props := obj()
	var required []string
	for _, f := range c.Fields {
		name := f.GetName()
		if name == "tokenKey" {
			continue // never leaves the server
		}
		s, req := fieldSchema(f, names)
		if who, ok := conf[c.Name+"."+name]; ok {
			s.Content = append(s.Content, str("x-fieldops-readable-by"), strs(who))
			addDescription(s, "Confidentiel : renvoyé seulement à "+strings.Join(who, ", ")+" (absent pour les autres rôles ; ni filtre ni tri).")
		} else if f.GetHidden() && f.Type() != core.FieldTypePassword {
			continue
		}
		if req {
			required = append(required, name)
		}
		props.Content = append(props.Content, str(name), s)
	}
	for _, sys := range []string{"collectionName", "collectionId"} {
		props.Content = append(props.Content, str(sys), flow(obj("type", "string", "readOnly", true)))
	}
	return obj("type", "object", "description", fmt.Sprintf("Enregistrement de la collection `%s`.", c.Name), "properties", props), required
}

func addDescription(s *yaml.Node, d string) {
	if d == "" {
		return
	}
	if cur := child(s, "description"); cur != nil {
		cur.Value += " " + d
		return
	}
	s.Content = append(s.Content, str("description"), str(d))
}

// fieldSchema maps a PocketBase field to JSON Schema; req reports a
// required field (a create must send a non-empty value).
func fieldSchema(f core.Field, names map[string]string) (s *yaml.Node, req bool) {
	switch f := f.(type) {
	case *core.TextField:
		if f.PrimaryKey {
			return flow(obj("type", "string", "readOnly", true, "description", "Identifiant (15 caractères), choisi par le serveur.")), false
		}
		return flow(obj("type", "string", "maxLength", positive(f.Max), "minLength", positive(f.Min), "pattern", f.Pattern, "description", f.Help)), f.Required
	case *core.EmailField:
		return flow(obj("type", "string", "format", "email", "description", f.Help)), f.Required
	case *core.URLField:
		return flow(obj("type", "string", "format", "uri", "description", f.Help)), f.Required
	case *core.EditorField:
		return flow(obj("type", "string", "description", join("Texte riche (HTML).", f.Help))), f.Required
	case *core.NumberField:
		t := "number"
		if f.OnlyInt {
			t = "integer"
		}
		return flow(obj("type", t, "minimum", floatOrNil(f.Min), "maximum", floatOrNil(f.Max), "description", f.Help)), f.Required
	case *core.BoolField:
		return flow(obj("type", "boolean", "description", f.Help)), f.Required
	case *core.DateField:
		return flow(obj("type", "string", "description", join("Date et heure UTC « AAAA-MM-JJ hh:mm:ss.sssZ » ; vide si absente.", f.Help),
			"examples", []string{"2026-03-02 07:30:00.000Z"})), f.Required
	case *core.AutodateField:
		return flow(obj("type", "string", "readOnly", true, "description", "Date UTC fixée par le serveur.")), false
	case *core.SelectField:
		values := f.Values
		if !f.Required && !f.IsMultiple() {
			values = append([]string{""}, values...)
		}
		item := flow(obj("type", "string", "enum", values))
		if f.IsMultiple() {
			return obj("type", "array", "maxItems", positive(f.MaxSelect), "items", item, "description", f.Help), f.Required
		}
		addDescription(item, f.Help)
		return item, f.Required
	case *core.RelationField:
		target := names[f.CollectionId]
		d := fmt.Sprintf("Identifiant d'un enregistrement de `%s` (développé par `expand=%s`).", target, f.Name)
		if f.IsMultiple() {
			return obj("type", "array", "maxItems", positive(f.MaxSelect), "items", flow(obj("type", "string")),
				"description", join(strings.Replace(d, "Identifiant d'un enregistrement", "Identifiants d'enregistrements", 1), f.Help), "x-fieldops-relation", target), f.Required
		}
		return flow(obj("type", "string", "description", join(d, f.Help), "x-fieldops-relation", target)), f.Required
	case *core.FileField:
		d := fmt.Sprintf("Nom du fichier ; envoi en multipart/form-data (%d Mio au plus%s), lecture par `GET /api/files/{collection}/{id}/{nom}` avec un jeton de fichier.",
			f.MaxSize>>20, mimeList(f.MimeTypes))
		if f.IsMultiple() {
			return obj("type", "array", "maxItems", positive(f.MaxSelect), "items", flow(obj("type", "string")), "description", join(d, f.Help)), f.Required
		}
		return flow(obj("type", "string", "description", join(d, f.Help))), f.Required
	case *core.JSONField:
		return flow(obj("description", join("Valeur JSON libre.", f.Help))), f.Required
	case *core.PasswordField:
		return flow(obj("type", "string", "writeOnly", true, "minLength", positive(f.Min), "maxLength", positive(f.Max),
			"description", "Envoyé à la création et au changement, avec `passwordConfirm` ; jamais renvoyé.")), false
	case *core.GeoPointField:
		return obj("type", "object", "properties", obj("lon", flow(obj("type", "number")), "lat", flow(obj("type", "number"))), "description", f.Help), f.Required
	}
	panic(fmt.Sprintf("field %s: unmapped type %s", f.GetName(), f.Type()))
}

func positive(n int) any {
	if n > 0 {
		return n
	}
	return nil
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func join(parts ...string) any {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return strings.Join(out, " ")
}

func mimeList(m []string) string {
	if len(m) == 0 {
		return ""
	}
	return " ; " + strings.Join(m, ", ")
}
