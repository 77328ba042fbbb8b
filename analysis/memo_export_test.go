package analysis

// ApproxBytes is approxBytes, for the external tests.
var ApproxBytes = approxBytes
