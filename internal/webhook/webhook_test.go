package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	body := []byte(`{"event":"case.created","case_id":7}`)
	h := Sign("s3cret", at, body)
	if !strings.HasPrefix(h, "t=1800000000,v1=") || len(h) != len("t=1800000000,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	if err := Verify("s3cret", h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("a good signature: %v", err)
	}
	for name, tc := range map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
	}{
		"other secret":      {"other", h, body, at},
		"changed body":      {"s3cret", h, []byte(`{"event":"case.created","case_id":8}`), at},
		"replayed later":    {"s3cret", h, body, at.Add(6 * time.Minute)},
		"from the future":   {"s3cret", h, body, at.Add(-6 * time.Minute)},
		"changed timestamp": {"s3cret", strings.Replace(h, "t=1800000000", "t=1800000001", 1), body, at},
		"no signature":      {"s3cret", "t=1800000000", body, at},
		"garbage":           {"s3cret", "v1=zz", body, at},
	} {
		if err := Verify(tc.secret, tc.header, tc.body, tc.now, 5*time.Minute); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSend(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, gotBody = r, readAll(r.Body)
		if status == http.StatusFound {
			http.Redirect(w, r, "/elsewhere", status)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	now := time.Now()
	s := NewSender(5*time.Second, true, func() time.Time { return now })
	req := Request{URL: srv.URL + "/hook", Secret: "k", Event: "referral.sent", Delivery: 42, Body: []byte(`{"referral_id":3}`)}
	code, err := s.Send(context.Background(), req)
	if err != nil || code != 204 {
		t.Fatalf("Send = %d, %v", code, err)
	}
	if got.Header.Get(HeaderEvent) != "referral.sent" || got.Header.Get(HeaderDelivery) != "42" || string(gotBody) != `{"referral_id":3}` {
		t.Errorf("request: %v %s", got.Header, gotBody)
	}
	if err := Verify("k", got.Header.Get(HeaderSignature), gotBody, now, time.Minute); err != nil {
		t.Errorf("the receiver cannot verify: %v", err)
	}
	for _, st := range []int{http.StatusInternalServerError, http.StatusFound, http.StatusGone} {
		status = st
		if code, err := s.Send(context.Background(), req); err == nil || code != st {
			t.Errorf("status %d counted as delivered (%d, %v)", st, code, err)
		}
	}
}

func TestSendRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request reached a loopback address")
	}))
	defer srv.Close()
	s := NewSender(5*time.Second, false, time.Now)
	for _, u := range []string{srv.URL, "http://localhost:1/", "http://[::1]:1/", "http://10.1.2.3:1/", "http://169.254.169.254/latest",
		"http://[::ffff:127.0.0.1]:1/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b::7f00:1]:1/", "http://100.100.100.200/",
		"http://198.18.0.1/", "http://0.0.0.1/", "http://[2002:7f00:1::]:1/", "http://[fd00::1]:1/", "http://240.0.0.1/"} {
		if _, err := s.Send(context.Background(), Request{URL: u, Secret: "k", Body: []byte("{}")}); err == nil || !strings.Contains(err.Error(), errPrivate.Error()) {
			t.Errorf("%s: %v, want a refusal of the address", u, err)
		}
	}
}

func readAll(r io.Reader) []byte { b, _ := io.ReadAll(r); return b }

func TestInternal(t *testing.T) {
	for addr, want := range map[string]bool{"8.8.8.8": false, "2a00:1450:4001::200e": false, "192.0.2.7": true,
		"64:ff9b::808:808": false, "64:ff9b::a00:1": true, "2002:0808:0808::1": false, "2002:c0a8:0101::1": true,
		"::ffff:10.0.0.1": true, "fe80::1": true, "2001:0:4136:e378::1": true} {
		if got := Internal(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Internal(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestReasonHidesAddresses(t *testing.T) {
	s := NewSender(2*time.Second, false, time.Now)
	_, err := s.Send(context.Background(), Request{URL: "http://10.9.8.7:1/", Secret: "k", Body: []byte("{}")})
	if r := Reason(err); strings.Contains(r, "10.9.8.7") || r == "" {
		t.Errorf("Reason = %q", r)
	}
}
