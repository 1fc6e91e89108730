package names

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string // part of the message
	}{
		{in: "1985", want: Date{1985, 0, 0}},
		{in: "1985-03", want: Date{1985, 3, 0}},
		{in: "1985-03-07", want: Date{1985, 3, 7}},
		{in: " 1985-03-07\n", want: Date{1985, 3, 7}},
		{in: "1985-00-00", want: Date{1985, 0, 0}},
		{in: "1985-03-00", want: Date{1985, 3, 0}},
		{in: "2000-02-29", want: Date{2000, 2, 29}},
		{in: "", wantErr: "empty"},
		{in: "85", wantErr: "YYYY-MM-DD"},
		{in: "1985-3-7", wantErr: "YYYY-MM-DD"},
		{in: "07.03.1985", wantErr: "YYYY-MM-DD"},
		{in: "1985/03/07", wantErr: "YYYY-MM-DD"},
		{in: "1985-03-07-01", wantErr: "YYYY-MM-DD"},
		{in: "1985-03-", wantErr: "YYYY-MM-DD"},
		{in: "+985-03-07", wantErr: "YYYY-MM-DD"},
		{in: "0000", wantErr: "year 0000"},
		{in: "1985-13", wantErr: "month 13"},
		{in: "1985-00-07", wantErr: "without the month"},
		{in: "1985-02-29", wantErr: "February 1985 has 28 days"},
		{in: "1985-04-31", wantErr: "April 1985 has 30 days"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalidDate) {
				t.Errorf("ParseDate(%q) error = %v, want ErrInvalidDate saying %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestDateString(t *testing.T) {
	for d, want := range map[Date]string{
		{}: "", {1985, 0, 0}: "1985", {1985, 3, 0}: "1985-03", {1985, 3, 7}: "1985-03-07", {985, 1, 2}: "0985-01-02",
	} {
		if got := d.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", d, got, want)
		}
	}
	if !(Date{}).IsZero() || (Date{Year: 1}).IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestDatesMatch(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1985-03-07", "1985-03-07", true},
		{"1985-03-07", "1985-07-03", true},  // day and month swapped
		{"1985-03-07", "1986-03-07", true},  // one-year slip
		{"1985-03-07", "1984-03-07", true},  // one-year slip
		{"1985-03-07", "1987-03-07", false}, // two years
		{"1985-03-07", "1986-07-03", false}, // slip and swap together
		{"1985-03-07", "1985-03-08", false},
		{"1985-03-07", "1985-04-07", false},
		{"1985-03-07", "1985", true},        // unknown month and day
		{"1985-03-07", "1986", true},        // unknown month and day, one-year slip
		{"1985-03-07", "1985-03", true},     // unknown day
		{"1985-03-07", "1985-07", true},     // unknown day, swapped
		{"1985-03-07", "1985-05", false},    // unknown day, other month
		{"1985-03-07", "1986-07", false},    // unknown day, swapped and slipped
		{"1985-01-01", "1985-07-15", true},  // 1 January means unknown
		{"1985-01-01", "1984-07-15", true},  // ... and a one-year slip
		{"1985-01-01", "1983-07-15", false}, // but not two years
		{"1985-01-02", "1985-02-01", true},  // a real January date can be swapped
		{"1985-01-02", "1985-07-15", false},
		{"1985-12-12", "1985-12-12", true},
	}
	for _, tt := range tests {
		a, b := mustDate(t, tt.a), mustDate(t, tt.b)
		if got := DatesMatch(a, b); got != tt.want {
			t.Errorf("DatesMatch(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := DatesMatch(b, a); got != tt.want {
			t.Errorf("DatesMatch(%s, %s) = %v, want %v (reversed)", tt.b, tt.a, got, tt.want)
		}
	}
	if !DatesMatch(Date{}, Date{1985, 3, 7}) || !DatesMatch(Date{}, Date{}) {
		t.Error("an unknown date must match anything")
	}
	if !DatesMatch(Date{Month: 3, Day: 7}, Date{1985, 3, 7}) || DatesMatch(Date{Month: 3, Day: 7}, Date{1985, 3, 8}) {
		t.Error("a date without a year must compare month and day")
	}
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
