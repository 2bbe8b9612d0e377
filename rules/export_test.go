package rules

// SetAfterRules sets the hook runRules calls once a unit's rules have
// ended; it returns a function that restores the
// previous hook.
func SetAfterRules(f func()) (restore func()) {
	old := afterRules
	afterRules = f
	return func() { afterRules = old }
}

// SetAfterRule sets the hook runRules calls each time a rule has ended;
// it returns a function that restores the previous hook.
func SetAfterRule(f func(Rule)) (restore func()) {
	old := afterRule
	afterRule = f
	return func() { afterRule = old }
}

// StartOrder returns the ids of the rules that check a unit's model, in
// the order runRules starts them.
func StartOrder(all []Rule) []string {
	rs := newRuleSet(all)
	var ids []string
	for _, i := range rs.start {
		ids = append(ids, rs.checks[i].Meta().ID)
	}
	return ids
}
