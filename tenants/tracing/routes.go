package tracing

import (
	"context"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/fieldops360/fieldops/tenants"
)

// prioUser runs the user recorder after the session cookie bridge (-1025)
// and PocketBase's token loader (-1020), before the handlers.
const prioUser = -1010

// Routes wraps the route installer of every app so that each request
// records its authenticated user id (SetUser) and the REST record saves
// and outbound mails of the app get spans.
func (t *Tracing) Routes(routes tenants.RouteInstaller) tenants.RouteInstaller {
	return traced{RouteInstaller: routes, t: t}
}

type traced struct {
	tenants.RouteInstaller
	t *Tracing
}

func (r traced) TenantRoutes(se *core.ServeEvent) error {
	r.t.bind(se)
	return r.RouteInstaller.TenantRoutes(se)
}

func (r traced) PlatformRoutes(se *core.ServeEvent) error {
	r.t.bind(se)
	return r.RouteInstaller.PlatformRoutes(se)
}

func (t *Tracing) bind(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsTraceUser", Priority: prioUser, Func: recordUser})
	save := func(op string) func(e *core.RecordRequestEvent) error {
		return func(e *core.RecordRequestEvent) error {
			_, span := Child(e.Request.Context(), "db.record."+op, attribute.String("db.collection.name", e.Collection.Name))
			err := e.Next()
			End(span, err)
			return err
		}
	}
	se.App.OnRecordCreateRequest().BindFunc(save("create"))
	se.App.OnRecordUpdateRequest().BindFunc(save("update"))
	se.App.OnRecordDeleteRequest().BindFunc(save("delete"))
	if t.tracer != nil {
		se.App.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
			// the mailer hook has no request context: a mail is a trace
			// of its own (see docs/observability.md)
			_, span := t.tracer.Start(context.Background(), "mail.send", trace.WithSpanKind(trace.SpanKindClient),
				trace.WithAttributes(attribute.Int("fieldops.mail.recipients", len(e.Message.To)+len(e.Message.Cc)+len(e.Message.Bcc))))
			err := e.Next()
			End(span, err)
			return err
		})
	}
}

// recordUser records the authenticated user id of the request, before
// the handlers run and again after (a login authenticates on the way).
func recordUser(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	if e.Auth != nil {
		SetUser(ctx, e.Auth.Id)
	}
	err := e.Next()
	if e.Auth != nil {
		SetUser(ctx, e.Auth.Id)
	}
	return err
}
