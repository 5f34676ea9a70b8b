package catalog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// keyCalls names the calls whose argument at the given index is a
// message key: the package qualifier ("" for a call inside the package)
// and the function.
var keyCalls = map[[2]string]int{
	{"", "Errorf"}: 1, {"domain", "Errorf"}: 1,
	{"", "FieldError"}: 1, {"domain", "FieldError"}: 1,
	{"catalog", "New"}: 0,
	{"i18n", "T"}:      1,
}

// TestKeysUsedInCodeExist scans the product's Go code (domain, tenants,
// handlers, views, main) for the message keys it names — the key of
// Errorf, FieldError, catalog.New, i18n.T and Error{Key: …}, and every
// "err.…" string — and checks that each exists (in both languages, which
// Load guarantees). A bilingual "texte / text" literal in their place is
// refused the same way.
func TestKeysUsedInCodeExist(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []string
	for _, dir := range []string{"../domain", "../tenants", "../handlers", "../views"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	mains, _ := filepath.Glob("../*.go")
	for _, p := range mains {
		if !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
	}
	seen := 0
	check := func(lit ast.Expr) {
		bl, ok := lit.(*ast.BasicLit)
		if !ok || bl.Kind != token.STRING {
			return // a computed key: not checkable here
		}
		key, err := strconv.Unquote(bl.Value)
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if !c.Has(key) {
			t.Errorf("%s: message key %q is not in the catalogue", fset.Position(bl.Pos()), key)
		}
	}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if i, ok := keyCalls[callName(n.Fun)]; ok && i < len(n.Args) {
					check(n.Args[i])
				}
			case *ast.CompositeLit:
				if name := callName(n.Type); name == [2]string{"", "Error"} || name == [2]string{"domain", "Error"} {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Key") {
							check(kv.Value)
						}
					}
				}
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING && strings.HasPrefix(s, "err.") && !strings.HasSuffix(s, ".") && !strings.ContainsAny(s, " (") {
					check(n)
				}
			}
			return true
		})
	}
	if seen < 300 {
		t.Errorf("found only %d message keys in the code: is the scan still looking at the right places?", seen)
	}
}

// callName returns the package qualifier and name of a function or type
// expression ("" qualifier for a bare identifier).
func callName(e ast.Expr) [2]string {
	switch e := e.(type) {
	case *ast.Ident:
		return [2]string{"", e.Name}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return [2]string{x.Name, e.Sel.Name}
		}
	}
	return [2]string{}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
