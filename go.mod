module github.com/ngxlint/ngxlint

go 1.24.0

require github.com/tufanbarisyildirim/gonginx v0.0.0-20260220081509-8e17ce617db3
