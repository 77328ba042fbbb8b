//go:build !race

package embedded

const raceBuild = false
