package spec

import "testing"

func TestZoneOf(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string
		stream bool
		want   ZoneUse
		ok     bool
	}{
		{"proxy_cache_path", []string{"/c", "levels=1:2", "keys_zone=pages:10m"}, false, ZoneUse{Zone: "pages", Size: "10m", Owner: "proxy_cache", Arg: 2}, true},
		{"proxy_cache", []string{"pages"}, false, ZoneUse{Zone: "pages", Owner: "proxy_cache"}, true},
		{"fastcgi_cache", []string{"pages"}, false, ZoneUse{Zone: "pages", Owner: "fastcgi_cache"}, true},
		{"proxy_cache", []string{"off"}, false, ZoneUse{}, false},
		{"proxy_cache", []string{"$zone"}, false, ZoneUse{}, false},
		{"proxy_cache_valid", []string{"10m"}, false, ZoneUse{}, false},
		{"limit_req_zone", []string{"$binary_remote_addr", "zone=one:10m", "rate=1r/s"}, false, ZoneUse{Zone: "one", Size: "10m", Owner: "limit_req", Arg: 1}, true},
		{"limit_req_zone", []string{"$binary_remote_addr", "zone=one", "rate=1r/s"}, false, ZoneUse{Zone: "one", Owner: "limit_req", Arg: 1}, false},
		{"limit_req", []string{"zone=one", "burst=5"}, false, ZoneUse{Zone: "one", Owner: "limit_req"}, true},
		{"limit_conn_zone", []string{"$binary_remote_addr", "zone=addr:1m"}, true, ZoneUse{Zone: "addr", Size: "1m", Owner: "stream limit_conn", Arg: 1}, true},
		{"limit_conn", []string{"addr", "1"}, false, ZoneUse{Zone: "addr", Owner: "http limit_conn"}, true},
		{"limit_conn", []string{"addr", "1"}, true, ZoneUse{Zone: "addr", Owner: "stream limit_conn"}, true},
		{"zone", []string{"backends", "64k"}, false, ZoneUse{Zone: "backends", Size: "64k", Owner: "http upstream zone"}, true},
		{"zone", []string{"backends"}, true, ZoneUse{Zone: "backends", Owner: "stream upstream zone"}, true},
	} {
		got, ok := ZoneOf(c.name, c.args, c.stream)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("ZoneOf(%s %v, stream=%v) = %+v, %v; want %+v, %v", c.name, c.args, c.stream, got, ok, c.want, c.ok)
		}
	}
}
