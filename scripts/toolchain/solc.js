#!/usr/bin/env node
// A native-solc-compatible front end over solc-js (the npm `solc` package).
//
// Callers such as py-solc-x (used by ape-solidity) and svm (used by EZKL's
// verifier generator) expect a native `solc` executable. This wrapper answers the
// subset of the command line they use:
//   solc --version
//   solc --standard-json [--base-path P] [--include-path P]... [--allow-paths P]
// Standard JSON is read from stdin and written to stdout; imports are resolved
// against the base path, the include paths and the working directory.
"use strict";

const fs = require("fs");
const path = require("path");

function loadSolc() {
  try {
    return require("solc");
  } catch (err) {
    process.stderr.write(
      "solc wrapper: the npm package 'solc' is missing; run `make setup` (npm ci) first.\n"
    );
    process.exit(2);
  }
}

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, basePath: null, includePaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) {
        process.stderr.write(`solc wrapper: ${arg} needs a value\n`);
        process.exit(2);
      }
      return argv[++i];
    };
    if (arg === "--version" || arg === "-v") opts.version = true;
    else if (arg === "--standard-json") opts.standardJson = true;
    else if (arg === "--base-path") opts.basePath = next();
    else if (arg.startsWith("--base-path=")) opts.basePath = arg.slice(12);
    else if (arg === "--include-path") opts.includePaths.push(next());
    else if (arg.startsWith("--include-path=")) opts.includePaths.push(arg.slice(15));
    else if (arg === "--allow-paths") next(); // solc-js reads only through the callback below
    else if (arg.startsWith("--allow-paths=")) continue;
    else if (arg === "--no-color" || arg === "--pretty-json") continue;
    else {
      process.stderr.write(
        `solc wrapper: unsupported argument '${arg}' (only --version and --standard-json are served)\n`
      );
      process.exit(2);
    }
  }
  return opts;
}

function nativeVersion(solc) {
  // solc-js reports e.g. "0.8.28+commit.7893614a.Emscripten.clang"; native callers
  // parse "Version: <semver>+commit.<hash>.<platform>".
  const v = solc.version().replace(/\.Emscripten\.clang$/, ".Linux.g++");
  return `solc, the solidity compiler commandline interface\nVersion: ${v}\n`;
}

function importResolver(opts) {
  const roots = [opts.basePath, ...opts.includePaths, process.cwd()].filter(Boolean);
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      try {
        return { contents: fs.readFileSync(candidate, "utf8") };
      } catch (_) {
        // try the next root
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const solc = loadSolc();
  if (opts.version) {
    process.stdout.write(nativeVersion(solc));
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write("solc wrapper: pass --version or --standard-json\n");
    process.exit(2);
  }
  const input = fs.readFileSync(0, "utf8");
  const output = solc.compile(input, { import: importResolver(opts) });
  process.stdout.write(output);
}

main();
