package rules

// SetAfterRules sets the hook runRules calls once a unit's rules have
// ended; it returns a function that restores the
// previous hook.
func SetAfterRules(f func()) (restore func()) {
	old := afterRules
	afterRules = f
	return func() { afterRules = old }
}
