// Package data embeds the reference lists that the seed dataset is built
// from: copies of the CSV files and of SOURCES.md, which says where every
// file came from and what is uncertain in it.
package data

import "embed"

// FS holds provinces.csv, divisions.csv, division_counts.csv, museums.csv,
// museum_districts.csv (the districts that museums.csv names in its notes),
// normal_universities.csv and SOURCES.md.
//
//go:embed *.csv SOURCES.md
var FS embed.FS
