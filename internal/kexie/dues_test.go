package kexie

import "testing"

func TestStandardInForceBoundaries(t *testing.T) {
	std := func(id int64, typ MemberType, from string, fen int64) DuesStandard {
		return DuesStandard{ID: id, Type: typ, EffectiveFrom: from, AmountFen: fen, Period: "year"}
	}
	// Listed out of order on purpose: the rule must not depend on it.
	all := []DuesStandard{
		std(3, "individual", "2026-01-01", 8000),
		std(1, "individual", "2020-01-01", 5000),
		std(2, "student", "2020-01-01", 2000),
		std(4, "individual", "2024-07-01", 6000),
	}
	cases := []struct {
		name   string
		typ    MemberType
		on     string
		wantID int64 // 0: no standard
	}{
		{"before the first standard: none", "individual", "2019-12-31", 0},
		{"the first standard's effective day itself", "individual", "2020-01-01", 1},
		{"the day before a change: the old standard", "individual", "2024-06-30", 1},
		{"the change's effective day: the new standard", "individual", "2024-07-01", 4},
		{"the day before the latest change", "individual", "2025-12-31", 4},
		{"the latest change's effective day", "individual", "2026-01-01", 3},
		{"long after: the latest", "individual", "2099-01-01", 3},
		{"another type has its own history", "student", "2026-06-30", 2},
		{"a type without standards: none", "unit", "2026-06-30", 0},
	}
	for _, c := range cases {
		got, ok := StandardInForce(all, c.typ, d(c.on))
		if c.wantID == 0 {
			if ok {
				t.Errorf("%s: got standard %d, want none", c.name, got.ID)
			}
			continue
		}
		if !ok || got.ID != c.wantID {
			t.Errorf("%s: got %d (found %v), want %d", c.name, got.ID, ok, c.wantID)
		}
	}
	// A time of day does not move the boundary.
	if got, ok := StandardInForce(all, "individual", d("2024-07-01").Add(23*3600e9)); !ok || got.ID != 4 {
		t.Errorf("late on the effective day: %d %v", got.ID, ok)
	}
	if _, ok := StandardInForce(nil, "individual", d("2026-01-01")); ok {
		t.Error("no standards at all, yet one in force")
	}
}

func TestDuesPeriodAndYuan(t *testing.T) {
	for in, want := range map[string]string{"": "year", "Year": "year", " month ": "month", "half_year": "half_year"} {
		if got, err := ParseDuesPeriod(in); err != nil || got != want {
			t.Errorf("period %q: %q %v", in, got, err)
		}
	}
	if _, err := ParseDuesPeriod("decade"); err == nil {
		t.Error("an unknown period was accepted")
	}
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 50: "0.50", 5000: "50.00", 5050: "50.50", 200000: "2000.00", 123456789: "1234567.89"} {
		if got := FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
