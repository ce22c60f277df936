#!/usr/bin/env node
// Bundles the desktop app's main process and preload (filled in by issue 18's work).
