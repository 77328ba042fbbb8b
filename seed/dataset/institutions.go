package dataset

import (
	"fmt"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// refMuseum is a museum of museums.csv.
type refMuseum struct {
	ID, Level, Kind string
	Province        *province
	Place           string // the node it is LOCATED_IN
}

// refUniversity is a university of normal_universities.csv.
type refUniversity struct {
	ID       string
	Province *province
}

// Museums of museums.csv that the articles also name: their key and the
// articles. They become one REPORTED node each.
var reportedMuseums = map[string]struct{ key, seeds string }{
	"China Science and Technology Museum":  {"cstm", "seed:001; seed:003"},
	"Beijing Science Center":               {"beijing-science-center", "seed:003"},
	"Anhui Science and Technology Museum":  {"anhui-science-and-technology-museum", "seed:001"},
	"Yunnan Science and Technology Museum": {"yunnan-science-and-technology-museum", "seed:001"},
}

// Museum node IDs that the reported records refer to.
var (
	idCSTM      = kepu.MakeID(kepu.Museum, "cstm")
	idBSC       = kepu.MakeID(kepu.Museum, "beijing-science-center")
	idAnhuiSTM  = kepu.MakeID(kepu.Museum, "anhui-science-and-technology-museum")
	idYunnanSTM = kepu.MakeID(kepu.Museum, "yunnan-science-and-technology-museum")
)

// museumDistricts returns the county-level district of each museum of
// museum_districts.csv, by English name, after checking the row against
// museums.csv (the evidence is words of its notes) and divisions.csv (the
// code names a county-level division with that Chinese name, whose
// romanization the evidence contains).
func museumDistricts(g *geo, l *lists) (map[string]*division, error) {
	notes := map[string]string{}
	for _, m := range l.museums {
		notes[m.NameEn] = m.Notes
	}
	out := map[string]*division{}
	for _, r := range l.districts {
		n, ok := notes[r.NameEn]
		switch d := g.divisions[r.GBCode]; {
		case !ok:
			return nil, fmt.Errorf("museum_districts.csv: %s is not in museums.csv", r.NameEn)
		case r.Evidence == "" || !strings.Contains(n, r.Evidence):
			return nil, fmt.Errorf("museum_districts.csv: %s: the notes do not say %q", r.NameEn, r.Evidence)
		case d == nil || d.Province == nil || d.NameZh != r.NameZh || d.Type == "" || d.ID != kepu.MakeID(kepu.County, r.GBCode):
			return nil, fmt.Errorf("museum_districts.csv: %s: no county-level division %s %s", r.NameEn, r.GBCode, r.NameZh)
		case !strings.Contains(matchKey(r.Evidence), matchKey(strings.Fields(d.NameEn)[0])):
			return nil, fmt.Errorf("museum_districts.csv: %s: %q does not name %s (%s)", r.NameEn, r.Evidence, d.NameEn, d.NameZh)
		case out[r.NameEn] != nil:
			return nil, fmt.Errorf("museum_districts.csv: %s listed twice", r.NameEn)
		default:
			out[r.NameEn] = d
		}
	}
	return out, nil
}

// buildReference adds the museums and normal universities of the reference
// lists with their LOCATED_IN edges: a museum sits in the county-level
// district that museum_districts.csv gives, else in its city's prefecture
// (or municipality, or SAR); a university in its city.
func buildReference(b *builder, g *geo, l *lists) ([]*refMuseum, []*refUniversity, error) {
	districts, err := museumDistricts(g, l)
	if err != nil {
		return nil, nil, err
	}
	var ms []*refMuseum
	for _, r := range l.museums {
		p := g.byCode[r.Province]
		if p == nil {
			return nil, nil, fmt.Errorf("museums.csv: %s: unknown province %q", r.NameEn, r.Province)
		}
		m := &refMuseum{Province: p, Kind: "STANDARD"}
		switch {
		case !p.Mainland:
			m.Kind = "OTHER" // Hong Kong and Macau: outside CAST's system
		case r.NameEn == "China Science and Technology Museum":
			m.Level = "NATIONAL"
		case strings.HasPrefix(r.Notes, "City-level"):
			m.Level = "PREFECTURE"
		default:
			m.Level = "PROVINCIAL" // provincial museums, and the municipal Beijing Science Center
		}
		props := kepu.Props{"name": r.NameEn, "nameZh": r.NameZh, "kind": m.Kind, "city": r.City}
		if m.Level != "" {
			props["level"] = m.Level
		}
		if r.OpenedYear != 0 {
			props["openedYear"] = r.OpenedYear
		}
		key, prov, src := slug(r.NameEn), kepu.Reference, srcMuseums
		if rep, ok := reportedMuseums[r.NameEn]; ok {
			key, prov, src = rep.key, kepu.Reported, srcMuseums+"; "+rep.seeds
		}
		m.ID = b.node(kepu.Museum, key, prov, src, props)
		place, err := g.cityPlace(p, r.City, "")
		if err != nil {
			return nil, nil, fmt.Errorf("museums.csv: %s: %w", r.NameEn, err)
		}
		if d := districts[r.NameEn]; d != nil {
			// The district must lie in the city found above.
			if d.Province != p || (d.Prefecture != nil && d.Prefecture.ID != place) || (d.Prefecture == nil && place != p.ID) {
				return nil, nil, fmt.Errorf("museum_districts.csv: %s: %s is not in %s", r.NameEn, d.GB, place)
			}
			place = d.ID
		}
		m.Place = place
		b.edge(kepu.LocatedIn, m.ID, place, kepu.Reference, srcMuseums, nil)
		ms = append(ms, m)
	}
	var us []*refUniversity
	for _, r := range l.universities {
		p := g.byCode[r.Province]
		if p == nil {
			return nil, nil, fmt.Errorf("normal_universities.csv: %s: unknown province %q", r.NameEn, r.Province)
		}
		props := kepu.Props{"name": r.NameEn, "nameZh": r.NameZh, "ministryDirect": r.MinistryDirect, "city": r.City}
		if r.MOECode != "" {
			props["moeCode"] = r.MOECode
		}
		u := &refUniversity{Province: p}
		u.ID = b.node(kepu.NormalUniversity, slug(r.NameEn), kepu.Reference, srcUniversities, props)
		place, err := g.cityPlace(p, r.City, r.CityZh)
		if err != nil {
			return nil, nil, fmt.Errorf("normal_universities.csv: %s: %w", r.NameEn, err)
		}
		b.edge(kepu.LocatedIn, u.ID, place, kepu.Reference, srcUniversities, nil)
		us = append(us, u)
	}
	return ms, us, nil
}
