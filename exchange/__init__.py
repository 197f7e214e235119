"""procex exchange: packages, the library client and server, workspace, catalogue, mapping and reports."""
