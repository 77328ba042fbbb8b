package kepu

// InPlace returns the filter that holds for the nodes located in the place
// with the given ID: their Location at the place's level (the label of the
// ID) is that place. PlaceNodes and CountPlaceNodes answer this filter for
// many places at once.
func InPlace(placeID string) *Filter {
	return &Filter{Place: &PlaceCond{Level: LabelOf(placeID), Filter: C(PropID, Eq, placeID)}}
}

// IsPlaceID reports whether id is a well-formed ID of a place level:
// "Province:...", "Prefecture:..." or "County:...".
func IsPlaceID(id string) bool { return LabelOf(id).IsPlace() }

// ValidatePlaces checks the place IDs of a PlaceNodes or CountPlaceNodes
// call: each must satisfy IsPlaceID. The error has code BadUserInput.
func ValidatePlaces(places []string) error {
	for _, id := range places {
		if !IsPlaceID(id) {
			return Errorf(BadUserInput, "%q is not the ID of a province, prefecture or county", Truncate(id, 64))
		}
	}
	return nil
}
