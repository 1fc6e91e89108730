// Package i18n holds the message catalogues of the user interface and chooses a
// language for each request. Every user-facing string comes from a catalogue; the
// English one is the reference and every other must have all of its keys.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

//go:embed messages/*.json
var files embed.FS

// Languages lists the interface languages, English first (the fallback).
var Languages = []string{"en", "fr", "de", "it", "ru", "es"}

// Names gives each interface language's name in that language, for the picker.
var Names = map[string]string{
	"en": "English", "fr": "Français", "de": "Deutsch", "it": "Italiano", "ru": "Русский", "es": "Español",
}

// Catalog holds every language's messages.
type Catalog struct {
	msgs    map[string]map[string]string
	matcher language.Matcher
}

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		b, err := files.ReadFile(path.Join("messages", l+".json"))
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", l, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalogue messages/%s.json: %w", l, err)
		}
		c.msgs[l] = m
		tags[i] = language.Make(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Missing returns the keys that English has and lang lacks, sorted.
func (c *Catalog) Missing(lang string) []string {
	var out []string
	for k := range c.msgs["en"] {
		if _, ok := c.msgs[lang][k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Keys returns every English key, sorted.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.msgs["en"]))
	for k := range c.msgs["en"] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// T returns the message key in lang, formatted with args as by fmt.Sprintf. A key
// missing in lang falls back to English; a key missing everywhere is returned in
// brackets so that the gap is visible (and caught by the tests).
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.msgs[lang][key]
	if !ok {
		if msg, ok = c.msgs["en"][key]; !ok {
			return "[" + key + "]"
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether English has key.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs["en"][key]; return ok }

// Choose returns the interface language for a user's preference, falling back to
// the browser's Accept-Language header, then English.
func (c *Catalog) Choose(preferred, acceptLanguage string) string {
	if p := strings.TrimSpace(preferred); p != "" {
		if _, ok := c.msgs[p]; ok {
			return p
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return Languages[idx]
}

// Supported reports whether lang is an interface language.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
