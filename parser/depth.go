package parser

import "bytes"

// MaxNesting is the deepest nesting of blocks read. Real configurations
// nest a few levels (http, server, location, if); a file of a million
// "a {" is an attack on the parsers, which recurse once per level, and
// would exhaust the stack of the process long before nginx -t said
// anything useful about it.
const MaxNesting = 100

// nestingBound is a fast upper bound of the block nesting of src, read as
// the scanner reads it (quotes, comments and "${" are not block braces, a
// '}' closes a block only where a word could start), except that every
// '{' outside quotes and comments counts as opening one. It lets Parse
// start gonginx at once on ordinary files, and check the exact depth
// first on the others.
func nestingBound(src []byte) int {
	depth, max := 0, 0
	inWord := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case isSpace(c) || c == ';':
			inWord = false
		case c == '{':
			depth++
			max = maxInt(max, depth)
			if !inWord || i == 0 || src[i-1] != '$' {
				inWord = false
			}
		case c == '}' && !inWord:
			depth--
		case c == '\\':
			i++
			inWord = true
		case !inWord && c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case !inWord && (c == '"' || c == '\''):
			for i++; i < len(src) && src[i] != c; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		default:
			inWord = true
		}
	}
	return max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// mayNestTooDeep reports whether Parse must check the depth before gonginx
// reads src: the bound is over the limit, or the file holds Lua code,
// whose braces the bound does not follow.
func mayNestTooDeep(src []byte) bool {
	return nestingBound(src) > MaxNesting || bytes.Contains(src, []byte("_by_lua_block"))
}
