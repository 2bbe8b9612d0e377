package parser

import (
	"runtime"
	"sync"
)

// Reading ahead: the files a load is about to read one after the other (the
// files of a directory named on the command line, the matches of a glob
// include, a fragment's siblings) are read and parsed on every CPU first;
// the loader then takes them in its own order, charging each to the run's
// budget when it takes it, so what is read, refused and reported does not
// depend on the order the reads finished in.

// aheadFile is a file read and parsed ahead of the loader.
type aheadFile struct {
	path  string // the path it was read by (the loader shows it)
	file  *File
	err   *SyntaxError
	stamp FileStamp
}

// minAhead is the fewest files worth starting goroutines for.
const minAhead = 8

// readAhead reads and parses paths concurrently for the loader to take
// later (prefetched). A file that cannot be read ahead for any reason (not
// found, outside the roots, a link that does not resolve, over a limit) is
// left to the loader's own read, which reports what is wrong.
func (l *loader) readAhead(paths []string) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(paths) < minAhead || len(l.overlay) > 0 {
		return
	}
	type job struct{ path, key string }
	var jobs []job
	queued := map[string]bool{}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		key, ok := l.rs.real(p)
		if !ok || queued[key] || l.parsed[key] != nil || l.ahead[key] != nil {
			continue
		}
		if !l.roots.Any && !l.roots.insideCanonical(key) {
			continue
		}
		queued[key] = true
		jobs = append(jobs, job{p, key})
	}
	if len(jobs) < minAhead {
		return
	}
	// What is read ahead stays within the run's limits, counted apart: a
	// tree larger than the limits is not held in memory whole before the
	// loader refuses it.
	shadow := NewBudget(l.budget.Limits())
	out := make([]*aheadFile, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				src, stamp, err := readConfigFile(j.path, j.key, l.rs.regular(j.path), shadow)
				if err != nil {
					continue
				}
				f, serr := Parse(l.display(j.path), src)
				out[i] = &aheadFile{path: j.path, file: f, err: serr, stamp: stamp}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if l.ahead == nil {
		l.ahead = map[string]*aheadFile{}
	}
	for i, a := range out {
		if a != nil {
			l.ahead[jobs[i].key] = a
		}
	}
}

// prefetched takes the file at key read ahead by path, or returns nil.
func (l *loader) prefetched(path, key string) *aheadFile {
	a := l.ahead[key]
	if a == nil {
		return nil
	}
	delete(l.ahead, key)
	if a.path != path {
		return nil // shown by another name: read it again
	}
	return a
}
