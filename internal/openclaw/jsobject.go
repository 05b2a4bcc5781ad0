package openclaw

import "slices"

// ArrayIndex reports whether k is a canonical array index ("0", "1", ...
// "4294967294") and its value: the property keys JavaScript lists first,
// in numeric order, among an object's own keys.
func ArrayIndex(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, v < 1<<32-1
}

// SortOwnKeys puts the distinct keys of an object, given in insertion
// order, in the order Object.keys lists them (OrdinaryOwnPropertyKeys):
// array indices ascending, then the other keys in insertion order. key
// reads an item's key.
func SortOwnKeys[T any](items []T, key func(T) string) {
	indices := false
	for _, it := range items {
		if _, ok := ArrayIndex(key(it)); ok {
			indices = true
			break
		}
	}
	if !indices {
		return // the common case: insertion order already
	}
	slices.SortStableFunc(items, func(a, b T) int {
		x, xok := ArrayIndex(key(a))
		y, yok := ArrayIndex(key(b))
		switch {
		case xok && yok:
			return cmpUint(x, y)
		case xok:
			return -1
		case yok:
			return 1
		}
		return 0
	})
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
