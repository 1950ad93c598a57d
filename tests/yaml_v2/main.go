// yaml-v2-verdict prints, for each file named on the command line, what gopkg.in/yaml.v2 (the
// library Convox's manifest.Load reads convox.yml with) says about it: `ok`, or `error` with the
// message, or `panic` when the decoder crashes (non-scalar map keys). One tab-separated line per
// file: path, verdict, message quoted as a Go string.
//
// It unmarshals into an interface{} the way pkg/manifest/yaml.go:745-747 (yamlAttributes) does.
package main

import (
	"fmt"
	"io/ioutil"
	"os"

	yaml "gopkg.in/yaml.v2"
)

func verdict(data []byte) (kind string, msg string) {
	defer func() {
		if r := recover(); r != nil {
			kind, msg = "panic", fmt.Sprint(r)
		}
	}()
	var v interface{}
	if err := yaml.Unmarshal(data, &v); err != nil {
		return "error", err.Error()
	}
	return "ok", ""
}

func main() {
	for _, path := range os.Args[1:] {
		data, err := ioutil.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		kind, msg := verdict(data)
		fmt.Printf("%s\t%s\t%q\n", path, kind, msg)
	}
}
