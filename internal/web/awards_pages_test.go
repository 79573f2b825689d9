package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// page gets a page by name's client and checks its status.
func (w *awardsWorld) page(t *testing.T, who, path string, status int) string {
	t.Helper()
	r := w.clients[who].get(path)
	if r.StatusCode != status {
		t.Fatalf("%s: GET %s: %d, want %d: %.500s", who, path, r.StatusCode, status, r.body)
	}
	return r.body
}

// form posts a form by name's client and checks its status.
func (w *awardsWorld) form(t *testing.T, who, path string, v url.Values, status int) resp {
	t.Helper()
	r := w.clients[who].post(path, v)
	if r.StatusCode != status {
		t.Fatalf("%s: POST %s: %d, want %d: %.800s", who, path, r.StatusCode, status, r.body)
	}
	return r
}

var idIn = regexp.MustCompile(`/award-(?:programmes|rounds)/(\d+)`)

// A round through the pages, in both languages: the secretary establishes
// a programme and opens a round, a unit nominates within its quota, the
// office checks, assigns, the experts declare and score (never seeing the
// nominee under anonymity), the office decides after a confirmation, the
// public reads the publicity and objects by real name, the office upholds
// it and announces; the nav leads to the awards.
func TestAwardsPages(t *testing.T) {
	eachAwards(t, func(t *testing.T, w *awardsWorld) {
		// The nav leads there, signed in or not.
		if body := w.page(t, "public", "/", http.StatusOK); !strings.Contains(body, `href="/awards/publicity"`) {
			t.Fatal("no awards in the public nav")
		}
		desk := w.page(t, "sec", "/awards", http.StatusOK)
		if !strings.Contains(desk, `href="/awards"`) || !strings.Contains(desk, "new-programme") {
			t.Fatal("the desk has no nav entry or no programme form")
		}
		r := w.form(t, "sec", "/award-programmes", url.Values{"org_code": {"A"}, "code": {"HLJ-YOUTH"}, "name_zh": {"黑龙江青年科技奖"}, "name_en": {"Heilongjiang Youth S&T Award"},
			"bodies": {"中共黑龙江省委组织部\n黑龙江省人事厅\n黑龙江省科协"}, "cycle_years": {"2"}, "total_cap": {"30"},
			"grades": {"first | 一等奖 | First prize | 15%\nsecond | 二等奖 | Second prize |"}, "max_age": {"39"}, "age_on": {"12-31"}, "uniqueness": {"lifetime"},
			"form": {"innovation | 创新 | Innovation | 2 | 10\nimpact | 影响 | Impact | 1 | 10"}}, http.StatusSeeOther)
		m := idIn.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("created at %q", r.Header.Get("Location"))
		}
		prog := m[1]
		body := w.page(t, "sec", "/award-programmes/"+prog, http.StatusOK)
		if !strings.Contains(body, "15.00%") || !strings.Contains(body, "黑龙江省人事厅") {
			t.Fatalf("programme page: %s", body)
		}
		for name, employer := range map[string]string{"expert1": "哈尔滨工业大学", "expert2": "东北林业大学", "expert3": "黑龙江大学"} {
			w.form(t, "sec", "/award-programmes/"+prog+"/experts", url.Values{"name": {"专家" + name}, "employer": {employer},
				"user_id": {fmt.Sprint(w.users[name].ID)}}, http.StatusSeeOther)
		}
		r = w.form(t, "sec", "/award-programmes/"+prog+"/rounds", url.Values{"year": {"2025"}, "nominate_from": {"2025-03-01"}, "nominate_to": {"2025-04-30"},
			"publicity_days": {"7"}, "experts_per": {"2"}, "hide_nominee": {"1"}, "units": {"A1 1\nB 1"}}, http.StatusSeeOther)
		round := "/award-rounds/" + idIn.FindStringSubmatch(r.Header.Get("Location"))[1]

		// The office changes the quotas while nominations are open.
		w.form(t, "sec", round+"/units", url.Values{"units": {"A1 1\nB 2"}}, http.StatusSeeOther)
		if body := w.page(t, "staffb", round, http.StatusOK); !strings.Contains(body, "<td>2</td>") {
			t.Fatalf("B's quota after the change: %s", body)
		}
		w.form(t, "sec", round+"/units", url.Values{"units": {"NOPE 1"}}, http.StatusBadRequest)
		// The unit's page: its own quota, the form; a nomination; the quota used.
		body = w.page(t, "staffa1", round, http.StatusOK)
		if !strings.Contains(body, "nominate-form") || strings.Contains(body, ">B<") {
			t.Fatalf("the unit's page: %s", body)
		}
		w.page(t, "expert1", round, http.StatusNotFound)
		nominee := func(unit, name, id, employer string) url.Values {
			return url.Values{"unit_code": {unit}, "name": {name}, "birth_date": {"1990-01-01"}, "id_number": {id}, "employer": {employer},
				"field": {"engineering"}, "region": {"230100"}, "summary": {"简介"}, "achievements": {"成果与贡献"}}
		}
		w.form(t, "staffa1", round+"/nominations", nominee("A1", "张三", "230102199001011234", "哈尔滨工业大学"), http.StatusSeeOther)
		w.form(t, "staffa1", round+"/nominations", nominee("A1", "赵六", "230102199004041234", "x"), http.StatusConflict)
		w.form(t, "staffb", round+"/nominations", nominee("B", "李四", "230102199002021234", "中科院"), http.StatusSeeOther)
		// Another unit's staff learn nothing of the form, however wrong it is.
		bad := nominee("A1", "王五", "230102199003031234", "x")
		bad.Set("birth_date", "not a date")
		w.form(t, "staffb", round+"/nominations", bad, http.StatusNotFound)
		body = w.page(t, "staffa1", round, http.StatusOK)
		if strings.Contains(body, "nominate-form") || !strings.Contains(body, "230102************") || strings.Contains(body, "李四") {
			t.Fatalf("after the quota: %s", body)
		}
		if !strings.Contains(w.page(t, "sec", round, http.StatusOK), "2 in all") && !strings.Contains(w.page(t, "sec", round, http.StatusOK), "共2项") {
			t.Fatal("no total of nominations")
		}

		// Check, assignment.
		w.at("2025-05-02")
		w.form(t, "sec", round+"/stage", nil, http.StatusSeeOther)
		body = w.page(t, "sec", round, http.StatusOK)
		checked := map[string]bool{}
		for _, id := range regexp.MustCompile(`/award-nominations/(\d+)/check`).FindAllStringSubmatch(body, -1) {
			if !checked[id[1]] {
				checked[id[1]] = true
				w.form(t, "sec", "/award-nominations/"+id[1]+"/check", url.Values{"accept": {"1"}}, http.StatusSeeOther)
			}
		}
		// The review in two stages, the second a panel on a council meeting
		// the chair runs (the secretary may not put it there).
		lines := fmt.Sprintf("written | 书面评审 | Written review\npanel | 评审会 | Panel | %d", panelMeeting(t, w.e, 3))
		w.form(t, "sec", round+"/stages", url.Values{"stages": {lines}}, http.StatusNotFound)
		w.form(t, "chair", round+"/stages", url.Values{"stages": {lines}}, http.StatusSeeOther)
		if body := w.page(t, "sec", round, http.StatusOK); !strings.Contains(body, `id="review-stages"`) || !strings.Contains(body, "评审会") {
			t.Fatalf("the stages: %s", body)
		}
		w.form(t, "sec", round+"/stage", nil, http.StatusSeeOther)
		if body = w.form(t, "sec", round+"/assignment", url.Values{"seed": {"3"}}, http.StatusOK).body; !strings.Contains(body, "assign-result") {
			t.Fatalf("assignment: %s", body)
		}

		// A conflict pinned by the office, with its reason.
		body = w.page(t, "sec", round, http.StatusOK)
		// expert1 and 张三 share an employer: pinning holds no assignment up.
		ex := regexp.MustCompile(`<option value="(\d+)">专家expert1 · `).FindStringSubmatch(body)
		nm := regexp.MustCompile(`<option value="(\d+)">张三 · `).FindStringSubmatch(body)
		if ex == nil || nm == nil {
			t.Fatalf("no conflict form: %s", body)
		}
		w.form(t, "sec", round+"/conflicts", url.Values{"expert_id": {ex[1]}, "nomination_id": {nm[1]}, "mode": {"pinned"}, "reason": {""}}, http.StatusBadRequest)
		w.form(t, "sec", round+"/conflicts", url.Values{"expert_id": {ex[1]}, "nomination_id": {nm[1]}, "mode": {"pinned"}, "reason": {"同一课题组"}}, http.StatusSeeOther)

		// The experts: declaration first, then the materials without the
		// nominee's name, then the scores.
		for _, name := range []string{"expert1", "expert2", "expert3"} {
			list := w.page(t, name, "/my/reviews", http.StatusOK)
			for _, id := range regexp.MustCompile(`/my/reviews/(\d+)`).FindAllStringSubmatch(list, -1) {
				path := "/my/reviews/" + id[1]
				if body := w.page(t, name, path, http.StatusOK); strings.Contains(body, "成果与贡献") || !strings.Contains(body, "declare-none") {
					t.Fatalf("before the declaration: %s", body)
				}
				w.form(t, name, path+"/declaration", url.Values{"conflict": {"0"}}, http.StatusSeeOther)
				body := w.page(t, name, path, http.StatusOK)
				for _, secret := range []string{"张三", "李四", "哈尔滨工业大学", "中科院", "专家expert"} {
					if strings.Contains(body, secret) {
						t.Fatalf("%s sees %q: %s", name, secret, body)
					}
				}
				other := map[string]string{"expert1": "expert2", "expert2": "expert3", "expert3": "expert1"}[name]
				w.form(t, other, path+"/scores", url.Values{"score_innovation": {"x"}}, http.StatusNotFound)
				w.form(t, name, path+"/scores", url.Values{"score_innovation": {"8"}, "score_impact": {"7"}}, http.StatusSeeOther)
			}
		}

		// On to the panel: its page, then each nomination put to the vote
		// and closed with the clerk's count.
		w.form(t, "sec", round+"/stage", nil, http.StatusConflict)
		w.form(t, "sec", round+"/review-stage", url.Values{"by": {"top"}, "top": {"2"}}, http.StatusSeeOther)
		if body := w.page(t, "chair", round+"/panel", http.StatusOK); !strings.Contains(body, "张三") || !strings.Contains(body, "专家expert") {
			t.Fatalf("the panel's page: %s", body)
		}
		w.page(t, "staffa1", round+"/panel", http.StatusNotFound)
		body = w.page(t, "chair", round, http.StatusOK)
		opens := regexp.MustCompile(`id="panel-open-(\d+)"`).FindAllStringSubmatch(body, -1)
		if len(opens) != 2 {
			t.Fatalf("the panel's vote forms: %s", body)
		}
		for _, o := range opens {
			vote := "/award-nominations/" + o[1] + "/panel-vote"
			w.form(t, "chair", vote, url.Values{"do": {"open"}, "counted_by": {"clerk"}}, http.StatusSeeOther)
			w.form(t, "chair", vote, url.Values{"do": {"close"}, "yes": {"3"}, "no": {"0"}}, http.StatusSeeOther)
		}
		if body := w.page(t, "sec", round, http.StatusOK); !strings.Contains(body, "通过 · 3") && !strings.Contains(body, "passed · 3") {
			t.Fatalf("the panel's outcome: %s", body)
		}

		// Decision, behind a confirmation.
		w.form(t, "sec", round+"/stage", nil, http.StatusSeeOther)
		body = w.page(t, "sec", round, http.StatusOK)
		if !strings.Contains(body, `details class="confirm" id="decide"`) {
			t.Fatal("no confirmation before the decision")
		}
		v := url.Values{"resolution": {"第3次常委会决议"}}
		for _, g := range regexp.MustCompile(`name="(grade_\d+)"`).FindAllStringSubmatch(body, -1) {
			v.Set(g[1], "second")
		}
		w.at("2025-06-01")
		w.form(t, "sec", round+"/decision", v, http.StatusSeeOther)

		// The public page, in both languages; an objection by real name.
		pub := w.page(t, "public", "/awards/publicity", http.StatusOK)
		if !strings.Contains(pub, round+"/publicity") {
			t.Fatalf("the public list: %s", pub)
		}
		body = w.page(t, "public", round+"/publicity", http.StatusOK)
		if !strings.Contains(body, "张三") || !strings.Contains(body, "objection-form") || strings.Contains(body, "1990") {
			t.Fatalf("publicity: %s", body)
		}
		w.clients["public"].lang = "en"
		if body := w.page(t, "public", round+"/publicity", http.StatusOK); !strings.Contains(body, "Second prize") || !strings.Contains(body, "Raise an objection") {
			t.Fatalf("publicity in English: %s", body)
		}
		nom := regexp.MustCompile(`data-nomination="(\d+)"`).FindAllStringSubmatch(body, -1)
		w.form(t, "public", round+"/objections", url.Values{"nomination_id": {nom[1][1]}, "kind": {"individual"}, "name": {""}, "contact": {"x"}, "text": {"造假"}}, http.StatusBadRequest)
		r = w.form(t, "public", round+"/objections", url.Values{"nomination_id": {nom[1][1]}, "kind": {"individual"}, "name": {"举报人"}, "id_number": {"230102198001011234"},
			"contact": {"13800000000"}, "text": {"论文造假"}}, http.StatusOK)
		if !strings.Contains(r.body, "objection-received") {
			t.Fatalf("no receipt: %s", r.body)
		}

		// The office: the objector's identity, masked; upheld behind a confirmation; announced.
		w.at("2025-06-08")
		body = w.page(t, "sec", round, http.StatusOK)
		if !strings.Contains(body, "举报人") || !strings.Contains(body, "230102************") || !strings.Contains(body, `id="announce"`) {
			t.Fatalf("the office's objections: %s", body)
		}
		if strings.Contains(w.page(t, "staffa1", round, http.StatusOK), "举报人") {
			t.Fatal("the unit sees the objector")
		}
		ob := regexp.MustCompile(`/award-objections/(\d+)/outcome`).FindStringSubmatch(body)
		w.form(t, "sec", ob[0], url.Values{"upheld": {"1"}, "reason": {"查实"}, "round": {strings.TrimPrefix(round, "/award-rounds/")}}, http.StatusSeeOther)
		w.form(t, "sec", round+"/announcement", nil, http.StatusSeeOther)
		body = w.page(t, "public", round+"/publicity", http.StatusOK)
		if strings.Count(body, "data-nomination=") != 1 || !strings.Contains(body, "已正式公布") {
			t.Fatalf("winners: %s", body)
		}
	})
}
