"""Protocol definitions (our .proto subset of tfplugin6 and go-plugin) and their generated code."""
