{
  "targets": [
    {
      "target_name": "fileorg_native",
      "conditions": [
        ["OS!='win'", { "sources": ["module.c", "fast-move.c", "part-digests.c", "blake3-portable.c", "read-folder.c", "release-memory.c", "attributes.c"] }],
        ["OS=='win'", { "sources": ["windows.c"] }]
      ],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2", "-Wall", "-Wextra"] }
    }
  ]
}
