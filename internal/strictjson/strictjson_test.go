package strictjson

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type doc struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	tests := []struct {
		name, in, want string // want: "" for success, else a part of the message
	}{
		{"ok", `{"name":"a","n":1}`, ""},
		{"stray comma", "{\n \"name\": \"a\",\n}", "line 3, column 1"},
		{"column in characters", "{\"name\": \"ёжик\" \"n\": 1}", "line 1, column 17"},
		{"wrong type", "{\"n\": \"x\"}", "line 1, column 9"},
		{"unknown field", `{"colour":"red"}`, `unknown field "colour"`},
		{"trailing data", `{"name":"a"} {}`, "unexpected data after the JSON value"},
		{"empty", ``, "malformed JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d doc
			err := Decode([]byte(tc.in), &d)
			if tc.want == "" {
				if err != nil || d.Name != "a" || d.N != 1 {
					t.Fatalf("Decode = %+v, %v", d, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,{"b":"ж"}]}`))
	f.Add([]byte("{\n\"a\":\n}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v map[string]any
		if err := Decode(data, &v); err != nil && !strings.Contains(err.Error(), "JSON") {
			t.Errorf("error without context: %v", err)
		}
	})
}
