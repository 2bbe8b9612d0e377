package model_test

import (
	"slices"
	"testing"
)

// ServerLocations answers from one range of Config.Locations per server:
// it must list the same blocks, in the same order, as reading every
// location-like block and keeping those of the server, includes and
// nested levels included.
func TestServerLocationsAgreesWithScan(t *testing.T) {
	c := offlineModel(t, `
server {
    listen {{PORT}};
    location / { if ($x) { return 403; } }
    include locs.conf;
    location /b/ { location /b/c/ { limit_except GET { deny all; } } }
}
server { listen {{PORT}}; server_name empty; }
server {
    listen {{PORT}};
    server_name third;
    include locs.conf;
    if ($y) { return 404; }
}
`, map[string]string{"locs.conf": "location /inc/ { return 200; }\nlocation @named { return 204; }\n"})
	if len(c.Servers) != 3 {
		t.Fatalf("%d servers, want 3", len(c.Servers))
	}
	for i, s := range c.Servers {
		var want []string
		for _, l := range c.Locations {
			if l.Server() == s {
				want = append(want, l.Name())
			}
		}
		var got []string
		for _, l := range c.ServerLocations(s) {
			got = append(got, l.Name())
		}
		if !slices.Equal(got, want) {
			t.Errorf("server %d: ServerLocations %q, want %q", i, got, want)
		}
	}
	if c.ServerLocations(c.Main) != nil {
		t.Error("ServerLocations of the main level is not empty")
	}
}
