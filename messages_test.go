package main

import (
	"context"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestMutationErrorMessages: mutation errors name the argument at fault and
// the global ID the client sent, never a store key ("Museum:no-such-museum")
// or a store step ("change 1 (updateNode)").
func TestMutationErrorMessages(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	query(t, m, `mutation {
		createMuseum(input: {key: "m1", name: "M", kind: STANDARD, provenance: REPORTED, source: "t"}) { id }
		createSchool(input: {key: "s1", name: "S", provenance: REPORTED, source: "t"}) { id }
	}`, nil, &struct{}{})
	museum, school := kepu.GlobalID("Museum:m1"), kepu.GlobalID("School:s1")
	missingMuseum, missingSchool := kepu.GlobalID("Museum:no-such-museum"), kepu.GlobalID("School:no-such-school")
	for _, tc := range []struct {
		name, query, code, want string
	}{
		{"update missing", `mutation { updateMuseum(id: "` + missingMuseum + `", input: {city: "Nowhere"}) { id } }`, "NOT_FOUND", `id: no Museum with ID "` + missingMuseum + `"`},
		{"delete missing", `mutation { deleteMuseum(id: "` + missingMuseum + `") }`, "NOT_FOUND", `id: no Museum with ID "` + missingMuseum + `"`},
		{"create existing", `mutation { createMuseum(input: {key: "m1", name: "M", kind: STANDARD, provenance: REPORTED, source: "t"}) { id } }`, "CONFLICT", `input.key: a Museum with ID "` + museum + `" already exists`},
		{"link missing from", `mutation { linkPartnersWith(from: "` + missingMuseum + `", to: "` + school + `", input: {provenance: REPORTED, source: "t"}) { since } }`, "NOT_FOUND", `from: no Museum with ID "` + missingMuseum + `"`},
		{"link missing to", `mutation { linkPartnersWith(from: "` + museum + `", to: "` + missingSchool + `", input: {provenance: REPORTED, source: "t"}) { since } }`, "NOT_FOUND", `to: no School with ID "` + missingSchool + `"`},
		{"unlink missing relationship", `mutation { unlinkPartnersWith(from: "` + museum + `", to: "` + school + `") }`, "NOT_FOUND", `no PARTNERS_WITH relationship from "` + museum + `" to "` + school + `"`},
		{"update missing relationship", `mutation { updatePartnersWith(from: "` + museum + `", to: "` + school + `", input: {since: 2020}) { since } }`, "NOT_FOUND", `no PARTNERS_WITH relationship from "` + museum + `" to "` + school + `"`},
		{"malformed id", `mutation { deleteMuseum(id: "!!") }`, "BAD_USER_INPUT", `id: malformed ID "!!"`},
		{"wrong label", `mutation { deleteMuseum(id: "` + school + `") }`, "BAD_USER_INPUT", `id: ID "` + school + `" is not a Museum`},
		{"empty required", `mutation { createSchool(input: {key: "s2", name: "", provenance: REPORTED, source: "t"}) { id } }`, "BAD_USER_INPUT", `input: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustFail(t, m, tc.query, nil, tc.code)
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q, want %q", e.Message, tc.want)
			}
			for _, internal := range []string{"change 1", "updateNode", "createNode", "Museum:", "School:", "node "} {
				if strings.Contains(e.Message, internal) {
					t.Errorf("message %q shows %q", e.Message, internal)
				}
			}
		})
	}
	query(t, m, `mutation { linkPartnersWith(from: "`+museum+`", to: "`+school+`", input: {provenance: REPORTED, source: "t"}) { since } }`, nil, &struct{}{})
	e := mustFail(t, m, `mutation { linkPartnersWith(from: "`+museum+`", to: "`+school+`", input: {provenance: REPORTED, source: "t"}) { since } }`, nil, "CONFLICT")
	if want := `a PARTNERS_WITH relationship from "` + museum + `" to "` + school + `" already exists`; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
}

// fullDisk is a store whose writes fail as the embedded store's do when the
// disk is full: SERVICE_UNAVAILABLE with the file's path in the message.
type fullDisk struct{ kepu.Store }

const fullDiskPath = "/srv/secret-place/kepugraph.db"

func (fullDisk) Write(ctx context.Context, _ []kepu.Change) ([]kepu.Result, error) {
	return nil, kepu.Errorf(kepu.Unavailable, "cannot write to the data directory: write %s: no space left on device", fullDiskPath)
}

// TestDiskFullIsHidden: a store failure that names a file answers
// SERVICE_UNAVAILABLE with a generic message and the request ID; the path
// is in the log only.
func TestDiskFullIsHidden(t *testing.T) {
	m, logs, err := runMainWith(t, func(m *Main) { m.WrapStore = func(st kepu.Store) kepu.Store { return fullDisk{st} } },
		"--data-dir", t.TempDir(), "--no-seed")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res := post(t, m, `mutation { createSchool(input: {key: "s", name: "S", provenance: REPORTED, source: "t"}) { id } }`, nil)
	if len(res.Errors) != 1 || res.Errors[0].Code() != "SERVICE_UNAVAILABLE" {
		t.Fatalf("errors %+v", res.Errors)
	}
	e := res.Errors[0]
	if strings.Contains(e.Message, "/srv") || strings.Contains(e.Message, "space") || e.Message != "the service is temporarily unavailable; try again later" {
		t.Errorf("message %q", e.Message)
	}
	id, _ := e.Extensions["requestId"].(string)
	if id == "" {
		t.Errorf("no requestId in %+v", e.Extensions)
	}
	m.Close()
	if !strings.Contains(logs.String(), fullDiskPath) || !strings.Contains(logs.String(), id) {
		t.Errorf("the log lacks the path or the request ID:\n%s", logs)
	}
}
