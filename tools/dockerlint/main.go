// Command dockerlint checks Dockerfiles with BuildKit's own rules — the checks of
// `docker build --check` (FromAsCasing, UndefinedVar, InvalidDefaultArgInFrom, JSONArgsRecommended,
// SecretsUsedInArgOrEnv, …) plus BuildKit's parse and dispatch errors — without a Docker engine.
// Base images are not resolved (no registry here).
//
//	dockerlint Dockerfile [more...]   exit 0 clean, 1 warnings or errors, 2 usage
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
)

// stubResolver answers every base image with a minimal linux/amd64 config: no registry is reached,
// so rules depending on the base image's own ENV only see PATH.
type stubResolver struct{}

func (stubResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}`)
	return ref, digest.FromBytes(cfg), cfg, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerlint Dockerfile...")
		os.Exit(2)
	}
	bad := 0
	for _, path := range os.Args[1:] {
		dt, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ctx := context.Background()
		src := llb.Local("dockerfile")
		def, err := src.Marshal(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		smap := llb.NewSourceMap(&src, path, "Dockerfile", dt)
		smap.Definition = def
		res, err := dockerfile2llb.DockerfileLint(ctx, dt, dockerfile2llb.ConvertOpt{
			Config:       dockerui.Config{},
			SourceMap:    smap,
			MetaResolver: stubResolver{},
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			bad++
			continue
		}
		for _, w := range res.Warnings {
			line := 0
			if w.Location != nil && len(w.Location.Ranges) > 0 {
				line = int(w.Location.Ranges[0].Start.Line)
			}
			fmt.Printf("%s:%d: %s: %s (%s)\n", path, line, w.RuleName, w.Detail, w.URL)
			bad++
		}
		if res.Error != nil {
			line := 0
			if len(res.Error.Location.Ranges) > 0 {
				line = int(res.Error.Location.Ranges[0].Start.Line)
			}
			fmt.Printf("%s:%d: error: %s\n", path, line, res.Error.Message)
			bad++
		}
		if bad == 0 {
			fmt.Printf("%s: no BuildKit check warnings\n", path)
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}
