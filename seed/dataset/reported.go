package dataset

import (
	"fmt"

	"github.com/kepugraph/kepugraph/kepu"
)

// Node IDs of reported records that other records refer to.
var (
	idCAST      = kepu.MakeID(kepu.Organization, "cast")
	idBAST      = kepu.MakeID(kepu.Organization, "bast")
	idCommittee = kepu.MakeID(kepu.Organization, "natural-st-museum-committee")
	idCRISP     = kepu.MakeID(kepu.Organization, "crisp")
	idTraining  = kepu.MakeID(kepu.Program, "museum-normal-university-training-2024")
)

// ForumSeries is the series name of the Museum-School forum sessions.
const ForumSeries = "Museum-School Cooperation and Science Education Forum"

// JointActionThemes are the monthly themes of the 2024 Joint Action, March
// to December, as article 001 lists them.
var JointActionThemes = []string{
	"Cherish Resources", "Dream Space", "Praise Scientists", "Smart Future",
	"Science and Technology Olympic Games", "Beautiful China", "Same Science Course",
	"Science and Technology Power", "Healthy China", "Science Center of the People",
}

const srcForums = "generated: 14 Museum-School Forum sessions held (seed:003)"

// buildReported adds the organizations, people, programs, forums and the
// digital museum that the articles report, with the relationships they
// state.
func buildReported(b *builder) {
	rep := kepu.Reported
	org := func(key, name, zh, kind, abbr, src string) string {
		p := kepu.Props{"name": name, "nameZh": zh, "kind": kind}
		if abbr != "" {
			p["abbreviation"] = abbr
		}
		return b.node(kepu.Organization, key, rep, src, p)
	}
	org("cast", "China Association for Science and Technology", "中国科学技术协会", "ASSOCIATION", "CAST", "seed:000; seed:002; seed:003")
	org("bast", "Beijing Association for Science and Technology", "北京市科学技术协会", "ASSOCIATION", "BAST", "seed:003; seed:004")
	org("natural-st-museum-committee", "China Natural Science and Technology Museum Special Committee", "中国自然科学博物馆学会科技馆专业委员会", "COMMITTEE", "", "seed:001")
	org("crisp", "China Research Institute for Science Popularization", "中国科普研究所", "RESEARCH_INSTITUTE", "CRISP", "seed:003")
	org("most", "Ministry of Science and Technology", "中华人民共和国科学技术部", "GOVERNMENT", "MOST", "seed:002")
	dept := org("cast-popularization-dept", "CAST Science and Technology Popularization Department", "中国科协科普部", "OTHER", "", "seed:003")

	// The Ministry of Science and Technology's national statistics for 2022
	// (article 002), as reported: "nearly 2,000" websites, "over 8,000"
	// WeChat accounts and "over 2.8 billion" participants are kept as the
	// round figures the article gives.
	b.node(kepu.NationalStatistics, "most-2022", rep, "seed:002", kepu.Props{
		"name":                 "National science popularization statistics 2022 (Ministry of Science and Technology)",
		"year":                 2022,
		"fundingYuan":          int64(19_100_000_000),
		"scienceCommunicators": 1_996_700,
		"scienceMuseums":       1683,
		"websites":             2000,
		"wechatAccounts":       8000,
		"bookTitles":           11_500,
		"bookCopies":           104_000_000,
		"participants":         int64(2_800_000_000),
	})

	b.node(kepu.Museum, "china-digital-st-museum", rep, "seed:000", kepu.Props{
		"name": "China Digital Science and Technology Museum", "nameZh": "中国数字科技馆",
		"kind": "DIGITAL", "resourcesTB": 18.25})

	// Programs.
	prog := func(key, name, zh, kind, src string, extra kepu.Props) string {
		p := kepu.Props{"name": name, "kind": kind}
		if zh != "" {
			p["nameZh"] = zh
		}
		for k, v := range extra {
			p[k] = v
		}
		return b.node(kepu.Program, key, rep, src, p)
	}
	system := prog("modern-st-museum-system", "Modern Sci-Tech Museum System", "现代科技馆体系", "SYSTEM", "seed:000; seed:001",
		kepu.Props{"startYear": 2012})
	b.edge(kepu.Organizes, idCAST, system, rep, "seed:000", kepu.Props{"role": "builder", "since": 2012})
	joint := prog("joint-action-2024", "2024 Modern Science and Technology Museum System Joint Action", "", "CAMPAIGN", "seed:001",
		kepu.Props{"startYear": 2024, "endYear": 2024, "monthlyThemes": JointActionThemes})
	b.edge(kepu.Organizes, idCSTM, joint, rep, "seed:001", kepu.Props{"role": "co-launcher", "since": 2024})
	b.edge(kepu.Organizes, idCommittee, joint, rep, "seed:001", kepu.Props{"role": "co-launcher", "since": 2024})
	// First phase (March 2024, "Cherish Resources"); the article gives no day.
	b.edge(kepu.HeldAt, joint, idAnhuiSTM, rep, "seed:001", nil)
	b.edge(kepu.HeldAt, joint, idYunnanSTM, rep, "seed:001", nil)
	comp := prog("counselor-competition-2024", "National Science and Technology Museum Counselor Competition", "", "COMPETITION", "seed:001",
		kepu.Props{"startYear": 2024})
	b.edge(kepu.Organizes, idCSTM, comp, rep, "seed:001", kepu.Props{"role": "part of the 2024 Joint Action", "since": 2024})
	train := prog("museum-normal-university-training-2024", "Science and Technology Museum + Local Normal University science-teacher training",
		"", "TRAINING", "seed:001", kepu.Props{"startYear": 2024, "endYear": 2024})
	b.edge(kepu.Organizes, idCSTM, train, rep, "seed:001", kepu.Props{"role": "part of the 2024 Joint Action", "since": 2024})

	// BAST programs (article 004).
	bast := func(key, name, kind, role string, extra kepu.Props) string {
		id := prog(key, name, "", kind, "seed:004", extra)
		b.edge(kepu.Organizes, idBAST, id, rep, "seed:004", kepu.Props{"role": role})
		return id
	}
	bast("new-year-of-science-eve", "New Year of Science Eve", "EVENT", "host", nil)
	bast("beijing-science-carnival", "Beijing Science Carnival", "EVENT", "mobilizer",
		kepu.Props{"organizations": 1200, "activities": 2000, "audience": 22600000})
	bast("beijing-st-week", "Science and Technology Week (Beijing)", "EVENT", "mobilizer", nil)
	bast("beijing-science-fiction-conference", "Science Fiction Conference (Beijing)", "EVENT", "mobilizer", nil)
	bast("beijing-science-popularization-day", "Science Popularization Day (Beijing)", "EVENT", "mobilizer", nil)
	bast("jingjinji-science-literacy-competition", "Beijing-Tianjin-Hebei Citizen Science Literacy Competition", "COMPETITION", "mobilizer", nil)
	bast("beijing-science-education-bases", "Beijing science education experience bases (100)", "BASE_NETWORK", "identifier", nil)
	bast("beijing-science-tourist-routes", "Beijing science-themed tourist routes (30)", "BASE_NETWORK", "introducer", nil)
	bast("beijing-intl-science-communication-week", "Beijing International Science Communication Week", "EVENT", "initiator",
		kepu.Props{"startYear": 2019})
	week23 := bast("beijing-intl-science-communication-week-2023", "2023 Beijing International Science Communication Week", "EVENT", "initiator",
		kepu.Props{"startYear": 2023, "endYear": 2023, "representatives": 600})
	// Shougang Park is in Shijingshan District (110107); September 2023, no day given.
	b.edge(kepu.HeldAt, week23, kepu.MakeID(kepu.County, "110107"), rep, "seed:004", nil)

	// The Museum-School forum: the 14th session is reported, 1–13 are only
	// counted ("has successfully held 14th sessions"), so they carry no
	// date, venue, mode or theme.
	var forum14 string
	for ed := 1; ed <= 14; ed++ {
		key := fmt.Sprintf("museum-school-forum-%02d", ed)
		if ed < 14 {
			id := b.node(kepu.Forum, key, kepu.Generated, srcForums, kepu.Props{
				"name":   fmt.Sprintf("Generated: %s, session %d", ForumSeries, ed),
				"nameZh": fmt.Sprintf("生成的馆校结合科学教育论坛 第%d届", ed),
				"series": ForumSeries, "edition": ed})
			// The article calls the forum "sponsored by" CRISP as a whole.
			b.edge(kepu.Organizes, idCRISP, id, rep, "seed:003", kepu.Props{"role": "sponsor"})
			continue
		}
		forum14 = b.node(kepu.Forum, key, rep, "seed:003", kepu.Props{
			"name":   "The 14th Museum-School Cooperation and Science Education Forum",
			"nameZh": "第十四届馆校结合科学教育论坛",
			"series": ForumSeries, "edition": ed, "date": "2022-07-23", "venue": "Beijing Science Center",
			"mode": "HYBRID", "audience": 10000,
			"theme": "the combination of museums and schools to promote the work of double reduction"})
		b.edge(kepu.Organizes, idCRISP, forum14, rep, "seed:003", kepu.Props{"role": "host"})
		b.edge(kepu.HeldAt, forum14, idBSC, rep, "seed:003", kepu.Props{"date": "2022-07-23"})
	}

	// People: all four attended the 14th forum's opening ceremony and gave
	// congratulatory remarks.
	person := func(key, name, title, src, affiliation, affTitle string) {
		id := b.node(kepu.Person, key, rep, src, kepu.Props{"name": name, "title": title})
		b.edge(kepu.AffiliatedWith, id, affiliation, rep, src, kepu.Props{"title": affTitle})
		b.edge(kepu.SpokeAt, id, forum14, rep, "seed:003", kepu.Props{"role": "congratulatory remarks at the opening ceremony"})
	}
	person("pang-xiaodong", "Pang Xiaodong", "Deputy Director of the Science and Technology Popularization Department of CAST",
		"seed:003", dept, "Deputy Director")
	person("qian-yan", "Qian Yan", "Secretary of the Party Committee and Deputy Curator of China Science and Technology Museum",
		"seed:003", idCSTM, "Secretary of the Party Committee and Deputy Curator")
	person("wang-jingchun", "Wang Jingchun", "Deputy Director of China Research Institute for Science Popularization",
		"seed:003", idCRISP, "Deputy Director")
	person("chen-weicheng", "Chen Weicheng", "Member of the Leading Party Members Group and Vice President of BAST",
		"seed:003; seed:004", idBAST, "Vice President")
}
