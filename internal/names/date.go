package names

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a date of birth that may be partly known: 0 marks an unknown year, month or
// day. A day is only meaningful with its month.
type Date struct {
	Year, Month, Day int
}

// ErrInvalidDate is wrapped by every error of ParseDate.
var ErrInvalidDate = errors.New("invalid date")

// IsZero reports whether nothing of the date is known.
func (d Date) IsZero() bool { return d == Date{} }

// String writes the date as ParseDate reads it: "1985", "1985-03" or "1985-03-07",
// and "" when the year is unknown.
func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// ParseDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD", with leading and trailing spaces
// ignored. "00" stands for an unknown month or day ("1985-00-00" is 1985), as case
// files often write it. The month must be 01–12 and the day must exist in that month
// (29 February only in a leap year).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	fail := func(format string, args ...any) (Date, error) {
		return Date{}, fmt.Errorf("%w %q: %s", ErrInvalidDate, s, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return fail("the date is empty; write YYYY, YYYY-MM or YYYY-MM-DD, or leave the field out")
	}
	parts := strings.Split(s, "-")
	want := [...]int{4, 2, 2}
	var v [3]int
	for i, p := range parts {
		if i >= len(want) || len(p) != want[i] || !allDigits(p) {
			return fail("write the date as YYYY, YYYY-MM or YYYY-MM-DD, for example 1985-03-07")
		}
		v[i], _ = strconv.Atoi(p)
	}
	d := Date{Year: v[0], Month: v[1], Day: v[2]}
	switch {
	case d.Year == 0:
		return fail("year 0000 does not exist; leave the date out if the year is unknown")
	case d.Month > 12:
		return fail("month %02d is not a month; write 01 to 12, or 00 if unknown", d.Month)
	case d.Month == 0 && d.Day != 0:
		return fail("the day is given without the month; write 00 for the day too, or give the month")
	case d.Day > daysIn(d.Year, d.Month):
		return fail("%s %d has %d days", time.Month(d.Month), d.Year, daysIn(d.Year, d.Month))
	}
	return d, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DatesMatch reports whether two dates of birth may belong to one person. Unknown
// parts match anything, and 1 January counts as "month and day unknown" because it
// is what registrations write when only the year is known. Beyond that, one slip is
// forgiven, but not two together:
//
//   - the year off by one (1984 and 1985), or
//   - day and month swapped (1985-03-07 and 1985-07-03; also when only one side has
//     the day: 1985-07 matches 1985-03-07).
func DatesMatch(a, b Date) bool {
	a, b = a.loose(), b.loose()
	slips := 0
	if a.Year != 0 && b.Year != 0 {
		switch a.Year - b.Year {
		case 0:
		case 1, -1:
			slips++
		default:
			return false
		}
	}
	md := monthDaySlips(a, b)
	return md >= 0 && slips+md <= 1
}

// loose forgets what is not really known: a day without its month, and 1 January.
func (d Date) loose() Date {
	if d.Month == 0 || d.Month == 1 && d.Day == 1 {
		d.Month, d.Day = 0, 0
	}
	return d
}

// monthDaySlips returns 0 when month and day agree (or are unknown), 1 when they agree
// once day and month are swapped, and -1 when they disagree.
func monthDaySlips(a, b Date) int {
	switch {
	case a.Month == 0 || b.Month == 0:
		return 0
	case a.Day == 0 || b.Day == 0:
		if a.Month == b.Month {
			return 0
		}
		if a.Month == b.Day || b.Month == a.Day {
			return 1
		}
		return -1
	case a.Month == b.Month && a.Day == b.Day:
		return 0
	case a.Month == b.Day && a.Day == b.Month:
		return 1
	}
	return -1
}
