package graph_test

import "testing"

// TestNationalStatistics reads the Ministry of Science and Technology's 2022
// national statistics (article 002) from the reference dataset: whole
// numbers above 2^31 − 1 (yuan, participants) come back exactly as WholeNumber,
// filter as numbers, and the node is found by its global ID.
func TestNationalStatistics(t *testing.T) {
	type stats struct {
		ID, Name, Provenance, Source                         string
		Year, ScienceCommunicators, ScienceMuseums, Websites int
		WechatAccounts, BookTitles, BookCopies               int
		FundingYuan, Participants                            int64
	}
	var data struct {
		NationalStatistics struct {
			TotalCount int
			Nodes      []stats
		}
		Big  struct{ TotalCount int }
		None struct{ TotalCount int }
	}
	query(t, ref(t).url, `{
		nationalStatistics(where: { year: { eq: 2022 } }) { totalCount nodes {
			id name provenance source year fundingYuan scienceCommunicators scienceMuseums websites
			wechatAccounts bookTitles bookCopies participants } }
		big: nationalStatistics(where: { fundingYuan: { gt: 19000000000 }, participants: { gte: 2800000000 } }) { totalCount }
		none: nationalStatistics(where: { fundingYuan: { gt: 19100000000 } }) { totalCount }
	}`, nil, &data)
	ns := data.NationalStatistics
	if ns.TotalCount != 1 || len(ns.Nodes) != 1 {
		t.Fatalf("nationalStatistics for 2022: %+v", ns)
	}
	want := stats{Provenance: "REPORTED", Source: "seed:002", Year: 2022, FundingYuan: 19_100_000_000, ScienceCommunicators: 1_996_700,
		ScienceMuseums: 1683, Websites: 2000, WechatAccounts: 8000, BookTitles: 11_500, BookCopies: 104_000_000, Participants: 2_800_000_000}
	got := ns.Nodes[0]
	want.ID, want.Name = got.ID, got.Name
	if got != want || got.ID == "" || got.Name == "" {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if data.Big.TotalCount != 1 || data.None.TotalCount != 0 {
		t.Errorf("filters on fundingYuan and participants matched %d and %d, want 1 and 0", data.Big.TotalCount, data.None.TotalCount)
	}
	var byID struct {
		Node struct{ Year int }
	}
	query(t, ref(t).url, `query($id: ID!) { node(id: $id) { ... on NationalStatistics { year } } }`, map[string]any{"id": got.ID}, &byID)
	if byID.Node.Year != 2022 {
		t.Errorf("node(id: %s) = %+v", got.ID, byID)
	}
}
