package web

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// NewPager: the first and last pages, two either side of the current one,
// gaps between, other query parameters kept.
func TestNewPager(t *testing.T) {
	r := httptest.NewRequest("GET", "/members?q=wang&page=10", nil)
	p := NewPager(r, 10, 50, 990) // 20 pages
	var got []string
	for _, l := range p.Links {
		switch {
		case l.Gap:
			got = append(got, "…")
		case l.Current:
			got = append(got, "["+strconv.Itoa(l.N)+"]")
		default:
			got = append(got, strconv.Itoa(l.N))
		}
	}
	if s := strings.Join(got, " "); s != "1 … 8 9 [10] 11 12 … 20" || p.Pages != 20 || p.Total != 990 {
		t.Fatalf("pages %q (%d of %d)", s, p.Pages, p.Total)
	}
	if p.Prev != "/members?page=9&q=wang" || p.Next != "/members?page=11&q=wang" || p.Links[0].Href != "/members?page=1&q=wang" {
		t.Fatalf("links %q %q %q", p.Prev, p.Next, p.Links[0].Href)
	}
	if one := NewPager(r, 1, 50, 0); one.Pages != 1 || len(one.Links) != 1 || one.Prev != "" || one.Next != "" {
		t.Fatalf("an empty list: %+v", one)
	}
}
