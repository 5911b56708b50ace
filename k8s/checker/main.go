// Command flowmate-k8s-check decodes Kubernetes manifests strictly against the official k8s.io/api
// types: an unknown, misspelt or duplicated field, or a kind it has no type for, fails the file.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	yamlv3 "go.yaml.in/yaml/v3"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: flowmate-k8s-check MANIFEST.yaml...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		if err := checkFile(path); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", path, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func checkFile(path string) error {
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	documents, err := splitDocuments(content)
	if err != nil {
		return err
	}
	if len(documents) == 0 {
		return errors.New("no manifest in the file")
	}
	var failures []error
	for index, document := range documents {
		description, err := checkDocument(document)
		if err != nil {
			failures = append(failures, fmt.Errorf("document %d: %w", index+1, err))
			continue
		}
		fmt.Printf("ok %s: %s\n", path, description)
	}
	return errors.Join(failures...)
}

// splitDocuments cuts a multi-document YAML stream into its non-empty documents.
func splitDocuments(content []byte) ([][]byte, error) {
	decoder := yamlv3.NewDecoder(bytes.NewReader(content))
	var documents [][]byte
	for {
		var node yamlv3.Node
		if err := decoder.Decode(&node); err != nil {
			if errors.Is(err, io.EOF) {
				return documents, nil
			}
			return nil, err
		}
		if len(node.Content) == 0 {
			continue
		}
		document, err := yamlv3.Marshal(&node)
		if err != nil {
			return nil, err
		}
		documents = append(documents, document)
	}
}

func checkDocument(document []byte) (string, error) {
	// YAMLToJSONStrict refuses duplicate keys, which a plain YAML parse silently merges.
	asJSON, err := yaml.YAMLToJSONStrict(document)
	if err != nil {
		return "", err
	}
	var meta typeMeta
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(asJSON, &meta); err != nil {
		return "", err
	}
	newObject, known := coreKinds[meta.APIVersion+" "+meta.Kind]
	if !known {
		return "", fmt.Errorf("no official type for apiVersion %q kind %q", meta.APIVersion, meta.Kind)
	}
	// Field names are case-sensitive here, unlike encoding/json's, as the API server's decoder is.
	strictErrors, err := sigsjson.UnmarshalStrict(asJSON, newObject(), sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return "", err
	}
	if len(strictErrors) > 0 {
		return "", errors.Join(strictErrors...)
	}
	return fmt.Sprintf("%s %s/%s", meta.APIVersion, meta.Kind, meta.Metadata.Name), nil
}
