package tenants

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/fieldops360/fieldops/domain"
	pbtenant "github.com/fieldops360/fieldops/pb_migrations/tenant"
)

// CreateInput is what provisioning a tenant needs. The CLI and the
// super-admin portal both call CreateTenant with it.
type CreateInput struct {
	Slug          string
	Name          string
	Sector        string
	AdminEmail    string
	AdminPassword string // generated when empty
	// AdminPasswordHash, when set, is a bcrypt hash of AdminPassword the
	// caller already has (test harnesses provisioning many tenants with
	// one password): stored as is instead of hashing again.
	AdminPasswordHash string
	AdminName         string
	Plan              string // default "starter"
	// Shard places the tenant on this shard (scale-out control plane;
	// default: the least loaded healthy shard).
	Shard string `json:",omitempty"`
	Actor string // who provisions (platform audit)
	// Progress, when set, is told each step as it starts.
	Progress func(step string) `json:"-"`
}

// CreateResult describes a provisioned tenant. AdminPassword is set only
// when it was generated: it is shown once and never stored in clear.
type CreateResult struct {
	Slug          string `json:"slug"`
	URL           string `json:"url"`
	AdminEmail    string `json:"admin_email"`
	AdminPassword string `json:"admin_password,omitempty"`
	ElapsedMS     int64  `json:"elapsed_ms"`
}

// Plans accepted by tenant creation.
const (
	PlanStarter    = "starter"
	PlanPro        = "pro"
	PlanEnterprise = "enterprise"
)

func validateCreate(in *CreateInput) error {
	in.Slug = strings.TrimSpace(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.AdminEmail = strings.TrimSpace(strings.ToLower(in.AdminEmail))
	if in.Plan == "" {
		in.Plan = PlanStarter
	}
	if err := domain.ValidateSlug(in.Slug); err != nil {
		return err
	}
	if in.Name == "" {
		return domain.FieldError("name", "err.company.name_required")
	}
	if !domain.ValidSector(in.Sector) {
		return domain.FieldError("sector", "err.tenant.unknown_sector", in.Sector)
	}
	if a, err := mail.ParseAddress(in.AdminEmail); err != nil || a.Address != in.AdminEmail {
		return domain.FieldError("admin_email", "err.tenant.invalid_email", in.AdminEmail)
	}
	if in.AdminPassword != "" && len(in.AdminPassword) < 10 {
		return domain.FieldError("admin_password", "err.tenant.password_too_short")
	}
	switch in.Plan {
	case PlanStarter, PlanPro, PlanEnterprise:
	default:
		return domain.FieldError("plan", "err.tenant.unknown_plan", in.Plan)
	}
	return nil
}

// CreateTenant provisions a tenant: a copy of the sector's template
// database (schema and reference data, built once per schema version),
// then what is specific to the tenant (provision_tenant.go), the
// control-plane record and the platform audit event. It is atomic from
// the outside: the tenant directory is built under a temporary name and
// renamed into place; an existing slug fails with domain.EConflict and
// changes nothing.
func (r *Registry) CreateTenant(in CreateInput) (*CreateResult, error) {
	start := time.Now()
	step := func(s string) {
		if in.Progress != nil {
			in.Progress(s)
		}
	}
	if r.Clustered() {
		return r.createOnShard(in)
	}
	if in.Shard != "" && in.Shard != r.cfg.Cluster.ShardID {
		return nil, domain.Errorf(domain.EInvalid, "err.cluster.shard_not_clustered", in.Shard)
	}
	if err := validateCreate(&in); err != nil {
		return nil, err
	}
	generated := ""
	if in.AdminPassword == "" {
		generated = security.RandomStringWithAlphabet(20, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
		in.AdminPassword = generated
	}
	if _, err := r.findTenantRecord(in.Slug); err == nil {
		return nil, conflict(in.Slug)
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return nil, err
	}
	final := r.TenantDir(in.Slug)
	if _, err := os.Stat(final); err == nil {
		return nil, conflict(in.Slug)
	}

	// NB: bcrypt is most of the cost: hash beside the copy and the writes.
	adminHash := func() (string, error) { return in.AdminPasswordHash, nil }
	if in.AdminPasswordHash == "" {
		adminHash = hashPassword(in.AdminPassword)
	}
	tmp, err := os.MkdirTemp(filepath.Join(r.cfg.Dir, "tenants"), ".provisioning-"+in.Slug+"-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op once renamed
	step("database")
	if err := r.copyTemplateTo(tmp, in.Sector); err != nil {
		return nil, err
	}
	app, err := newApp(appOptions{DataDir: tmp, Migrations: pbtenant.Migrations(), Hooks: r.cfg.TenantHooks})
	if err != nil {
		return nil, err
	}
	if err := personalise(app, in, adminHash, TemplateKey(in.Sector), start, step); err != nil {
		_ = closeApp(app)
		return nil, err
	}
	head, err := domain.FindAuditHead(app)
	if err != nil {
		_ = closeApp(app)
		return nil, err
	}
	if err := closeApp(app); err != nil {
		return nil, fmt.Errorf("close new tenant: %w", err)
	}

	step("register")
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(final); statErr == nil {
			return nil, conflict(in.Slug)
		}
		return nil, fmt.Errorf("install tenant dir: %w", err)
	}
	err = r.platform.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		rec := core.NewRecord(col)
		rec.Load(map[string]any{
			"slug": in.Slug, "name": in.Name, "sector": in.Sector, "status": StatusActive,
			"plan": in.Plan, "admin_email": in.AdminEmail, "custom_hosts": []string{},
			"shard": r.cfg.Cluster.ShardID,
		})
		if err := tx.Save(rec); err != nil {
			return err
		}
		if _, _, err := createAnchor(tx, in.Slug, head, domain.AnchorProvision, r.cfg.Clock()); err != nil {
			return err
		}
		return PlatformAudit(tx, in.Actor, "tenant.create", in.Slug, map[string]any{
			"name": in.Name, "sector": in.Sector, "plan": in.Plan, "admin_email": in.AdminEmail,
		})
	})
	if err != nil {
		_ = os.RemoveAll(final)
		if _, findErr := r.findTenantRecord(in.Slug); findErr == nil {
			return nil, conflict(in.Slug)
		}
		return nil, fmt.Errorf("register tenant: %w", err)
	}
	r.status.forget(in.Slug)
	step("done")
	return &CreateResult{
		Slug: in.Slug, URL: r.URL(in.Slug), AdminEmail: in.AdminEmail,
		AdminPassword: generated, ElapsedMS: time.Since(start).Milliseconds(),
	}, nil
}

// copyTemplateTo copies the sector's template into dir, building the
// template first when needed (once per schema version).
func (r *Registry) copyTemplateTo(dir, sector string) error {
	for attempt := 0; ; attempt++ {
		tpl, err := r.template(sector)
		if err != nil {
			return err
		}
		err = copyTemplate(tpl, dir)
		if err == nil {
			return nil
		}
		// NB: a template removed under us (by a newer build elsewhere):
		// check it again once, rebuilding it if need be.
		if !errors.Is(err, os.ErrNotExist) || attempt > 0 {
			return fmt.Errorf("copy template: %w", err)
		}
		forgetTemplate(tpl)
		for _, f := range templateFiles {
			_ = os.Remove(filepath.Join(dir, f))
		}
	}
}

func conflict(slug string) error {
	return domain.Errorf(domain.EConflict, "err.tenant.exists", slug)
}
