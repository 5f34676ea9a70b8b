// Command openapi writes assets/static/api/openapi.yaml, the OpenAPI
// description served at /api/docs: FieldOps360's own endpoints, written
// by hand in scripts/openapi/product.yaml, merged with what it generates
// from the tenant schema as the migrations build it (a throw-away tenant
// is provisioned in a temp dir): PocketBase's sign-in, file and realtime
// endpoints, and for every business collection the record operations
// its API rules open, a schema of its fields, the rule of each operation
// and the roles it lets in.
//
//	go run ./scripts/openapi           # rewrite the served file (make openapi)
//	go run ./scripts/openapi -check    # exit 1 when it is stale
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/tenants"
)

// Paths relative to the module root (where go run and make run).
const (
	sourcePath = "scripts/openapi/product.yaml"
	outPath    = "assets/static/api/openapi.yaml"
)

func main() {
	check := flag.Bool("check", false, "only report a stale description (exit 1)")
	flag.Parse()
	want, err := build(sourcePath)
	if err != nil {
		log.Fatal(err)
	}
	cur, _ := os.ReadFile(outPath)
	if bytes.Equal(cur, want) {
		return
	}
	if *check {
		fmt.Println(outPath + " is stale: run make openapi")
		os.Exit(1)
	}
	if err := os.WriteFile(outPath, want, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", outPath)
}

// build returns the whole description from the hand-written source.
func build(src string) ([]byte, error) {
	product, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	cols, err := tenantCollections()
	if err != nil {
		return nil, err
	}
	return generate(cols, product)
}

// tenantCollections provisions a throw-away tenant with the real
// migrations and returns all its collections.
func tenantCollections() ([]*core.Collection, error) {
	tmp, err := os.MkdirTemp("", "openapi-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	reg, err := tenants.Open(tenants.Config{Dir: tmp, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	if _, err := reg.CreateTenant(tenants.CreateInput{Slug: "gen", Name: "Gen", Sector: "btp",
		AdminEmail: "admin@gen.test", AdminPassword: "openapi-pass-123", Actor: "openapi"}); err != nil {
		return nil, err
	}
	t, release, err := reg.Acquire(context.Background(), "gen")
	if err != nil {
		return nil, err
	}
	defer release()
	return t.App.FindAllCollections()
}
