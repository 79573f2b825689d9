package accessweb

import (
	"net/http"
	"strings"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// User management, shared by the pages and the API: the same checks run
// whichever way a request comes.

type userInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	OrgCode     string `json:"org_code"`
}

// createUser creates an account with an initial role. Without a password a
// one-time password is generated and returned (shown once), and the user
// must change it at first sign-in.
func (s *handlers) createUser(r *http.Request, rq *web.Request, in userInput) (kexie.User, string, error) {
	role, org, err := s.acc.Grantable(r.Context(), rq.Actor(r), rq.User, in.Role, in.OrgCode)
	if err != nil {
		return kexie.User{}, "", err
	}
	oneTime := ""
	mustChange := false
	if in.Password == "" {
		if oneTime, err = auth.GeneratePassword(); err != nil {
			return kexie.User{}, "", err
		}
		in.Password, mustChange = oneTime, true
	}
	u, err := s.acc.CreateUser(r.Context(), rq.Actor(r), access.NewUser{
		Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), Email: strings.TrimSpace(in.Email),
		Password: in.Password, MustChangePassword: mustChange, Role: role, OrgID: org.ID,
	})
	if err != nil {
		return u, "", err
	}
	u, err = s.acc.UserByID(r.Context(), u.ID)
	return u, oneTime, err
}

// managedUser loads the user named by the {id} path value if the caller may
// manage them; others are reported as not found, so their existence does
// not leak.
func (s *handlers) managedUser(r *http.Request, rq *web.Request) (kexie.User, error) {
	id, err := web.PathID(r)
	if err != nil {
		return kexie.User{}, err
	}
	return s.acc.ManagedUser(r.Context(), rq.Actor(r), id)
}

func (s *handlers) setDisabled(r *http.Request, rq *web.Request, disable bool) (kexie.User, error) {
	u, err := s.managedUser(r, rq)
	if err != nil {
		return u, err
	}
	if disable {
		err = s.acc.DisableUser(r.Context(), rq.Actor(r), u.ID)
	} else {
		err = s.acc.EnableUser(r.Context(), rq.Actor(r), u.ID)
	}
	if err != nil {
		return u, err
	}
	return s.acc.UserByID(r.Context(), u.ID)
}

func (s *handlers) grant(r *http.Request, rq *web.Request, roleName, code string) (kexie.User, error) {
	u, err := s.managedUser(r, rq)
	if err != nil {
		return u, err
	}
	role, org, err := s.acc.Grantable(r.Context(), rq.Actor(r), rq.User, roleName, code)
	if err != nil {
		return u, err
	}
	if err := s.acc.GrantRole(r.Context(), rq.Actor(r), u.ID, org.ID, role); err != nil {
		return u, err
	}
	return s.acc.UserByID(r.Context(), u.ID)
}

// --- pages ---

type usersData struct {
	Users     []kexie.User
	Roles     []kexie.Role
	Orgs      []kexie.Organisation
	OrgQ      string // the organisation search
	Form      userInput
	OneTime   string
	Created   string
	Reset     bool // OneTime is a reset password, not a new account's
	Pager     web.Pager
	SelfID    int64
	CanSysAdm bool
}

const usersPerPage = 50

func (s *handlers) renderUsers(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d usersData, errMsg string) error {
	page := web.PageParam(r)
	users, err := s.acc.ListUsers(r.Context(), rq.Actor(r), (page-1)*usersPerPage, usersPerPage)
	if err != nil {
		return err
	}
	total, err := s.acc.CountManagedUsers(r.Context(), rq.Actor(r))
	if err != nil {
		return err
	}
	d.Pager = web.NewPager(r, page, usersPerPage, total)
	// The organisation picker: what a search finds (any organisation of the
	// caller's, by name, pinyin or code), else the first levels; a code
	// typed in is taken as it is and checked by Grantable.
	d.OrgQ = strings.TrimSpace(r.URL.Query().Get("org_q"))
	var orgs []kexie.Organisation
	if d.OrgQ != "" {
		orgs, err = s.reg.SearchOrgs(r.Context(), rq.Actor(r), d.OrgQ, 0, 100)
	} else {
		orgs, err = s.reg.OrgsVisible(r.Context(), rq.Actor(r), kexie.PermUserManage, 100)
	}
	if err != nil {
		return err
	}
	d.Users, d.Orgs, d.SelfID, d.CanSysAdm = users, orgs, rq.User.ID, access.IsSysAdmin(rq.User)
	for _, role := range kexie.Roles {
		if role != kexie.RoleSysAdmin || d.CanSysAdm {
			d.Roles = append(d.Roles, role)
		}
	}
	p := s.NewPage(r, rq, "users.title", d)
	p.Error = errMsg
	return s.Render(w, status, "users", p)
}

func (s *handlers) usersPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderUsers(w, r, rq, http.StatusOK, usersData{}, "")
}

func formInput(r *http.Request) userInput {
	return userInput{
		Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email"),
		Role: r.PostFormValue("role"), OrgCode: r.PostFormValue("org_code"),
	}
}

// userFormError re-renders the users page with the error and the form as
// typed, so nothing the user entered is lost. Non-input errors propagate.
func (s *handlers) userFormError(w http.ResponseWriter, r *http.Request, rq *web.Request, in userInput, err error) error {
	switch kexie.ErrorCode(err) {
	case kexie.CodeInvalid, kexie.CodeConflict, kexie.CodeNotFound, kexie.CodeForbidden:
		e := kexie.AsError(err)
		return s.renderUsers(w, r, rq, web.HTTPStatus(e.Code), usersData{Form: in}, web.Message(rq.L, e))
	}
	return err
}

func (s *handlers) createUserForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	in := formInput(r)
	u, oneTime, err := s.createUser(r, rq, in)
	if err != nil {
		return s.userFormError(w, r, rq, in, err)
	}
	return s.renderUsers(w, r, rq, http.StatusCreated, usersData{OneTime: oneTime, Created: u.Username}, "")
}

func (s *handlers) disableUserForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if _, err := s.setDisabled(r, rq, true); err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	s.RedirectFlash(w, r, "/admin/users", "flash.user_disabled")
	return nil
}

func (s *handlers) enableUserForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if _, err := s.setDisabled(r, rq, false); err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	s.RedirectFlash(w, r, "/admin/users", "flash.user_enabled")
	return nil
}

func (s *handlers) grantForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if _, err := s.grant(r, rq, r.PostFormValue("role"), r.PostFormValue("org_code")); err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	s.RedirectFlash(w, r, "/admin/users", "flash.role_granted")
	return nil
}

// linkMemberForm links a managed account to a member's record (named by
// organisation code and member number), so that it sees its own
// membership and card: the page's way to what `user add --member` does.
// An unknown member number is an input error (400); the membership's
// organisation must be one where the caller holds membership.write.
func (s *handlers) linkMemberForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	u, err := s.managedUser(r, rq)
	if err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	code, no := strings.TrimSpace(r.PostFormValue("org_code")), strings.TrimSpace(r.PostFormValue("member_no"))
	m, err := s.mem.MemberByOrgNo(r.Context(), code, no)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		err = kexie.Errorf(kexie.CodeInvalid, "err.member_no_unknown", "%v is not a member number of %v", kexie.Excerpt(no), kexie.Excerpt(code))
	}
	if err == nil {
		err = s.mem.LinkMemberAccount(r.Context(), rq.Actor(r), u.ID, m.ID)
	}
	if err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	s.RedirectFlash(w, r, "/admin/users", "flash.member_linked")
	return nil
}

// resetPasswordForm gives a managed account a new one-time password, shown
// once, to be changed at the next sign-in; the account's sessions end and
// its API tokens are revoked (access.SetPassword). The form must confirm
// it (confirm=yes): a reset locks the user out until they are told.
func (s *handlers) resetPasswordForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	u, err := s.managedUser(r, rq)
	if err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	if r.PostFormValue("confirm") != "yes" {
		return s.userFormError(w, r, rq, userInput{}, kexie.Errorf(kexie.CodeInvalid, "err.confirm_reset", "confirm that %v's password is to be reset", u.Username))
	}
	oneTime, err := auth.GeneratePassword()
	if err != nil {
		return err
	}
	if err := s.acc.SetPassword(r.Context(), rq.Actor(r), u.ID, oneTime, true, ""); err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	return s.renderUsers(w, r, rq, http.StatusOK, usersData{OneTime: oneTime, Created: u.Username, Reset: true}, "")
}
