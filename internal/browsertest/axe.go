package browsertest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeFile is where `npm ci --prefix tools/axe` puts axe-core, relative to the
// directory of go.mod.
const axeFile = "tools/axe/node_modules/axe-core/axe.min.js"

// Violation is one accessibility rule that the page breaks, as axe-core
// reports it.
type Violation struct {
	ID      string   `json:"id"`      // the rule, such as "image-alt" or "label"
	Impact  string   `json:"impact"`  // "minor", "moderate", "serious" or "critical"
	Help    string   `json:"help"`    // what the rule asks for, in one sentence
	HelpURL string   `json:"helpUrl"` // where the rule is explained
	Targets []string `json:"targets"` // a CSS selector for each element that breaks it
}

// String renders the violation for a failure message.
func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s; elements: %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// axeRunJS runs axe-core on the document and keeps only what Violation holds.
// Selectors into shadow roots or frames come as lists, joined here.
const axeRunJS = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || "",
	help: v.help,
	helpUrl: v.helpUrl,
	targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : t).join(" "))
})))`

// Axe checks the current page with axe-core and returns the rules that it
// breaks. The script is evaluated through the DevTools protocol, which the
// page's Content-Security-Policy does not restrict. It skips the test when
// axe-core is not installed, or fails it when ALLIANCE_REQUIRE_SERVICES=1.
func (tab *Tab) Axe() []Violation {
	tab.t.Helper()
	loaded := run(tab, "look for axe-core", chromedp.Evaluate[bool](`typeof window.axe?.run === "function"`))
	if !loaded {
		src := axeSource(tab)
		// The trailing expression keeps the protocol from serialising the
		// value of the last statement of the library.
		run(tab, "load axe-core", chromedp.Evaluate[chromedp.Void](src+"\n;undefined"))
	}
	return run(tab, "run axe-core", chromedp.Evaluate[[]Violation](axeRunJS, chromedp.EvalAwaitPromise))
}

// SeriousViolations returns the violations whose impact is serious or
// critical: the ones that keep a person from using the page.
func SeriousViolations(v []Violation) []Violation {
	var serious []Violation
	for _, x := range v {
		if x.Impact == "serious" || x.Impact == "critical" {
			serious = append(serious, x)
		}
	}
	return serious
}

// axeSource reads axe.min.js, or skips or fails the test when it is missing.
func axeSource(tab *Tab) string {
	tab.t.Helper()
	root, err := moduleRoot()
	if err != nil {
		tab.t.Fatalf("browsertest: find axe-core: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(root, axeFile))
	if errors.Is(err, os.ErrNotExist) {
		skipOrFail(tab.t, "axe-core not installed; run `npm ci --prefix tools/axe`")
	}
	if err != nil {
		tab.t.Fatalf("browsertest: read axe-core: %v", err)
	}
	return string(src)
}

// moduleRoot returns the directory of go.mod, walking up from the working
// directory, which go test sets to the directory of the package under test.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
