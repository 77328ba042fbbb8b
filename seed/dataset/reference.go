package dataset

import (
	"encoding/csv"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/kepugraph/kepugraph/seed/data"
)

// The rows of the reference lists, as read from the embedded copies in
// seed/data.

type provinceRow struct {
	Code, NameEn, NameZh, Kind, Region, CapitalEn, CapitalZh, GBCode string
}

type divisionRow struct {
	GBCode, NameZh, Level, Parent, Type string
}

type museumRow struct {
	NameEn, NameZh, City, Province, Notes string
	OpenedYear                            int // 0 when unknown
}

// districtRow is a row of museum_districts.csv: the county-level district
// that a museum's notes name.
type districtRow struct {
	NameEn, GBCode, NameZh, Evidence string
}

type universityRow struct {
	NameEn, NameZh, City, Province, MOECode, CityZh string
	MinistryDirect                                  bool
}

// readCSV reads a CSV file from fsys as maps from header to value.
func readCSV(fsys fs.FS, name string) ([]map[string]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s has no rows", name)
	}
	head := recs[0]
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := make(map[string]string, len(head))
		for i, h := range head {
			if i < len(r) {
				m[h] = strings.TrimSpace(r[i])
			}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

// lists holds every reference list.
type lists struct {
	provinces    []provinceRow
	divisions    []divisionRow
	museums      []museumRow
	districts    []districtRow
	universities []universityRow
}

func readLists(fsys fs.FS) (*lists, error) {
	if fsys == nil {
		fsys = data.FS
	}
	var l lists
	rows, err := readCSV(fsys, "provinces.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		l.provinces = append(l.provinces, provinceRow{Code: r["code"], NameEn: r["name_en"], NameZh: r["name_zh"],
			Kind: r["kind"], Region: r["region"], CapitalEn: r["capital_en"], CapitalZh: r["capital_zh"], GBCode: r["gb_code"]})
	}
	if rows, err = readCSV(fsys, "divisions.csv"); err != nil {
		return nil, err
	}
	for _, r := range rows {
		l.divisions = append(l.divisions, divisionRow{GBCode: r["gb_code"], NameZh: r["name_zh"], Level: r["level"],
			Parent: r["parent_gb_code"], Type: r["type"]})
	}
	if rows, err = readCSV(fsys, "museums.csv"); err != nil {
		return nil, err
	}
	for _, r := range rows {
		m := museumRow{NameEn: r["name_en"], NameZh: r["name_zh"], City: r["city"], Province: r["province_code"], Notes: r["notes"]}
		if y := r["opened_year"]; y != "" {
			if m.OpenedYear, err = strconv.Atoi(y); err != nil {
				return nil, fmt.Errorf("museums.csv: %s: bad opened_year %q", m.NameEn, y)
			}
		}
		l.museums = append(l.museums, m)
	}
	if rows, err = readCSV(fsys, "museum_districts.csv"); err != nil {
		return nil, err
	}
	for _, r := range rows {
		l.districts = append(l.districts, districtRow{NameEn: r["name_en"], GBCode: r["county_gb_code"], NameZh: r["county_zh"], Evidence: r["evidence"]})
	}
	if rows, err = readCSV(fsys, "normal_universities.csv"); err != nil {
		return nil, err
	}
	for _, r := range rows {
		l.universities = append(l.universities, universityRow{NameEn: r["name_en"], NameZh: r["name_zh"], City: r["city"],
			Province: r["province_code"], MOECode: r["moe_code"], CityZh: r["city_zh"], MinistryDirect: r["ministry_direct"] == "true"})
	}
	return &l, nil
}
