#!/usr/bin/env node
import "../dist/entrylab.mjs";
