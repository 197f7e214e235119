"""procex BPMN core: read, write, validate, lint and diff BPMN 2.0 models. Knows nothing of networks or libraries."""
