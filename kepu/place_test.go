package kepu_test

import (
	"reflect"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func TestInPlace(t *testing.T) {
	want := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.County, Filter: kepu.C(kepu.PropID, kepu.Eq, "County:110105")}}
	if got := kepu.InPlace("County:110105"); !reflect.DeepEqual(got, want) {
		t.Errorf("InPlace = %+v", got)
	}
	if err := kepu.ValidateFilter(kepu.Museum, kepu.InPlace("Province:AH")); err != nil {
		t.Errorf("InPlace of a province is not a valid museum filter: %v", err)
	}
}

func TestValidatePlaces(t *testing.T) {
	if err := kepu.ValidatePlaces([]string{"Province:AH", "Prefecture:340100", "County:1"}); err != nil {
		t.Errorf("valid places: %v", err)
	}
	if err := kepu.ValidatePlaces(nil); err != nil {
		t.Errorf("no places: %v", err)
	}
	for _, bad := range []string{"Museum:cstm", "garbage", "", "Province:", ":x", "Planet:earth"} {
		err := kepu.ValidatePlaces([]string{"Province:AH", bad})
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%q: got %v, want BAD_USER_INPUT", bad, err)
		}
		if kepu.IsPlaceID(bad) {
			t.Errorf("IsPlaceID(%q) = true", bad)
		}
	}
}
