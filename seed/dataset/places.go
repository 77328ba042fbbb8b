package dataset

import (
	"fmt"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// province is a Province node with what the generator needs to know.
type province struct {
	ID, Code, GB, NameEn, NameZh, Kind string
	CapitalEn, CapitalZh               string
	Mainland                           bool
	Prefectures                        []*division
	Counties                           []*division // every county in the province, directly or through a prefecture
}

// division is a Prefecture or County node.
type division struct {
	ID, GB, NameZh, NameEn, Type string
	Province                     *province
	Prefecture                   *division   // a county's prefecture; nil when it hangs from the province
	Counties                     []*division // a prefecture's counties
}

// geo indexes the places.
type geo struct {
	provinces  []*province // in provinces.csv order
	byCode     map[string]*province
	byGB       map[string]*province
	prefs      []*division
	counties   []*division
	divisions  map[string]*division // by GB code
	mainland   []*province
	xpcc       *province
	provinceOf map[string]*province // node ID of a place → province
}

var provinceKinds = map[string]string{
	"province": "PROVINCE", "municipality": "MUNICIPALITY", "autonomous_region": "AUTONOMOUS_REGION",
	"sar": "SAR", "special": "SPECIAL",
}

// buildPlaces adds the Province, Prefecture and County nodes and the PART_OF
// edges.
func buildPlaces(b *builder, l *lists) (*geo, error) {
	g := &geo{byCode: map[string]*province{}, byGB: map[string]*province{}, divisions: map[string]*division{}, provinceOf: map[string]*province{}}
	for _, r := range l.provinces {
		kind, ok := provinceKinds[r.Kind]
		if !ok {
			return nil, fmt.Errorf("provinces.csv: %s: unknown kind %q", r.Code, r.Kind)
		}
		p := &province{Code: r.Code, GB: r.GBCode, NameEn: r.NameEn, NameZh: r.NameZh, Kind: kind,
			CapitalEn: r.CapitalEn, CapitalZh: r.CapitalZh}
		// The 31 mainland provincial-level divisions have GB codes 11–65.
		p.Mainland = len(r.GBCode) == 2 && r.GBCode >= "11" && r.GBCode <= "65"
		props := kepu.Props{"name": r.NameEn, "nameZh": r.NameZh, "code": r.Code, "kind": kind, "mainland": p.Mainland}
		if r.GBCode != "" {
			props["gbCode"] = r.GBCode
		}
		if r.Region != "" {
			props["region"] = r.Region
		}
		if r.CapitalEn != "" {
			props["capital"] = r.CapitalEn
		}
		p.ID = b.node(kepu.Province, r.Code, kepu.Reference, srcProvinces, props)
		g.provinces = append(g.provinces, p)
		g.byCode[r.Code] = p
		g.provinceOf[p.ID] = p
		if r.GBCode != "" {
			g.byGB[r.GBCode] = p
		}
		if p.Mainland {
			g.mainland = append(g.mainland, p)
		}
		if kind == "SPECIAL" {
			g.xpcc = p
		}
	}
	if len(g.mainland) != 31 || g.xpcc == nil {
		return nil, fmt.Errorf("provinces.csv: want 31 mainland provinces and the XPCC, got %d", len(g.mainland))
	}
	// Prefectures first, so that counties find their parents.
	for pass := 0; pass < 2; pass++ {
		for _, r := range l.divisions {
			if (pass == 0) != (r.Level == "prefecture") {
				continue
			}
			if r.Level != "prefecture" && r.Level != "county" {
				return nil, fmt.Errorf("divisions.csv: %s: unknown level %q", r.GBCode, r.Level)
			}
			p := g.byGB[r.GBCode[:2]]
			if p == nil || len(r.GBCode) != 6 {
				return nil, fmt.Errorf("divisions.csv: %s: no province", r.GBCode)
			}
			d := &division{GB: r.GBCode, NameZh: r.NameZh, NameEn: placeName(r.NameZh), Type: r.Type, Province: p}
			// The record is divisions.csv's (REFERENCE); its English name
			// is ours (names.go), and says so.
			props := kepu.Props{"name": d.NameEn, "nameZh": r.NameZh, "gbCode": r.GBCode, "divisionType": r.Type, kepu.PropNameRomanized: true}
			parentID := p.ID
			if r.Level == "prefecture" {
				d.ID = b.node(kepu.Prefecture, r.GBCode, kepu.Reference, srcDivisions, props)
				p.Prefectures = append(p.Prefectures, d)
				g.prefs = append(g.prefs, d)
			} else {
				d.ID = b.node(kepu.County, r.GBCode, kepu.Reference, srcDivisions, props)
				if pre := g.divisions[r.Parent]; pre != nil {
					d.Prefecture = pre
					pre.Counties = append(pre.Counties, d)
					parentID = pre.ID
				} else if r.Parent != p.GB+"0000" {
					return nil, fmt.Errorf("divisions.csv: %s: unknown parent %s", r.GBCode, r.Parent)
				}
				p.Counties = append(p.Counties, d)
				g.counties = append(g.counties, d)
			}
			g.divisions[r.GBCode] = d
			g.provinceOf[d.ID] = p
			b.edge(kepu.PartOf, d.ID, parentID, kepu.Reference, srcDivisions, nil)
		}
	}
	return g, nil
}

// cityPlace returns the place that an institution in the city (English name,
// and Chinese name where known) of the province is LOCATED_IN: the
// prefecture of that name, or the province for municipalities and the SARs.
func (g *geo) cityPlace(p *province, cityEn, cityZh string) (string, error) {
	if p.Kind == "MUNICIPALITY" || p.Kind == "SAR" {
		return p.ID, nil
	}
	if cityZh == "" && cityEn == p.CapitalEn {
		cityZh = p.CapitalZh
	}
	for _, d := range p.Prefectures {
		if cityZh != "" && d.NameZh == cityZh {
			return d.ID, nil
		}
		if cityZh == "" && matchKey(romanizeStem(d.NameZh, strings.TrimSuffix(d.NameZh, "市"))) == matchKey(cityEn) {
			return d.ID, nil
		}
	}
	return "", fmt.Errorf("no prefecture named %q (%s) in %s", cityEn, cityZh, p.Code)
}

// nonDistrict returns the counties of a list that are not urban districts,
// or the whole list when all are.
func nonDistrict(ds []*division) []*division {
	var out []*division
	for _, d := range ds {
		if d.Type != "district" {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return ds
	}
	return out
}
