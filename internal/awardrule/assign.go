package awardrule

import (
	"math/rand/v2"
	"slices"
)

// Assignment is the result of Assign: for each nomination (by index) the
// experts (indexes) it goes to, and the nominations that cannot have K
// experts free of conflict (Infeasible, by index; nothing is relaxed for
// them: they get no expert at all).
type Assignment struct {
	Experts    [][]int
	Infeasible []int
	Loads      []int
}

// Assign gives each of n nominations k of m experts, never one for whom
// conflict(nomination, expert) is true. Loads are balanced: when a
// solution with every expert's count within 1 of the others' exists it is
// the one found (a flow with lower and upper bounds ⌊nk/m⌋…⌈nk/m⌉);
// otherwise the smallest upper bound that works. The same seed gives the
// same assignment.
func Assign(n, m, k int, conflict func(nom, expert int) bool, seed uint64) Assignment {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	free := make([][]int, n)
	var out Assignment
	out.Experts = make([][]int, n)
	out.Loads = make([]int, m)
	var ok []int
	for i := range n {
		for e := range m {
			if !conflict(i, e) {
				free[i] = append(free[i], e)
			}
		}
		if len(free[i]) < k {
			out.Infeasible = append(out.Infeasible, i)
		} else {
			ok = append(ok, i)
		}
		rng.Shuffle(len(free[i]), func(a, b int) { free[i][a], free[i][b] = free[i][b], free[i][a] })
	}
	if k <= 0 || m == 0 || len(ok) == 0 {
		return out
	}
	rng.Shuffle(len(ok), func(a, b int) { ok[a], ok[b] = ok[b], ok[a] })
	slots := len(ok) * k
	lo, hi := slots/m, (slots+m-1)/m
	for ; ; hi++ {
		if res, done := flow(ok, free, m, k, lo, hi); done {
			for idx, es := range res {
				out.Experts[ok[idx]] = es
				for _, e := range es {
					out.Loads[e]++
				}
			}
			break
		}
		lo = 0 // within 1 is impossible: only bound the highest load
		if hi > slots {
			break // cannot happen: every nomination has k free experts
		}
	}
	for i := range out.Experts {
		slices.Sort(out.Experts[i])
	}
	return out
}

// flow solves the assignment as a circulation with bounds: source →
// nomination exactly k, nomination → free expert at most 1, expert → sink
// between lo and hi.
func flow(noms []int, free [][]int, m, k, lo, hi int) ([][]int, bool) {
	n := len(noms)
	// nodes: 0 S, 1 T, 2 S', 3 T', noms 4…4+n-1, experts 4+n…
	g := newGraph(4 + n + m)
	const S, T, SS, TT = 0, 1, 2, 3
	nomEdges := make([][]int, n)
	for idx, i := range noms {
		u := 4 + idx
		// S → u with lower = upper = k
		g.add(SS, u, k)
		g.add(S, TT, k)
		for _, e := range free[i] {
			nomEdges[idx] = append(nomEdges[idx], g.add(u, 4+n+e, 1))
		}
	}
	need := n * k
	for e := range m {
		v := 4 + n + e
		g.add(v, T, hi-lo)
		if lo > 0 {
			g.add(SS, T, lo)
			g.add(v, TT, lo)
			need += lo
		}
	}
	g.add(T, S, 1<<30)
	if g.maxflow(SS, TT) != need {
		return nil, false
	}
	res := make([][]int, n)
	for idx := range noms {
		for _, ei := range nomEdges[idx] {
			if g.cap[ei] == 0 { // saturated: used
				res[idx] = append(res[idx], g.to[ei]-4-n)
			}
		}
	}
	return res, true
}

// graph is Dinic's max flow on adjacency arrays.
type graph struct {
	head, next, to, cap []int
	level, it           []int
}

func newGraph(nodes int) *graph {
	g := &graph{head: make([]int, nodes), level: make([]int, nodes), it: make([]int, nodes)}
	for i := range g.head {
		g.head[i] = -1
	}
	return g
}

// add adds u → v with capacity c and its reverse; it returns the edge.
func (g *graph) add(u, v, c int) int {
	e := len(g.to)
	g.to = append(g.to, v, u)
	g.cap = append(g.cap, c, 0)
	g.next = append(g.next, g.head[u], g.head[v])
	g.head[u], g.head[v] = e, e+1
	return e
}

func (g *graph) maxflow(s, t int) int {
	total := 0
	queue := make([]int, 0, len(g.head))
	for {
		for i := range g.level {
			g.level[i] = -1
		}
		g.level[s] = 0
		queue = append(queue[:0], s)
		for q := 0; q < len(queue); q++ {
			u := queue[q]
			for e := g.head[u]; e >= 0; e = g.next[e] {
				if g.cap[e] > 0 && g.level[g.to[e]] < 0 {
					g.level[g.to[e]] = g.level[u] + 1
					queue = append(queue, g.to[e])
				}
			}
		}
		if g.level[t] < 0 {
			return total
		}
		copy(g.it, g.head)
		for {
			f := g.push(s, t, 1<<30)
			if f == 0 {
				break
			}
			total += f
		}
	}
}

// push finds one augmenting path in the level graph, iteratively.
func (g *graph) push(s, t, limit int) int {
	var path []int // edges
	u := s
	for {
		if u == t {
			f := limit
			for _, e := range path {
				f = min(f, g.cap[e])
			}
			for _, e := range path {
				g.cap[e] -= f
				g.cap[e^1] += f
			}
			return f
		}
		advanced := false
		for ; g.it[u] >= 0; g.it[u] = g.next[g.it[u]] {
			e := g.it[u]
			if v := g.to[e]; g.cap[e] > 0 && g.level[v] == g.level[u]+1 {
				path = append(path, e)
				u = v
				advanced = true
				break
			}
		}
		if !advanced {
			if u == s {
				return 0
			}
			g.level[u] = -1 // dead end
			last := path[len(path)-1]
			path = path[:len(path)-1]
			u = g.to[last^1]
			g.it[u] = g.next[g.it[u]]
		}
	}
}
