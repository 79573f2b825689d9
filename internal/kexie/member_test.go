package kexie

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLapseRuleBoundaries(t *testing.T) {
	base := LapseFacts{Type: "individual", Status: "active", Joined: d("2020-01-01"), YearsAllowed: 2}
	with := func(f func(*LapseFacts)) LapseFacts { c := base; f(&c); return c }
	cases := []struct {
		name string
		f    LapseFacts
		asOf string
		want string
	}{
		{"exactly N years since dues and activity: not a lapse", with(func(f *LapseFacts) { f.LastDues, f.LastActivity = d("2024-06-30"), d("2024-06-30") }), "2026-06-30", ""},
		{"one day more: both", with(func(f *LapseFacts) { f.LastDues, f.LastActivity = d("2024-06-29"), d("2024-06-29") }), "2026-06-30", LapseBoth},
		{"dues old, activity recent", with(func(f *LapseFacts) { f.LastDues, f.LastActivity = d("2024-06-29"), d("2026-01-01") }), "2026-06-30", LapseNoDues},
		{"activity old, dues recent", with(func(f *LapseFacts) { f.LastDues, f.LastActivity = d("2026-01-01"), d("2024-06-29") }), "2026-06-30", LapseNoParticipation},
		{"never paid nor took part: joining date counts", base, "2022-01-01", ""},
		{"never paid nor took part: a day later", base, "2022-01-02", LapseBoth},
		{"honorary members are exempt", with(func(f *LapseFacts) { f.Type = "honorary" }), "2030-01-01", ""},
		{"only active members lapse", with(func(f *LapseFacts) { f.Status = "withdrawn" }), "2030-01-01", ""},
		{"exemption until the day itself", with(func(f *LapseFacts) { f.ExemptUntil = d("2026-06-30") }), "2026-06-30", ""},
		{"exemption ended the day before", with(func(f *LapseFacts) { f.ExemptUntil = d("2026-06-29") }), "2026-06-30", LapseBoth},
		{"29 February: 2028-02-29 minus 2 years is 2026-02-28", with(func(f *LapseFacts) { f.LastDues, f.LastActivity = d("2026-02-28"), d("2026-02-28") }), "2028-02-29", ""},
		{"29 February, a day earlier", with(func(f *LapseFacts) { f.LastDues, f.LastActivity = d("2026-02-27"), d("2026-02-27") }), "2028-02-29", LapseBoth},
		{"N from the charter", with(func(f *LapseFacts) { f.YearsAllowed = 3; f.LastDues, f.LastActivity = d("2024-01-01"), d("2024-01-01") }), "2026-06-30", ""},
	}
	for _, c := range cases {
		if got := LapseReason(c.f, d(c.asOf)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPhones(t *testing.T) {
	for in, want := range map[string]string{"13812345678": "13812345678", "+86 138-1234-5678": "13812345678", "+85221234567": "+85221234567", "+86 10 1234 5678": "+861012345678", "": ""} {
		if got, err := NormalizePhone(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"12812345678", "1381234567", "010-12345678", "+0123456789", "phone"} {
		if _, err := NormalizePhone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
