package main

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Ordered YAML builders: the generated part keeps the order OpenAPI
// readers expect (summary before responses…), which a Go map would not.

// obj builds a mapping from alternating keys and values; a nil value
// (or an empty string or list) leaves its key out.
func obj(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		v := node(kv[i+1])
		if v == nil {
			continue
		}
		n.Content = append(n.Content, str(kv[i].(string)), v)
	}
	return n
}

// flow renders n on one line ({a: 1} or [a, b]).
func flow(n *yaml.Node) *yaml.Node {
	n.Style = yaml.FlowStyle
	return n
}

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func strs(list []string) *yaml.Node {
	if len(list) == 0 {
		return nil
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, s := range list {
		n.Content = append(n.Content, str(s))
	}
	return n
}

func seq(items ...*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	n.Content = append(n.Content, items...)
	return n
}

// ref is {$ref: "#/components/<kind>/<name>"} on one line.
func ref(kind, name string) *yaml.Node {
	return flow(obj("$ref", "#/components/"+kind+"/"+name))
}

func node(v any) *yaml.Node {
	switch v := v.(type) {
	case nil:
		return nil
	case *yaml.Node:
		if v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			return nil
		}
		return v
	case string:
		if v == "" {
			return nil
		}
		return str(v)
	case []string:
		return strs(v)
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
	case float64:
		if v == float64(int64(v)) {
			return node(int64(v))
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	panic(fmt.Sprintf("yaml node of %T", v))
}

// child returns the value of key in mapping n (nil when absent).
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// ensure returns the mapping under key, adding an empty one when absent.
func ensure(n *yaml.Node, key string) *yaml.Node {
	if c := child(n, key); c != nil {
		return c
	}
	c := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	n.Content = append(n.Content, str(key), c)
	return c
}

// set adds key: v to mapping n, failing on a key already there (a
// generated name must never shadow a hand-written one).
func set(n *yaml.Node, key string, v *yaml.Node) error {
	if child(n, key) != nil {
		return fmt.Errorf("%s is defined twice (hand-written and generated)", key)
	}
	n.Content = append(n.Content, str(key), v)
	return nil
}
