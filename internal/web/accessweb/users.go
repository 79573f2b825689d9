package accessweb

import (
	"net/http"
	"strconv"
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
	Form      userInput
	OneTime   string
	Created   string
	Page      int
	PrevPage  string
	NextPage  string
	SelfID    int64
	CanSysAdm bool
}

const usersPerPage = 50

func (s *handlers) renderUsers(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d usersData, errMsg string) error {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	users, err := s.acc.ListUsers(r.Context(), rq.Actor(r), (page-1)*usersPerPage, usersPerPage+1)
	if err != nil {
		return err
	}
	if len(users) > usersPerPage {
		users = users[:usersPerPage]
		d.NextPage = "/admin/users?page=" + strconv.Itoa(page+1)
	}
	if page > 1 {
		d.PrevPage = "/admin/users?page=" + strconv.Itoa(page-1)
	}
	orgs, err := s.reg.OrgsVisible(r.Context(), rq.Actor(r), kexie.PermUserManage, 500)
	if err != nil {
		return err
	}
	d.Users, d.Orgs, d.Page, d.SelfID, d.CanSysAdm = users, orgs, page, rq.User.ID, access.IsSysAdmin(rq.User)
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
	http.Redirect(w, r, "/admin/users?flash=flash.user_disabled", http.StatusSeeOther)
	return nil
}

func (s *handlers) enableUserForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if _, err := s.setDisabled(r, rq, false); err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	http.Redirect(w, r, "/admin/users?flash=flash.user_enabled", http.StatusSeeOther)
	return nil
}

func (s *handlers) grantForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if _, err := s.grant(r, rq, r.PostFormValue("role"), r.PostFormValue("org_code")); err != nil {
		return s.userFormError(w, r, rq, userInput{}, err)
	}
	http.Redirect(w, r, "/admin/users?flash=flash.role_granted", http.StatusSeeOther)
	return nil
}
