package parser

import "strings"

// The official nginx Docker image renders /etc/nginx/templates/*.template
// into /etc/nginx/conf.d/ with envsubst when the container starts
// (docker-entrypoint.d/20-envsubst-on-templates.sh); Helm charts and
// Compose stacks do the same. envsubst replaces $NAME and ${NAME} for the
// environment variables it is given and leaves the rest, so nginx's own
// variables survive. ngxlint cannot know the environment: in a template, a
// reference to a variable nginx does not know (not built in, not defined by
// the configuration) is read as envsubst's placeholder when it is written
// ${NAME}, or $NAME with no lower-case letter; its value is opaque. The
// model decides (model.Config.EnvPlaceholder); the parser only marks
// templates (File.Template).

// IsTemplateName reports whether a file is an envsubst template by its
// name: it ends in ".template" (default.conf.template).
func IsTemplateName(path string) bool {
	return strings.HasSuffix(path, ".template")
}
