package domain_test

import (
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// BenchmarkPredictTaskDuration is the API's work for one task on the
// demo tenant with a year of history: read the task, its site and the
// active model (JSON), predict (issue #23: under 1 ms).
func BenchmarkPredictTaskDuration(b *testing.B) {
	app := tenanttest.New(b).App()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	if err := domain.SeedDemoWith(app, now, domain.DemoOptions{History: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := domain.TrainDurationModel(app, "", now); err != nil {
		b.Fatal(err)
	}
	tasks, err := app.FindRecordsByFilter(domain.CollectionTasks, "status = 'planned' && work_type != ''", "", 1, 0)
	if err != nil || len(tasks) == 0 {
		b.Fatalf("no planned task: %v", err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := domain.PredictTaskDuration(app, tasks[0].Id); err != nil {
			b.Fatal(err)
		}
	}
}
