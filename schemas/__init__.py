"""The schemas procex validates against: the OMG BPMN 2.0 XSDs and procex's own JSON Schemas."""

from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent
BPMN_XSD = SCHEMA_DIR / "bpmn20" / "BPMN20.xsd"
