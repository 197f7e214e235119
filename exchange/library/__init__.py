"""The library client and the package format: manifests, references, versions, licences."""
