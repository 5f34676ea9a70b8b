package domain

// The relations the site pages and the role home pages show, read from
// what a finder expanded (ExpandSiteRelations, FindSites, FindSiteBookings,
// FindSiteIncidents, FindTasksBetween). Each accessor reports false (or
// returns nothing) when the relation is empty or was not expanded.

// Client returns the expanded client of the site.
func (s Site) Client() (Client, bool) {
	r := s.ExpandedOne("client")
	return Client{r}, r != nil
}

// ProjectManager returns the expanded project manager of the site.
func (s Site) ProjectManager() (User, bool) {
	r := s.ExpandedOne("project_manager")
	return User{r}, r != nil
}

// SiteLead returns the expanded site lead of the site.
func (s Site) SiteLead() (User, bool) {
	r := s.ExpandedOne("site_lead")
	return User{r}, r != nil
}

// Team returns the expanded team members of the site.
func (s Site) Team() []User { return AsUsers(s.ExpandedAll("team")) }

// Vehicle returns the expanded vehicle of the reservation.
func (r Reservation) Vehicle() (Vehicle, bool) {
	v := r.ExpandedOne("vehicle")
	return Vehicle{v}, v != nil
}

// Equipment returns the expanded tool of the reservation.
func (r Reservation) Equipment() (Equipment, bool) {
	e := r.ExpandedOne("equipment")
	return Equipment{e}, e != nil
}

// User returns the expanded user who made the reservation.
func (r Reservation) User() (User, bool) {
	u := r.ExpandedOne("user")
	return User{u}, u != nil
}

// ReportedBy returns the expanded reporter of the incident.
func (i Incident) ReportedBy() (User, bool) {
	u := i.ExpandedOne("reported_by")
	return User{u}, u != nil
}

// Site returns the expanded site of the task.
func (tr Task) Site() (Site, bool) {
	s := tr.ExpandedOne("site")
	return Site{s}, s != nil
}

// Assignees returns the expanded assignees of the task.
func (tr Task) Assignees() []User { return AsUsers(tr.ExpandedAll("assignees")) }

// Vehicle returns the expanded vehicle of the task.
func (tr Task) Vehicle() (Vehicle, bool) {
	v := tr.ExpandedOne("vehicle")
	return Vehicle{v}, v != nil
}
