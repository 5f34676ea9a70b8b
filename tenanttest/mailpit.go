package tenanttest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// Tool returns the path of a test tool (mailpit, …) installed by `make
// test` into tools/bin, or on PATH. When it is missing the test fails
// under FIELDOPS_STRICT=1 (make test, CI) and is skipped otherwise, with
// the command that installs it.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if dir, err := os.Getwd(); err == nil {
		for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				if p := filepath.Join(d, "tools", "bin", name); fileExists(p) {
					return p
				}
				break
			}
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s is not installed: run `make test-deps`", name)
	if os.Getenv("FIELDOPS_STRICT") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// FreePort returns a free loopback TCP port.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Mailpit is a real SMTP sink started for one test.
type Mailpit struct {
	SMTPPort int
	API      string
}

// StartMailpit starts mailpit on loopback ports; it stops with the test.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	bin := Tool(t, "mailpit")
	smtp, web := FreePort(t), FreePort(t)
	cmd := exec.Command(bin, "--listen", "127.0.0.1:"+strconv.Itoa(web), "--smtp", "127.0.0.1:"+strconv.Itoa(smtp),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--quiet")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	m := &Mailpit{SMTPPort: smtp, API: "http://127.0.0.1:" + strconv.Itoa(web)}
	deadline := time.Now().Add(15 * time.Second)
	for {
		if resp, err := http.Get(m.API + "/api/v1/messages"); err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(smtp)); err == nil {
				c.Close()
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("mailpit did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// UseFor points the platform's SMTP settings (inherited by every tenant)
// at this mailpit.
func (m *Mailpit) UseFor(t testing.TB, reg *tenants.Registry) {
	t.Helper()
	s := reg.Platform().Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = "127.0.0.1"
	s.SMTP.Port = m.SMTPPort
	s.SMTP.TLS = false
	s.Meta.SenderAddress = "no-reply@fieldops.test"
	if err := reg.Platform().Save(s); err != nil {
		t.Fatal(err)
	}
}

// Message is a received email.
type Message struct {
	ID      string
	Subject string
	To      []string
	Text    string
	HTML    string
}

// WaitFor returns the first message to `to` whose subject contains
// subject, waiting up to 10 s.
func (m *Mailpit) WaitFor(t testing.TB, to, subject string) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var list struct {
			Messages []struct {
				ID      string
				Subject string
				To      []struct{ Address string }
			} `json:"messages"`
		}
		if getJSON(m.API+"/api/v1/messages", &list) == nil {
			for _, msg := range list.Messages {
				for _, a := range msg.To {
					if a.Address == to && (subject == "" || contains(msg.Subject, subject)) {
						var full struct{ Text, HTML string }
						if err := getJSON(m.API+"/api/v1/message/"+msg.ID, &full); err != nil {
							t.Fatal(err)
						}
						return Message{ID: msg.ID, Subject: msg.Subject, To: []string{a.Address}, Text: full.Text, HTML: full.HTML}
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email to %s with subject %q", to, subject)
	return Message{}
}

// Count returns how many messages mailpit holds.
func (m *Mailpit) Count(t testing.TB) int {
	var list struct {
		Total int `json:"total"`
	}
	if err := getJSON(m.API+"/api/v1/messages", &list); err != nil {
		t.Fatal(err)
	}
	return list.Total
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
