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
	"net/netip"
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
var errPrivate = errors.New("the address is loopback, private or otherwise internal")

// internal lists the address ranges a webhook may not reach: loopback,
// private, shared (carrier-grade NAT, where some clouds put their metadata
// service), link-local (the usual metadata address), benchmarking,
// protocol-assignment, reserved and multicast ranges, and their IPv6
// counterparts. NAT64, 6to4 and IPv4-mapped addresses are unwrapped first.
var internal = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
		"224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "2001:db8::/32", "100::/64"} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	nat64l  = netip.MustParsePrefix("64:ff9b:1::/48")
	sixTo4  = netip.MustParsePrefix("2002::/16")
	teredo  = netip.MustParsePrefix("2001::/32")
	unknown = errors.New("the address cannot be read")
)

// unwrap returns the IPv4 address an IPv6 address stands for (mapped, NAT64,
// 6to4), or the address itself.
func unwrap(ip netip.Addr) netip.Addr {
	ip = ip.Unmap()
	if !ip.Is6() {
		return ip
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), nat64l.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case sixTo4.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	return ip
}

// Internal reports whether a webhook must not reach ip.
func Internal(ip netip.Addr) bool {
	if teredo.Contains(ip) {
		return true // tunnels to an address that cannot be checked here
	}
	ip = unwrap(ip)
	for _, p := range internal {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return unknown
	}
	if Internal(ap.Addr()) {
		return errPrivate
	}
	return nil
}

// Reason says why an attempt failed in words fit to show the webhook's
// owner: never the address a name resolved to, which would let an
// administrator map the server's network.
func Reason(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errPrivate):
		return "refused: the address is internal"
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, new(*net.DNSError)):
		return "the name does not resolve"
	case errors.As(err, new(*statusError)):
		return err.Error()
	}
	return "the connection failed"
}

// statusError is an answer other than 2xx.
type statusError struct{ status string }

func (e *statusError) Error() string { return "the endpoint answered " + e.status }

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
		return resp.StatusCode, &statusError{resp.Status}
	}
	return resp.StatusCode, nil
}
