package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
	"github.com/xuri/excelize/v2"
)

// awardsWorld is a server on a database whose clock the test moves, with
// an award secretary at A, staff at A1 and B, and three experts.
type awardsWorld struct {
	e       *env
	now     *time.Time
	clients map[string]*client
	users   map[string]kexie.User
	router  routers.Router
}

func beijingNoon(s string) time.Time {
	d, err := kexie.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d.Start().Add(12 * time.Hour)
}

// panelMeeting is a meeting of a council of A with n members, all
// present: the award panel.
func panelMeeting(t *testing.T, e *env, n int) int64 {
	t.Helper()
	var rows []kexie.MemberRecord
	for i := range n {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("PNL%02d", i), OrgCode: e.a.Code, Type: "individual",
			Name: fmt.Sprintf("委员%d", i+1), Employer: fmt.Sprintf("某研究所%d", i+1), Status: "active", Joined: "2020-01-01"})
	}
	_, err := e.db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	dbtest.Must(t, err)
	body, err := e.db.Governance.CreateBody(ctx, dbtest.Admin, e.a.ID, charter.Council, "评审委员会", "Award panel")
	dbtest.Must(t, err)
	term, err := e.db.Governance.StartTerm(ctx, dbtest.Admin, body.ID, 1, "2025-01-01")
	dbtest.Must(t, err)
	var att []governance.Presence
	for i := range n {
		m, err := e.db.Membership.MemberByNo(ctx, e.a.ID, fmt.Sprintf("PNL%02d", i))
		dbtest.Must(t, err)
		seat, err := e.db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2025-01-01"})
		dbtest.Must(t, err)
		att = append(att, governance.Presence{SeatID: seat, Status: charter.Present})
	}
	meeting, err := e.db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2025-05-20"})
	dbtest.Must(t, err)
	dbtest.Must(t, e.db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, att))
	return meeting
}

func eachAwards(t *testing.T, fn func(t *testing.T, w *awardsWorld)) {
	now := beijingNoon("2025-03-10")
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return now }}, func(t *testing.T, db *dbtest.DB) {
		now = beijingNoon("2025-03-10")
		cfg := web.DefaultConfig()
		cfg.Sealer = testSealer
		e := newEnvWith(t, db, cfg)
		w := &awardsWorld{e: e, now: &now, clients: map[string]*client{}, users: map[string]kexie.User{}}
		for _, u := range []struct {
			name string
			role kexie.Role
			org  kexie.Organisation
		}{{"sec", kexie.RoleAwardSecretary, e.a}, {"sec2", kexie.RoleAwardSecretary, e.a}, {"staffa1", kexie.RoleStaff, e.a1},
			{"staffb", kexie.RoleStaff, e.b}, {"expert1", kexie.RoleReviewer, e.a}, {"expert2", kexie.RoleReviewer, e.a}, {"expert3", kexie.RoleReviewer, e.a},
			{"chair", kexie.RoleAwardSecretary, e.a}} {
			w.users[u.name] = e.user(u.name, u.role, u.org)
		}
		// The chair runs the awards and the governance of A: the panel's
		// meetings are theirs.
		dbtest.Must(t, db.Access.GrantRole(ctx, dbtest.Admin, w.users["chair"].ID, e.a.ID, kexie.RoleStaff))
		w.login()
		_, w.router = loadDoc(t, e)
		fn(t, w)
	})
}

// at moves the clock to noon of day (Beijing) and signs everyone in again.
func (w *awardsWorld) at(day string) {
	*w.now = beijingNoon(day)
	w.login()
}

func (w *awardsWorld) login() {
	for name := range w.users {
		c := w.e.client()
		c.mustLogin(name)
		w.clients[name] = c
	}
	w.clients["public"] = w.e.client()
}

// call is an API call by name's client, checked for its status; the body
// is decoded into out when given.
func (w *awardsWorld) call(t *testing.T, who, method, path string, body any, status int, out any) resp {
	t.Helper()
	r := w.clients[who].api(method, path, "", body)
	if r.StatusCode != status {
		t.Fatalf("%s: %s %s: status %d, want %d; body %.600s", who, method, path, r.StatusCode, status, r.body)
	}
	// Every request and answer as the OpenAPI document states them.
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req := r.Request.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(raw))
	route, params, err := w.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: not in the document: %v", method, path, err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if len(raw) > 0 && r.StatusCode < 400 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s %s: request does not match the document: %v", method, path, err)
		}
	}
	vo := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.StatusCode, Header: r.Header, Options: opts}
	vo.SetBodyBytes([]byte(r.body))
	if err := openapi3filter.ValidateResponse(ctx, vo); err != nil {
		t.Errorf("%s %s → %d: answer does not match the document: %v\n%s", method, path, r.StatusCode, err, r.body)
	}
	if out != nil {
		r.json(t, out)
	}
	return r
}

type nomJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	IDMasked    string `json:"id_masked"`
	IDNumber    string `json:"id_number"`
	Status      string `json:"status"`
	CheckReason string `json:"check_reason"`
	UnitCode    string `json:"unit_code"`
}

// A round played end to end over HTTP: the programme and round by the
// award secretary, nominations by the units within their quotas, the
// formal check, the assignment that never gives an expert a conflicted
// nomination, declarations and scores under anonymity, the ranking with a
// conflicted secretary's view withheld, the decision within the caps, the
// public publicity with real-name objections, the announcement. The review
// has two stages: the experts' written review, then a panel — a council
// meeting of A — voting on each nomination under the charter's rule.
func TestAwardsRoundOverHTTP(t *testing.T) {
	eachAwards(t, func(t *testing.T, w *awardsWorld) {
		e := w.e
		var prog struct {
			ID     int64 `json:"id"`
			Code   string
			Grades []struct {
				Code string `json:"code"`
				Cap  struct {
					Share *struct{ Num, Den int64 } `json:"share"`
				} `json:"cap"`
			} `json:"grades"`
			Bodies []struct {
				OrgID int64  `json:"org_id"`
				Name  string `json:"name"`
			} `json:"bodies"`
		}
		w.call(t, "sec", "POST", "/api/v1/award-programmes", map[string]any{"org_code": "A", "code": "HLJ-YOUTH", "name_zh": "黑龙江青年科技奖",
			"name_en": "Heilongjiang Youth S&T Award", "cycle_years": 2, "total_cap": 30,
			"bodies": []map[string]any{{"name": "中共黑龙江省委组织部"}, {"name": "黑龙江省人事厅"}, {"org_code": "A"}},
			"grades": []map[string]any{{"code": "first", "name_zh": "一等奖", "name_en": "First prize", "cap": map[string]any{"share": map[string]any{"num": 15, "den": 100}}},
				{"code": "second", "name_zh": "二等奖", "name_en": "Second prize"}},
			"eligibility": map[string]any{"max_age": 39, "age_on": "12-31"},
			"form":        []map[string]any{{"code": "innovation", "name_zh": "创新", "name_en": "Innovation", "weight": 2, "max": 10}, {"code": "impact", "name_zh": "影响", "name_en": "Impact", "weight": 1, "max": 10}},
		}, http.StatusCreated, &prog)
		if len(prog.Grades) != 2 || prog.Grades[0].Cap.Share == nil || prog.Grades[0].Cap.Share.Num != 15 || len(prog.Bodies) != 3 || prog.Bodies[2].OrgID != e.a.ID {
			t.Fatalf("programme %+v", prog)
		}
		// Only the award office of A runs it.
		w.call(t, "staffa1", "POST", "/api/v1/award-programmes", map[string]any{"org_code": "A", "code": "X"}, http.StatusForbidden, nil)
		w.call(t, "sec", "POST", "/api/v1/award-programmes", map[string]any{"org_code": "B", "code": "X"}, http.StatusNotFound, nil)

		var rd struct {
			ID    int64  `json:"id"`
			Stage string `json:"stage"`
			Units []struct {
				Code  string `json:"org_code"`
				Quota int    `json:"quota"`
				Used  int    `json:"used"`
			} `json:"units"`
		}
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-programmes/%d/rounds", prog.ID), map[string]any{"year": 2025, "nominate_from": "2025-03-01",
			"nominate_to": "2025-04-30", "publicity_days": 7, "experts_per": 2, "hide_nominee": true,
			"units": []map[string]any{{"org_code": "A1", "quota": 2}, {"org_code": "B", "quota": 2}}}, http.StatusCreated, &rd)
		if rd.Stage != "nomination" || len(rd.Units) != 2 {
			t.Fatalf("round %+v", rd)
		}
		round := fmt.Sprintf("/api/v1/award-rounds/%d", rd.ID)
		experts := map[string]int64{}
		for name, employer := range map[string]string{"expert1": "哈尔滨工业大学", "expert2": "东北林业大学", "expert3": "黑龙江大学"} {
			var x struct {
				ID       int64  `json:"id"`
				IDNumber string `json:"id_number"`
			}
			w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-programmes/%d/experts", prog.ID), map[string]any{"user_id": w.users[name].ID, "name": "专家" + name,
				"employer": employer, "id_number": "23010219700101" + fmt.Sprint(1000+len(experts))}, http.StatusCreated, &x)
			if x.IDNumber != "" {
				t.Fatal("the expert's identity number came back")
			}
			experts[name] = x.ID
		}

		// A unit's staff see the round with their own unit only.
		var mine struct {
			Rounds []struct {
				ID    int64 `json:"id"`
				Units []struct {
					Code string `json:"org_code"`
				} `json:"units"`
				Manage bool `json:"manage"`
			} `json:"rounds"`
		}
		w.call(t, "staffa1", "GET", "/api/v1/award-rounds", nil, http.StatusOK, &mine)
		if len(mine.Rounds) != 1 || len(mine.Rounds[0].Units) != 1 || mine.Rounds[0].Units[0].Code != "A1" || mine.Rounds[0].Manage {
			t.Fatalf("staff of A1 see %+v", mine)
		}
		w.call(t, "expert1", "GET", round, nil, http.StatusNotFound, nil)

		nominee := func(unit, name, id, employer string) map[string]any {
			return map[string]any{"unit_code": unit, "name": name, "id_number": id, "birth_date": id[6:10] + "-" + id[10:12] + "-" + id[12:14], "employer": employer, "field": "engineering",
				"region": "230100", "achievements": "成果与贡献，编号" + id[14:], "summary": "简介：" + name}
		}
		var n1, n2, n3 nomJSON
		r := w.call(t, "staffa1", "POST", round+"/nominations", nominee("A1", "张三", "230102199001011234", "哈尔滨工业大学"), http.StatusCreated, &n1)
		if n1.IDMasked != "230102************" || n1.IDNumber != "" || strings.Contains(r.body, "199001011234") {
			t.Fatalf("the nomination shows the identity number: %s", r.body)
		}
		w.call(t, "staffa1", "POST", round+"/nominations", nominee("A1", "李四", "230102199002021234", "中科院"), http.StatusCreated, &n2)
		// Attachments: PDF files, by the unit.
		pdfFile := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"))
		var att struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
			Size int    `json:"size"`
		}
		w.call(t, "staffa1", "POST", fmt.Sprintf("/api/v1/award-nominations/%d/attachments", n1.ID), map[string]any{"name": "张三的论文.pdf", "content": pdfFile},
			http.StatusCreated, &att)
		w.call(t, "staffa1", "POST", fmt.Sprintf("/api/v1/award-nominations/%d/attachments", n1.ID), map[string]any{"name": "x.exe",
			"content": base64.StdEncoding.EncodeToString([]byte("MZ..."))}, http.StatusBadRequest, nil)
		w.call(t, "staffb", "POST", fmt.Sprintf("/api/v1/award-nominations/%d/attachments", n1.ID), map[string]any{"name": "x.pdf", "content": pdfFile},
			http.StatusNotFound, nil)
		var atts struct {
			Attachments []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"attachments"`
		}
		w.call(t, "staffa1", "GET", fmt.Sprintf("/api/v1/award-nominations/%d/attachments", n1.ID), nil, http.StatusOK, &atts)
		if len(atts.Attachments) != 1 || atts.Attachments[0].Name != "张三的论文.pdf" || att.Size == 0 {
			t.Fatalf("the unit's attachments %+v", atts)
		}
		w.call(t, "staffb", "GET", fmt.Sprintf("/api/v1/award-nominations/%d/attachments", n1.ID), nil, http.StatusNotFound, nil)
		w.call(t, "staffa1", "POST", round+"/nominations", nominee("A1", "赵六", "230102199004041234", "x"), http.StatusConflict, nil) // quota
		w.call(t, "staffb", "POST", round+"/nominations", nominee("A1", "赵六", "230102199004041234", "x"), http.StatusNotFound, nil)  // not B's unit
		w.call(t, "staffb", "POST", round+"/nominations", nominee("B", "老人", "230102198512311234", "x"), http.StatusBadRequest, nil) // 40 on 31 Dec
		w.call(t, "staffb", "POST", round+"/nominations", nominee("B", "王五", "230102199003031234", "大庆油田"), http.StatusCreated, &n3)
		var page struct {
			Nominations []nomJSON `json:"nominations"`
			Total       int       `json:"total"`
		}
		w.call(t, "staffb", "GET", round+"/nominations", nil, http.StatusOK, &page)
		if page.Total != 1 || page.Nominations[0].Name != "王五" {
			t.Fatalf("B's staff see %+v", page)
		}
		w.call(t, "sec", "GET", round+"/nominations?limit=2&offset=2", nil, http.StatusOK, &page)
		if page.Total != 3 || len(page.Nominations) != 1 {
			t.Fatalf("the office's second page %+v", page)
		}
		w.call(t, "expert1", "GET", round+"/nominations", nil, http.StatusNotFound, nil)
		w.call(t, "staffb", "GET", fmt.Sprintf("/api/v1/award-nominations/%d", n1.ID), nil, http.StatusNotFound, nil)

		// The formal check.
		w.at("2025-05-02")
		w.call(t, "sec", "POST", round+"/stage", map[string]any{}, http.StatusOK, nil)
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-nominations/%d/check", n3.ID), map[string]any{"accept": false}, http.StatusBadRequest, nil)
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-nominations/%d/check", n3.ID), map[string]any{"accept": false, "reason": "材料不全"}, http.StatusOK, nil)
		for _, n := range []nomJSON{n1, n2} {
			w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-nominations/%d/check", n.ID), map[string]any{"accept": true}, http.StatusOK, nil)
		}
		var seen nomJSON
		w.call(t, "staffb", "GET", fmt.Sprintf("/api/v1/award-nominations/%d", n3.ID), nil, http.StatusOK, &seen)
		if seen.Status != "not_accepted" || seen.CheckReason != "材料不全" {
			t.Fatalf("the unit sees %+v", seen)
		}
		// Two review stages: the written review, then the panel on a meeting
		// of A's council, whose governance the chair runs (the secretary
		// does not: the panel is not theirs to set).
		meeting := panelMeeting(t, e, 3)
		stages := map[string]any{"stages": []map[string]any{{"kind": "written", "name_zh": "书面评审"}, {"kind": "panel", "name_zh": "评审会", "meeting_id": meeting}}}
		w.call(t, "sec", "POST", round+"/stages", stages, http.StatusNotFound, nil)
		var stg struct {
			ReviewStage int `json:"review_stage"`
			Stages      []struct {
				Kind string `json:"kind"`
			} `json:"stages"`
		}
		w.call(t, "chair", "POST", round+"/stages", stages, http.StatusOK, &stg)
		if stg.ReviewStage != 1 || len(stg.Stages) != 2 || stg.Stages[1].Kind != "panel" {
			t.Fatalf("stages %+v", stg)
		}
		var st struct{ Stage string }
		w.call(t, "sec", "POST", round+"/stage", map[string]any{}, http.StatusOK, &st)
		if st.Stage != "review" {
			t.Fatalf("stage %q", st.Stage)
		}

		// Assignment: expert1 works where 张三 works.
		var asg struct {
			Assigned   int            `json:"assigned"`
			Loads      map[string]int `json:"loads"`
			Infeasible []int64        `json:"infeasible"`
		}
		w.call(t, "sec", "POST", round+"/assignment", map[string]any{"seed": 7}, http.StatusOK, &asg)
		if asg.Assigned != 4 || len(asg.Infeasible) != 0 || len(asg.Loads) != 3 {
			t.Fatalf("assignment %+v", asg)
		}
		w.call(t, "sec", "POST", round+"/assignment", map[string]any{"seed": 7}, http.StatusConflict, nil)

		// Reviews: what every expert is sent, all of it kept to check
		// anonymity at the end.
		type reviewJSON struct {
			ID           int64            `json:"id"`
			NominationID int64            `json:"nomination_id"`
			Status       string           `json:"status"`
			Anonymous    bool             `json:"anonymous"`
			Name         string           `json:"name"`
			Achievements string           `json:"achievements"`
			Scores       map[string]int64 `json:"scores"`
		}
		var sent []string
		assignedTo := map[int64]int{}
		for i, name := range []string{"expert1", "expert2", "expert3"} {
			var list struct {
				Reviews []reviewJSON `json:"reviews"`
			}
			sent = append(sent, w.call(t, name, "GET", "/api/v1/award-reviews", nil, http.StatusOK, &list).body)
			for _, v := range list.Reviews {
				assignedTo[v.NominationID]++
				if name == "expert1" && v.NominationID == n1.ID {
					t.Fatal("expert1 was given a nomination from their own employer")
				}
				if v.Achievements != "" || !v.Anonymous {
					t.Fatalf("materials before the declaration: %+v", v)
				}
				path := fmt.Sprintf("/api/v1/award-reviews/%d", v.ID)
				// Nobody else reaches this assignment, the office included.
				w.call(t, []string{"expert2", "expert3", "expert1"}[i], "GET", path, nil, http.StatusNotFound, nil)
				w.call(t, "sec", "GET", path, nil, http.StatusForbidden, nil)
				w.call(t, name, "POST", path+"/scores", map[string]any{"scores": map[string]int64{"innovation": 9, "impact": 9}}, http.StatusConflict, nil)
				attPath := fmt.Sprintf("/api/v1/award-nominations/%d/attachments", v.NominationID)
				w.call(t, name, "GET", attPath, nil, http.StatusNotFound, nil) // not before the declaration
				var after reviewJSON
				sent = append(sent, w.call(t, name, "POST", path+"/declaration", map[string]any{"conflict": false}, http.StatusOK, &after).body)
				sent = append(sent, w.call(t, name, "GET", attPath, nil, http.StatusOK, nil).body)
				if v.NominationID == n1.ID {
					f := w.clients[name].get(fmt.Sprintf("/award-attachments/%d", att.ID))
					if f.StatusCode != http.StatusOK || !strings.HasPrefix(f.body, "%PDF-") || strings.Contains(f.Header.Get("Content-Disposition"), url.PathEscape("张三")) {
						t.Fatalf("the expert's download: %d %q", f.StatusCode, f.Header.Get("Content-Disposition"))
					}
				}
				if after.Achievements == "" || after.Name != "" {
					t.Fatalf("after the declaration, anonymously: %+v", after)
				}
				score := int64(9 - i)
				if v.NominationID == n2.ID {
					score = 5
				}
				sent = append(sent, w.call(t, name, "POST", path+"/scores", map[string]any{"scores": map[string]int64{"innovation": score, "impact": score}},
					http.StatusOK, &after).body)
				if after.Scores["innovation"] != score {
					t.Fatalf("scores %+v", after)
				}
				sent = append(sent, w.call(t, name, "GET", path, nil, http.StatusOK, nil).body)
			}
			if name == "expert1" {
				// Not assigned to 张三 (same employer): neither his files' list nor a file.
				w.call(t, name, "GET", fmt.Sprintf("/api/v1/award-nominations/%d/attachments", n1.ID), nil, http.StatusNotFound, nil)
				if f := w.clients[name].get(fmt.Sprintf("/award-attachments/%d", att.ID)); f.StatusCode != http.StatusNotFound {
					t.Fatalf("a conflicted expert downloads: %d", f.StatusCode)
				}
			}
			// An expert sees no nomination, round or ranking.
			w.call(t, name, "GET", fmt.Sprintf("/api/v1/award-nominations/%d", n2.ID), nil, http.StatusNotFound, nil)
			w.call(t, name, "GET", round+"/ranking", nil, http.StatusForbidden, nil)
		}
		if assignedTo[n1.ID] != 2 || assignedTo[n2.ID] != 2 {
			t.Fatalf("assigned %+v", assignedTo)
		}
		for _, body := range sent {
			for _, secret := range []string{"张三", "李四", "哈尔滨工业大学", "中科院", "A1", "专家", "1990"} {
				if strings.Contains(body, secret) {
					t.Fatalf("an expert was sent %q: %s", secret, body)
				}
			}
		}

		// A second secretary who is an expert of the pool at 张三's employer:
		// the ranking withholds 张三's scores from them.
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-programmes/%d/experts", prog.ID), map[string]any{"user_id": w.users["sec2"].ID, "name": "秘书专家",
			"employer": "哈尔滨工业大学"}, http.StatusCreated, nil)
		type standing struct {
			NominationID int64  `json:"nomination_id"`
			Score        string `json:"score"`
			Scored       int    `json:"scored"`
			Grade        string `json:"proposed_grade"`
			Withheld     bool   `json:"withheld"`
		}
		var rank struct {
			Ranking []standing `json:"ranking"`
			Ties    []any      `json:"ties"`
		}
		w.call(t, "sec", "GET", round+"/ranking", nil, http.StatusOK, &rank)
		if len(rank.Ranking) != 2 || rank.Ranking[0].NominationID != n1.ID || rank.Ranking[0].Score == "" || rank.Ties == nil {
			t.Fatalf("ranking %+v", rank)
		}
		var rank2 struct {
			Ranking []standing `json:"ranking"`
		}
		r = w.call(t, "sec2", "GET", round+"/ranking", nil, http.StatusOK, &rank2)
		for _, s := range rank2.Ranking {
			if s.NominationID == n1.ID && (!s.Withheld || s.Score != "") {
				t.Fatalf("a conflicted secretary sees the scores: %s", r.body)
			}
		}

		// On to the panel: both nominations; the decision waits for it.
		w.call(t, "sec", "POST", round+"/stage", map[string]any{}, http.StatusConflict, nil)
		w.call(t, "sec", "POST", round+"/review-stage", map[string]any{"top": 2, "min_score": "1"}, http.StatusBadRequest, nil)
		w.call(t, "sec", "POST", round+"/review-stage", map[string]any{"top": 2}, http.StatusOK, &stg)
		if stg.ReviewStage != 2 {
			t.Fatalf("review stage %+v", stg)
		}
		var pv struct {
			Nominations []struct {
				NominationID int64 `json:"nomination_id"`
				Reviews      []struct {
					Expert string `json:"expert"`
				} `json:"reviews"`
			} `json:"nominations"`
			Withheld int `json:"withheld"`
		}
		w.call(t, "chair", "GET", round+"/panel", nil, http.StatusOK, &pv)
		if len(pv.Nominations) != 2 || len(pv.Nominations[0].Reviews) != 2 || !strings.HasPrefix(pv.Nominations[0].Reviews[0].Expert, "专家") {
			t.Fatalf("the panel sees %+v", pv)
		}
		w.call(t, "staffa1", "GET", round+"/panel", nil, http.StatusNotFound, nil)
		for _, n := range []nomJSON{n1, n2} {
			vote := fmt.Sprintf("/api/v1/award-nominations/%d/panel-vote", n.ID)
			w.call(t, "sec", "POST", vote, map[string]any{"action": "open", "counted_by": "clerk"}, http.StatusNotFound, nil)
			w.call(t, "chair", "POST", vote, map[string]any{"action": "open", "counted_by": "clerk"}, http.StatusOK, nil)
			var out struct {
				Passed   bool `json:"passed"`
				Base     int  `json:"base"`
				Required int  `json:"required"`
			}
			w.call(t, "chair", "POST", vote, map[string]any{"action": "close", "yes": 2, "no": 1}, http.StatusOK, &out)
			if !out.Passed || out.Base != 3 || out.Required != 2 {
				t.Fatalf("the panel's vote on %d: %+v", n.ID, out)
			}
		}

		// The decision: a first prize is over 15% of 2 winners.
		w.call(t, "sec", "POST", round+"/stage", map[string]any{}, http.StatusOK, nil)
		grades := func(g1, g2 string) map[string]any {
			return map[string]any{"grades": map[string]string{fmt.Sprint(n1.ID): g1, fmt.Sprint(n2.ID): g2}, "resolution": "第3次常委会决议"}
		}
		w.call(t, "sec", "POST", round+"/decision", grades("first", "second"), http.StatusConflict, nil)
		w.at("2025-06-01")
		var pub struct {
			Stage   string `json:"stage"`
			From    string `json:"from"`
			Until   string `json:"until"`
			Winners []struct {
				NominationID int64  `json:"nomination_id"`
				Name         string `json:"name"`
				Employer     string `json:"employer"`
				Grade        string `json:"grade"`
			} `json:"winners"`
		}
		w.call(t, "sec", "POST", round+"/decision", grades("second", "second"), http.StatusOK, &pub)
		r = w.call(t, "public", "GET", round+"/publicity", nil, http.StatusOK, &pub)
		if pub.Stage != "publicity" || pub.Until != "2025-06-07" || len(pub.Winners) != 2 || strings.Contains(r.body, "id_") || strings.Contains(r.body, "1234") {
			t.Fatalf("publicity %s", r.body)
		}

		// Objections by real name through the public route.
		obj := func(nom int64, name, id, text string, gradeOnly bool) map[string]any {
			return map[string]any{"nomination_id": nom, "kind": "individual", "name": name, "id_number": id, "contact": "13800000000", "text": text, "grade_only": gradeOnly}
		}
		w.call(t, "public", "POST", round+"/objections", obj(n2.ID, "", "", "造假", false), http.StatusBadRequest, nil)
		w.call(t, "public", "POST", round+"/objections", map[string]any{"nomination_id": n2.ID, "kind": "unit", "name": "某单位", "contact_person": "某人",
			"contact": "x", "text": "造假"}, http.StatusBadRequest, nil)
		var o1 struct {
			ID      int64  `json:"id"`
			Outcome string `json:"outcome"`
		}
		r = w.call(t, "public", "POST", round+"/objections", obj(n2.ID, "举报人", "230102198001011234", "论文造假", false), http.StatusCreated, &o1)
		if o1.Outcome != "open" || strings.Contains(r.body, "举报人") || strings.Contains(r.body, "198001011234") {
			t.Fatalf("objection answer %s", r.body)
		}
		var o2 struct{ Outcome string }
		w.call(t, "public", "POST", round+"/objections", obj(n1.ID, "某人", "230102198001011235", "应为一等奖", true), http.StatusCreated, &o2)
		if o2.Outcome != "recorded" {
			t.Fatalf("a grade-only objection: %+v", o2)
		}
		w.call(t, "public", "POST", round+"/objections", map[string]any{"nomination_id": n2.ID, "kind": "unit", "name": "某单位", "contact_person": "某人",
			"contact": "x", "text": "造假", "letter": "JVBERi0xLjQK"}, http.StatusCreated, nil)
		w.at("2025-06-08")
		w.call(t, "public", "POST", round+"/objections", obj(n1.ID, "某人", "230102198001011235", "one day late", false), http.StatusConflict, nil)
		var obs struct {
			Objections []struct {
				ID        int64  `json:"id"`
				Name      string `json:"name"`
				IDMasked  string `json:"id_masked"`
				HasLetter bool   `json:"has_letter"`
				Outcome   string `json:"outcome"`
			} `json:"objections"`
			Total int `json:"total"`
		}
		w.call(t, "sec", "GET", round+"/objections", nil, http.StatusOK, &obs)
		if obs.Total != 3 || obs.Objections[0].Name != "举报人" || obs.Objections[0].IDMasked != "230102************" || !obs.Objections[2].HasLetter {
			t.Fatalf("objections %+v", obs)
		}
		w.call(t, "staffa1", "GET", round+"/objections", nil, http.StatusForbidden, nil)
		w.call(t, "public", "GET", round+"/objections", nil, http.StatusUnauthorized, nil)

		// The announcement waits for every objection.
		w.call(t, "sec", "POST", round+"/announcement", map[string]any{}, http.StatusConflict, nil)
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-objections/%d/outcome", o1.ID), map[string]any{"upheld": true}, http.StatusBadRequest, nil)
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-objections/%d/outcome", o1.ID), map[string]any{"upheld": true, "reason": "查实"}, http.StatusOK, nil)
		w.call(t, "sec", "POST", fmt.Sprintf("/api/v1/award-objections/%d/outcome", obs.Objections[2].ID), map[string]any{"upheld": false, "reason": "不实"}, http.StatusOK, nil)
		w.call(t, "sec", "POST", round+"/announcement", map[string]any{}, http.StatusOK, nil)
		r = w.call(t, "public", "GET", round+"/publicity", nil, http.StatusOK, &pub)
		if pub.Stage != "announced" || len(pub.Winners) != 1 || pub.Winners[0].Name != "张三" || pub.Winners[0].Grade != "second" {
			t.Fatalf("winners %s", r.body)
		}

		// Public objections are bounded per address: 20 an hour (those
		// above were made before the clock moved; the limiter counts
		// requests, refused ones too).
		limited := false
		for range 25 {
			if w.clients["public"].api("POST", round+"/objections", "", obj(n1.ID, "某人", "230102198001011235", "x", false)).StatusCode == http.StatusTooManyRequests {
				limited = true
				break
			}
		}
		if !limited {
			t.Fatal("no limit on public objections")
		}

		// The office's files: the nominations and results as XLSX (read
		// back by a real reader), the certificates as PDF in both languages.
		x := w.clients["sec"].get(round[len("/api/v1"):] + "/export.xlsx")
		if x.StatusCode != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.StatusCode, x.Header.Get("Content-Type"))
		}
		book, err := excelize.OpenReader(strings.NewReader(x.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := book.GetRows(book.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][2] != "name" {
			t.Fatalf("export rows %v", rows)
		}
		byName := map[string]map[string]string{}
		for _, row := range rows[1:] {
			m := map[string]string{}
			for i, c := range rows[0] {
				if i < len(row) {
					m[c] = row[i]
				}
			}
			byName[m["name"]] = m
		}
		if z := byName["张三"]; z["result"] != "winner" || z["grade"] != "second" || z["id_masked"] != "230102************" || z["score"] == "" || z["status"] != "accepted" {
			t.Fatalf("张三 in the export: %v", z)
		}
		if l := byName["李四"]; l["result"] != "withdrawn" {
			t.Fatalf("李四 in the export: %v", l)
		}
		if wu := byName["王五"]; wu["status"] != "not_accepted" || wu["check_reason"] != "材料不全" {
			t.Fatalf("王五 in the export: %v", wu)
		}
		if strings.Contains(strings.Join(rows[1], ","), "199001011234") {
			t.Fatal("the export holds an identity number")
		}
		if c := w.clients["staffa1"].get(round[len("/api/v1"):] + "/export.xlsx"); c.StatusCode != http.StatusForbidden {
			t.Fatalf("a unit exports: %d", c.StatusCode)
		}
		pdfResp := w.clients["sec"].get(round[len("/api/v1"):] + "/certificates.pdf")
		if pdfResp.StatusCode != http.StatusOK {
			t.Fatalf("certificates: %d %s", pdfResp.StatusCode, pdfResp.body)
		}
		text := pdfText(t, pdfResp.body)
		for _, want := range []string{"荣誉证书", "Certificate of Award", "张三", "哈尔滨工业大学", "二等奖", "Second prize", "中共黑龙江省委组织部", "2025"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "李四") {
			t.Error("a certificate for a nominee taken off by an objection")
		}
	})
}
