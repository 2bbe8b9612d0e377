package rules_test

// The framework's tests lint real configurations, with every family's
// rules registered.
import _ "github.com/ngxlint/ngxlint/rules/all"
