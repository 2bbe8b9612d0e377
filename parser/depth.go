package parser

// MaxNesting is the deepest nesting of blocks read. Real configurations
// nest a few levels (http, server, location, if); a file of a million
// "a {" is an attack on the parsers, which recurse once per level, and
// would exhaust the stack of the process long before nginx -t said
// anything useful about it. The scanner stops past it, so the builder's
// recursion and gonginx's (gonginxtree.Of parses only files that Parse read)
// stay bounded.
const MaxNesting = 100
