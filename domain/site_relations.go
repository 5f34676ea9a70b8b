package domain

// The relations the site pages and the role home pages show, read from
// what a finder expanded (ExpandSiteRelations, FindSites, FindSiteBookings,
// FindSiteIncidents, FindTasksBetween). Each accessor reports false (or
// returns nothing) when the relation is empty or was not expanded.

// ExpandedClient returns the expanded client of the site.
func (s Site) ExpandedClient() (Client, bool) {
	r := s.ExpandedOne("client")
	return Client{r}, r != nil
}

// ExpandedProjectManager returns the expanded project manager of the site.
func (s Site) ExpandedProjectManager() (User, bool) {
	r := s.ExpandedOne("project_manager")
	return User{r}, r != nil
}

// ExpandedSiteLead returns the expanded site lead of the site.
func (s Site) ExpandedSiteLead() (User, bool) {
	r := s.ExpandedOne("site_lead")
	return User{r}, r != nil
}

// ExpandedTeam returns the expanded team members of the site.
func (s Site) ExpandedTeam() []User { return AsUsers(s.ExpandedAll("team")) }

// ExpandedVehicle returns the expanded vehicle of the reservation.
func (r Reservation) ExpandedVehicle() (Vehicle, bool) {
	v := r.ExpandedOne("vehicle")
	return Vehicle{v}, v != nil
}

// ExpandedEquipment returns the expanded tool of the reservation.
func (r Reservation) ExpandedEquipment() (Equipment, bool) {
	e := r.ExpandedOne("equipment")
	return Equipment{e}, e != nil
}

// ExpandedUser returns the expanded user who made the reservation.
func (r Reservation) ExpandedUser() (User, bool) {
	u := r.ExpandedOne("user")
	return User{u}, u != nil
}

// ExpandedReportedBy returns the expanded reporter of the incident.
func (i Incident) ExpandedReportedBy() (User, bool) {
	u := i.ExpandedOne("reported_by")
	return User{u}, u != nil
}

// ExpandedSite returns the expanded site of the task.
func (tr Task) ExpandedSite() (Site, bool) {
	s := tr.ExpandedOne("site")
	return Site{s}, s != nil
}

// ExpandedAssignees returns the expanded assignees of the task.
func (tr Task) ExpandedAssignees() []User { return AsUsers(tr.ExpandedAll("assignees")) }

// ExpandedVehicle returns the expanded vehicle of the task.
func (tr Task) ExpandedVehicle() (Vehicle, bool) {
	v := tr.ExpandedOne("vehicle")
	return Vehicle{v}, v != nil
}
