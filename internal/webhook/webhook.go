// Package webhook signs and sends webhook requests. A request's body is JSON;
// its X-Alliance-Signature header is "t=UNIX,v1=HEX", where HEX is the
// HMAC-SHA256, under the webhook's secret, of "UNIX.BODY". A receiver
// recomputes it, compares in constant time and refuses a timestamp far from
// its clock (Verify does all three), so that a request cannot be forged or
// replayed later. X-Alliance-Delivery carries the delivery's id: a delivery
// may arrive more than once (after a timeout, say), and the id lets the
// receiver see that.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Header names.
const (
	HeaderSignature = "X-Alliance-Signature"
	HeaderEvent     = "X-Alliance-Event"
	HeaderDelivery  = "X-Alliance-Delivery"
)

// Sign returns the signature header value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signature header against body, and that it was made within
// tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("webhook: the signature has no timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: the signature is too old or from the future")
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, ts, body)) {
		return errors.New("webhook: the signature does not match")
	}
	return nil
}

// Request is one delivery to send.
type Request struct {
	URL      string
	Secret   string
	Event    string
	Delivery int64
	Body     []byte
}

// Sender sends webhook requests. It follows no redirects, and unless
// AllowPrivate it refuses to connect to loopback, private and link-local
// addresses, so that a webhook cannot be pointed at the server's own
// network.
type Sender struct {
	client *http.Client
	now    func() time.Time
}

// NewSender returns a Sender with a per-request timeout.
func NewSender(timeout time.Duration, allowPrivate bool, now func() time.Time) *Sender {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, Proxy: nil}
	return &Sender{now: now, client: &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// errPrivate is the dialer's refusal of an internal address.
var errPrivate = errors.New("the address is loopback, private or link-local")

func refusePrivate(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() {
		return errPrivate
	}
	return nil
}

// Send makes one attempt and returns the response's status. Any 2xx status
// is a delivery; err says why anything else is not.
func (s *Sender) Send(ctx context.Context, r Request) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Alliance-Webhook/1")
	req.Header.Set(HeaderEvent, r.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(r.Delivery, 10))
	req.Header.Set(HeaderSignature, Sign(r.Secret, s.now(), r.Body))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook: the endpoint answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
