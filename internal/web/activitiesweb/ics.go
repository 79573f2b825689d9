package activitiesweb

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/activities"
)

// ICS writes activities as an iCalendar document (RFC 5545): one all-day
// event per activity, from its first day to the day after its last
// (DTEND is exclusive), its title in Chinese with the English after it,
// its place, its link, and CANCELLED for a cancelled one. Lines end in
// CRLF and are folded at 75 octets, never inside a UTF-8 character.
func ICS(as []activities.Activity, base string, now time.Time) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//kexie//activities//ZH")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeText("科协活动 Activities"))
	line("X-WR-TIMEZONE:Asia/Shanghai")
	stamp := now.UTC().Format("20060102T150405Z")
	for _, a := range as {
		zh, _ := a.Title("zh-Hans")
		en, _ := a.Title("en")
		summary := zh
		if en != zh {
			summary += " / " + en
		}
		line("BEGIN:VEVENT")
		line("UID:" + escapeText(a.Code) + "@kexie")
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + strings.ReplaceAll(a.Starts.String(), "-", ""))
		line("DTEND;VALUE=DATE:" + strings.ReplaceAll(a.Ends.AddDays(1).String(), "-", ""))
		line("SUMMARY:" + escapeText(summary))
		if t, _ := a.Theme("zh-Hans"); t != "" {
			line("DESCRIPTION:" + escapeText(t))
		}
		if place := strings.TrimSpace(a.Venue + " " + a.City); place != "" {
			line("LOCATION:" + escapeText(place))
		}
		line("URL:" + base + "/calendar/" + a.Code)
		if a.Status == activities.StatusCancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

// escapeText escapes an iCalendar TEXT value.
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it into lines of at most 75
// octets (each continuation starts with a space), at character
// boundaries.
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
