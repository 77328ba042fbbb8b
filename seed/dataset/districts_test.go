package dataset_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kepugraph/kepugraph/seed/data"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// withDistricts returns the embedded lists with museum_districts.csv
// replaced by the given rows (after the header).
func withDistricts(t *testing.T, rows ...string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(data.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.FS, path)
		m[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m["museum_districts.csv"] = &fstest.MapFile{Data: []byte("name_en,county_gb_code,county_zh,evidence\n" + strings.Join(rows, "\n") + "\n")}
	return m
}

// A row of museum_districts.csv must agree with museums.csv (the evidence
// is words of the notes) and divisions.csv (the code, the Chinese name and
// the romanization), and the district must lie in the museum's city; any
// disagreement is an error that names the row, never a misplaced museum.
func TestMuseumDistrictsChecked(t *testing.T) {
	const cstm = "China Science and Technology Museum"
	for name, tc := range map[string]struct{ row, want string }{
		"unknown museum":                  {"Nowhere Museum,110105,朝阳区,Chaoyang", "not in museums.csv"},
		"evidence not in notes":           {cstm + ",110105,朝阳区,Chaoyang District", "the notes do not say"},
		"empty evidence":                  {cstm + ",110105,朝阳区,", "the notes do not say"},
		"unknown code":                    {cstm + ",110199,朝阳区,Chaoyang", "no county-level division"},
		"name and code differ":            {cstm + ",110106,朝阳区,Chaoyang", "no county-level division"},
		"a prefecture":                    {"Hebei Science and Technology Museum,130100,石家庄市,Chang'an District", "no county-level division"},
		"evidence names another district": {cstm + ",110108,海淀区,Chaoyang", "does not name"},
		"outside the city":                {"Hebei Science and Technology Museum,610116,长安区,\"1 Dongdajie, Chang'an District\"", "610116 is not in Prefecture:130100"}, // Xi'an's Chang'an District
		"listed twice":                    {cstm + ",110105,朝阳区,Chaoyang\n" + cstm + ",110105,朝阳区,Chaoyang", "listed twice"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := dataset.Generate(dataset.Options{Data: withDistricts(t, tc.row)})
			if err == nil || !strings.Contains(err.Error(), "museum_districts.csv") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one about museum_districts.csv saying %q", err, tc.want)
			}
		})
	}
	ds, err := dataset.Generate(dataset.Options{Data: withDistricts(t, cstm+",110105,朝阳区,\"5 Beichen East Rd, Chaoyang\"")})
	if err != nil {
		t.Fatal(err)
	}
	if loc := newIndex(ds).located["Museum:cstm"]; len(loc) != 1 || loc[0] != "County:110105" {
		t.Errorf("CSTM in %v", loc)
	}
}
