{
  "targets": [
    {
      "target_name": "fileorg_native",
      "conditions": [
        ["OS!='win'", { "sources": ["fast-move.c"] }],
        ["OS=='win'", { "sources": ["no-fast-move.c"] }]
      ],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2", "-Wall", "-Wextra"] }
    }
  ]
}
