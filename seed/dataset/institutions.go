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

// buildReference adds the museums and normal universities of the reference
// lists with their LOCATED_IN edges.
func buildReference(b *builder, g *geo, l *lists) ([]*refMuseum, []*refUniversity, error) {
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
