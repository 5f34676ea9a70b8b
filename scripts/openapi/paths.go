package main

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"gopkg.in/yaml.v3"
)

// crudOp is one of the five record operations of PocketBase's REST API.
type crudOp struct {
	Name     string // list, view, create, update, delete
	Method   string
	Item     bool   // on /records/{id}
	RuleName string // listRule…
	Rule     func(c *core.Collection) *string
	Summary  string
	Outcome  string // what a caller the rule refuses gets
}

var crudOps = []crudOp{
	{"list", "get", false, "listRule", func(c *core.Collection) *string { return c.ListRule }, "Lister les enregistrements",
		"Les enregistrements que la règle refuse sont omis de la liste (jamais 403)."},
	{"view", "get", true, "viewRule", func(c *core.Collection) *string { return c.ViewRule }, "Lire un enregistrement",
		"Un enregistrement que la règle refuse répond 404."},
	{"create", "post", false, "createRule", func(c *core.Collection) *string { return c.CreateRule }, "Créer un enregistrement",
		"Une création que la règle refuse répond 400 ; une règle métier refusée répond 400, 403 ou 409 avec le message dans la langue de l'appelant."},
	{"update", "patch", true, "updateRule", func(c *core.Collection) *string { return c.UpdateRule }, "Modifier un enregistrement",
		"Un enregistrement que la règle refuse répond 404 ; une règle métier refusée répond 400, 403 ou 409."},
	{"delete", "delete", true, "deleteRule", func(c *core.Collection) *string { return c.DeleteRule }, "Supprimer un enregistrement",
		"Un enregistrement que la règle refuse répond 404 ; une suppression qu'une règle métier refuse répond 400 ou 403."},
}

// opened reports whether any record operation of c has a rule.
func opened(c *core.Collection) bool {
	for _, op := range crudOps {
		if op.Rule(c) != nil {
			return true
		}
	}
	return false
}

// roleSummary is the x-fieldops-roles of an operation.
func roleSummary(acc map[string]Access) (*yaml.Node, string) {
	var always, cond []string
	for _, r := range accessRoles {
		switch acc[r.Name] {
		case AccessAlways:
			always = append(always, r.Name)
		case AccessConditional:
			cond = append(cond, r.Name)
		}
	}
	text := "Accès déduit de la règle (évaluée pour un utilisateur actif de chaque rôle ; `tenant_admin` : le drapeau seul, sur le rôle crew) : "
	var parts []string
	if len(always) > 0 {
		parts = append(parts, "toujours — "+strings.Join(always, ", "))
	}
	if len(cond) > 0 {
		parts = append(parts, "selon l'enregistrement ou les champs envoyés — "+strings.Join(cond, ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "aucun rôle (superutilisateurs seulement)")
	}
	return flow(obj("always", strs(always), "conditional", strs(cond))), text + strings.Join(parts, " ; ") + "."
}

// collectionPaths adds the record operations of c to paths and returns
// how many it added.
func collectionPaths(paths *yaml.Node, c *core.Collection, hasFile bool) (int, error) {
	base := "/api/collections/" + c.Name + "/records"
	n := 0
	for _, op := range crudOps {
		rule := op.Rule(c)
		if rule == nil {
			continue // locked: superusers only
		}
		acc, err := ruleAccess(rule)
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", c.Name, op.RuleName, err)
		}
		roles, text := roleSummary(acc)
		expr := *rule
		if expr == "" {
			expr = `""` + " (public)"
		}
		desc := fmt.Sprintf("Règle `%s` de la collection :\n\n```\n%s\n```\n\n%s %s", op.RuleName, expr, text, op.Outcome)
		params := []*yaml.Node{}
		if op.Item {
			params = append(params, ref("parameters", "recordId"))
		}
		if op.Name == "list" {
			for _, p := range []string{"filter", "sort", "page", "perPage", "skipTotal"} {
				params = append(params, ref("parameters", p))
			}
		}
		if op.Name != "delete" {
			params = append(params, ref("parameters", "expand"), ref("parameters", "fields"))
		}
		var body *yaml.Node
		switch op.Name {
		case "create":
			body = requestBody(c.Name+".create", hasFile)
		case "update":
			body = requestBody(c.Name, hasFile)
		}
		o := obj("tags", flow(strs([]string{c.Name})), "summary", op.Summary+" ("+c.Name+")", "description", desc,
			"operationId", op.Name+"_"+c.Name, "parameters", seq(params...), "requestBody", body,
			"responses", crudResponses(op, c.Name), "x-fieldops-rule", *rule, "x-fieldops-roles", roles)
		path := base
		if op.Item {
			path += "/{id}"
		}
		ensure(paths, path).Content = append(ensure(paths, path).Content, str(op.Method), o)
		n++
	}
	return n, nil
}

func requestBody(schema string, hasFile bool) *yaml.Node {
	content := obj("application/json", obj("schema", ref("schemas", schema)))
	if hasFile {
		content.Content = append(content.Content, str("multipart/form-data"), obj("schema", ref("schemas", schema)))
	}
	return obj("required", true, "content", content)
}

func crudResponses(op crudOp, name string) *yaml.Node {
	record := obj("application/json", obj("schema", ref("schemas", name)))
	switch op.Name {
	case "list":
		return obj("200", obj("description", "Une page d'enregistrements.", "content", obj("application/json", obj("schema", ref("schemas", name+".list")))),
			"400", ref("responses", "BadRequest"))
	case "view":
		return obj("200", obj("description", "L'enregistrement.", "content", record), "404", ref("responses", "NotFound"))
	case "create":
		return obj("200", obj("description", "L'enregistrement créé.", "content", record), "400", ref("responses", "BadRequest"),
			"403", ref("responses", "Forbidden"), "409", ref("responses", "Conflict"))
	case "update":
		return obj("200", obj("description", "L'enregistrement modifié.", "content", record), "400", ref("responses", "BadRequest"),
			"403", ref("responses", "Forbidden"), "404", ref("responses", "NotFound"), "409", ref("responses", "Conflict"))
	}
	return obj("204", obj("description", "Supprimé."), "400", ref("responses", "BadRequest"),
		"403", ref("responses", "Forbidden"), "404", ref("responses", "NotFound"))
}
