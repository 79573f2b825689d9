package cli

import (
	"fmt"
	"strings"
	"time"
)

// progress draws a bar on standard error when it is a terminal, at most ten
// times a second; elsewhere (pipes, CI logs, tests) it draws nothing.
type progress struct {
	env   Env
	label string
	total int
	on    bool
	last  time.Time
}

func newProgress(env Env, label string, total int) *progress {
	return &progress{env: env, label: label, total: total, on: total > 0 && isTerminal(env.Stderr)}
}

func (p *progress) set(n int) {
	if !p.on || (n < p.total && time.Since(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := width * n / p.total
	fmt.Fprintf(p.env.Stderr, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("█", filled), strings.Repeat("·", width-filled), n, p.total)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.env.Stderr, "\r\033[K")
	}
}
